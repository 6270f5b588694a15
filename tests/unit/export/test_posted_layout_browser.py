"""The UI's PPTX path where the server has no Chromium: the page's own browser measures each slide
in a sandboxed frame, posts the layouts with the export request, and the export route draws the
PPTX from them. Also: the route refuses malformed posted layouts with a clear 422."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from pptx import Presentation
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from slidegen.deck import Deck, parse_deck_html
from slidegen.deck.render import CHART_JS_PATH
from slidegen.export import pptx_export
from slidegen.export.pptx import LAYOUT_BROWSER
from slidegen.server.downloads import download_routes
from tests.support.require import missing

SCRIPT = Path(__file__).resolve().parents[3] / "slidegen/web/components/pptx_export.js"
SLIDES = """
<div class="slide" style="background:#fff;padding:40px;font-family:Arial">
  <h1 style="color:rgb(200, 30, 30)">Browser measured</h1>
  <div style="width:400px;height:300px"><canvas id="c"></canvas></div>
</div>
<script>
new Chart(document.getElementById('c'), {type: 'line', data: {labels: ['a', 'b', 'c'],
  datasets: [{label: 'Users', data: [1, 2, 3].map((v) => v * 10)}]}});
</script>
<div class="slide"><p>Second slide</p></div>
"""


def _deck() -> Deck:
    parsed = parse_deck_html(SLIDES)
    return Deck(id="d_0123456789abcdef", owner="dev", title="Posted", slides=parsed.slides)


class _Store:
    def __init__(self, deck: Deck) -> None:
        self.deck = deck

    def get_deck(self, owner: object, deck_id: str, version: int | None = None) -> SimpleNamespace:
        return SimpleNamespace(deck=self.deck)


def _page(_request: object) -> HTMLResponse:
    return HTMLResponse(
        '<!DOCTYPE html><a id="export-pptx" href="/api/export/d_0123456789abcdef.pptx">PPTX</a>'
        f"<script>{SCRIPT.read_text()}</script><script>"
        "document.getElementById('export-pptx').addEventListener('click', (e) => {"
        "e.preventDefault(); window.sgExportPptx(e.currentTarget); });</script>"
    )


def _chart_js(_request: object) -> Response:
    return Response(CHART_JS_PATH.read_bytes(), media_type="text/javascript")


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Starlette:
    deck = _deck()
    # The routes' deck service reads the process's store at each call: this one holds `deck`.
    monkeypatch.setattr("slidegen.server.services._store", _Store(deck))
    # the Databricks Apps container: no Chromium on the server
    monkeypatch.setattr(pptx_export, "measure_available", lambda *a, **k: False)
    routes = [
        *download_routes(),
        Route("/", _page),
        Route("/vendor/chart.umd.min.js", _chart_js),
    ]
    starlette = Starlette(routes=routes)
    starlette.state.deck = deck
    return starlette


@pytest.fixture
def served(app: Starlette) -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


@pytest.mark.browser
def test_the_page_measures_posts_and_gets_a_pptx_from_its_own_layout(served: str) -> None:
    if not Path("/usr/bin/chromium").exists():
        missing("Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    from slidegen.export.pdf import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=list(CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page(accept_downloads=True)
            posts: list[str] = []
            page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
            page.goto(served + "/")
            with page.expect_download(timeout=60_000) as download:
                page.click("#export-pptx")
            data = Path(download.value.path()).read_bytes()
            assert download.value.suggested_filename == "Posted.pptx"
            page.wait_for_selector("#sg-pptx-status", state="detached")  # the status line goes
            assert page.locator("iframe").count() == 0  # and so do the measuring frames
        finally:
            browser.close()
    assert posts == [served + "/api/export/d_0123456789abcdef.pptx"]
    prs = Presentation(io.BytesIO(data))
    assert prs.core_properties.comments == f"{LAYOUT_BROWSER} (all 2 slides)."
    (chart,) = [s for s in prs.slides[0].shapes if s.has_chart]
    assert list(chart.chart.plots[0].series[0].values) == [10, 20, 30]
    title = next(s for s in prs.slides[0].shapes if s.has_text_frame and s.text_frame.text)
    assert str(title.text_frame.paragraphs[0].runs[0].font.color.rgb) == "C81E1E"


def test_malformed_posted_layouts_are_refused(app: Starlette) -> None:
    deck = app.state.deck
    client = TestClient(app)
    url = f"/api/export/{deck.id}.pptx"
    bad = {"layouts": {deck.slides[0].id: {"v": 1, "items": [{"kind": "text", "box": [0]}]}}}
    answer = client.post(url, json=bad)
    assert answer.status_code == 422 and "items.0" in answer.json()["message"]
    answer = client.post(url, json={"layouts": {"s_ffffffffff": {"v": 1, "items": []}}})
    assert answer.status_code == 422 and "does not have" in answer.json()["message"]
    answer = client.post(
        url, content=json.dumps({"layouts": {}}), headers={"content-type": "text/plain"}
    )
    assert answer.status_code == 422 and "application/json" in answer.json()["message"]
    assert client.post(f"/api/export/{deck.id}.html", json={}).status_code == 405
    documents = client.get(url, params={"measure": "documents", "asset_base": "http://t"}).json()
    assert [s["id"] for s in documents["slides"]] == [s.id for s in deck.slides]
    assert "__sgMeasure" in documents["measure_script"]
    assert "__sgMeasure" not in documents["slides"][0]["document"]  # sent once, not per slide
    assert client.get(url, params={"measure": "documents", "asset_base": "x'"}).status_code == 422
    # nothing posted and no Chromium: the flow layout, and the file says so
    flow = Presentation(io.BytesIO(client.get(url).content))
    assert flow.core_properties.comments.startswith("Layout: estimated without a browser")
