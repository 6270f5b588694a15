"""B7, browser half: opening a 200-slide deck in the browser (target < 3 s).

The packaged app is started as production does; a 200-slide deck (B7's synthetic model answer:
~4 KB of HTML a slide, a Chart.js chart on every fifth slide) is created through the store; then
Debian's Chromium (Playwright, headless, never downloaded) opens `/?deck=<id>` in a fresh
browser context (empty cache) signed in by the proxy's headers, several times. Measured from
`page.goto` on:
- cards: all 200 filmstrip thumbnails are in the page (numbers, titles: the editor is usable);
- first slide: the first thumbnail's iframe has loaded its document;
- slides in view: every thumbnail iframe created so far (those in and near the viewport; the
  others are created as they scroll into view) has fired `load`;
- then, scrolling the filmstrip to the last thumbnail: time until its slide has loaded.
The load events are counted by a capturing listener installed before the page's own scripts.

    python -m bench.b7_browser_open [--runs 5] [--slides 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

USER = "b7-browser-user"
CHROMIUM = "/usr/bin/chromium"

# A slide of the filmstrip (or of the overview grid): the stage's own frame is not counted.
ITEM = "[data-slide-id][data-index]"
COUNT_IFRAME_LOADS = """
const ITEM = '[data-slide-id][data-index]';
window.__sgFrameLoads = 0;
document.addEventListener('load', (e) => {
  if (e.target && e.target.tagName === 'IFRAME' && e.target.closest(ITEM)) {
    window.__sgFrameLoads += 1;
  }
}, true);
"""


def make_deck(data_dir: Path, slides: int) -> tuple[str, int]:
    from bench.b7_large_decks import model_answer
    from slidegen.config import load_settings
    from slidegen.deck import parse_deck_html
    from slidegen.store import open_store

    parsed = parse_deck_html(model_answer(slides))
    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(data_dir)))
    try:
        record = store.create_deck(
            USER, "B7 large deck", styles=parsed.styles, slides=parsed.slides
        )
    finally:
        store.dispose()
    return record.deck.id, sum(len(s.html.encode()) for s in parsed.slides)


def open_once(browser: Any, url: str, slides: int) -> dict[str, float]:
    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        extra_http_headers={"X-Forwarded-User": USER, "X-Forwarded-Email": f"{USER}@example.com"},
    )
    try:
        context.set_default_timeout(60_000)
        page = context.new_page()
        page.add_init_script(COUNT_IFRAME_LOADS)
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(
            f"() => document.querySelectorAll('{ITEM}').length === {slides}", polling=20
        )
        cards = time.perf_counter() - start
        page.wait_for_function("() => window.__sgFrameLoads >= 1", polling=20)
        first = time.perf_counter() - start
        page.wait_for_function(
            f"() => {{ const n = document.querySelectorAll('{ITEM} iframe').length;"
            " return n > 0 && window.__sgFrameLoads >= n; }",
            polling=20,
        )
        in_view = time.perf_counter() - start
        frames = page.locator(f"{ITEM} iframe").count()
        loads = page.evaluate("window.__sgFrameLoads")
        start = time.perf_counter()
        last_item = f"{ITEM}:last-child"
        page.evaluate(f"() => document.querySelector('{last_item}').scrollIntoView()")
        page.wait_for_function(
            f"() => window.__sgFrameLoads > {loads} && "
            f"document.querySelector('{last_item} iframe') !== null",
            polling=20,
        )
        page.frame_locator(f"{last_item} iframe").locator(".slide").wait_for()
        last = time.perf_counter() - start
        return {"cards": cards, "first": first, "in_view": in_view, "frames": frames, "last": last}
    finally:
        context.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slides", type=int, default=200)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS
    from tests.support.app_server import build_once, start_packaged_app

    tmp = Path(tempfile.mkdtemp(prefix="b7b-"))
    build = build_once(tmp)
    app = start_packaged_app(
        build, tmp / "run", env={"ENVIRONMENT": "production", "LOG_LEVEL": "WARNING"}
    )
    try:
        deck_id, html_bytes = make_deck(tmp / "run" / "data", args.slides)
        url = f"{app.url}/?deck={deck_id}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                open_once(browser, url, args.slides)  # warm-up: server caches, Chromium start
                runs = [open_once(browser, url, args.slides) for _ in range(args.runs)]
            finally:
                browser.close()
    finally:
        app.terminate()
    print(f"{args.slides} slides, {html_bytes / 1024:.0f} KB of slide HTML; {args.runs} runs")
    print(f"slide iframes created before scrolling: {runs[0]['frames']}")
    print("| measure | median | min-max |")
    print("|---|---|---|")
    for key, label in (
        ("cards", "all cards in the page"),
        ("first", "first slide loaded"),
        ("in_view", "slides in view loaded"),
        ("last", "scroll to the last card: its slide loaded"),
    ):
        values = [r[key] for r in runs]
        print(
            f"| {label} | {statistics.median(values):.2f} s | "
            f"{min(values):.2f}-{max(values):.2f} s |"
        )


if __name__ == "__main__":
    main()
