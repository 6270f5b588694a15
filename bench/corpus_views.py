"""Real decks in our views, quickly: slides kept, slides shown and Chart.js charts drawn.

For every deck of ../shared/corpus/ (read in place, never copied; the .json one joins its `css`
and `slides[].html`), as the agent would store it: the parser's slides against `manifest.json`,
then, in Chromium, each slide's own document (what the editor's cards and the presenter show):
whether the slide is visible on its page and how many canvases hold a Chart.js chart; the deck
document (HTML export): charts drawn; and the PDF printed from it: pages against slides.
A subset of B8 (`bench/b8_fidelity.py`) without the PPTX half: seconds instead of minutes, for
checking parser and rendering changes.

Run: `python -m bench.corpus_views [--corpus DIR]`.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slidegen.deck import Deck, parse_deck_html, render_deck_document, render_slide_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CHROMIUM = "/usr/bin/chromium"

DRAWN = "() => [...document.querySelectorAll('canvas')].filter(c => Chart.getChart(c)).length"
SHOWN = """() => {
  const slide = document.querySelector('[data-sg-slide]').firstElementChild;
  if (!slide) return false;
  const s = getComputedStyle(slide), r = slide.getBoundingClientRect();
  return s.display !== 'none' && s.visibility !== 'hidden' && +s.opacity > 0.05 &&
    r.width > 1 && r.left < 1280 && r.right > 0 && r.top < 720 && r.bottom > 0;
}"""


def _source(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        return f"<style>{data.get('css', '')}</style>" + "".join(s["html"] for s in data["slides"])
    return text


def main() -> None:
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    total = dict.fromkeys(
        ["slides", "want_slides", "shown", "charts", "deck_charts", "want_charts", "pdf_ok"], 0
    )
    print(f"{'deck':46} {'slides':>8} {'shown':>6} {'charts':>7} {'deck':>5} {'pdf':>4}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        decks = [(n, e) for n, e in manifest.items() if not n.startswith("_")]
        for name, want in decks:
            parsed = parse_deck_html(_source(args.corpus / name))
            deck = Deck("d_x", "bench", "corpus", parsed.styles, parsed.slides)
            shown = drawn = 0
            for slide in deck.slides:
                page.set_content(render_slide_document(deck, slide), wait_until="load")
                shown += bool(page.evaluate(SHOWN))
                drawn += page.evaluate(DRAWN)
            page.set_content(render_deck_document(deck), wait_until="load")
            deck_drawn = page.evaluate(DRAWN)
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            count, charts = len(deck.slides), want["expected_charts"]
            print(
                f"{name:46} {count:>3}/{want['expected_slides']:<4} {shown:>6} "
                f"{drawn:>3}/{charts:<3} {deck_drawn:>5} {pages:>4}"
            )
            total["slides"] += min(count, want["expected_slides"])
            total["want_slides"] += want["expected_slides"]
            total["shown"] += shown
            total["charts"] += min(drawn, charts)
            total["deck_charts"] += min(deck_drawn, charts)
            total["want_charts"] += charts
            total["pdf_ok"] += pages == count
        browser.close()
    print(
        f"slides kept {total['slides']}/{total['want_slides']}, shown {total['shown']}; charts "
        f"drawn in the slide's own document {total['charts']}/{total['want_charts']}, in the "
        f"deck document {total['deck_charts']}/{total['want_charts']}; PDF pages = slides in "
        f"{total['pdf_ok']}/{len(decks)} decks"
    )


if __name__ == "__main__":
    main()
