"""Slide layouts measured by server-side Chromium (Playwright), for the PPTX export.

Each slide is loaded as its own single-slide document (the one the editor shows) with the
measuring script (`measure_slide.js`) and Chart.js animation off, and `__sgMeasure()` returns
its layout tree, which is validated like a layout posted by a browser. Where there is no
Chromium (the Databricks Apps container) `measure_available()` is false and the caller falls
back to the browser-free flow layout, or to layouts the user's browser posted.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from slidegen.deck.model import Deck
from slidegen.deck.render import render_slide_document
from slidegen.export.layout_tree import LayoutError, SlideLayout, parse_slide_layout
from slidegen.export.pdf import (
    DEFAULT_CHROMIUM,
    acquire_slot,
    launch_chromium,
    pdf_available,
    slide_context,
)

__all__ = ["MeasureError", "measure_available", "measure_deck", "measure_deck_async"]

SLIDE_TIMEOUT_MS = 15_000
# Each measurement starts its own Chromium (~150 MB): at most this many at once per process; a
# caller that waits longer than QUEUE_TIMEOUT_S gets a MeasureError (and the flow layout).
MAX_CONCURRENT = 2
QUEUE_TIMEOUT_S = 60.0
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)
T = TypeVar("T")
log = logging.getLogger("slidegen.export.measure")


class MeasureError(RuntimeError):
    """Chromium could not measure the deck; the message says why."""


def measure_available(chromium_path: str = DEFAULT_CHROMIUM) -> bool:
    return pdf_available(chromium_path)


async def measure_deck_async(
    deck: Deck, *, chromium_path: str = DEFAULT_CHROMIUM
) -> dict[str, SlideLayout]:
    """Every slide's layout by slide id; a slide whose layout fails validation is left out."""
    if not measure_available(chromium_path):
        raise MeasureError(f"measuring slides needs Playwright and Chromium at {chromium_path}")
    if not await acquire_slot(_SLOTS, QUEUE_TIMEOUT_S):
        raise MeasureError("the server is busy measuring other decks")
    try:
        return await _measure(deck, chromium_path)
    finally:
        _SLOTS.release()


async def _measure(deck: Deck, chromium_path: str) -> dict[str, SlideLayout]:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    layouts: dict[str, SlideLayout] = {}
    try:
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright, chromium_path)
            try:
                context = await slide_context(browser)
                page = await context.new_page()
                page.set_default_timeout(SLIDE_TIMEOUT_MS)
                for slide in deck.slides:
                    document = render_slide_document(deck, slide, measure=True)
                    try:
                        await page.set_content(document, wait_until="load")
                        raw = await page.evaluate("() => window.__sgMeasure()")
                        layouts[slide.id] = parse_slide_layout(raw)
                    except LayoutError:
                        continue  # this slide takes the flow layout
                    except PlaywrightError:
                        # a slide whose script never ends: the flow layout, and a fresh page
                        log.warning("slide %s could not be measured", slide.id)
                        await page.close()
                        page = await context.new_page()
                        page.set_default_timeout(SLIDE_TIMEOUT_MS)
            finally:
                await browser.close()
    except PlaywrightError as exc:
        raise MeasureError(f"Chromium failed to measure the slides: {exc.message}") from exc
    return layouts


def measure_deck(deck: Deck, *, chromium_path: str = DEFAULT_CHROMIUM) -> dict[str, SlideLayout]:
    """Synchronous `measure_deck_async`; callable from any thread, even one running a loop."""
    return run_sync(measure_deck_async(deck, chromium_path=chromium_path))


def run_sync(work: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(work)
        except BaseException as exc:  # handed back to the caller's thread below
            result["error"] = exc

    thread = threading.Thread(target=target, name="slidegen-measure", daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]
