"""Deck to PDF with headless Chromium (Playwright driving Debian's `/usr/bin/chromium`).

Text stays text: Chromium's PDF output is vector for HTML; only the chart canvases are bitmaps
(rendered at twice the pixel density so they print sharp). The page loads the standalone deck
document (`html.py`), Chart.js animation is switched off before any chart exists (an init script
catches the moment the library defines `window.Chart`), and the PDF is taken once every chart
has drawn and fonts are ready. Playwright is a development dependency and the Databricks Apps
container has no Chromium: `pdf_available()` says whether this path can run; where it cannot,
the UI offers the HTML export and the browser's own print-to-PDF.

`deck_to_pdf` is synchronous and safe to call from any thread, including one that runs an
asyncio loop (it then works in a helper thread); async code can await `deck_to_pdf_async`.

Slides are untrusted code: one export has a hard deadline (`PDF_EXPORT_TIMEOUT_S`) after which
its Chromium is closed, whatever the page is doing (a `while(true){}` slide never finishes
loading), and one owner has at most one export running, so a hostile deck holds at most one of
the process's slots for at most the deadline while other users' exports go on.

What every server-side Chromium here (this export, the PPTX layout measurement, the fit check)
starts the same way lives here too: `launch_chromium`, `slide_context` and `acquire_slot`. A
slide must reach nothing outside its document, so three guards stand between it and the network,
each enough alone for what it covers: the context's routes abort every request and navigation
except the in-memory `Asset`s its caller serves (and refuse WebSockets), offline emulation, and
a Chromium whose every connection goes to a proxy where nothing listens (`SLIDE_CHROMIUM_ARGS`),
for requests neither of the others sees (a beacon sent as a page closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.util
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slidegen.config import get_settings
from slidegen.deck.model import SLIDE_HEIGHT, SLIDE_WIDTH, Deck
from slidegen.export.html import deck_to_html

__all__ = [
    "CHROMIUM_ARGS",
    "DEFAULT_CHROMIUM",
    "NO_CHART_ANIMATION",
    "SLIDE_CHROMIUM_ARGS",
    "Asset",
    "PdfBusyError",
    "PdfExportError",
    "acquire_slot",
    "deck_to_pdf",
    "deck_to_pdf_async",
    "launch_chromium",
    "pdf_available",
    "slide_context",
]

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# The machine may have no internet: keep Chromium from phoning home (and from stalling on it).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
# Only for Chromium loading slides (tests reach the app on 127.0.0.1 with CHROMIUM_ARGS alone):
# every connection goes through a proxy on a privileged port where nothing listens, loopback
# included (`<-loopback>` drops Chromium's implicit bypass), so a request that slips past the
# context's routes and offline emulation fails at the socket. Playwright's routes answer before
# the network, so the in-memory assets are unaffected.
SLIDE_CHROMIUM_ARGS = ("--proxy-server=http://127.0.0.1:1", "--proxy-bypass-list=<-loopback>")
TIMEOUT_MS = 60_000
# Each export starts its own Chromium (~150 MB): at most this many at once per process, callers
# beyond that wait up to QUEUE_TIMEOUT_S for a slot, then get a clear "busy" error.
MAX_CONCURRENT = 2
QUEUE_TIMEOUT_S = 120.0
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)
# Owners with an export running in this process (one each).
_OWNERS_PRINTING: set[str] = set()
_OWNERS_LOCK = threading.Lock()

# Runs before any page script: when Chart.js assigns window.Chart, turn animation off so the
# first frame is the final one (for a PDF, a layout measurement or a screenshot).
NO_CHART_ANIMATION = """
(() => {
  let chart;
  Object.defineProperty(window, "Chart", {
    configurable: true,
    get() { return chart; },
    set(value) {
      chart = value;
      try { value.defaults.animation = false; } catch (e) {}
    },
  });
})();
"""

# After load: stop any animation a slide asked for explicitly, redraw at the final state, and
# wait for fonts and two frames so every canvas holds its pixels.
_SETTLE = """
async () => {
  if (window.Chart && window.Chart.instances) {
    for (const chart of Object.values(window.Chart.instances)) {
      try { chart.stop(); chart.options.animation = false; chart.update("none"); } catch (e) {}
    }
  }
  await document.fonts.ready;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return window.Chart && window.Chart.instances
    ? Object.keys(window.Chart.instances).length : 0;
}
"""


class PdfExportError(RuntimeError):
    """The PDF could not be produced; the message says why (no Chromium, timeout, crash)."""


class PdfBusyError(PdfExportError):
    """No export can start now (all slots taken, or this owner already has one running)."""


@contextlib.contextmanager
def _one_per_owner(owner: str) -> Iterator[None]:
    with _OWNERS_LOCK:
        if owner in _OWNERS_PRINTING:
            raise PdfBusyError(
                "another PDF export of yours is still running; wait for it to finish"
            )
        _OWNERS_PRINTING.add(owner)
    try:
        yield
    finally:
        with _OWNERS_LOCK:
            _OWNERS_PRINTING.discard(owner)


def pdf_available(chromium_path: str = DEFAULT_CHROMIUM) -> bool:
    """Whether server-side PDF export can run here: Playwright installed and Chromium present."""
    if importlib.util.find_spec("playwright") is None:
        return False
    path = Path(chromium_path)
    return path.is_file() and os.access(path, os.X_OK)


async def deck_to_pdf_async(
    deck: Deck, *, chromium_path: str = DEFAULT_CHROMIUM, timeout_s: float | None = None
) -> bytes:
    """The deck as a PDF, one 1280x720 page per slide, text kept as text.

    `timeout_s` (default `PDF_EXPORT_TIMEOUT_S`) bounds the whole print, queueing excluded.
    """
    if not deck.slides:
        raise PdfExportError(f"deck {deck.title!r} has no slides to export")
    if not pdf_available(chromium_path):
        raise PdfExportError(
            f"PDF export needs Playwright and Chromium at {chromium_path}, which this machine "
            "lacks; use the HTML export and the browser's print to PDF instead"
        )
    deadline = timeout_s if timeout_s is not None else get_settings().pdf_export_timeout_s
    document = deck_to_html(deck).decode("utf-8")
    with _one_per_owner(deck.owner or ""):
        if not await _acquire_slot():
            raise PdfBusyError("the server is busy printing other decks; try again in a minute")
        try:
            async with asyncio.timeout(deadline):
                return await _print(document, chromium_path)
        except TimeoutError:
            raise PdfExportError(
                f"printing the deck took longer than {deadline:g} s and was stopped (a slide's "
                "script may never finish); fix that slide or use the HTML export"
            ) from None
        finally:
            _SLOTS.release()


async def _acquire_slot() -> bool:
    """Wait for a print slot (up to `QUEUE_TIMEOUT_S`)."""
    return await acquire_slot(_SLOTS, QUEUE_TIMEOUT_S)


async def acquire_slot(slots: threading.BoundedSemaphore, timeout_s: float) -> bool:
    """Take one of `slots` within `timeout_s` without blocking the loop (a thread-level
    semaphore, since callers come from several event loops); False when none came free. A
    caller cancelled while waiting never leaks the slot."""
    waiting = asyncio.ensure_future(asyncio.to_thread(slots.acquire, timeout=timeout_s))
    try:
        return await asyncio.shield(waiting)
    except asyncio.CancelledError:
        waiting.add_done_callback(lambda done: done.result() and slots.release())
        raise


async def launch_chromium(playwright: Any, chromium_path: str) -> Any:
    """Chromium at `chromium_path` started by `playwright` (an async Playwright) with
    `CHROMIUM_ARGS` and `SLIDE_CHROMIUM_ARGS`, within `TIMEOUT_MS`. The caller closes it."""
    return await playwright.chromium.launch(
        executable_path=chromium_path,
        args=[*CHROMIUM_ARGS, *SLIDE_CHROMIUM_ARGS],
        timeout=TIMEOUT_MS,
    )


@dataclass(frozen=True)
class Asset:
    """A response a slide context serves from memory for one exact URL."""

    content_type: str
    body: str | bytes
    headers: Mapping[str, str] = field(default_factory=dict)


async def slide_context(
    browser: Any, *, assets: Mapping[str, Asset] | None = None, **options: Any
) -> Any:
    """A new context of `browser` for untrusted slides: 1280x720, Chart.js animation off before
    any chart exists (`NO_CHART_ANIMATION`), and no way out. Every request and navigation of its
    pages and their workers is aborted unless its URL is a key of `assets` (served from memory),
    WebSockets are refused, service workers blocked, and the context is offline besides.
    Documents given by `set_content` (about:blank) and data:/blob: URLs never reach the routes;
    Chromium itself refuses file:// and chrome:// to them. `options` go to `new_context`."""
    served = dict(assets or {})
    context = await browser.new_context(
        viewport={"width": SLIDE_WIDTH, "height": SLIDE_HEIGHT},
        **options,
        offline=True,
        service_workers="block",
    )
    # Registered before any page exists, so no page ever runs without them.
    await context.route(lambda _url: True, functools.partial(_only_assets, served))
    await context.route_web_socket("**/*", _refuse_socket)
    await context.add_init_script(NO_CHART_ANIMATION)
    return context


