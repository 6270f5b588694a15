"""The incremental slide splitter: slides come out the moment they close, whatever the chunking."""

from __future__ import annotations

import pytest

from slidegen.agent.stream import SlideSplitter

DECK = (
    "Here is your deck:\n```html\n<!DOCTYPE html><html><head><title>Q3 <b>review</b></title>\n"
    '<style>.slide > div { color: red } /* <div class="slide"> */</style></head><body>\n'
    '<div class="slide title"><h1>One</h1><div><p>nested <div>deeper</div></p></div></div>\n'
    '<!-- <div class="slide">commented out</div> -->\n'
    "<section class='slide'><h2>Two</h2><canvas id=c></canvas>"
    "<script>if (a < b && s === '</div>') { new Chart(c, {}); }</script></section>\n"
    '<div data-x="a>b" class=slide><h2>Three</h2><br><img src="data:image/png;base64,AA"><p>3 < 4'
    "</div>\n</body></html>\n```"
)
EXPECTED_STARTS = ('<div class="slide title">', "<section class='slide'>", '<div data-x="a>b"')


def split(text: str, size: int) -> list[tuple[int, str]]:
    splitter = SlideSplitter()
    out = []
    for i in range(0, len(text), size):
        out += [(c.start, c.html) for c in splitter.feed(text[i : i + size])]
    return out


def test_whole_text_gives_each_container_with_its_offset() -> None:
    slides = split(DECK, len(DECK))
    for (start, html), prefix in zip(slides, EXPECTED_STARTS, strict=True):
        assert html.startswith(prefix)
        assert DECK[start : start + len(html)] == html
    assert slides[0][1].endswith("deeper</div></p></div></div>")
    assert "new Chart" in slides[1][1] and slides[1][1].endswith("</section>")
    assert slides[2][1].endswith("<p>3 < 4</div>")


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 16, 64])
def test_any_chunking_gives_the_same_slides(size: int) -> None:
    assert split(DECK, size) == split(DECK, len(DECK))


def test_a_slide_is_emitted_on_the_piece_that_closes_it_and_not_before() -> None:
    splitter = SlideSplitter()
    text = '<div class="slide"><p>a</p></div><div class="slide">b</div>'
    first_close = text.index("</div>") + len("</div>") - 1  # the container's ">"
    emitted_at = []
    for i, char in enumerate(text):
        if splitter.feed(char):
            emitted_at.append(i)
    assert emitted_at == [first_close, len(text) - 1]


def test_unclosed_slide_is_not_emitted_and_is_reported_open() -> None:
    splitter = SlideSplitter()
    assert splitter.feed('<div class="slide"><h1>never closed') == []
    assert splitter.in_slide
    assert splitter.slides_found == 0


def test_class_must_be_the_slide_token_not_a_substring() -> None:
    text = '<div class="slideshow">x</div><div class="my-slide">y</div><div class="a slide">z</div>'
    assert [h for _, h in split(text, 3)] == ['<div class="a slide">z</div>']


def test_buffer_stays_bounded_over_a_long_stream() -> None:
    splitter = SlideSplitter()
    slide = '<div class="slide">' + "<p>text</p>" * 300 + "</div>\n"
    biggest = 0
    for _ in range(50):
        for i in range(0, len(slide), 5):
            splitter.feed(slide[i : i + 5])
            biggest = max(biggest, len(splitter._buf))
    assert splitter.slides_found == 50
    assert biggest <= len(slide) + 4096 + 5


def test_a_lone_less_than_sign_in_prose_does_not_stall_the_scanner() -> None:
    prose = "if a<b then " + "x" * 9000 + ' <div class="slide">ok</div>'
    assert [h for _, h in split(prose, 100)] == ['<div class="slide">ok</div>']
