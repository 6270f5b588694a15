"""The scripts the export puts into a slide's document, as the document gets them.

`fit_slide.js` (does the slide fit?) and `measure_slide.js` (its layout for the PPTX export)
wait for the slide to settle and answer a sandboxed frame's parent in the same way; that part
is written once, in `slide_settle.js`, and `page_script` puts it into each script's function
where the script says `// @shared slide_settle.js`. Both stay one self-contained script (no
global a slide's own code could replace between them).
"""

from __future__ import annotations

import functools
from pathlib import Path

__all__ = ["page_script"]

_HERE = Path(__file__).parent
_SHARED = "slide_settle.js"
_MARK = f"  // @shared {_SHARED}\n"


@functools.cache
def page_script(name: str) -> str:
    """The source of `name` (in this folder) with the shared part in place, not yet escaped for
    an inline `<script>` element."""
    source = (_HERE / name).read_text(encoding="utf-8")
    if source.count(_MARK) != 1:
        raise RuntimeError(f"{name} must say `{_MARK.strip()}` once, where the shared part goes")
    return source.replace(_MARK, (_HERE / _SHARED).read_text(encoding="utf-8"), 1)
