"""A cap on the attributes of one element, checked before libxml2 parses untrusted HTML.

libxml2's HTML parser compares each attribute of a start tag with every earlier one (its
duplicate check), so one element with n attributes costs n² comparisons: 20,000 attributes
(170 KB) take 1.8 s, and the 1.2 million of a 5 MB import would take hours of a worker thread.
`check_attributes` refuses any tag with more than `MAX_ATTRIBUTES` attributes, in time linear in
the text, before `lxml` sees it.

The scan follows the HTML tokenizer's rules for a tag (a quoted value starts only after `=`, a
`>` outside a value ends the tag) from every place a tag can start. A tag hidden from the main
scan inside a quoted value (a fake tag in a script or comment whose value runs over the real
one) is found by also scanning from each `<` + letter inside a value; a scan stops where another
has already started a tag, and a text that needs more than `_MAX_WORK` times its length of
scanning is refused as well.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ATTRIBUTES", "AttributeLimitError", "check_attributes"]

MAX_ATTRIBUTES = 256  # far above any real element; keeps libxml2's check below 0.001 s a tag
_MAX_WORK = 4

_TAG = re.compile(r"</?[A-Za-z]")
_NAME = re.compile(r"[^\s/>]*+")
_SEPARATORS = re.compile(r"[\s/]*+")
_ATTRIBUTE = re.compile(r"[^\s/>][^\s/>=]*+\s*+")
_SPACE = re.compile(r"\s*+")
_UNQUOTED = re.compile(r"[^\s>]*+")


class AttributeLimitError(ValueError):
    """The HTML has an element with too many attributes, or is too convoluted to check."""


def check_attributes(text: str) -> None:
    """Raise `AttributeLimitError` if any tag of `text` may carry more than `MAX_ATTRIBUTES`
    attributes."""
    started: set[int] = set()  # tag starts some scan has already read from
    pending = [0]
    budget = _MAX_WORK * len(text) + 10_000
    while pending:
        budget -= _scan(text, pending.pop(), started, pending)
        if budget < 0:
            raise AttributeLimitError("the HTML is too convoluted to read safely")


def _scan(text: str, pos: int, started: set[int], pending: list[int]) -> int:
    """Read tags from `pos` until a tag another scan began; the characters read."""
    begin, end = pos, len(text)
    while True:
        found = _TAG.search(text, pos)
        if found is None:
            return end - begin
        pos = found.start()
        if pos in started:
            return pos - begin
        started.add(pos)
        pos = _NAME.match(text, found.end()).end()
        count = 0
        while True:
            pos = _SEPARATORS.match(text, pos).end()
            if pos >= end or text[pos] == ">":
                break
            pos = _ATTRIBUTE.match(text, pos).end()
            count += 1
            if count > MAX_ATTRIBUTES:
                raise AttributeLimitError(f"an element has more than {MAX_ATTRIBUTES} attributes")
            if pos >= end or text[pos] != "=":
                continue
            pos = _SPACE.match(text, pos + 1).end()
            if pos < end and text[pos] in "\"'":
                close = text.find(text[pos], pos + 1)
                close = end if close < 0 else close
                inner = _TAG.search(text, pos + 1, close)
                if inner is not None:  # a tag the parser may see where this scan sees a value
                    pending.append(inner.start())
                pos = close + 1
            else:
                pos = _UNQUOTED.match(text, pos).end()
        pos += 1
