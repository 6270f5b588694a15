"""Does a slide fit its 1280x720 box? The measurement, and the report the agent acts on.

`fit_slide.js` runs in a slide's own document (the editor's single-slide document with the
script added: `fit_document`) and finds content past the box's edges, content entirely outside
it, text cut off by a clipping box or spilling out of a box of fixed size, and charts with no
data (a Chart.js chart whose datasets hold no value, or a canvas nothing was drawn on).
`parse_fit_report` checks what the script answered (it may come from a user's browser) and
turns it into a `FitReport` of plain sentences: "the table ends 180 px below the slide".

Two places measure: the server's Chromium (`measure_fit`, the headless CLI and the fallback;
`fit_session` keeps one Chromium for a whole generation; `FitUnavailable` where there is no
Chromium, as in the Databricks Apps container), and the user's own browser
(`slidegen.web.fit_bridge`), which posts the script's raw answer back.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from slidegen.deck.fitting import fit_scale
from slidegen.deck.model import SLIDE_HEIGHT, SLIDE_WIDTH, Deck, Slide
from slidegen.deck.render import CHART_JS_URL_PATH, chart_js_source, render_slide_document
from slidegen.export.page_scripts import page_script
from slidegen.export.pdf import (
    DEFAULT_CHROMIUM,
    Asset,
    acquire_slot,
    launch_chromium,
    pdf_available,
    slide_context,
)

__all__ = [
    "FitIssue",
    "FitReport",
    "FitReportError",
    "FitSession",
    "FitUnavailable",
    "fit_document",
    "fit_script",
    "fit_session",
    "measure_fit",
    "measure_fit_available",
    "parse_fit_report",
]

log = logging.getLogger("slidegen.export.fit")

SLIDE_TIMEOUT_MS = 15_000
MAX_CONCURRENT = 2  # Chromium instances measuring at once in this process (~150 MB each)
MAX_PAGES = 4  # slides one Chromium measures at once
QUEUE_TIMEOUT_S = 60.0
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT)

# The documents of a session load Chart.js from this origin (which never resolves: the session
# serves it from memory), so Chromium compiles it once rather than for every slide (about half
# of a slide's measuring time).
_ASSETS = "https://chart.slidegen.invalid"

_KINDS = ("beyond", "outside", "clipped", "overflow", "empty_chart", "blank_canvas")
_EDGES = ("bottom", "right", "top", "left")
_MAX_ITEMS = 60
_MAX_NAME = 120
_MAX_PX = 100_000
_PER_KIND = 3  # sentences of one kind before "and N more"


class FitUnavailable(RuntimeError):
    """No Chromium to measure with here; the message says what is missing."""


class FitReportError(ValueError):
    """A measurement's answer is not what the fit script returns."""


@dataclass(frozen=True)
class FitIssue:
    """One finding: `kind` (beyond, outside, clipped, overflow, empty_chart, blank_canvas), the
    element as a phrase ("the table"), how many px, and the edge for `beyond`."""

    kind: str
    name: str
    px: int = 0
    edge: str = ""

    @property
    def sentence(self) -> str:
        n, px = self.name, self.px
        text = {
            "beyond": {
                "bottom": f"{n} ends {px} px below the slide",
                "right": f"{n} reaches {px} px past the right edge of the slide",
                "top": f"{n} starts {px} px above the slide",
                "left": f"{n} starts {px} px left of the slide",
            }.get(self.edge, f"{n} runs {px} px past the slide"),
            "outside": f"{n} is entirely outside the slide ({px} px away)",
            "clipped": f"{n} is cut off by its box ({px} px of it hidden)",
            "overflow": f"{n} spills {px} px out of its box",
            "empty_chart": f"{n} has no data",
            "blank_canvas": f"{n} is blank: nothing was drawn on it",
        }[self.kind]
        return text[0].upper() + text[1:]


@dataclass(frozen=True)
class FitReport:
    """Whether a slide fits its box, and why not in plain sentences.

    `overflow_px`: how far content reaches past the box on its worst edge (0 when inside);
    `needed_width`/`needed_height`: the box its content needs (at least 1280x720), from which
    `scale` (the scale that would bring it inside) follows; `measured_by`: "chromium" or
    "browser".
    """

    fits: bool
    problems: tuple[str, ...] = ()
    overflow_px: int = 0
    needed_width: int = SLIDE_WIDTH
    needed_height: int = SLIDE_HEIGHT
    issues: tuple[FitIssue, ...] = ()
    measured_by: str = ""
    # False when the slide could not be measured (its scripts never settled): `fits` is then
    # False and `problems` says why, but nothing about its layout is known.
    measured: bool = True

    @property
    def scale(self) -> float:
        """The scale that brings the content inside 1280x720 (1.0 when it is inside)."""
        return fit_scale(self.needed_width, self.needed_height)

    @property
    def only_overflow(self) -> bool:
        """True when every problem is content past the box, which scaling down can fix."""
        return bool(self.issues) and all(i.kind in ("beyond", "outside") for i in self.issues)

    def summary(self) -> str:
        """The problems as one paragraph for the model ("" when the slide fits)."""
        return "; ".join(self.problems) + "." if self.problems else ""


