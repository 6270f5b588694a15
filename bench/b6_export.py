"""B6 export: a 20-slide deck with charts to standalone HTML, PPTX and PDF.

The deck is written the way the model writes one (a whole HTML document with shared CSS,
Chart.js set-up in inline scripts, tables, nested lists, two-column slides) and goes through
the real parser first. Each export runs several times; the figures are medians (min-max). Every
result is checked (slide/page count, native charts present) so a broken export cannot look fast.
Targets (BENCHMARKS.md): PDF < 10 s, PPTX < 5 s, standalone HTML < 0.5 s.

Run: `python -m bench.b6_export [--runs N] [--slides N]` (PDF needs /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slidegen.deck import Deck, new_deck_id, parse_deck_html
from slidegen.export import deck_to_html, deck_to_pdf, deck_to_pptx, pdf_available

STYLES = """
.slide { font-family: Inter, Arial, sans-serif; color: #1f2937; padding: 48px 64px;
         background: #ffffff; }
.slide h1 { font-size: 44px; color: #0b5cad; margin: 0 0 16px; }
.slide h2 { font-size: 36px; color: #0b5cad; margin: 0 0 12px; }
.slide p, .slide li { font-size: 22px; line-height: 1.4; }
.cols { display: flex; gap: 32px; }
.cols > div { flex: 1; }
.chart { position: relative; height: 420px; }
table { border-collapse: collapse; font-size: 18px; }
th, td { border: 1px solid #d1d5db; padding: 6px 12px; }
th { background: #eef2ff; }
"""

_QUARTERS = ["Q1", "Q2", "Q3", "Q4"]


def _chart_script(k: int, canvas: str) -> str:
    kind = ["bar", "line", "pie", "doughnut", "scatter", "bar"][k % 6]
    if kind == "scatter":
        points = ", ".join(f"{{x: {i}, y: {(i * 7 + k) % 23}}}" for i in range(12))
        data = f"datasets: [{{label: 'Deals', data: [{points}], backgroundColor: '#0b5cad'}}]"
    elif kind in ("pie", "doughnut"):
        data = (
            "labels: ['EMEA', 'AMER', 'APAC', 'LATAM'], datasets: [{ data: "
            f"[{30 + k}, {40 - k % 5}, 20, 10], backgroundColor: ['#0b5cad', '#34a853', "
            "'#fbbc05', '#ea4335'] }]"
        )
    else:
        data = (
            f"labels: {_QUARTERS!r}, datasets: ["
            f"{{ label: 'Revenue', data: [{10 + k}, {12 + k}, {15 + k}, {14 + k}], "
            "backgroundColor: 'rgba(11, 92, 173, 0.8)', borderColor: '#0b5cad' },"
            f"{{ label: 'Cost', data: [{8 + k}, 9, {11 + k % 3}, 10], "
            "backgroundColor: 'rgba(234, 67, 53, 0.8)', borderColor: '#ea4335' },]"
        )
    stacked = "scales: { x: { stacked: true }, y: { stacked: true } }," if k % 6 == 5 else ""
    return (
        f"new Chart(document.getElementById('{canvas}'), {{\n"
        f"  type: '{kind}',\n  data: {{ {data} }},\n"
        "  options: { responsive: true, maintainAspectRatio: false,\n"
        f"    plugins: {{ title: {{ display: true, text: 'Chart {k}' }} }}, {stacked}\n"
        "    onClick: (e) => console.log(e) },\n});"
    )


def _slide(k: int) -> str:
    canvas = f"chart{k}"
    bullets = (
        "<ul><li>Revenue up <strong>12%</strong> year on year<ul><li>EMEA leads</li>"
        "<li>APAC recovering</li></ul></li><li>Costs flat</li><li>Margin at 31%</li></ul>"
    )
    table = "<table><thead><tr><th>Region</th>" + "".join(f"<th>{q}</th>" for q in _QUARTERS)
    table += "</tr></thead><tbody>"
    for region in ("EMEA", "AMER", "APAC"):
        table += f"<tr><td>{region}</td>" + "".join(
            f"<td>{(k * 3 + i * 5) % 40 + 10}</td>" for i in range(4)
        )
        table += "</tr>"
    table += "</tbody></table>"
    chart = f'<div class="chart"><canvas id="{canvas}"></canvas></div>'
    script = f"<script>\n{_chart_script(k, canvas)}\n</script>"
    if k == 0:
        return '<div class="slide"><h1>Quarterly business review</h1><p>FY25, all regions</p></div>'
    if k % 4 == 1:
        body = f'<div class="cols"><div>{bullets}</div><div>{chart}</div></div>{script}'
    elif k % 4 == 2:
        body = f"{chart}{script}"
    elif k % 4 == 3:
        body = f'<div class="cols"><div>{table}</div><div>{chart}</div></div>{script}'
    else:
        body = f"<p>Highlights of the quarter and what they mean for next year.</p>{bullets}"
    return f'<div class="slide"><h2>Topic {k}: results by region</h2>{body}</div>'


def benchmark_deck(n_slides: int = 20) -> Deck:
    document = (
        "Here is your deck:\n```html\n<!DOCTYPE html><html><head><title>QBR</title>"
        f"<style>{STYLES}</style></head><body>\n"
        + "\n".join(_slide(k) for k in range(n_slides))
        + "\n</body></html>\n```"
    )
    parsed = parse_deck_html(document)
    return Deck(
        id=new_deck_id(),
        owner="bench",
        title=parsed.title or "QBR",
        styles=parsed.styles,
        slides=parsed.slides,
    )


def _time(fn: Callable[[], bytes], runs: int) -> tuple[list[float], bytes]:
    times, out = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return times, out


def _report(name: str, times: list[float], target: float, extra: str) -> None:
    median = statistics.median(times)
    verdict = "meets" if median < target else "MISSES"
    print(
        f"B6 {name}: median {median:.3f} s (min {min(times):.3f}, max {max(times):.3f}, "
        f"{len(times)} runs; target < {target} s: {verdict}) {extra}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slides", type=int, default=20)
    args = parser.parse_args(argv if argv is not None else [])
    deck = benchmark_deck(args.slides)
    n_charts = sum(len(s.scripts) for s in deck.slides)
    print(f"B6 deck: {len(deck.slides)} slides, {n_charts} charts", flush=True)

    times, html = _time(lambda: deck_to_html(deck), max(args.runs, 10))
    assert html.count(b'class="sg-page"') == len(deck.slides)
    _report("standalone HTML", times, 0.5, f"({len(html) // 1024} KB)")

    from pptx import Presentation

    times, pptx = _time(lambda: deck_to_pptx(deck), args.runs)
    prs = Presentation(io.BytesIO(pptx))
    native = sum(1 for s in prs.slides for shape in s.shapes if shape.has_chart)
    assert len(prs.slides) == len(deck.slides) and native == n_charts, (len(prs.slides), native)
    _report("PPTX", times, 5.0, f"({len(pptx) // 1024} KB, {native} native charts)")

    if not pdf_available():
        print("B6 PDF: skipped, no Chromium at /usr/bin/chromium", flush=True)
        return
    from pypdf import PdfReader

    times, pdf = _time(lambda: deck_to_pdf(deck), args.runs)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == len(deck.slides) and "Topic 1" in pages[1].extract_text()
    _report("PDF", times, 10.0, f"({len(pdf) // 1024} KB, {len(pages)} pages, text extractable)")


if __name__ == "__main__":
    main(sys.argv[1:])
