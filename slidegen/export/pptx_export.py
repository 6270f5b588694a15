"""Which layout a PPTX export uses, and the two exchanges of the browser-measured path.

A PPTX is drawn from a browser's layout of each slide whenever one is at hand:

1. layouts the user's browser measured and posted with the export request (the UI's path: the
   Databricks Apps container has no Chromium). The page first asks for the slide documents with
   the measuring script (`slide_documents`), renders each in an offscreen sandboxed frame,
   collects the layouts by postMessage and posts `{"layouts": {slide_id: layout}}`; the body is
   untrusted and validated strictly (`layout_tree.parse_layouts`);
2. otherwise layouts measured here by Debian's Chromium, when present (`measure.py`);
3. otherwise, per slide, the browser-free flow layout (`layout.py`).

The file's "comments" core property records which one each slide used.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from slidegen.deck.model import Deck
from slidegen.deck.render import render_slide_document
from slidegen.export.layout_tree import MAX_BODY_BYTES, LayoutError, SlideLayout, parse_layouts
from slidegen.export.measure import MeasureError, measure_available, measure_deck_async
from slidegen.export.page_scripts import page_script
from slidegen.export.pptx import deck_to_pptx

__all__ = [
    "deck_to_pptx_measured",
    "export_pptx",
    "pptx_request",
    "read_posted_layouts",
    "slide_documents",
]

log = logging.getLogger("slidegen.export.pptx")


def slide_documents(deck: Deck, asset_base: str) -> dict[str, object]:
    """Each slide's own document and, once, the measuring script the page puts in its head.

    `asset_base` is the app's origin as the page sees it (the documents load the vendored
    Chart.js from there); a bad one raises ValueError. The script (40 KB) is sent once rather
    than in every document.
    """
    return {
        "deck_id": deck.id,
        "measure_script": measure_script(),
        "slides": [
            {"id": s.id, "document": render_slide_document(deck, s, asset_base=asset_base)}
            for s in deck.slides
        ],
    }


@functools.cache
def measure_script() -> str:
    """`measure_slide.js`, safe inside an inline `<script>` element."""
    text = page_script("measure_slide.js")
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


async def read_posted_layouts(
    body_chunks: object, content_type: str, deck: Deck
) -> dict[str, SlideLayout]:
    """The layouts of an export request's JSON body, read with a size cap; LayoutError if bad."""
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise LayoutError("posted layouts must be sent as application/json")
    received = bytearray()
    async for chunk in body_chunks:  # type: ignore[attr-defined]
        received += chunk
        if len(received) > MAX_BODY_BYTES:
            raise LayoutError("the posted layouts exceed 48 MB")
    return parse_layouts(bytes(received), {s.id for s in deck.slides})


async def pptx_request(
    request: Request, deck: Deck, fmt: str
) -> tuple[Response | None, dict[str, SlideLayout] | None]:
    """The export route's PPTX part: (an answer to send at once, or None; posted layouts).

    `GET ...pptx?measure=documents&asset_base=ORIGIN` answers the slide documents to measure;
    `POST ...pptx` carries the layouts the browser measured. Other formats take no POST.
    """
    if fmt != "pptx":
        if request.method == "POST":
            return _error(405, "method_not_allowed", "Only the PPTX export takes a body."), None
        return None, None
    try:
        if request.query_params.get("measure") == "documents":
            documents = slide_documents(deck, request.query_params.get("asset_base", ""))
            return JSONResponse(documents, headers={"Cache-Control": "private, no-store"}), None
        if request.method == "POST":
            content_type = request.headers.get("content-type", "")
            return None, await read_posted_layouts(request.stream(), content_type, deck)
    except ValueError as error:  # LayoutError, or a bad asset_base
        return _error(422, "bad_layout", str(error)), None
    return None, None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


async def export_pptx(deck: Deck, posted: dict[str, SlideLayout] | None = None) -> bytes:
    """The deck's PPTX from the best layout available for each slide (see the module doc)."""
    layouts = dict(posted or {})
    if len(layouts) < len(deck.slides) and measure_available():
        try:
            measured = await measure_deck_async(deck)
        except MeasureError as error:
            log.warning("measuring slides failed, using the flow layout: %s", error)
        else:
            layouts = {**measured, **layouts}
    return await asyncio.to_thread(deck_to_pptx, deck, layouts)


def deck_to_pptx_measured(deck: Deck) -> bytes:
    """`export_pptx` for synchronous callers (the CLI): Chromium's layout when present."""
    from slidegen.export.measure import run_sync

    return run_sync(export_pptx(deck))
