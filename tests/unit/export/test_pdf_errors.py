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
    with pytest.raises(PdfExportError, match="needs Playwright and Chromium at"):
        deck_to_pdf(DECK, chromium_path=missing)


def test_a_file_that_is_not_executable_does_not_count(tmp_path) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("not a browser")
    fake.chmod(0o644)
    assert not pdf_available(str(fake))


def test_empty_deck_is_refused() -> None:
    with pytest.raises(PdfExportError, match="no slides"):
        deck_to_pdf(Deck(id="d", owner="o", title="Empty"))


def test_busy_when_every_print_slot_is_taken(monkeypatch, tmp_path) -> None:
    import threading

    from slidegen.export import pdf

    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "_SLOTS", threading.BoundedSemaphore(1))
    monkeypatch.setattr(pdf, "QUEUE_TIMEOUT_S", 0.05)
    monkeypatch.setattr(pdf, "pdf_available", lambda path: True)
    pdf._SLOTS.acquire()  # another export holds the only slot
    try:
        with pytest.raises(PdfExportError, match="busy"):
            deck_to_pdf(DECK, chromium_path=str(fake))
    finally:
        pdf._SLOTS.release()


def test_cancelled_waiter_does_not_leak_its_slot(monkeypatch) -> None:
    import asyncio
    import threading

    from slidegen.export import pdf

    monkeypatch.setattr(pdf, "_SLOTS", threading.BoundedSemaphore(1))
    pdf._SLOTS.acquire()

    async def scenario() -> None:
        waiter = asyncio.ensure_future(pdf._acquire_slot())
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        pdf._SLOTS.release()  # the holder finishes: the cancelled waiter takes and returns it
        await asyncio.sleep(0.2)

    asyncio.run(scenario())
    assert pdf._SLOTS.acquire(timeout=1)  # the slot is free again
    pdf._SLOTS.release()
