"""Exports of a deck: standalone HTML, PDF (server-side Chromium) and PPTX (python-pptx).

`deck_to_html(deck)`, `deck_to_pdf(deck, *, chromium_path=...)` and `deck_to_pptx(deck, layouts)`
each return the file's bytes (`pptx_export.export_pptx` picks the browser-measured layouts);
`pdf_available()` says whether the PDF path can run on this machine.
"""

from slidegen.export.html import deck_to_html
from slidegen.export.pdf import PdfExportError, deck_to_pdf, deck_to_pdf_async, pdf_available
from slidegen.export.pptx import deck_to_pptx

__all__ = [
    "PdfExportError",
    "deck_to_html",
    "deck_to_pdf",
    "deck_to_pdf_async",
    "deck_to_pptx",
    "pdf_available",
]
