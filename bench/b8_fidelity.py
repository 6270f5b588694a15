"""B8 fidelity on real decks: every deck of ../shared/corpus/, as the agent would store it.

Per deck: slides kept (against the hand-checked `manifest.json`), Chart.js charts drawn in the
single-slide document that the editor's cards and the presenter both show (`view.slide_document`),
native charts and tables in the PPTX, PDF pages, the share of the source's words found in the
PPTX and the PDF, and the visual match of each PPTX slide to its preview: LibreOffice renders
the PPTX to PDF, pdftoppm turns each page into a 1280x720 PNG, Chromium screenshots the slide's
own document at 1280x720, and both are compared as greyscale SSIM (scikit-image) over the content
box (the smallest rectangle holding every pixel more than 12 grey levels away from its image's
most common value, in either image). A blank preview scores 0.

The PPTX is built the way `slidegen generate --format pptx` builds it: from the layout Chromium
measured for each slide. The corpus is read in place and never copied; the PNGs of each slide
(preview, PPTX rendering, side by side) go to --out for looking at the worst ones.

Run: `scripts/dev bench b8` (installs LibreOffice Impress and poppler-utils from Debian and the
`bench` extra when missing), or `python -m bench.b8_fidelity [--corpus DIR] [--out DIR]
[--deck NAME]`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slidegen.deck import Deck, new_deck_id, parse_deck_html
from slidegen.deck.render import render_slide_document
from slidegen.export import deck_to_pdf, deck_to_pptx
from slidegen.export.layout_tree import LayoutError, SlideLayout, parse_slide_layout
from slidegen.export.pdf import CHROMIUM_ARGS, DEFAULT_CHROMIUM, NO_CHART_ANIMATION

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SIZE = (1280, 720)
GREY_TOLERANCE = 12
_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)

# Charts that drew: a Chart.js instance on a canvas of this slide with pixels on it.
_CHARTS_DRAWN = """
() => {
  const page = document.querySelector('[data-sg-slide]') || document.body;
  if (!window.Chart || !window.Chart.instances) return 0;
  return Object.values(window.Chart.instances).filter((chart) => {
    const c = chart.canvas;
    if (!c || !page.contains(c) || !c.width || !c.height) return false;
    const r = c.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }).length;
}
"""


@dataclass
class DeckResult:
    name: str
    expected_slides: int
    expected_charts: int
    slides: int = 0
    charts_editor: int = 0
    charts_presenter: int = 0
    pptx_charts: int = 0
    pptx_tables: int = 0
    pdf_pages: int = 0
    words_pptx: float = 0.0
    words_pdf: float = 0.0
    measured: int = 0
    ssim: list[float] = field(default_factory=list)
    blank_previews: int = 0
    error: str = ""


# --- set-up ---------------------------------------------------------------------------------------
def ensure_tools() -> None:
    """LibreOffice Impress and poppler from Debian, scikit-image from the `bench` extra."""
    missing = [p for p in ("soffice", "pdftoppm") if shutil.which(p) is None]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print("installing libreoffice-impress and poppler-utils from Debian", flush=True)
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-qq", "libreoffice-impress", "poppler-utils"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    try:
        import skimage  # noqa: F401
    except ImportError:
        print("installing the bench extra (scikit-image) from requirements-bench.lock", flush=True)
        uv = Path(sys.executable).with_name("uv")
        installer = [str(uv), "pip", "install"] if uv.exists() else [sys.executable, "-m", "pip"]
        if not uv.exists():
            installer.append("install")
        # The exact pins of the lock (the dev lock's plus the bench extra's), added to the venv.
        subprocess.run([*installer, "-r", str(ROOT / "requirements-bench.lock")], check=True)


# --- decks ----------------------------------------------------------------------------------------
def load_deck(path: Path) -> Deck:
    """The deck the agent would store for this file (a JSON deck export is re-assembled)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        slides = "\n".join(
            s["html"] + (f"<script>{s['scripts']}</script>" if s.get("scripts") else "")
            for s in data["slides"]
        )
        scripts = f"<script>{data['scripts']}</script>" if data.get("scripts") else ""
        text = (
            f"<html><head><title>{data.get('title', '')}</title><style>{data.get('css', '')}"
            f"</style></head><body>{slides}{scripts}</body></html>"
        )
    parsed = parse_deck_html(text)
    return Deck(
        id=new_deck_id(),
        owner="bench",
        title=parsed.title or path.stem,
        styles=parsed.styles,
        slides=parsed.slides,
    )


def words(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(text))


def share(found: Counter[str], source: Counter[str]) -> float:
    total = sum(source.values())
    return 1.0 if not total else sum((found & source).values()) / total


