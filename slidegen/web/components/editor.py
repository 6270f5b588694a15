"""The HTML editor dialog: source on the left, live preview on the right, the parser's verdict.

The source is edited in CodeMirror 6 (`code_editor.py`: highlighting, line numbers, bracket
matching, search), bundled with the frontend; Monaco's React wrapper would load the editor from
a CDN, which must never happen here. The source opens indented (`slidegen.web.source_format`)
and is kept as typed afterwards.
"""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.code_editor import code_editor, keep_escape_in_panels
from slidegen.web.components.slides import slide_frame
from slidegen.web.states import EditorState

__all__ = ["editor_dialog"]


def editor_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit HTML · slide ", EditorState.number),
            rx.form(
                rx.grid(
                    code_editor(
                        default_value=EditorState.source,
                        key=EditorState.generation.to_string(),
                        name="html",
                        id="html-editor",
                        aria_label="Slide HTML",
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
            on_escape_key_down=keep_escape_in_panels(),
        ),
        open=EditorState.is_open,
        on_open_change=EditorState.set_open,
    )
