"""The PPTX export link, laid out in the user's own browser: a hook-only component.

The Databricks Apps container has no Chromium, so the browser that already renders the slides
measures them (`pptx_export.js`: each slide's document in an invisible sandboxed frame, layouts
back by postMessage) and posts the layouts with the export request. `PptxExportInBrowser`
installs one capture-phase click listener for the link with id `target_id` (compiled into the
app's bundle: the page's CSP allows no `eval`). The link keeps its plain `href`, which the
script follows when anything in that path fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var

__all__ = ["PptxExportInBrowser"]

_SCRIPT = Path(__file__).with_name("pptx_export.js").read_text(encoding="utf-8")


class PptxExportInBrowser(rx.Fragment):
    target_id: str = field(default="export-pptx", is_javascript_property=False)

    def add_hooks(self) -> list[str | Var[Any]]:
        target = self.target_id.replace("'", "").replace("\\", "")
        # The capture phase on document runs before React's own handlers (the React Router link).
        listener = (
            "const onClick = (e) => {\n"
            "  const link = e.target && e.target.closest ? e.target.closest('#"
            + target
            + "') : null;\n"
            "  if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;\n"
            "  e.preventDefault(); e.stopPropagation();\n"
            "  window.sgExportPptx(link);\n"
            "};\n"
            "document.addEventListener('click', onClick, true);\n"
            "return () => document.removeEventListener('click', onClick, true);\n"
        )
        return [Var("useEffect(() => {\n" + _SCRIPT + "\n" + listener + "}, []);")]
