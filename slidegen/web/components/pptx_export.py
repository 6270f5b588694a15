"""The PPTX export link's click handler: the slides are measured in the user's own browser.

The Databricks Apps container has no Chromium, so the browser that already renders the slides
measures them (`pptx_export.js`: each slide's document in an invisible sandboxed frame, layouts
back by postMessage) and posts the layouts with the export request. The link keeps its plain
`href`, followed when anything in that path fails.
"""

from __future__ import annotations

from pathlib import Path

import reflex as rx
from reflex.event import EventSpec

__all__ = ["export_pptx_in_browser"]

_SCRIPT = Path(__file__).with_name("pptx_export.js").read_text(encoding="utf-8")


def export_pptx_in_browser(element_id: str) -> EventSpec:
    """The link's on_click: run the measuring export instead of following the link."""
    call = f"{_SCRIPT}\nwindow.sgExportPptx(document.getElementById({element_id!r}));"
    return rx.call_script(call).prevent_default