@functools.cache
def fit_script() -> str:
    """The measuring script's source (for a document, or the browser's frame)."""
    return page_script("fit_slide.js")


def fit_document(deck: Deck, slide: Slide, *, asset_base: str = "") -> str:
    """The slide's own document (the editor's) with the fit script last in its head."""
    document = render_slide_document(deck, slide, asset_base=asset_base)
    script = fit_script().replace("</script", "<\\/script")
    return document.replace("</head>", f"<script>{script}</script></head>", 1)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise FitReportError(f"{what} is not a number")
    return max(-_MAX_PX, min(_MAX_PX, round(value)))


def parse_fit_report(raw: Any, *, measured_by: str = "") -> FitReport:
    """The report of one slide from the fit script's answer; `FitReportError` for anything else."""
    if not isinstance(raw, dict) or raw.get("v") != 1:
        raise FitReportError("not a fit measurement (version 1)")
    items = raw.get("items")
    if not isinstance(items, list):
        raise FitReportError("the measurement has no list of items")
    issues: list[FitIssue] = []
    for item in items[:_MAX_ITEMS]:
        if not isinstance(item, dict) or item.get("kind") not in _KINDS:
            raise FitReportError("a measured item has an unknown kind")
        name = " ".join(str(item.get("name") or "an element").split())[:_MAX_NAME]
        edge = str(item.get("edge") or "")
        if item["kind"] == "beyond" and edge not in _EDGES:
            raise FitReportError("an item past the slide names no edge")
        issues.append(FitIssue(item["kind"], name, max(0, _int(item.get("px", 0), "px")), edge))
    width, height = SLIDE_WIDTH, SLIDE_HEIGHT
    overflow = max((i.px for i in issues if i.kind == "beyond"), default=0)
    extent = raw.get("extent")
    if extent is not None:
        if not isinstance(extent, list) or len(extent) != 4:
            raise FitReportError("the content extent is not [left, top, right, bottom]")
        left, top, right, bottom = (_int(v, "extent") for v in extent)
        width = max(SLIDE_WIDTH, right) - min(0, left)
        height = max(SLIDE_HEIGHT, bottom) - min(0, top)
        # content entirely off the slide counts too: how far the farthest of it reaches
        overflow = max(overflow, right - SLIDE_WIDTH, bottom - SLIDE_HEIGHT, -left, -top)
    return FitReport(
        fits=not issues,
        problems=_sentences(issues),
        overflow_px=max(0, overflow),
        needed_width=width,
        needed_height=height,
        issues=tuple(issues),
        measured_by=measured_by,
    )


def _sentences(issues: Sequence[FitIssue]) -> tuple[str, ...]:
    """Worst first within each kind, at most `_PER_KIND` of a kind, then how many more."""
    out: list[str] = []
    for kind in _KINDS:
        same = sorted((i for i in issues if i.kind == kind), key=lambda i: -i.px)
        out.extend(i.sentence for i in same[:_PER_KIND])
        if len(same) > _PER_KIND:
            out.append(f"{len(same) - _PER_KIND} more elements have the same problem")
    return tuple(out)


# ------------------------------------------------------------------------- server Chromium
def measure_fit_available(chromium_path: str = DEFAULT_CHROMIUM) -> bool:
    return pdf_available(chromium_path)


async def measure_fit(
    slides: Sequence[Slide], deck: Deck, *, chromium_path: str = DEFAULT_CHROMIUM
) -> list[FitReport]:
    """One report per slide of `slides` (in order), rendered with `deck`'s CSS, measured by
    the server's Chromium. Raises `FitUnavailable` when there is no Chromium (or it is busy
    or fails); a slide whose script never settles gets a report saying it was not measured.

    Each call starts Chromium (about a second); to check slides one by one as they are written,
    open one `fit_session()` for the whole run instead."""
    if not slides:
        if not measure_fit_available(chromium_path):
            raise FitUnavailable(_missing(chromium_path))
        return []
    async with fit_session(chromium_path=chromium_path) as session:
        return await session.measure(slides, deck)


