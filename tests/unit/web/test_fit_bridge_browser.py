"""The browser side of fit measurement: `fit_measure.js` measures a slide's fit document in a
sandboxed frame of a page (as the app's tab does), and `measure_in_browser` hands a turn the
tab's answer, checked, or falls back when the tab does not answer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from slidegen.deck import Deck, parse_deck_html
from slidegen.export.fit import fit_document, measure_fit_available, parse_fit_report
from slidegen.web import fit_bridge
from slidegen.web.fit_bridge import FitBridgeState, browser_fit_check, measure_in_browser
from tests.support.require import missing

SCRIPT = (Path(fit_bridge.__file__).parent / "components" / "fit_measure.js").read_text(
    encoding="utf-8"
)

SLIDES = """<style>.slide { font-family: sans-serif; padding: 40px; }</style>
<div class="slide"><h1>Fits</h1><p>Short.</p></div>
<div class="slide"><h1>Too long</h1>
<ul style="position:absolute;top:600px;left:40px;margin:0;font-size:30px;line-height:40px">
<li>one</li><li>two</li><li>three</li><li>four</li></ul></div>"""


def _deck() -> Deck:
    parsed = parse_deck_html(SLIDES)
    return Deck("d_b", "ann", "Bridge", styles=parsed.styles, slides=parsed.slides)


@pytest.mark.browser
def test_the_page_script_measures_in_a_sandboxed_frame() -> None:
    from playwright.sync_api import sync_playwright

    from slidegen.export.pdf import CHROMIUM_ARGS, DEFAULT_CHROMIUM

    if not measure_fit_available() or not Path(DEFAULT_CHROMIUM).exists():
        missing("Chromium at /usr/bin/chromium")
    deck = _deck()
    docs = [fit_document(deck, s) for s in deck.slides]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=DEFAULT_CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 700})
            page.set_content("<!DOCTYPE html><html><body><p>app</p></body></html>")
            page.add_script_tag(content=SCRIPT)
            raw = page.evaluate("(docs) => window.sgMeasureFit(docs)", docs)
            assert page.locator("iframe").count() == 0  # each frame is removed after use
        finally:
            browser.close()
    fits, long = (parse_fit_report(r, measured_by="browser") for r in raw)
    assert fits.fits
    assert not long.fits and long.problems == ("The list ends 40 px below the slide",)


class _Tab:
    """Just enough of a Reflex state for `measure_in_browser`: a lock, a router, substates."""

    def __init__(self) -> None:
        self.router = SimpleNamespace(
            session=SimpleNamespace(client_token="tab-1"), headers=SimpleNamespace()
        )
        self.bridge = SimpleNamespace(requests=[], router=self.router)
        self.entered = 0

    async def __aenter__(self) -> _Tab:
        self.entered += 1
        return self

    async def __aexit__(self, *exc: Any) -> None:
        return None

    async def get_state(self, cls: type) -> Any:
        assert cls is FitBridgeState
        return self.bridge


def _answer(tab: _Tab, index: int, reports: list[Any], token: str = "tab-1") -> None:
    bridge = SimpleNamespace(router=SimpleNamespace(session=SimpleNamespace(client_token=token)))
    FitBridgeState.measured.fn(bridge, tab.bridge.requests[index]["id"], reports)


def test_the_tab_answers_become_reports_and_the_requests_are_cleared() -> None:
    deck = _deck()
    ok = {"v": 1, "extent": [40, 40, 300, 200], "items": []}
    low = {
        "v": 1,
        "extent": [40, 40, 300, 760],
        "items": [{"kind": "beyond", "name": "the list", "edge": "bottom", "px": 40}],
    }

    async def run() -> tuple[list[Any], list[Any]]:
        tab = _Tab()
        both = asyncio.ensure_future(measure_in_browser(tab, deck, deck.slides, timeout_s=5))
        check = browser_fit_check(tab, deck, timeout_s=5)
        one = asyncio.ensure_future(check(deck.slides[1]))  # waits at the same time
        while len(tab.bridge.requests) < 2:
            await asyncio.sleep(0.01)
        assert [len(r["docs"]) for r in tab.bridge.requests] == [2, 1]
        assert "window.__sgFit" in tab.bridge.requests[0]["docs"][0]
        _answer(tab, 0, [ok], token="another-tab")  # another tab's answer is ignored
        await asyncio.sleep(0.05)
        assert not both.done()
        _answer(tab, 1, [low])  # answers come in any order
        _answer(tab, 0, [ok, None])
        first = await both
        second = await one
        assert tab.bridge.requests == []  # the documents are not kept in the tab's state
        return first, [second]

    (fits, unanswered), (long,) = asyncio.run(run())
    assert fits.fits and fits.measured_by == "browser"
    assert not unanswered.measured and "the browser did not answer" in unanswered.problems[0]
    assert long.problems == ("The list ends 40 px below the slide",)


def test_no_answer_in_time_is_unmeasured_without_a_fallback() -> None:
    deck = _deck()
    tab = _Tab()
    result = asyncio.run(measure_in_browser(tab, deck, deck.slides, timeout_s=0.05, fallback=False))
    assert result is None and tab.bridge.requests == [] and not fit_bridge._WAITING
