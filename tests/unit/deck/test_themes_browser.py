"""Themes in Chromium: a deck written before themes keeps its layout when it is given one. Every
corpus deck of real model output is measured for fit (`slidegen.export.fit`) with no theme and
with a theme whose fonts differ most (serif): no slide that fitted stops fitting, and a slide
that already overflowed overflows by at most one more line (other fonts have other metrics;
sizes and spacing, which would push whole blocks out, are not the theme's to change here)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from slidegen.deck import Deck, parse_deck_html, set_theme
from slidegen.deck.themes import BUILTIN_THEMES
from tests.support.require import missing

pytestmark = pytest.mark.browser
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"
MAX_SLIDES = 20  # the two longest decks (reveal.js demo, 21 Gamma themes) add a minute, no case
ONE_LINE_PX = 24


def _decks() -> list[Path]:
    return sorted(CORPUS.glob("*.html")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", _decks(), ids=lambda p: p.stem)
def test_a_theme_never_makes_a_corpus_slide_overflow(path: Path) -> None:
    from slidegen.export.fit import FitUnavailable, fit_session

    parsed = parse_deck_html(path.read_text(encoding="utf-8", errors="replace"))
    if len(parsed.slides) > MAX_SLIDES:
        pytest.skip(f"{len(parsed.slides)} slides")
    deck = Deck("d_1", "u", "T", parsed.styles, parsed.slides)
    themed = set_theme(deck, BUILTIN_THEMES["paper"])

    async def measure() -> tuple[list, list]:
        async with fit_session() as session:
            return await session.measure(deck.slides, deck), await session.measure(
                themed.slides, themed
            )

    try:
        plain, with_theme = asyncio.run(measure())
    except FitUnavailable as error:
        missing(str(error))
    for number, (before, after) in enumerate(zip(plain, with_theme, strict=True), start=1):
        assert after.measured, (number, after.problems)
        if before.fits:
            assert after.fits, (number, after.problems)
        assert after.overflow_px <= before.overflow_px + ONE_LINE_PX, (
            number,
            before.problems,
            after.problems,
        )
