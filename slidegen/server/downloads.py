"""Download routes for exports: `GET /api/export/{deck_id}.{fmt}`, fmt in html | pdf | pptx.

Identity comes from the request's forwarded headers only (`identity_from_headers`): 403 without
one in production, 400 when one is repeated, and the deck is loaded through the deck service as
the caller (their own deck, or one shared with them at any level), so any other deck (or a
deleted one) is a 404 that reveals nothing. `?print=1` on the HTML export is the PDF path
when the server has no Chromium (`pdf_available()` false), which still gives vector text at
1280x720 pages: a script-free page whose only content is a frame of `?print=frame`, the deck
document with a script that opens the browser's print dialog.

Every document holding slide HTML served here runs its scripts sandboxed by the response's own
CSP header (`csp.export_policy`: opaque origin, no connections, no popups), so a slide script
cannot use the app's origin; the print page lets its frame navigate only within the app.
Exports are produced off the event loop; a failing export answers with a message (422 when the
deck cannot be exported, 503 when the server is busy, 500 on a bug), never a trace.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import unicodedata
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from slidegen.config import get_settings
from slidegen.server.csp import export_policy, print_wrapper_policy
from slidegen.server.headers import scope_headers
from slidegen.server.identity import AMBIGUOUS_IDENTITY, ambiguous_identity, identity_from_headers

__all__ = ["content_disposition", "download_routes", "safe_filename"]

log = logging.getLogger("slidegen.downloads")

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_PRINT_SCRIPT = (
    b"<script>window.addEventListener('load',function(){setTimeout(function()"
    b"{window.print();},300);});</script>"
)


def safe_filename(title: str, fmt: str) -> str:
    """A portable file name from a deck title: "Q3 review: EMEA" -> "Q3 review - EMEA.pptx"."""
    text = unicodedata.normalize("NFKC", title).replace(":", " -")
    text = re.sub(r'[\\/*?"<>|\x00-\x1f]+', " ", text)
    text = " ".join(text.split()).strip(" .")[:120] or "deck"
    return f"{text}.{fmt}"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 name (`filename*`)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


async def export_deck(request: Request) -> Response:
    from slidegen.server.services import deck_service

    fmt = request.path_params["fmt"]
    deck_id = request.path_params["deck_id"]
    headers = scope_headers(request.scope)  # as the UI and /mcp read them
    user = identity_from_headers(headers, get_settings())
    if user is None:
        if (why := ambiguous_identity(headers)) is not None:
            return _error(400, AMBIGUOUS_IDENTITY, why)
        return _error(
            403,
            "not_signed_in",
            "This request has no X-Forwarded-User header: open the app through Databricks Apps.",
        )
    if fmt not in MEDIA_TYPES:
        return _error(404, "unknown_format", "Exports are html, pdf or pptx.")
    # The service's access rule: the owner, or a grant (any level exports).
    record = await deck_service().open(user, deck_id)
    if record is None:
        return _error(404, "deck_not_found", "No such deck.")
    deck = record.deck
    from slidegen.export.pptx_export import pptx_request  # browser-measured PPTX layouts

    answer, layouts = await pptx_request(request, deck, fmt)
    if answer is not None:
        return answer
    mode = request.query_params.get("print", "") if fmt == "html" else ""
    if mode == "1":
        return _print_page(deck.title)
    printing = mode == "frame"
    if printing and request.headers.get("sec-fetch-dest", "iframe") == "document":
        # Opened as a page of its own, the document could navigate anywhere: frame it.
        return RedirectResponse(f"{request.url.path}?print=1", status_code=303)
    from slidegen.export.pdf import PdfBusyError, PdfExportError

    try:
        body = await _render(fmt, deck, layouts)
    except PdfBusyError as error:
        return _error(503, "export_busy", f"The PDF export cannot start: {error}.")
    except PdfExportError as error:
        log.warning("pdf export refused: %s", error, extra={"user_id": user.user_id})
        return _error(422, "export_refused", f"The PDF export failed: {error}.")
    except ValueError as error:  # a message written for the user
        return _error(422, "export_refused", str(error))
    except Exception as error:
        log.exception("export failed", extra={"user_id": user.user_id, "format": fmt})
        return _error(
            500,
            "export_failed",
            f"The {fmt.upper()} export failed ({type(error).__name__}); try another format.",
        )
    if printing:
        body = body.replace(b"</body>", _PRINT_SCRIPT + b"</body>", 1)
    headers = {
        "Content-Disposition": content_disposition(safe_filename(deck.title, fmt), inline=printing),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if fmt == "html":
        headers["Content-Security-Policy"] = export_policy()
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


def _print_page(title: str) -> Response:
    """The print view: no script of its own, the sandboxed deck document in a full-page frame."""
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>html,body{{margin:0;height:100%}}"
        "iframe{display:block;border:0;width:100%;height:100%}</style></head><body>"
        '<iframe src="?print=frame" sandbox="allow-scripts allow-modals" '
        f'title="{html.escape(title)}"></iframe></body></html>'
    )
    return Response(
        page,
        media_type=MEDIA_TYPES["html"],
        headers={
            "Content-Security-Policy": print_wrapper_policy(),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _render(fmt: str, deck: object, layouts: object = None) -> bytes:
    from slidegen import export
    from slidegen.export.pptx_export import export_pptx

    if fmt == "html":
        return await asyncio.to_thread(export.deck_to_html, deck)
    if fmt == "pptx":
        return await export_pptx(deck, layouts)  # type: ignore[arg-type]
    return await export.deck_to_pdf_async(deck)


def download_routes() -> list[Route]:
    return [Route("/api/export/{deck_id}.{fmt}", export_deck, methods=["GET", "POST"])]
