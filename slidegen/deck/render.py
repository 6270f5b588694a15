"""Rendering slides as standalone HTML documents.

Two documents:

- `render_slide_document(deck, slide)`: one slide, for a sandboxed iframe's `srcdoc`
  (`sandbox="allow-scripts"`, never with `allow-same-origin`).
- `render_deck_document(deck)`: every slide in one self-contained file (download, print to PDF).

Chart.js comes from `assets/vendor/chart.umd.min.js` (vendored, never a CDN). With the default
`asset_base=""` it is inlined, so the document needs nothing at all from outside (210 KB). For
iframes, pass the app's absolute origin as seen by the browser (`asset_base="https://host"`):
the document then loads `<asset_base>/vendor/chart.umd.min.js` (Reflex serves `assets/` at the
root), which the browser caches once for every slide, instead of repeating 210 KB in every
`srcdoc`. A relative base cannot be used: a sandboxed srcdoc document has an opaque origin, so
the CSP must name the app's origin explicitly.

Every document carries a strict CSP in a `<meta>`: nothing may be fetched (`default-src
'none'`, `connect-src 'none'`), images and fonts only as data URIs (or from `asset_base`), inline
scripts and styles allowed (slides need them; the sandbox isolates them), no forms, no `<base>`.

A deck's theme (`slidegen.deck.themes`) adds its CSS between the shared layout and the deck's
own CSS, and its script (`window.SG_THEME`, Chart.js defaults) right after Chart.js.

The deck's CSS goes through `page_css.isolate_page_rules` first: rules for `html`, `body` and
`:root` keep only what slides inherit, so each slide keeps its own 1280x720 page (`.sg-page`)
whatever the deck's page layout said; `slide_runtime.js` also shows slides that a deck's own
navigation CSS hides until they are "active".

Slide scripts run in a function scope each, with `document` bound to a view whose
`getElementById` / `querySelector(All)` look inside the slide first. Two slides of one deck
document may then both declare `const ctx` or use `<canvas id="chart">` without clashing, and
one failing script does not stop the others. The consequence (to tell the model): functions
called from inline `on*` handlers must be assigned to `window` explicitly.

Deck-level code (a script marked with `DECK_LEVEL_MARKER`, see `slidegen.deck.scripts`) is on
every slide; the deck document runs each marked text once, with the first slide that has it.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

from slidegen.deck.model import SLIDE_HEIGHT, SLIDE_WIDTH, Deck, Slide
from slidegen.deck.page_css import isolate_page_rules
from slidegen.deck.scripts import DECK_LEVEL_MARKER
from slidegen.deck.themes import Theme, theme_css, theme_script

__all__ = [
    "CHART_JS_PATH",
    "CHART_JS_URL_PATH",
    "base_css",
    "chart_js_source",
    "content_security_policy",
    "render_deck_document",
    "render_slide_document",
]

CHART_JS_PATH = Path(__file__).resolve().parents[2] / "assets" / "vendor" / "chart.umd.min.js"
CHART_JS_URL_PATH = "/vendor/chart.umd.min.js"

_SCRIPT_END_RE = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END_RE = re.compile(r"</(style)", re.IGNORECASE)

_RUNTIME_JS_PATH = Path(__file__).with_name("slide_runtime.js")
# Removes WebRTC, nested frames and navigation before any slide code runs (the CSP cannot).
_GUARD_JS_PATH = Path(__file__).with_name("slide_guard.js")


def base_css() -> str:
    """Layout every document shares; the deck's own CSS comes after it and may override it."""
    return (
        "html,body{margin:0;padding:0}"
        f".sg-page{{position:relative;width:{SLIDE_WIDTH}px;height:{SLIDE_HEIGHT}px;"
        "overflow:hidden}"
        f".slide{{position:relative;box-sizing:border-box;width:{SLIDE_WIDTH}px;"
        f"height:{SLIDE_HEIGHT}px;overflow:hidden}}"
    )


_DECK_CSS = (
    "body.sg-deck{background:#e5e7eb}"
    "body.sg-deck .sg-page{margin:24px auto;box-shadow:0 2px 12px rgba(0,0,0,.25)}"
    # One class of specificity: a deck's page background (moved to .sg-page by page_css, later
    # in the document) wins, a deck's rule for every div does not.
    ":where(body.sg-deck) .sg-page{background:#fff}"
    f"@page{{size:{SLIDE_WIDTH}px {SLIDE_HEIGHT}px;margin:0}}"
    "@media print{body.sg-deck{background:none}"
    "body.sg-deck .sg-page{margin:0;box-shadow:none;break-after:page}}"
)


@functools.cache
def _runtime_js() -> str:
    return _RUNTIME_JS_PATH.read_text(encoding="utf-8")


