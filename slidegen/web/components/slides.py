"""The slide panel: the stage with its filmstrip, or the overview grid; selection, reorder, actions.

By default the focused slide is large on the stage (`stage.py`) with speaker notes under it and
a filmstrip of numbered thumbnails below (title on hover); the overview toggle shows every
slide as a card in a grid instead. Both lists share selection (click, Ctrl/Cmd-click,
Shift-click), drag to reorder and the keys of `SlideKeys`; Enter or a double click on a
thumbnail or card puts that slide on the stage.

Each card is keyed by its slide id, so a reorder moves the existing iframes instead of reloading
them. A transparent overlay above each iframe takes the clicks and drags (events inside an
iframe never reach the page), and the iframe itself gets `sandbox="allow-scripts"` only: its
scripts run (charts) in an opaque origin that cannot act as the user against the app.
A card's iframe is created only when the card comes near the viewport (`LazyFrames`): a
200-slide deck opens without building 200 browsing contexts first.
"""

from __future__ import annotations

import reflex as rx
from reflex_base.vars.base import Var, VarData

from slidegen.web.components.behaviours import FitToBox, LazyFrames, SlideDragDrop, SlideKeys
from slidegen.web.components.controls import centered_message, icon_button
from slidegen.web.components.stage import stage, stage_toolbar
from slidegen.web.states import DeckState, EditorState
from slidegen.web.states.deck import shard_name
from slidegen.web.view import SHARDS, SlideEntry

__all__ = ["filmstrip", "notes_bar", "slide_entry", "slide_frame", "slide_panel"]


def _shard_lookup() -> tuple[str, str]:
    """The page's JS name of the deck state object and the suffix Reflex gives var names."""
    compiled = str(getattr(DeckState, shard_name(0)))  # e.g. "<state>.shard_0_rx_state_"
    obj, _, field = compiled.rpartition(".")
    if not obj or not field.startswith(shard_name(0)):
        raise RuntimeError(f"unexpected compiled state var {compiled!r}")
    return obj, field.removeprefix(shard_name(0))


def slide_entry(slide_id: rx.Var[str]) -> rx.Var[SlideEntry]:
    """The entry of `slide_id`, from whichever shard var holds it (see DeckState).

    One short JS expression looping over the shard vars (instead of naming all of them), with
    the var data of the shards so the component subscribes to the deck state."""
    obj, suffix = _shard_lookup()
    expr = (
        f"(Array.from({{length: {SHARDS}}}, (_, i) => "
        f'{obj}["shard_" + i + "{suffix}"]?.[{slide_id}]).find((e) => e) ?? '
        '{"title": "", "doc": "", "notes": "", "scaled": false, "failed": false})'
    )
    var_data = VarData.merge(
        slide_id._get_all_var_data(),
        *(getattr(DeckState, shard_name(i))._get_all_var_data() for i in range(SHARDS)),
    )
    return Var(_js_expr=expr, _var_type=SlideEntry, _var_data=var_data).to(SlideEntry)


def slide_frame(
    doc: rx.Var[str], title: rx.Var[str] | str = "slide", *, interactive: bool = False
) -> rx.Component:
    """A 1280x720 slide document scaled to the width of its box."""
    return rx.box(
        rx.el.iframe(
            src_doc=doc, sandbox="allow-scripts", title=title, tab_index=-1, loading="lazy"
        ),
        class_name="sg-fit",
        style={"pointer-events": "auto"} if interactive else {},
    )


def _icon_button(icon: str, label: str, on_click: object, **props: object) -> rx.Component:
    return icon_button(icon, label, on_click, size="1", variant="ghost", **props)


def _title(entry: rx.Var[SlideEntry], index: rx.Var[int]) -> rx.Var[str]:
    return rx.cond(entry["title"] != "", entry["title"], "Slide " + (index + 1).to_string())


def _lazy_frame(
    entry: rx.Var[SlideEntry], title: rx.Var[str], slide_id: rx.Var[str]
) -> rx.Component:
    # The iframe (sandbox="allow-scripts", srcdoc = data-srcdoc) is created by LazyFrames
    # when the box comes near the viewport; the overlay above it takes clicks and drags.
    return rx.box(
        rx.box(
            class_name="sg-overlay",
            on_click=DeckState.select(slide_id),
            on_double_click=DeckState.open_on_stage(slide_id),
        ),
        class_name="sg-fit sg-lazy",
        custom_attrs={"data-srcdoc": entry["doc"], "data-frame-title": title},
    )


def _list_item_class(slide_id: rx.Var[str], base: str) -> rx.Var[str]:
    selected = DeckState.selected.contains(slide_id)
    on_stage = slide_id == DeckState.stage_id
    return rx.cond(
        selected,
        f"{base} sg-selected",
        rx.cond(on_stage & ~DeckState.overview, f"{base} sg-focused", base),
    )


def _scaled_marker(entry: rx.Var[SlideEntry], *, label: bool) -> rx.Component:
    """The sign that a slide was scaled down to fit its box (`slidegen.deck.fitting`)."""
    return rx.cond(
        entry["scaled"],
        rx.box(
            rx.icon("minimize-2", size=11),
            rx.text("scaled to fit", size="1") if label else rx.fragment(),
            class_name="sg-scaled-marker",
            title="Scaled down to fit the slide",
            aria_label="scaled to fit",
            display="inline-flex",
            align_items="center",
            gap="3px",
            padding="1px 4px",
            border_radius="4px",
            background="var(--amber-3)",
            color="var(--amber-11)",
            border="1px solid var(--amber-7)",
            line_height="1",
            z_index="2",
            pointer_events="none",
            **({} if label else {"position": "absolute", "right": "3px", "bottom": "3px"}),
        ),
    )