async def _only_assets(assets: Mapping[str, Asset], route: Any) -> None:
    from playwright.async_api import Error as PlaywrightError

    asset = assets.get(route.request.url)
    # The page may close while its request waits here (a stuck slide's page is closed).
    with contextlib.suppress(PlaywrightError):
        if asset is None:
            await route.abort("blockedbyclient")
        else:
            await route.fulfill(
                status=200,
                content_type=asset.content_type,
                body=asset.body,
                headers=dict(asset.headers),
            )


async def _refuse_socket(socket: Any) -> None:
    """Never connected to its server (a route that does not call `connect_to_server`)."""
    from playwright.async_api import Error as PlaywrightError

    with contextlib.suppress(PlaywrightError):
        await socket.close()


async def _print(document: str, chromium_path: str) -> bytes:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    try:
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright, chromium_path)
            try:
                context = await slide_context(browser, device_scale_factor=2)
                page = await context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                await page.set_content(document, wait_until="load")
                await page.evaluate(_SETTLE)
                return await page.pdf(
                    width=f"{SLIDE_WIDTH}px",
                    height=f"{SLIDE_HEIGHT}px",
                    print_background=True,
                    margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
                    prefer_css_page_size=True,
                )
            finally:
                # A slide stuck in a loop keeps its renderer busy: closing the browser ends
                # the process regardless; bounded so a hung close cannot hold the slot.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(browser.close(), 10)
    except PlaywrightError as exc:
        raise PdfExportError(f"Chromium failed to print the deck: {exc.message}") from exc


def deck_to_pdf(deck: Deck, *, chromium_path: str = DEFAULT_CHROMIUM) -> bytes:
    """Synchronous `deck_to_pdf_async`; callable from any thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(deck_to_pdf_async(deck, chromium_path=chromium_path))
    # This thread runs an event loop that must not block on a nested one: use a helper thread.
    result: dict[str, bytes | BaseException] = {}

    def work() -> None:
        try:
            result["pdf"] = asyncio.run(deck_to_pdf_async(deck, chromium_path=chromium_path))
        except BaseException as exc:  # handed back to the caller's thread below
            result["error"] = exc

    thread = threading.Thread(target=work, name="slidegen-pdf", daemon=True)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result["pdf"]  # type: ignore[return-value]
