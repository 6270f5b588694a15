"""The standalone HTML export: every slide, nothing loaded from outside, one page per slide."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from slidegen.deck.model import Deck, Slide
from slidegen.export import deck_to_html

CHART = (
    "new Chart(document.getElementById('c'), {type: 'bar', "
    "data: {labels: ['a'], datasets: [{data: [1]}]}});"
)


def _deck() -> Deck:
    slides = tuple(
        Slide(
            id=f"s_{k:010x}",
            html=f'<div class="slide"><h1>Slide {k}</h1><canvas id="c"></canvas></div>',
            scripts=(CHART,),
        )
        for k in range(1, 4)
    )
    return Deck(
        id="d_html",
        owner="alice",
        title="Offline <deck>",
        styles=".slide{color:#123}",
        slides=slides,
    )


def test_contains_every_slide_in_order_with_its_script() -> None:
    soup = BeautifulSoup(deck_to_html(_deck()).decode("utf-8"), "html.parser")
    assert [h.get_text() for h in soup.find_all("h1")] == ["Slide 1", "Slide 2", "Slide 3"]
    assert [p["data-sg-slide"] for p in soup.select(".sg-page")] == [
        f"s_{k:010x}" for k in range(1, 4)
    ]
    inline = [s.get_text() for s in soup.find_all("script")]
    assert sum(CHART in code for code in inline) == 3
    assert any("Chart" in code and len(code) > 100_000 for code in inline)  # Chart.js inlined
    assert soup.title.get_text() == "Offline <deck>"


def test_nothing_is_fetched_from_outside() -> None:
    text = deck_to_html(_deck()).decode("utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert not soup.find_all("link")
    for element in soup.find_all(True):
        for attr in ("src", "href", "srcset", "poster", "data"):
            value = str(element.get(attr) or "")
            assert not re.match(r"\s*(https?:)?//", value), (element.name, attr, value)
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp


def test_prints_one_1280x720_page_per_slide() -> None:
    text = deck_to_html(_deck()).decode("utf-8")
    assert re.search(r"@page\s*\{\s*size:\s*1280px 720px;\s*margin:\s*0", text)
    assert "break-after:page" in text.replace(" ", "")