def thumbnail(slide_id: rx.Var[str], index: rx.Var[int]) -> rx.Component:
    """One filmstrip item: its number and a small live copy of the slide (marked when it was
    scaled to fit); title on hover."""
    entry = slide_entry(slide_id)
    title = _title(entry, index)
    return rx.box(
        rx.text(index + 1, size="1", weight="bold", class_name="sg-thumb-number"),
        _lazy_frame(entry, title, slide_id),
        _scaled_marker(entry, label=False),
        key=slide_id,
        draggable=~DeckState.busy & DeckState.can_edit,
        tab_index=0,
        role="button",
        title=title,
        aria_label="Slide " + (index + 1).to_string() + ": " + title,
        class_name=_list_item_class(slide_id, "sg-thumb"),
        custom_attrs={"data-slide-id": slide_id, "data-index": index},
    )


def filmstrip() -> rx.Component:
    return rx.box(rx.foreach(DeckState.order, thumbnail), class_name="sg-strip", id="filmstrip")


def slide_card(slide_id: rx.Var[str], index: rx.Var[int]) -> rx.Component:
    entry = slide_entry(slide_id)
    title = _title(entry, index)
    return rx.box(
        rx.box(
            rx.icon("grip-vertical", size=16, class_name="sg-handle"),
            rx.text(index + 1, weight="bold", size="2", color_scheme="gray"),
            rx.text(title, size="2", truncate=True, flex="1", class_name="sg-title"),
            _scaled_marker(entry, label=True),
            rx.cond(
                DeckState.can_edit,  # a viewer of a shared deck gets no editing control
                rx.hstack(
                    _icon_button(
                        "arrow-up", "Move up", DeckState.nudge(slide_id, -1), disabled=index == 0
                    ),
                    _icon_button(
                        "arrow-down",
                        "Move down",
                        DeckState.nudge(slide_id, 1),
                        disabled=index == DeckState.slide_count - 1,
                    ),
                    _icon_button(
                        "code", "Edit HTML", EditorState.start(slide_id), class_name="sg-edit"
                    ),
                    _icon_button(
                        "copy",
                        "Duplicate",
                        DeckState.duplicate(slide_id),
                        class_name="sg-duplicate",
                    ),
                    _icon_button(
                        "trash-2",
                        "Delete",
                        DeckState.delete(slide_id),
                        color_scheme="red",
                        class_name="sg-delete",
                    ),
                    spacing="1",
                    class_name="sg-actions",
                ),
            ),
            class_name="sg-card-bar",
        ),
        _lazy_frame(entry, title, slide_id),
        key=slide_id,
        draggable=~DeckState.busy & DeckState.can_edit,
        tab_index=0,
        class_name=_list_item_class(slide_id, "sg-card"),
        custom_attrs={"data-slide-id": slide_id, "data-index": index},
    )


def notes_bar(rows: int = 2) -> rx.Component:
    """Speaker notes of the slide on the stage, saved when the field loses focus."""
    return rx.box(
        rx.text("Speaker notes · slide ", DeckState.stage_number, size="1", color_scheme="gray"),
        rx.el.textarea(
            default_value=slide_entry(DeckState.stage_id)["notes"],
            key=DeckState.stage_id + "-" + DeckState.version.to_string(),
            placeholder="What to say on this slide…",
            rows=rows,
            id="notes-input",
            aria_label="Speaker notes",
            read_only=~DeckState.can_edit,
            on_blur=lambda value: DeckState.save_notes(DeckState.stage_id, value),
            class_name="sg-notes",
        ),
        class_name="sg-notes-bar",
    )


def _empty_state() -> rx.Component:
    return centered_message(
        "presentation",
        "No slides yet",
        "Describe the deck you need in the chat, e.g. “Eight slides on Q3 sales by region, "
        "with a chart”.",
        icon_size=40,
        heading_size="4",
        text_width="380px",
        height="60vh",
    )


def _overview() -> rx.Component:
    return rx.box(
        rx.box(rx.foreach(DeckState.order, slide_card), class_name="sg-slides", id="slides"),
        class_name="sg-overview",
    )


def _stage_view(entry: rx.Var[SlideEntry]) -> rx.Component:
    return rx.fragment(stage(entry), notes_bar(), filmstrip())


def slide_panel() -> rx.Component:
    entry = slide_entry(DeckState.stage_id)
    return rx.box(
        SlideDragDrop.create(on_move=DeckState.move),
        SlideKeys.create(
            on_step=DeckState.step_focus,
            on_edge=DeckState.focus_edge,
            on_delete=DeckState.delete_focused,
            on_duplicate=DeckState.duplicate_focused,
            on_open=DeckState.open_on_stage,
        ),
        FitToBox.create(),
        LazyFrames.create(),
        rx.cond(
            DeckState.slide_count > 0,
            rx.fragment(
                stage_toolbar(entry),
                rx.cond(
                    DeckState.overview, rx.fragment(_overview(), notes_bar()), _stage_view(entry)
                ),
            ),
            rx.cond(DeckState.busy, rx.center(rx.spinner(size="3"), height="40vh"), _empty_state()),
        ),
        class_name="sg-panel",
    )
