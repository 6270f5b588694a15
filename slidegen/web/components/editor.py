"""The HTML editor dialog: source on the left, live preview on the right, the parser's verdict.

A plain monospace textarea: Monaco's React wrapper loads the editor from a CDN by default, which
must never happen here (no internet in the workspace, and a CSP concern), and a textarea gives
native undo, IME and accessibility for free.
"""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.slides import slide_frame
from slidegen.web.states import EditorState

__all__ = ["editor_dialog"]


def editor_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit HTML · slide ", EditorState.number),
            rx.form(
                rx.grid(
                    rx.el.textarea(
                        default_value=EditorState.source,
                        key=EditorState.generation.to_string(),
                        name="html",
                        id="html-editor",
                        spellcheck=False,
                        class_name="sg-code",
                        on_change=EditorState.change.debounce(250),
                    ),
                    rx.vstack(
                        rx.text("Preview", size="1", color_scheme="gray"),
                        slide_frame(EditorState.preview, "preview"),
                        rx.cond(
                            EditorState.error != "",
                            rx.callout(
                                EditorState.error,
                                icon="circle-alert",
                                color_scheme="red",
                                size="1",
                                id="html-error",
                            ),
                            rx.text(
                                "Valid: one slide.", size="1", color="var(--green-11)", id="html-ok"
                            ),
                        ),
                        width="100%",
                    ),
                    columns="2",
                    spacing="4",
                    height="62vh",
                ),
                rx.hstack(
                    rx.spacer(),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=EditorState.cancel,
                    ),
                    rx.button("Save", type="submit", id="html-save"),
                    padding_top="12px",
                ),
                on_submit=EditorState.save,
            ),
            max_width="1200px",
            width="94vw",
        ),
        open=EditorState.is_open,
        on_open_change=EditorState.set_open,
    )
