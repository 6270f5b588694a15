"""The chat column: messages, the streaming answer, Genie queries folded, the composer.

Assistant messages are Markdown written by the model (they carry deck titles the model chose
from Genie data), so they are rendered without raw HTML and without images: an image would be
fetched from wherever the model points it, with the data it chose in the URL. The page's CSP
(`slidegen.server.csp`) blocks such loads too; this keeps them from even being attempted.
"""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.behaviours import SubmitOnEnter
from slidegen.web.components.controls import icon_button
from slidegen.web.components.data_source import space_picker
from slidegen.web.components.fit_measurer import FitMeasurer
from slidegen.web.fit_bridge import FitBridgeState
from slidegen.web.states import ChatState, DeckState
from slidegen.web.states.chat import ChatMessage, OutlineRow, QueryView

__all__ = ["chat_panel"]


def _query(q: rx.Var[QueryView]) -> rx.Component:
    return rx.el.details(
        rx.el.summary(
            "Genie query · ",
            q["rows"].length(),
            " rows shown",
            rx.cond(q["more"] > 0, rx.text.span(" (", q["more"], " more)"), ""),
        ),
        rx.el.pre(q["sql"]),
        rx.el.table(
            rx.el.thead(rx.el.tr(rx.foreach(q["columns"], lambda c: rx.el.th(c)))),
            rx.el.tbody(
                rx.foreach(q["rows"], lambda row: rx.el.tr(rx.foreach(row, lambda v: rx.el.td(v))))
            ),
        ),
        class_name="sg-query",
    )


def _no_image(*_children: object, **_props: object) -> rx.Component:
    # Never an <img>: a placeholder in its place (its props, `src` included, land on a span).
    return rx.text.span("[image not shown]", class_name="sg-md-image")


_MARKDOWN_MAP = {"img": _no_image}


def _message(m: rx.Var[ChatMessage]) -> rx.Component:
    return rx.box(
        rx.cond(
            m["author"].to(str) != "",
            rx.text(m["author"], size="1", color_scheme="gray", class_name="sg-msg-author"),
        ),
        rx.cond(
            m["role"] == "assistant",
            rx.markdown(m["text"].to(str), use_raw=False, component_map=_MARKDOWN_MAP),
            rx.text(m["text"], white_space="pre-wrap"),
        ),
        rx.foreach(m["queries"].to(list[QueryView]), _query),
        class_name="sg-msg sg-msg-" + m["role"].to(str),
    )


def _running() -> rx.Component:
    return rx.cond(
        ChatState.generating,
        rx.box(
            rx.cond(
                ChatState.answer != "", rx.text(ChatState.answer, white_space="pre-wrap", size="2")
            ),
            rx.foreach(ChatState.queries, _query),
            rx.hstack(
                rx.spinner(size="1"),
                rx.text(ChatState.status, size="1", color_scheme="gray", id="chat-status"),
                align="center",
                padding_top="4px",
            ),
            class_name="sg-msg sg-msg-assistant",
        ),
    )


def _scope() -> rx.Component:
    return rx.cond(
        DeckState.selected.length() > 0,
        rx.hstack(
            rx.icon("crosshair", size=14),
            rx.text("The chat edits only ", DeckState.selection_label, size="1", id="chat-scope"),
            rx.spacer(),
            rx.link("Clear", size="1", on_click=DeckState.clear_selection, href="#"),
            align="center",
            padding="4px 2px",
            color="var(--accent-11)",
        ),
        rx.text(
            "Nothing selected: the chat writes the whole deck. Select slides to edit only those.",
            size="1",
            color_scheme="gray",
            padding="4px 2px",
        ),
    )