def pptx_facts(data: bytes) -> tuple[int, int, Counter[str]]:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(data))
    charts = tables = 0
    text: list[str] = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                charts += 1
            if shape.has_table:
                tables += 1
                text += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_text_frame:
                text.append(shape.text_frame.text)
        if slide.has_notes_slide:  # where text a static slide cannot show goes (hover tooltips)
            text.append(slide.notes_slide.notes_text_frame.text)
    return charts, tables, words("\n".join(text))


def pdf_facts(data: bytes) -> tuple[int, Counter[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), words("\n".join(p.extract_text() or "" for p in reader.pages))


# --- browser: previews, charts drawn, layouts -----------------------------------------------------
async def browse(deck: Deck, out: Path) -> tuple[int, dict[str, SlideLayout], Counter[str]]:
    """Screenshot each slide's own document, count its drawn charts, measure its layout."""
    from playwright.async_api import async_playwright

    charts = 0
    layouts: dict[str, SlideLayout] = {}
    seen = Counter[str]()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=DEFAULT_CHROMIUM, args=list(CHROMIUM_ARGS)
        )
        try:
            context = await browser.new_context(
                viewport={"width": SIZE[0], "height": SIZE[1]}, offline=True
            )
            await context.add_init_script(NO_CHART_ANIMATION)
            page = await context.new_page()
            for number, slide in enumerate(deck.slides, start=1):
                await page.set_content(render_slide_document(deck, slide, measure=True))
                raw = await page.evaluate("() => window.__sgMeasure()")
                charts += await page.evaluate(_CHARTS_DRAWN)
                seen.update(words(await page.evaluate("() => document.body.innerText")))
                await page.screenshot(path=str(out / f"{number:02d}-preview.png"))
                try:
                    layouts[slide.id] = parse_slide_layout(raw)
                except LayoutError as exc:
                    print(f"  slide {number}: layout refused: {exc}", flush=True)
        finally:
            await browser.close()
    return charts, layouts, seen


