# ruff: noqa: E501  (JavaScript source text: its lines are kept as written)
"""The slide stage: the focused slide large, editable in place, with its toolbar.

The stage is one sandboxed iframe (`sandbox="allow-scripts"`, never `allow-same-origin`) that
`StageFrame` creates and keeps in step with the stage box's `data-srcdoc` (the focused slide's
document, read from the deck state's shards like every thumbnail: moving the focus sends a slide
id, not a document). Before setting it, `StageFrame` inserts `stage_edit.js` into the document,
after the slide's HTML and before its scripts: that script makes headings, paragraphs, list
items and table cells editable in place and posts each finished edit to this page.

Messages are accepted only from the stage frame's own window, for the slide it shows, and only
in the expected shape; the server checks them again (`slidegen.web.inline_edit`), because the
slide's own scripts run in that frame too. While the user types, a new document for the same
slide (the version saved after a pause) is held back, so the caret is not lost; it is shown
when the edit ends. The box scales the 1280x720 frame to fit (`FitToBox`, `data-fit=contain`).
A viewer of a shared deck gets the slide without the editing script (`data-editable="false"`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var

from slidegen.web.components.behaviours import HookFragment
from slidegen.web.components.controls import icon_button
from slidegen.web.inline_edit import MAX_EDITS
from slidegen.web.states import ChatState, DeckState, EditorState

__all__ = ["StageFrame", "stage", "stage_toolbar"]

_EDIT_SCRIPT = Path(__file__).with_name("stage_edit.js").read_text(encoding="utf-8")
if "</" in _EDIT_SCRIPT:  # it is inserted as an inline <script>: it must not end it early
    raise RuntimeError("stage_edit.js must not contain '</'")


def _slide_and_edits(slide: Var, edits: Var) -> tuple[Var[str], Var[list]]:
    return (slide.to(str), edits.to(list))


class StageFrame(HookFragment):
    on_edit: rx.EventHandler[_slide_and_edits] = field(doc="(slide_id, edits)")

    def add_hooks(self) -> list[str | Var[Any]]:
        script = json.dumps(_EDIT_SCRIPT)
        return [
            Var(f"""
