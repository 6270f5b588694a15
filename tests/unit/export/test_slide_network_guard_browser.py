"""Hostile slides loaded by the server's Chromium reach no network, through every path that
loads them: the fit check (`fit_session`), the PDF export (`deck_to_pdf`) and the PPTX layout
measurement (`measure_deck`), all of which take their context from `pdf.slide_context`.

A local HTTP listener records every request; each slide tries one way out (a navigation, a
popup, a meta refresh, a form post, subresources, workers, a WebSocket, beacons as the page
closes). The navigation is loaded five times per path, as it once leaked under load with
offline emulation alone. The rendered slide documents carry a CSP that already stops the
subresources, so `slide_context` is also tested on its own with a document that has none,
next to a control: the same document in a plain Chromium context reaches the listener, which
shows these attacks and the listener work.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from slidegen.deck import parse_deck_html
from slidegen.deck.model import Deck
from slidegen.export.pdf import DEFAULT_CHROMIUM, pdf_available
from tests.support.require import missing

pytestmark = pytest.mark.browser

NAV_LOADS = 5
# Requests still in flight once a path returns (a pagehide beacon is sent as the page closes).
GRACE_S = 0.5
SLIDE_TIMEOUT_MS = 1_000


class _Listener:
    def __init__(self) -> None:
        self.hits: list[str] = []
        self._lock = threading.Lock()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def record(self, hit: str) -> None:
        with self._lock:
            self.hits.append(hit)

    def seen(self) -> list[str]:
        time.sleep(GRACE_S)
        with self._lock:
            hits, self.hits = self.hits, []
        return hits


@pytest.fixture(scope="module", autouse=True)
def _chromium() -> None:
    if not pdf_available(DEFAULT_CHROMIUM):
        missing(f"Chromium at {DEFAULT_CHROMIUM} (apt-get install chromium) with Playwright")


@pytest.fixture(scope="module")
def listener() -> Iterator[_Listener]:
    record = _Listener()

    class Handler(BaseHTTPRequestHandler):
        def _hit(self) -> None:
            record.record(f"{self.command} {self.path}")
            body = b"self.postMessage('reached');"
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_OPTIONS = _hit

        def log_message(self, *_: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield record
    server.shutdown()
    server.server_close()


def _attacks(url: str, port: int) -> dict[str, str]:
    """One slide script per way out, keyed by what it tries; each names itself in its path."""
    worker = f"importScripts('{url}/worker-import'); fetch('{url}/worker-fetch')"
    return {
        "navigation": f'location.href = "{url}/nav";',
        "popup": f'window.open("{url}/popup");',
        "refresh": (
            'var m = document.createElement("meta"); m.httpEquiv = "refresh";'
            f' m.content = "0;url={url}/refresh"; document.head.appendChild(m);'
        ),
        "form": (
            'var f = document.createElement("form"); f.method = "post";'
            f' f.action = "{url}/form"; document.documentElement.appendChild(f); f.submit();'
        ),
        "subresources": (
            f'fetch("{url}/fetch").catch(function () {{}});'
            f' new Image().src = "{url}/img";'
            f' navigator.sendBeacon("{url}/beacon", "x");'
            f' try {{ new WebSocket("ws://127.0.0.1:{port}/ws"); }} catch (e) {{}}'
            f' try {{ new Worker("{url}/worker"); }} catch (e) {{}}'
            " try { new Worker(URL.createObjectURL(new Blob("
            f'["{worker}"], {{type: "text/javascript"}}))); }} catch (e) {{}}'
            ' addEventListener("pagehide", function () {'
            f' navigator.sendBeacon("{url}/pagehide-beacon", "x"); }});'
        ),
    }


def _scripts(listener: _Listener) -> list[str]:
    attacks = _attacks(listener.url, listener.port)
    others = [script for name, script in attacks.items() if name != "navigation"]
    return [attacks["navigation"]] * NAV_LOADS + others


def _deck(scripts: list[str]) -> Deck:
    html = "".join(
        f'<div class="slide"><h1>Slide {n}</h1><script>{script}</script></div>'
        for n, script in enumerate(scripts)
    )
    slides = tuple(parse_deck_html(html).slides)
    assert len(slides) == len(scripts)
    return Deck(id="d_guard", owner="mallory", title="Guard", slides=slides)


def test_the_fit_check_of_hostile_slides_reaches_no_network(
    listener: _Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slidegen.export import fit

    # A refused navigation or form post leaves a page the measurement waits out: keep it short.
    monkeypatch.setattr(fit, "SLIDE_TIMEOUT_MS", SLIDE_TIMEOUT_MS)

    deck = _deck(_scripts(listener))
    reports = asyncio.run(fit.measure_fit(deck.slides, deck))
    assert listener.seen() == []
    assert len(reports) == len(deck.slides)


def test_the_pdf_export_of_hostile_slides_reaches_no_network(listener: _Listener) -> None:
    from slidegen.export.pdf import PdfExportError, deck_to_pdf_async

    attacks = _attacks(listener.url, listener.port)
    # One document holds every slide, so navigations would race: one export each. A refused
    # navigation leaves Chromium's error page (printed) or a destroyed page (an error), and a
    # form post a page that never settles (stopped at the deadline): all refused either way.
    exports = [
        [attacks["navigation"]],
        [attacks["navigation"]],
        [attacks["popup"], attacks["subresources"]],
        [attacks["refresh"]],
        [attacks["form"]],
    ]
    for scripts in exports:
        with contextlib.suppress(PdfExportError):
            asyncio.run(deck_to_pdf_async(_deck(scripts), timeout_s=SLIDE_TIMEOUT_MS / 1000))
    assert listener.seen() == []


def test_the_pptx_measurement_of_hostile_slides_reaches_no_network(
    listener: _Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slidegen.export import measure

    monkeypatch.setattr(measure, "SLIDE_TIMEOUT_MS", SLIDE_TIMEOUT_MS)
    measure.measure_deck(_deck(_scripts(listener)))
    assert listener.seen() == []


def _page(script: str) -> str:
    """A document with no CSP of its own: only the context stands in the way."""
    return f"<!doctype html><html><head></head><body><p>x</p><script>{script}</script></body>"


async def _load_all(context: Any, scripts: list[str]) -> None:
    """Each script in a page of its own, given a moment to act."""
    for script in scripts:
        page = await context.new_page()
        await page.set_content(_page(script), wait_until="load")
        await page.wait_for_timeout(150)
        await page.close()


def test_slide_context_alone_refuses_every_way_out_a_plain_context_allows(
    listener: _Listener,
) -> None:
    from playwright.async_api import async_playwright

    from slidegen.export.pdf import CHROMIUM_ARGS, launch_chromium, slide_context

    # One navigation: the paths above load it five times each; a CSP does not stop navigations.
    scripts = list(_attacks(listener.url, listener.port).values())

    async def run() -> list[str]:
        async with async_playwright() as playwright:
            plain = await playwright.chromium.launch(
                executable_path=DEFAULT_CHROMIUM, args=list(CHROMIUM_ARGS)
            )
            try:
                await _load_all(await plain.new_context(), scripts)
            finally:
                await plain.close()
            control = listener.seen()
            guarded = await launch_chromium(playwright, DEFAULT_CHROMIUM)
            try:
                await _load_all(await slide_context(guarded), scripts)
            finally:
                await guarded.close()
            return control

    control = asyncio.run(run())
    reached = {hit.split()[1].lstrip("/") for hit in control}
    assert {"nav", "popup", "fetch", "img", "beacon", "ws", "worker-import"} <= reached
    assert listener.seen() == []