# --- LibreOffice rendering and SSIM ---------------------------------------------------------------
def render_pptx(pptx: Path, out: Path) -> list[Path]:
    """Each PPTX slide as a 1280x720 PNG, rendered by LibreOffice (via PDF) and pdftoppm."""
    with tempfile.TemporaryDirectory(prefix="b8-lo-") as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(pptx),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    pdf = out / (pptx.stem + ".pdf")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-scale-to-x",
            str(SIZE[0]),
            "-scale-to-y",
            str(SIZE[1]),
            str(pdf),
            str(out / "pptx"),
        ],
        check=True,
        timeout=600,
    )
    return sorted(out.glob("pptx-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def _grey(path: Path):  # type: ignore[no-untyped-def]
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("L").resize(SIZE), dtype=np.float64)


def _content_mask(grey):  # type: ignore[no-untyped-def]
    import numpy as np

    values, counts = np.unique(grey.astype(np.uint8), return_counts=True)
    mode = values[counts.argmax()]
    return np.abs(grey - float(mode)) > GREY_TOLERANCE


def content_ssim(preview_png: Path, pptx_png: Path) -> tuple[float, bool]:
    """SSIM over the content box of both images; (0, True) for a blank preview."""
    import numpy as np
    from skimage.metrics import structural_similarity

    a, b = _grey(preview_png), _grey(pptx_png)
    mask_a = _content_mask(a)
    if not mask_a.any():
        return 0.0, True
    mask = mask_a | _content_mask(b)
    rows, cols = np.where(mask.any(axis=1))[0], np.where(mask.any(axis=0))[0]
    top, bottom = rows[0], max(rows[-1] + 1, rows[0] + 7)
    left, right = cols[0], max(cols[-1] + 1, cols[0] + 7)
    crop_a, crop_b = a[top:bottom, left:right], b[top:bottom, left:right]
    if min(crop_a.shape) < 7:  # SSIM's window needs 7x7: widen a thin box at the edge
        top, left = max(0, bottom - 7), max(0, right - 7)
        crop_a, crop_b = a[top : top + 7, left : left + 7], b[top : top + 7, left : left + 7]
    return float(structural_similarity(crop_a, crop_b, data_range=255)), False


def side_by_side(preview: Path, rendered: Path, target: Path) -> None:
    from PIL import Image

    with Image.open(preview) as left, Image.open(rendered) as right:
        canvas = Image.new("RGB", (SIZE[0] * 2 + 16, SIZE[1]), "#ff00ff")
        canvas.paste(left.convert("RGB").resize(SIZE), (0, 0))
        canvas.paste(right.convert("RGB").resize(SIZE), (SIZE[0] + 16, 0))
        canvas.save(target)


# --- one deck -------------------------------------------------------------------------------------
def run_deck(path: Path, expected: dict, out_root: Path) -> DeckResult:
    result = DeckResult(path.name, expected["expected_slides"], expected["expected_charts"])
    out = out_root / path.stem
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    try:
        deck = load_deck(path)
    except Exception as exc:  # a deck the parser refuses keeps its row, with the reason
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.slides = len(deck.slides)
    drawn, layouts, source_words = asyncio.run(browse(deck, out))
    # Both views show `view.slide_document` (the editor's cards with the app's asset base, the
    # presenter's frame the same document): one count serves both columns.
    result.charts_editor = result.charts_presenter = drawn
    result.measured = len(layouts)
    pptx = deck_to_pptx(deck, layouts)
    pptx_path = out / "deck.pptx"
    pptx_path.write_bytes(pptx)
    result.pptx_charts, result.pptx_tables, pptx_words = pptx_facts(pptx)
    result.words_pptx = share(pptx_words, source_words)
    result.pdf_pages, pdf_words = pdf_facts(deck_to_pdf(deck))
    result.words_pdf = share(pdf_words, source_words)
    rendered = render_pptx(pptx_path, out)
    for number, png in enumerate(rendered, start=1):
        preview = out / f"{number:02d}-preview.png"
        if not preview.exists():
            continue
        score, blank = content_ssim(preview, png)
        result.ssim.append(score)
        result.blank_previews += blank
        side_by_side(preview, png, out / f"{number:02d}-side-by-side-{score:.2f}.png")
    return result


def _table(results: list[DeckResult]) -> str:
    head = (
        "| deck | slides (expected) | charts editor / presenter (expected) | PPTX native charts "
        "| PPTX tables | PDF pages | words PPTX | words PDF | SSIM median | SSIM min | < 0.6 |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in results:
        if r.error:
            lines.append(f"| {r.name} | error: {r.error} |" + " |" * 9)
            continue
        med = statistics.median(r.ssim) if r.ssim else 0.0
        low = min(r.ssim) if r.ssim else 0.0
        lines.append(
            f"| {r.name} | {r.slides} ({r.expected_slides}) | {r.charts_editor} / "
            f"{r.charts_presenter} ({r.expected_charts}) | {r.pptx_charts} | {r.pptx_tables} | "
            f"{r.pdf_pages} | {r.words_pptx:.1%} | {r.words_pdf:.1%} | {med:.3f} | {low:.3f} | "
            f"{sum(s < 0.6 for s in r.ssim)} |"
        )
    return "\n".join(lines)


def _totals(results: list[DeckResult]) -> str:
    ok = [r for r in results if not r.error]
    scores = [s for r in ok for s in r.ssim]
    charts = sum(r.expected_charts for r in results)
    native = sum(min(r.pptx_charts, r.expected_charts) for r in ok)
    words_pptx = statistics.fmean(r.words_pptx for r in ok) if ok else 0
    words_pdf = statistics.fmean(r.words_pdf for r in ok) if ok else 0
    return "\n".join(
        [
            f"slides kept: {sum(min(r.slides, r.expected_slides) for r in ok)} of "
            f"{sum(r.expected_slides for r in results)} (found {sum(r.slides for r in ok)})",
            f"charts drawn in the editor/presenter document: "
            f"{sum(min(r.charts_editor, r.expected_charts) for r in ok)} of {charts}",
            f"native PPTX charts: {native} of {charts} ({native / max(1, charts):.0%}); "
            f"tables: {sum(r.pptx_tables for r in ok)}",
            f"PDF pages = slides: {sum(r.pdf_pages == r.slides for r in ok)} of {len(ok)} decks",
            f"words found (mean of decks): PPTX {words_pptx:.1%}, PDF {words_pdf:.1%}",
            f"slides measured in the browser: {sum(r.measured for r in ok)} of "
            f"{sum(r.slides for r in ok)}",
            f"SSIM over {len(scores)} slides: median "
            f"{statistics.median(scores) if scores else 0:.3f}, min {min(scores, default=0):.3f}, "
            f"{sum(s < 0.6 for s in scores)} below 0.6, "
            f"{sum(r.blank_previews for r in ok)} blank previews",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "slidegen-b8")
    parser.add_argument("--deck", action="append", help="only this deck (file name); repeatable")
    parser.add_argument("--no-install", action="store_true", help="do not install missing tools")
    args = parser.parse_args()
    if not args.no_install:
        ensure_tools()
    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))
    names = [n for n in manifest if not n.startswith("_")]
    if args.deck:
        names = [n for n in names if n in args.deck]
    results = []
    for name in names:
        print(f"-- {name}", flush=True)
        results.append(run_deck(args.corpus / name, manifest[name], args.out))
    print(_table(results))
    print()
    print(_totals(results))
    print(f"\nper-slide PNGs (preview | PPTX rendering): {args.out}")


if __name__ == "__main__":
    main()
