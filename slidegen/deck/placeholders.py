"""Placeholder slides: what a planned slide shows until it is written, or after it failed.

An outline-first generation shows every planned slide at once as a placeholder with its title
and intent; each is replaced in place (same id) when its slide is written. A slide that could
not be written stays a placeholder marked failed, saved with the deck, so the user sees what is
missing and can regenerate it: `placeholder_info` reads the title and intent back.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import lxml.html

from slidegen.deck.model import Slide

__all__ = [
    "FAILED",
    "WRITING",
    "PlaceholderInfo",
    "is_failed_placeholder",
    "is_placeholder",
    "placeholder_info",
    "placeholder_slide",
]

WRITING = "writing"
FAILED = "failed"
_ATTR = "data-slidegen-placeholder"
_STYLE = (
    "<style>.sg-placeholder{display:flex;flex-direction:column;justify-content:center;"
    "gap:24px;padding:96px;box-sizing:border-box;width:1280px;height:720px}"
    ".sg-placeholder h2{margin:0;font-size:44px}"
    ".sg-placeholder .sg-placeholder-intent{margin:0;font-size:26px;opacity:.75}"
    ".sg-placeholder .sg-placeholder-note{margin:0;font-size:20px;opacity:.6;"
    "letter-spacing:.04em;text-transform:uppercase}</style>"
)


@dataclass(frozen=True)
class PlaceholderInfo:
    state: str  # WRITING | FAILED
    title: str
    intent: str
    reason: str
    layout: str = "text"
    questions: tuple[str, ...] = ()


def placeholder_slide(
    slide_id: str,
    title: str,
    intent: str,
    *,
    state: str = WRITING,
    reason: str = "",
    layout: str = "text",
    questions: tuple[str, ...] = (),
) -> Slide:
    """A placeholder for the planned slide `title` (the id its written slide will keep); it
    carries what writing it again needs (intent, layout, data questions)."""
    note = "Writing…" if state == WRITING else f"Not written: {reason or 'the model failed'}"
    attrs = " ".join(
        f'{name}="{html.escape(value, quote=True)}"'
        for name, value in (
            (_ATTR, state),
            ("data-intent", intent),
            ("data-reason", reason),
            ("data-layout", layout),
            ("data-questions", json.dumps(list(questions), ensure_ascii=False)),
        )
    )
    body = (
        f'<section class="slide sg-slide sg-placeholder" {attrs}>{_STYLE}'
        f"<h2>{html.escape(title or 'Untitled slide')}</h2>"
        f'<p class="sg-placeholder-intent">{html.escape(intent)}</p>'
        f'<p class="sg-placeholder-note">{html.escape(note)}</p></section>'
    )
    return Slide(id=slide_id, html=body)


def is_placeholder(slide: Slide) -> bool:
    return _ATTR in slide.html[:400]


def placeholder_info(slide: Slide) -> PlaceholderInfo | None:
    """The placeholder's state, title and intent, or None for a written slide."""
    if not is_placeholder(slide):
        return None
    root = lxml.html.fragment_fromstring(slide.html, create_parent="div")
    element = next((e for e in root.iter() if e.get(_ATTR)), None)
    if element is None:
        return None
    heading = next(element.iter("h2"), None)
    try:
        questions = json.loads(element.get("data-questions") or "[]")
    except ValueError:
        questions = []
    return PlaceholderInfo(
        state=element.get(_ATTR) or WRITING,
        title=" ".join(heading.text_content().split()) if heading is not None else "",
        intent=element.get("data-intent") or "",
        reason=element.get("data-reason") or "",
        layout=element.get("data-layout") or "text",
        questions=tuple(str(q) for q in questions if isinstance(q, str))
        if isinstance(questions, list)
        else (),
    )


def is_failed_placeholder(slide: Slide) -> bool:
    info = placeholder_info(slide)
    return info is not None and info.state == FAILED