@functools.cache
def _measure_js() -> str:
    # Imported here: slidegen.export imports this module.
    from slidegen.export.page_scripts import page_script

    return _escape_script(page_script("measure_slide.js"))


@functools.cache
def slide_guard_js() -> str:
    """The script every slide document runs first (`slide_guard.js`)."""
    source = _GUARD_JS_PATH.read_text(encoding="utf-8")
    # Its comments and indentation explain it here; every srcdoc would otherwise repeat them.
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


@functools.cache
def chart_js_source() -> str:
    """The vendored Chart.js (UMD build), read once."""
    try:
        return CHART_JS_PATH.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise RuntimeError(f"vendored Chart.js is missing at {CHART_JS_PATH}") from error


def _asset_origin(asset_base: str) -> str | None:
    if not asset_base:
        return None
    parts = urlsplit(asset_base)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.netloc
        or parts.query
        or parts.fragment
        or any(c in asset_base for c in "'\"<> ;,")
    ):
        raise ValueError(
            f"asset_base must be the app's absolute http(s) origin, e.g. https://host (got "
            f"{asset_base!r})"
        )
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(asset_base: str = "") -> str:
    origin = _asset_origin(asset_base)
    extra = f" {origin}" if origin else ""
    return (
        "default-src 'none'; "
        f"script-src 'unsafe-inline'{extra}; "
        "style-src 'unsafe-inline'; "
        f"img-src data:{extra}; "
        "font-src data:; media-src data:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'"
    )


def _escape_script(code: str) -> str:
    return _SCRIPT_END_RE.sub(r"<\\/\1", code).replace("<!--", "<\\!--")


def _head(
    title: str, styles: str, asset_base: str, extra_css: str = "", theme: Theme | None = None
) -> str:
    origin = _asset_origin(asset_base)
    if origin:
        chart = f'<script src="{html.escape(asset_base.rstrip("/") + CHART_JS_URL_PATH)}"></script>'
    else:
        chart = f"<script>{_escape_script(chart_js_source())}</script>"
    deck_css = _STYLE_END_RE.sub(r"<\\/\1", isolate_page_rules(styles).css)
    # The theme comes between the base layout and the deck's own CSS, which wins where it speaks.
    themed = f"<style>{theme_css(theme)}</style>\n" if theme is not None else ""
    theme_js = f"<script>{theme_script(theme)}</script>" if theme is not None else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" '
        f'content="{html.escape(content_security_policy(asset_base))}">'
        f"<script>{slide_guard_js()}</script>"
        f'<meta name="viewport" content="width={SLIDE_WIDTH}">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{base_css()}{extra_css}</style>\n{themed}<style>{deck_css}</style>\n"
        f"{chart}{theme_js}<script>{_runtime_js()}</script></head>"
    )


def _page(slide: Slide, ran: set[str]) -> str:
    scripts = "".join(
        f'<script>__sgSlide("{slide.id}",function(document){{\n{_escape_script(code)}\n}});</script>'
        for code in _scripts_to_run(slide, ran)
    )
    return (
        f'<div class="sg-page" data-sg-slide="{html.escape(slide.id)}">{slide.html}{scripts}</div>'
    )


def _scripts_to_run(slide: Slide, ran: set[str]) -> list[str]:
    """The slide's scripts, less deck-level code (`DECK_LEVEL_MARKER`) the document already
    runs (`ran`: the marked texts so far, updated).

    Every slide carries the deck's own code so that it runs in a single-slide document; in the
    deck document it must run once, not once per slide (`counter++`, `classList.toggle`).
    """
    kept = []
    for code in slide.scripts:
        if code.startswith(DECK_LEVEL_MARKER):
            if code in ran:
                continue
            ran.add(code)
        kept.append(code)
    return kept


def render_slide_document(
    deck: Deck, slide: Slide, *, asset_base: str = "", measure: bool = False
) -> str:
    """One slide as a complete HTML document of exactly 1280x720, for an iframe's srcdoc.

    `measure=True` adds the PPTX export's layout measuring script (`export/measure_slide.js`).
    """
    title = f"{slide.title or 'Slide'} · {deck.title}"
    head = _head(title, deck.styles, asset_base, theme=deck.theme)
    if measure:
        head = head.replace("</head>", f"<script>{_measure_js()}</script></head>", 1)
    return f'{head}<body class="sg-single">{_page(slide, set())}</body></html>'


def render_deck_document(deck: Deck, *, asset_base: str = "") -> str:
    """Every slide of the deck, in order, in one document (screen: stacked pages; print: one
    1280x720 page per slide)."""
    ran: set[str] = set()
    pages = "\n".join(_page(slide, ran) for slide in deck.slides)
    head = _head(deck.title, deck.styles, asset_base, _DECK_CSS, deck.theme)
    return f'{head}<body class="sg-deck">\n{pages}\n</body></html>'
