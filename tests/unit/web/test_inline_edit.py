"""Text typed on the stage, applied to the stored slide HTML: mapping, checks, what is kept."""

from __future__ import annotations

import pytest

from slidegen.web.inline_edit import (
    InlineEditError,
    TextEdit,
    apply_text_edits,
    editable_blocks,
    parse_text_edits,
)

SLIDE = (
    '<div class="slide"><h1>Q3 <b>revenue</b></h1><p>Prepared</p>'
    "<ul><li>FX <p>nested</p></li><li>Hiring</li></ul>"
    '<canvas id="c"></canvas><table><tr><th>Account</th><td>4.1</td></tr></table></div>'
)


def test_blocks_are_the_outermost_headings_paragraphs_items_and_cells() -> None:
    import lxml.html

    root = lxml.html.fragment_fromstring(SLIDE)
    assert [b.text_content() for b in editable_blocks(root)] == [
        "Q3 revenue",
        "Prepared",
        "FX nested",
        "Hiring",
        "Account",
        "4.1",
    ]


def test_an_edit_replaces_only_its_block_and_keeps_inline_markup() -> None:
    html = apply_text_edits(
        SLIDE,
        [
            TextEdit(0, "Q3 revenue", "Q4 <b>revenue</b> &amp; costs"),
            TextEdit(5, "4.1", "5.0"),
        ],
    )
    assert "<h1>Q4 <b>revenue</b> &amp; costs</h1>" in html
    assert "<td>5.0</td>" in html
    assert '<canvas id="c"></canvas>' in html and "<p>Prepared</p>" in html


def test_markup_beyond_inline_formatting_is_reduced_to_text() -> None:
    html = apply_text_edits(
        SLIDE,
        [
            TextEdit(
                1,
                "Prepared",
                '<div onclick="x()">Now</div><script>alert(1)</script>'
                '<span style="color:red" onmouseover="y()">red</span><!-- c --><img src=x>',
            )
        ],
    )
    assert '<p>Now<span style="color:red">red</span></p>' in html
    assert "script" not in html and "onmouseover" not in html and "img" not in html


@pytest.mark.parametrize(
    "edit",
    [
        TextEdit(1, "Something else", "x"),  # the slide changed under the edit
        TextEdit(6, "", "x"),  # no such block
    ],
)
def test_an_edit_that_does_not_match_the_slide_is_refused(edit: TextEdit) -> None:
    with pytest.raises(InlineEditError, match="changed while you edited"):
        apply_text_edits(SLIDE, [edit])


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "x",
        [{"i": "0", "before": "", "html": ""}],
        [{"i": True, "before": "", "html": ""}],
        [{"i": -1, "before": "", "html": ""}],
        [{"i": 0, "before": None, "html": ""}],
        [{"i": 0, "before": "", "html": ""}, {"i": 0, "before": "", "html": ""}],
        [{"i": 0, "before": "", "html": "x" * 200_001}],
        [{"i": n, "before": "", "html": ""} for n in range(501)],
    ],
)
def test_malformed_messages_are_refused(payload: object) -> None:
    with pytest.raises(InlineEditError):
        parse_text_edits(payload)


def test_a_well_formed_message_is_read() -> None:
    assert parse_text_edits([{"i": 2, "before": "a", "html": "b", "extra": 1}]) == [
        TextEdit(2, "a", "b")
    ]