def _outline_row(row: rx.Var[OutlineRow], index: rx.Var[int]) -> rx.Component:
    """One planned slide: its number, title and intent to edit, and its place in the deck."""
    return rx.hstack(
        rx.text(index + 1, size="1", color_scheme="gray", min_width="1.5em", padding_top="6px"),
        rx.cond(
            row["keep"] > 0,
            rx.text("Keep slide ", row["keep"], " as it is", size="2", flex="1", padding_top="4px"),
            rx.vstack(
                rx.input(
                    default_value=row["title"],
                    on_blur=lambda v: ChatState.outline_set_title(index, v),
                    size="1",
                    width="100%",
                    aria_label="Slide title",
                    class_name="sg-outline-title",
                ),
                rx.input(
                    default_value=row["intent"],
                    on_blur=lambda v: ChatState.outline_set_intent(index, v),
                    placeholder="What the slide shows",
                    size="1",
                    width="100%",
                    variant="soft",
                    aria_label="What the slide shows",
                ),
                spacing="1",
                flex="1",
            ),
        ),
        icon_button(
            "arrow-up", "Move up", ChatState.outline_move(index, -1), size="1", variant="ghost"
        ),
        icon_button(
            "arrow-down", "Move down", ChatState.outline_move(index, 1), size="1", variant="ghost"
        ),
        icon_button(
            "x",
            "Remove",
            ChatState.outline_remove(index),
            size="1",
            variant="ghost",
            color_scheme="red",
        ),
        align="start",
        spacing="1",
        width="100%",
        class_name="sg-outline-row",
    )


def _outline_review() -> rx.Component:
    """The outline the model planned, to edit before its slides are written."""
    return rx.cond(
        (ChatState.outline_rows.length() > 0) & ~ChatState.generating,
        rx.box(
            rx.text("Outline", weight="medium", size="2"),
            rx.input(
                default_value=ChatState.outline_title,
                on_blur=ChatState.set_outline_title,
                size="1",
                aria_label="Deck title",
                margin_y="4px",
            ),
            rx.vstack(
                rx.foreach(ChatState.outline_rows, _outline_row),
                spacing="2",
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=14),
                    "Add slide",
                    size="1",
                    variant="soft",
                    on_click=ChatState.outline_add,
                    id="outline-add",
                ),
                rx.spacer(),
                rx.button(
                    "Discard",
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=ChatState.outline_discard,
                    id="outline-discard",
                ),
                rx.button(
                    rx.icon("sparkles", size=14),
                    "Write slides",
                    size="1",
                    on_click=ChatState.write_outline,
                    id="outline-write",
                ),
                padding_top="6px",
                width="100%",
            ),
            class_name="sg-outline-review",
            id="outline-review",
        ),
    )


def chat_panel() -> rx.Component:
    return rx.box(
        space_picker(),
        # a running turn asks this tab's browser to check its slides fit (`fit_bridge`)
        FitMeasurer.create(requests=FitBridgeState.requests, on_measured=FitBridgeState.measured),
        rx.box(
            # column-reverse keeps the newest message in view as the log grows.
            rx.box(
                rx.foreach(ChatState.messages, _message),
                _running(),
                display="flex",
                flex_direction="column",
            ),
            class_name="sg-log",
            id="chat-log",
        ),
        _outline_review(),
        rx.cond(
            DeckState.can_edit | (DeckState.deck_id == ""),
            _composer(),
            rx.callout(
                "You can view this deck. Its owner can make you an editor to use the chat.",
                icon="eye",
                size="1",
                id="chat-view-only",
            ),
        ),
        class_name="sg-chat",
    )


def _review_toggle() -> rx.Component:
    # Outside the form's data (no id): the choice is the tab's state, not part of the message.
    return rx.tooltip(
        rx.el.label(
            rx.switch(
                checked=ChatState.review_outline,
                on_change=ChatState.set_review_outline,
                size="1",
                custom_attrs={"data-testid": "chat-review-outline"},
            ),
            rx.text("Review outline first", size="1"),
            class_name="sg-review-toggle",
        ),
        content="Stop after the outline so you can edit it before slides are written",
    )


def _composer() -> rx.Component:
    """The message box (owner and editors: a viewer's tab shows a note instead)."""
    return rx.box(
        _scope(),
        rx.form(
            rx.el.textarea(
                id="chat-input",
                name="prompt",
                rows=3,
                placeholder="Ask for a deck, or for changes to the selected "
                "slides… (Enter sends, Shift+Enter new line)",
            ),
            rx.hstack(
                _review_toggle(),
                rx.spacer(),
                rx.cond(
                    ChatState.generating,
                    rx.button(
                        rx.icon("square", size=14),
                        "Stop",
                        type="button",
                        color_scheme="red",
                        variant="soft",
                        on_click=ChatState.stop,
                        id="chat-stop",
                    ),
                    rx.button(rx.icon("send", size=14), "Send", type="submit", id="chat-send"),
                ),
                padding_top="6px",
            ),
            on_submit=ChatState.send,
            reset_on_submit=True,
        ),
        SubmitOnEnter.create(target_id="chat-input"),
        class_name="sg-composer",
    )
