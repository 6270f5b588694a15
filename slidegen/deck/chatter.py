"""Separating a model's HTML from the chatter around it (prose and Markdown code fences).

A model answers "Here is your deck:\\n```html\\n<!DOCTYPE html>…\\n```\\nWant changes?". The fences
around the answer are chatter; a fence *inside* the HTML is content: a slide showing a Markdown
snippet in `<pre><code>`, "```" in a script's string, a reveal.js `<script type="text/template">`
holding Markdown, an attribute value. So a fence counts as chatter only when it starts a line
outside every tag, raw-text element (script, style, textarea, title, xmp, comment) and element.

The scan is one pass of a small tokenizer (comments, raw-text elements, tags, line-start fences),
linear in the text: the parser runs it on every model answer, of up to 25 MB.
"""

from __future__ import annotations

import re

__all__ = ["strip_chatter"]

_TOKEN_RE = re.compile(
    r"""(?P<comment><!--)
    |(?P<raw><(?P<raw_name>script|style|textarea|title|xmp)\b(?:[^>"']|"[^"]*"|'[^']*')*>)
    |(?P<tag><(?P<close>/?)(?P<name>[A-Za-z][\w:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>)
    |(?P<fence>^[ \t]*```+[^\n]*)""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
_BARE_FENCE_RE = re.compile(r"^[ \t]*```+[ \t]*$")
_FENCE_RE = re.compile(r"^[ \t]*```+[^\n]*", re.MULTILINE)
_HTML_END_RE = re.compile(r"</html\s*>", re.IGNORECASE)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "!doctype"}
)  # fmt: skip
# The document's own wrappers: a fence between <body> and the first slide is still chatter.
_WRAPPERS = frozenset({"html", "head", "body"})
_PREFORMATTED = frozenset({"pre", "code", "samp", "kbd"})


def strip_chatter(text: str) -> str:
    """The HTML of a model answer: the fenced blocks if the answer is fenced, else the whole
    text; nothing after `</html>`."""
    fences = _chatter_fences(text)
    if fences:
        parts = []
        # Pairs of fences enclose the HTML; an unclosed last fence (a stream cut short) runs on.
        for index in range(0, len(fences), 2):
            start = _line_end(text, fences[index][1])
            end = fences[index + 1][0] if index + 1 < len(fences) else len(text)
            parts.append(text[start:end])
        text = "\n".join(parts)
    end = _HTML_END_RE.search(text)
    return text[: end.end()] if end else text


def _line_end(text: str, position: int) -> int:
    newline = text.find("\n", position)
    return len(text) if newline < 0 else newline + 1


def _chatter_fences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each fence that wraps the answer rather than belonging to it."""
    if "```" not in text:
        return []
    fences = [m.span() for m in _FENCE_RE.finditer(text)]
    first_tag, last_tag = text.find("<"), text.rfind(">")
    if all(end <= first_tag or start > last_tag for start, end in fences) or first_tag < 0:
        # The usual answer: prose, a fence, the HTML, a fence, prose. Outside all markup.
        return fences
    open_counts: dict[str, int] = {}
    depth = 0  # open elements other than html/head/body
    preformatted = 0
    chatter: list[tuple[int, int]] = []
    # A bare closing fence left "inside" an element only because the model left a <div> open.
    loose: list[tuple[int, int]] = []
    # Fences before the first tag or after the last one are outside all markup: only those in
    # between need the scan, which can stop after the last of them.
    inside = [f for f in fences if first_tag < f[1] and f[0] <= last_tag]
    chatter.extend(f for f in fences if f[1] <= first_tag)
    after = [f for f in fences if f[0] > last_tag]
    stop = inside[-1][1]
    position = first_tag
    while position <= stop and (match := _TOKEN_RE.search(text, position)):
        if match.start() > stop:
            break
        position = match.end()
        if match.group("comment"):
            end = text.find("-->", position)
            position = len(text) if end < 0 else end + 3
        elif match.group("raw"):
            closing = re.compile(rf"</{match.group('raw_name')}\s*>", re.IGNORECASE)
            end = closing.search(text, position)
            position = len(text) if end is None else end.end()
        elif match.group("tag"):
            name = match.group("name").lower()
            if name in _VOID or name in _WRAPPERS or match.group(0).endswith("/>"):
                continue
            if match.group("close"):
                if open_counts.get(name, 0) > 0:
                    open_counts[name] -= 1
                    depth -= 1
                    preformatted -= name in _PREFORMATTED
            else:
                open_counts[name] = open_counts.get(name, 0) + 1
                depth += 1
                preformatted += name in _PREFORMATTED
        elif depth == 0:
            chatter.append(match.span())
        elif not preformatted and _BARE_FENCE_RE.match(match.group(0)):
            loose.append(match.span())
    if (len(chatter) + len(after)) % 2 and loose and chatter and loose[-1][0] > chatter[-1][0]:
        chatter.append(loose[-1])
    return chatter + after
