"""Rendered documents in a real headless Chromium: charts draw, scripts are scoped per slide, and
the CSP stops every request a slide tries to make."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from slidegen.deck import Deck, parse_deck_html, render_deck_document, render_slide_document
from slidegen.deck.render import CHART_JS_PATH
from tests.support.require import missing

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")

CHART_SLIDE = """
<div class="slide"><h1>{title}</h1><canvas id="chart" width="400" height="200"></canvas></div>
<script>
const ctx = document.getElementById('chart');
new Chart(ctx, {{type: 'bar', data: {{labels: ['a', 'b'], datasets: [{{data: [1, {n}]}}]}},
                options: {{animation: false, responsive: false}}}});
</script>
"""


class _Server:
    """A local HTTP server recording every path asked for; serves the vendored Chart.js."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.pages: dict[str, str] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                if self.path == "/vendor/chart.umd.min.js":
                    body, kind = CHART_JS_PATH.read_bytes(), "text/javascript"
                elif self.path in server.pages:
                    body, kind = server.pages[self.path].encode(), "text/html"
                else:
                    body, kind = b"", "text/plain"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server() -> Iterator[_Server]:
    instance = _Server()
    yield instance
    instance.httpd.shutdown()


@pytest.fixture
def page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser.new_page()
        finally:
            browser.close()


def _deck(text: str) -> Deck:
    parsed = parse_deck_html(text)
    return Deck(id="d_1", owner="u", title="T", styles=parsed.styles, slides=parsed.slides)


def test_deck_document_draws_every_chart_with_clashing_ids_and_names(page: Any) -> None:
    deck = _deck(
        CHART_SLIDE.format(title="One", n=5)
        + '<div class="slide"><h1>Broken</h1></div><script>throw new Error("boom")</script>'
        + CHART_SLIDE.format(title="Two", n=9)
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_content(render_deck_document(deck), wait_until="load")
    charts = page.evaluate(
        """() => [...document.querySelectorAll('.sg-page')].map(p => {
            const canvas = p.querySelector('canvas');
            const chart = canvas && Chart.getChart(canvas);
            return chart ? chart.data.datasets[0].data[1] : null;
        })"""
    )
    assert charts == [5, None, 9]  # each slide's script drew into its own canvas
    assert any("boom" in e for e in errors)  # logged, and the next slide still ran


def test_slide_document_in_a_sandboxed_iframe_loads_chart_js_from_the_app(
    page: Any, server: _Server
) -> None:
    deck = _deck(CHART_SLIDE.format(title="One", n=7))
    document = render_slide_document(deck, deck.slides[0], asset_base=server.origin)
    server.pages["/"] = (
        f'<iframe sandbox="allow-scripts" width="1280" height="720" '
        f'srcdoc="{html.escape(document, quote=True)}"></iframe>'
    )
    page.goto(server.origin + "/", wait_until="load")
    frame = page.frames[1]
    frame.wait_for_function("() => typeof Chart !== 'undefined'")
    drawn = frame.evaluate(
        "() => Chart.getChart(document.querySelector('canvas')).data.datasets[0].data[1]"
    )
    assert drawn == 7
    assert "/vendor/chart.umd.min.js" in server.hits
    # The sandbox gives the slide an opaque origin: it cannot touch the app's page.
    assert frame.evaluate("() => { try { return parent.document.title, 'reached'; } "
                          "catch (e) { return 'blocked'; } }") == "blocked"  # fmt: skip


def test_csp_blocks_every_request_a_slide_script_makes(page: Any, server: _Server) -> None:
    leak = server.origin
    deck = _deck(
        '<div class="slide"><h1>Leaky</h1></div><script>'
        f"fetch('{leak}/fetch').catch(() => {{}});"
        f"new Image().src = '{leak}/image';"
        f"const s = document.createElement('script'); s.src = '{leak}/script';"
        "document.body.appendChild(s);"
        f"const l = document.createElement('link'); l.rel = 'stylesheet'; l.href = '{leak}/css';"
        "document.head.appendChild(l);"
        f"navigator.sendBeacon && navigator.sendBeacon('{leak}/beacon', 'x');"
        "window.__ran = true;</script>"
    )
    violations: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.set_content(render_deck_document(deck), wait_until="load")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__ran") is True
    assert server.hits == []
    assert len(violations) >= 3
