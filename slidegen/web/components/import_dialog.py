"""The "Import" dialog of the deck menu: drop or choose an .html file, or paste HTML; then a
short report of what the new deck kept and what was removed, and why."""

from __future__ import annotations

import reflex as rx

from slidegen.deck.importing import MAX_IMPORT_BYTES
from slidegen.web.components.file_sender import FileSender
from slidegen.web.states.importing import MAX_PASTE_CHARS, ImportState

__all__ = ["DROP_ZONE_ID", "FILE_INPUT_ID", "import_dialog"]

DROP_ZONE_ID = "import-drop"
FILE_INPUT_ID = "import-file"


def _drop_zone() -> rx.Component:
    return rx.box(
        rx.el.input(
            type="file",
            accept=".html,.htm,text/html",
            id=FILE_INPUT_ID,
            display="none",
            aria_label="HTML file of the deck",
        ),
        rx.vstack(
            rx.icon("file-up", size=22, color="var(--accent-9)"),
            rx.text("Drop an .html file here, or click to choose one", size="2", weight="medium"),
            rx.text(f"Up to {MAX_IMPORT_BYTES // 1_000_000} MB", size="1", color_scheme="gray"),
            align="center",
            spacing="1",
        ),
        FileSender.create(
            input_id=FILE_INPUT_ID,
            zone_id=DROP_ZONE_ID,
            max_bytes=MAX_IMPORT_BYTES,
            on_chunk=ImportState.receive_chunk,
            on_reject=ImportState.file_rejected,
        ),
        id=DROP_ZONE_ID,
        role="button",
        tab_index=0,
        class_name="sg-import-drop",
        border="1px dashed var(--gray-8)",
        border_radius="8px",
        padding="18px",
        width="100%",
        cursor="pointer",
        _hover={"background": "var(--gray-a2)"},
        style={
            "&[data-over]": {"background": "var(--accent-a3)", "border_color": "var(--accent-8)"},
            "&:focus:not(:focus-visible)": {"outline": "none"},
        },
    )


def _paste_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text_area(
                name="html",
                placeholder='<!DOCTYPE html> … <div class="slide">…</div> …',
                max_length=MAX_PASTE_CHARS,
                rows="6",
                width="100%",
                font_family="var(--code-font-family, monospace)",
                size="1",
                id="import-paste",
                aria_label="HTML of the deck",
            ),
            rx.hstack(
                rx.text(
                    f"Up to {MAX_PASTE_CHARS:,} characters; a larger deck: upload its file.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.spacer(),
                rx.button(
                    "Import pasted HTML",
                    type="submit",
                    variant="soft",
                    loading=ImportState.busy,
                    id="import-paste-submit",
                ),
                width="100%",
                align="center",
            ),
            width="100%",
        ),
        on_submit=ImportState.import_pasted,
        reset_on_submit=False,
        width="100%",
    )


def _lines(items: rx.Var[list[str]]) -> rx.Component:
    return rx.el.ul(
        rx.foreach(items, lambda line: rx.el.li(rx.text(line, size="2"))),
        padding_left="18px",
        margin="4px 0",
        list_style_type="disc",
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.callout(
            rx.text("Imported “", ImportState.imported_title, "” as a new deck."),
            icon="circle-check",
            color_scheme="green",
            size="1",
            width="100%",
        ),
        rx.text("Kept", size="2", weight="bold"),
        _lines(ImportState.kept),
        rx.text("Removed", size="2", weight="bold"),
        rx.cond(
            ImportState.removed.length() > 0,
            rx.box(_lines(ImportState.removed), max_height="38vh", overflow_y="auto", width="100%"),
            rx.text("Nothing: the deck needed no changes.", size="2", color_scheme="gray"),
        ),
        rx.hstack(
            rx.spacer(),
            rx.button("Done", on_click=ImportState.set_dialog_open(False), id="import-done"),
            width="100%",
        ),
        id="import-report",
        width="100%",
        spacing="2",
    )


def _choose() -> rx.Component:
    return rx.vstack(
        rx.dialog.description(
            "Make a new deck from an HTML file: each element with class “slide” (or each "
            "<section>) becomes a slide.",
            size="2",
        ),
        _drop_zone(),
        rx.text("or paste HTML", size="1", color_scheme="gray", align="center", width="100%"),
        _paste_form(),
        rx.cond(
            ImportState.error != "",
            rx.callout(
                ImportState.error,
                icon="circle-alert",
                color_scheme="red",
                size="1",
                width="100%",
                id="import-error",
            ),
        ),
        rx.cond(
            ImportState.busy,
            rx.hstack(rx.spinner(size="1"), rx.text("Importing…", size="2"), align="center"),
        ),
        width="100%",
        spacing="3",
    )


def import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Import a deck"),
            rx.cond(ImportState.imported_title != "", _report(), _choose()),
            max_width="560px",
            width="94vw",
            id="import-dialog",
        ),
        open=ImportState.dialog_open,
        on_open_change=ImportState.set_dialog_open,
    )