def _missing(chromium_path: str) -> str:
    return f"checking that slides fit needs Playwright and Chromium at {chromium_path}"


class FitSession:
    """One running Chromium measuring slides, up to `MAX_PAGES` at once (see `fit_session`).

    Pages are kept between calls: opening one costs more than measuring a slide in it."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._pages = asyncio.Semaphore(MAX_PAGES)
        self._idle: list[Any] = []

    async def _page(self) -> Any:
        from playwright.async_api import Error as PlaywrightError

        if self._idle:
            return self._idle.pop()
        try:
            page = await self._context.new_page()
        except PlaywrightError as exc:
            raise FitUnavailable(f"Chromium failed to measure the slides: {exc.message}") from exc
        page.set_default_timeout(SLIDE_TIMEOUT_MS)
        return page

    async def measure(self, slides: Sequence[Slide], deck: Deck) -> list[FitReport]:
        """One report per slide of `slides`, in order (safe to await several times at once)."""
        from playwright.async_api import Error as PlaywrightError

        async with self._pages:
            page = await self._page()
            reports: list[FitReport] = []
            try:
                for slide in slides:
                    try:
                        raw = await _answer(page, fit_document(deck, slide, asset_base=_ASSETS))
                        reports.append(parse_fit_report(raw, measured_by="chromium"))
                    except FitReportError as error:
                        reports.append(_unmeasured(str(error)))
                    except (PlaywrightError, TimeoutError):
                        # a slide whose script never ends: unmeasured, and a fresh page
                        log.warning("slide %s could not be measured for fit", slide.id)
                        reports.append(_unmeasured("its scripts did not finish"))
                        await page.close()
                        page = await self._page()
            except BaseException:
                await page.close()  # cancelled mid-slide: the page may still be busy
                raise
            self._idle.append(page)
            return reports


# The slide's own scripts share the page with the fit script and may replace `__sgFit`: with
# one that never answers (Playwright's evaluate has no timeout of its own) or answers an object
# of hundreds of MB (read into this process whole). So the answer comes back as JSON text of
# bounded length (`typeof` and a string's `length` cannot be redefined), within the slide's time.
_MAX_ANSWER_CHARS = 100_000
_ANSWER = (
    "async () => { const s = JSON.stringify(await window.__sgFit()); "
    f"return typeof s === 'string' && s.length <= {_MAX_ANSWER_CHARS} ? s : null; }}"
)


async def _answer(page: Any, document: str) -> Any:
    """The fit script's answer for `document`; TimeoutError past `SLIDE_TIMEOUT_MS`."""
    async with asyncio.timeout(SLIDE_TIMEOUT_MS / 1000):
        await page.set_content(document, wait_until="load")
        text = await page.evaluate(_ANSWER)
    if not isinstance(text, str):
        raise FitReportError("the measurement's answer is missing or too long")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise FitReportError("the measurement's answer is not JSON") from None


@contextlib.asynccontextmanager
async def fit_session(*, chromium_path: str = DEFAULT_CHROMIUM) -> AsyncIterator[FitSession]:
    """A Chromium kept running for many measurements (a generation checking each slide as it
    is written): about 0.1 s a slide instead of a start of Chromium each. Holds one of the
    process's `MAX_CONCURRENT` Chromium slots while open; `FitUnavailable` as `measure_fit`."""
    if not measure_fit_available(chromium_path):
        raise FitUnavailable(_missing(chromium_path))
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    if not await acquire_slot(_SLOTS, QUEUE_TIMEOUT_S):
        raise FitUnavailable("the server is busy measuring other slides")
    try:
        async with contextlib.AsyncExitStack() as stack:
            try:
                playwright = await stack.enter_async_context(async_playwright())
                browser = await launch_chromium(playwright, chromium_path)
                stack.push_async_callback(browser.close)
                context = await slide_context(browser, assets=_session_assets())
            except PlaywrightError as exc:
                raise FitUnavailable(f"Chromium could not be started: {exc.message}") from exc
            yield FitSession(context)
    finally:
        _SLOTS.release()


def _session_assets() -> dict[str, Asset]:
    """Chart.js for the documents of a session, from memory (nothing else is reachable)."""
    return {
        f"{_ASSETS}{CHART_JS_URL_PATH}": Asset(
            "text/javascript", chart_js_source(), {"cache-control": "max-age=3600"}
        )
    }


def _unmeasured(why: str) -> FitReport:
    return FitReport(
        fits=False, problems=(f"The slide could not be measured: {why}",), measured=False
    )