useEffect(() => {{
  const edit = {self._trigger("on_edit")};
  const script = '<script>' + {script} + '</' + 'script>';
  const inject = (doc) => {{
    let at = doc.indexOf('<script>__sgSlide(');
    if (at < 0) at = doc.lastIndexOf('</body>');
    return at < 0 ? doc : doc.slice(0, at) + script + doc.slice(at);
  }};
  let frame = null, shownDoc = null, shownSlide = null, shownEditable = null, editing = false;
  let awaitingFrom = null, waitTimer = 0;
  const box = () => document.getElementById('stage-frame');
  const render = (force) => {{
    const el = box(); if (!el) return;
    if (!frame || !el.contains(frame)) {{
      frame = document.createElement('iframe');
      frame.setAttribute('sandbox', 'allow-scripts');  // never with allow-same-origin
      frame.tabIndex = -1;
      frame.id = 'stage-iframe';
      // `data-frame-state` says whether the document last set has loaded (tests wait on it).
      frame.addEventListener('load', () => {{ const b = box(); if (b && b.contains(frame)) b.dataset.frameState = 'ready'; }});
      el.insertBefore(frame, el.firstChild);
      shownDoc = null;
    }}
    const doc = el.dataset.srcdoc || '';
    const slide = el.dataset.stageSlide || '';
    const editable = el.dataset.editable !== 'false';
    if (editable !== shownEditable) {{ shownEditable = editable; force = true; editing = false; }}
    if (slide !== shownSlide) {{ editing = false; awaitingFrom = null; }}
    else if (awaitingFrom !== null && doc !== awaitingFrom) {{ awaitingFrom = null; clearTimeout(waitTimer); }}
    if (!force && (doc === shownDoc || editing || awaitingFrom !== null) && slide === shownSlide) return;
    shownDoc = doc; shownSlide = slide;
    frame.title = el.dataset.frameTitle || 'slide';
    el.dataset.frameState = 'loading';
    frame.setAttribute('srcdoc', doc ? (editable ? inject(doc) : doc) : '');
  }};
  const onMessage = (e) => {{
    if (!frame || e.source !== frame.contentWindow) return;
    const m = e.data;
    if (!m || typeof m !== 'object' || m.slide !== shownSlide) return;
    if (m.type === 'sg-editing') {{
      editing = m.active === true;
      if (!editing) {{ if (m.refocus) box()?.focus(); render(false); }}
    }} else if (m.type === 'sg-click') {{
      box()?.focus();  // keys go to the editor again (arrows, Delete) after a click on the slide
    }} else if (m.type === 'sg-text-edit' && Array.isArray(m.edits) && m.edits.length > 0 && m.edits.length <= {MAX_EDITS}) {{
      const edits = m.edits.filter((x) => x && Number.isInteger(x.i) && typeof x.before === 'string' && typeof x.html === 'string')
        .map((x) => ({{ i: x.i, before: x.before, html: x.html }}));
      if (edits.length !== m.edits.length) return;
      awaitingFrom = box()?.dataset.srcdoc ?? null;
      clearTimeout(waitTimer);
      // No new document within a few seconds: the edit was refused (the notice says why) or
      // changed nothing; show the stored slide again, not the unsaved text.
      waitTimer = setTimeout(() => {{ awaitingFrom = null; if (!editing) render(true); }}, 5000);
      edit(shownSlide, edits);
    }}
  }};
  window.addEventListener('message', onMessage);
  render(false);
  const mo = new MutationObserver(() => render(false));
  mo.observe(document.body, {{ childList: true, subtree: true, attributes: true,
    attributeFilter: ['data-srcdoc', 'data-stage-slide', 'data-frame-title', 'data-editable'] }});
  return () => {{ window.removeEventListener('message', onMessage); mo.disconnect(); clearTimeout(waitTimer); }};
}}, []);""")
        ]


def _stage_button(icon: str, label: str, on_click: Any, **props: Any) -> rx.Component:
    return icon_button(
        icon, label, on_click, size="2", variant="soft", color_scheme="gray", **props
    )


def _regenerate_button(entry: rx.Var[Any]) -> rx.Component:
    """Write the slide again: "Retry" (spelled out) on a slide that could not be written,
    an icon button on any other."""
    return rx.cond(
        entry["failed"],
        rx.button(
            rx.icon("rotate-ccw", size=14),
            "Retry",
            on_click=ChatState.regenerate(DeckState.stage_id),
            disabled=ChatState.generating,
            size="2",
            color_scheme="amber",
            id="stage-retry",
        ),
        _stage_button(
            "sparkles",
            "Regenerate",
            ChatState.regenerate(DeckState.stage_id),
            tip="Write this slide again",
            disabled=ChatState.generating,
            id="stage-regenerate",
        ),
    )


def stage_toolbar(entry: rx.Var[Any]) -> rx.Component:
    """Above the stage or the overview: where we are, the slide's actions, the view switch."""
    title = rx.cond(entry["title"] != "", entry["title"], "Untitled slide")
    return rx.hstack(
        rx.text(
            "Slide ",
            DeckState.stage_number,
            " of ",
            DeckState.slide_count,
            size="2",
            weight="medium",
            id="stage-position",
            white_space="nowrap",
        ),
        rx.text(
            title,
            size="2",
            color_scheme="gray",
            # Spelled out: Radix's `truncate` does not clip inside this flex row.
            white_space="nowrap",
            overflow="hidden",
            text_overflow="ellipsis",
            flex="1",
            min_width="0",
            title=title,
            id="stage-title",
        ),
        rx.cond(
            ~DeckState.overview & DeckState.can_edit,
            rx.hstack(
                # The keyboard and pointer alternative to dragging a thumbnail.
                _stage_button(
                    "arrow-left",
                    "Move earlier",
                    DeckState.nudge(DeckState.stage_id, -1),
                    disabled=DeckState.stage_number <= 1,
                    id="stage-move-earlier",
                ),
                _stage_button(
                    "arrow-right",
                    "Move later",
                    DeckState.nudge(DeckState.stage_id, 1),
                    disabled=DeckState.stage_number >= DeckState.slide_count,
                    id="stage-move-later",
                ),
                _stage_button(
                    "code", "Edit HTML", EditorState.start(DeckState.stage_id), id="stage-edit-html"
                ),
                _regenerate_button(entry),
                _stage_button(
                    "copy",
                    "Duplicate",
                    DeckState.duplicate(DeckState.stage_id),
                    tip="Duplicate (Ctrl+D)",
                    id="stage-duplicate",
                ),
                _stage_button(
                    "trash-2",
                    "Delete",
                    DeckState.delete_focused,
                    tip="Delete (Del)",
                    id="stage-delete",
                ),
                spacing="1",
            ),
        ),
        rx.segmented_control.root(
            rx.segmented_control.item(
                rx.hstack(rx.icon("presentation", size=14), "Stage", spacing="1", align="center"),
                value="stage",
            ),
            rx.segmented_control.item(
                rx.hstack(rx.icon("layout-grid", size=14), "Overview", spacing="1", align="center"),
                value="overview",
            ),
            value=rx.cond(DeckState.overview, "overview", "stage"),
            on_change=lambda v: DeckState.set_overview(v == "overview"),
            size="1",
            id="view-toggle",
        ),
        align="center",
        spacing="3",
        width="100%",
        class_name="sg-stage-bar",
    )


def stage(entry: rx.Var[Any]) -> rx.Component:
    """The focused slide, as large as fits, 16:9."""
    return rx.box(
        StageFrame.create(on_edit=DeckState.save_text),
        rx.box(
            id="stage-frame",
            class_name="sg-stage",
            tab_index=-1,
            custom_attrs={
                "data-srcdoc": entry["doc"],
                "data-stage-slide": DeckState.stage_id,
                "data-editable": rx.cond(DeckState.can_edit, "true", "false"),
                "data-frame-title": rx.cond(entry["title"] != "", entry["title"], "slide"),
            },
        ),
        class_name="sg-fit sg-stage-area",
        custom_attrs={"data-fit": "contain"},
    )
