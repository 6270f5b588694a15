"""Incremental splitter of a model's token stream into slide containers.

`SlideSplitter.feed(piece)` takes the next piece of model text and returns the slide containers
(`<div class="slide">…</div>`, or any element whose class list holds `slide`) that were completed
by it, with their offsets in the whole text. The UI can show slide 1 while slide 5 is still being
written; the agent parses each container once (`parse_single_slide`) as it arrives.

Why not re-parse the buffer per token: BeautifulSoup over the whole answer at every token is
O(n²) and costs seconds on a 40-slide deck. This is a small tag scanner that looks at every
character a bounded number of times (O(n) overall):

- it skips comments and the raw text of `<script>`/`<style>`/`<textarea>`/`<title>` (chart code
  may well contain `"</div>"` or `a < b`), resuming searches where the last one stopped;
- outside a slide it looks for an opening tag with class `slide`; inside one it counts opening and
  closing tags of the container's own element name (so unclosed `<p>`/`<li>` cannot confuse it);
- an incomplete tag at the end of a piece is left for the next piece.

It never decides what the final deck is: the whole answer is still parsed once at the end
(`parse_deck_html`), which also handles models that forget to close a container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SlideChunk", "SlideSplitter"]

_TAG = re.compile(r"""<(/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
# A prefix that may still grow into a tag (no closing ">" seen yet).
_TAG_PREFIX = re.compile(
    r"""</?(?:[A-Za-z][\w:-]*(?:[^>"']|"[^"]*"|'[^']*')*("[^"]*|'[^']*)?)?\Z"""
)
# A "<" with this much text after it and no ">" is prose, not a tag being written.
_MAX_TAG_CHARS = 8192
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_RAW_TEXT = frozenset({"script", "style", "textarea", "title"})
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


@dataclass(frozen=True)
class SlideChunk:
    """One complete slide container: its outer HTML and where it starts in the whole text."""

    index: int
    start: int
    html: str


def _is_slide_tag(attrs: str) -> bool:
    match = _CLASS.search(attrs)
    if not match:
        return False
    value = next(g for g in match.groups() if g is not None)
    return "slide" in value.split()


class SlideSplitter:
    """Feed model text piece by piece; get each slide container as soon as it closes."""

    def __init__(self) -> None:
        self._buf = ""  # text not yet consumed; starts at absolute offset self._base
        self._base = 0
        self._scan = 0  # next position in _buf to look at
        self._raw_end: str | None = None  # inside <script> etc.: the closing tag we wait for
        self._in_comment = False
        self._slide_start: int | None = None  # position in _buf of the open container
        self._slide_tag = ""
        self._depth = 0
        self._count = 0

    @property
    def slides_found(self) -> int:
        return self._count

    @property
    def in_slide(self) -> bool:
        """True while a container is open (a slide is being written)."""
        return self._slide_start is not None

    def feed(self, piece: str) -> list[SlideChunk]:
        # Local-variable concatenation lets CPython grow the string in place (amortised O(1)).
        buf = self._buf
        self._buf = ""
        buf += piece
        self._buf = buf
        done: list[SlideChunk] = []
        while True:
            chunk = self._step()
            if chunk is None:
                break
            if chunk is not _NOTHING:
                done.append(chunk)  # type: ignore[arg-type]
        self._compact()
        return done

    def _step(self) -> SlideChunk | object | None:
        """Advance over one construct; None means "need more text"."""
        buf, pos = self._buf, self._scan
        if self._in_comment:
            end = buf.find("-->", pos)
            if end < 0:
                self._scan = max(pos, len(buf) - 2)
                return None
            self._in_comment = False
            self._scan = end + 3
            return _NOTHING
        if self._raw_end is not None:
            end = _find_ci(buf, self._raw_end, pos)
            if end < 0:
                self._scan = max(pos, len(buf) - len(self._raw_end))
                return None
            self._raw_end = None
            self._scan = end  # the closing tag itself is handled as a tag
            return _NOTHING
        lt = buf.find("<", pos)
        if lt < 0:
            self._scan = len(buf)
            return None
        if buf.startswith("<!--", lt):
            self._in_comment = True
            self._scan = lt + 4
            return _NOTHING
        if len(buf) - lt < 4 and "<!--".startswith(buf[lt:]):
            self._scan = lt
            return None
        match = _TAG.match(buf, lt)
        if match is None:
            if len(buf) - lt < _MAX_TAG_CHARS and _TAG_PREFIX.match(buf, lt):
                self._scan = lt  # an incomplete tag: wait for the rest
                return None
            self._scan = lt + 1  # a bare "<" in text
            return _NOTHING
        self._scan = match.end()
        return self._tag(match, lt)

    def _tag(self, match: re.Match[str], lt: int) -> SlideChunk | object:
        closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
        self_closing = attrs.rstrip().endswith("/")
        if not closing and name in _RAW_TEXT and not self_closing:
            self._raw_end = f"</{name}"
        if self._slide_start is None:
            if not closing and name not in _VOID and _is_slide_tag(attrs):
                self._slide_start, self._slide_tag, self._depth = lt, name, 1
            return _NOTHING
        if name != self._slide_tag or name in _VOID:
            return _NOTHING
        self._depth += -1 if closing else 1
        if self._depth > 0:
            return _NOTHING
        start = self._slide_start
        self._slide_start = None
        chunk = SlideChunk(self._count, self._base + start, self._buf[start : match.end()])
        self._count += 1
        return chunk

    def _compact(self) -> None:
        """Drop consumed text so the buffer holds at most the slide being written."""
        keep = self._slide_start if self._slide_start is not None else self._scan
        if keep > 4096 or (keep and keep == len(self._buf)):
            self._buf = self._buf[keep:]
            self._base += keep
            self._scan -= keep
            if self._slide_start is not None:
                self._slide_start -= keep


_NOTHING = object()


_RAW_END = {f"</{name}": re.compile(f"</{name}", re.IGNORECASE) for name in _RAW_TEXT}


def _find_ci(text: str, needle: str, start: int) -> int:
    """Case-insensitive find of a raw-text end such as "</script"."""
    match = _RAW_END[needle].search(text, start)
    return match.start() if match else -1
