"""PDF export errors that need no browser: missing Chromium, empty deck."""

from __future__ import annotations

import pytest

from slidegen.deck.model import Deck, Slide
from slidegen.export import PdfExportError, deck_to_pdf, pdf_available

DECK = Deck(
    id="d",
    owner="o",
    title="T",
    slides=(Slide(id="s_0000000001", html='<div class="slide"><h1>x</h1></div>'),),
)


def test_missing_chromium_is_reported(tmp_path) -> None:
    missing = str(tmp_path / "no-chromium")
    assert not pdf_available(missing)
    with pytest.raises(PdfExportError, match="needs Playwright and Chromium"):
        deck_to_pdf(DECK, chromium_path=missing)


def test_a_file_that_is_not_executable_does_not_count(tmp_path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("not a browser")
    fake.chmod(0o644)
    assert not pdf_available(str(fake))


def test_empty_deck_is_refused() -> None:
    with pytest.raises(PdfExportError, match="no slides"):
        deck_to_pdf(Deck(id="d", owner="o", title="Empty"))
