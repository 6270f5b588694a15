"""The top bar: deck switcher (your decks and those shared with you), title, undo/redo, theme,
share, history, present, exports, the user. A viewer of a shared deck sees no editing control:
the title is read-only and undo/redo and the theme are not offered (the owner alone renames,
deletes and shares)."""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.behaviours import EditorShortcuts
from slidegen.web.components.controls import icon_button
from slidegen.web.components.import_dialog import import_dialog
from slidegen.web.components.links import export_url
from slidegen.web.components.pptx_export import PptxExportInBrowser
from slidegen.web.components.share_dialog import share_button, share_dialog
from slidegen.web.components.theme_picker import theme_button, theme_dialog
from slidegen.web.states import DeckState, HistoryState, SessionState
from slidegen.web.states.importing import ImportState
from slidegen.web.states.session import DeckSummary, SharedSummary

__all__ = ["header", "notices"]


def _deck_item(d: rx.Var[DeckSummary]) -> rx.Component:
    return rx.menu.item(
        rx.hstack(
            rx.cond(d["id"] == DeckState.deck_id, rx.icon("check", size=14), rx.box(width="14px")),
            # A long title takes the room left on one line and ends in an ellipsis (full title
            # on hover); the date keeps its width. Radix's `truncate` did not apply inside the
            # menu item, so the title wrapped out of the fixed-height row over its neighbours.
            rx.text(
                d["title"],
                flex="1",
                min_width="0",
                max_width="min(320px, 60vw)",
                white_space="nowrap",
                overflow="hidden",
                text_overflow="ellipsis",
                title=d["title"],
                class_name="sg-deck-item-title",
            ),
            rx.text(
                d["updated"], size="1", color_scheme="gray", flex_shrink="0", white_space="nowrap"
            ),
            width="100%",
            min_width="0",
            align="center",
        ),
        on_select=SessionState.open_deck(d["id"]),
    )


def _shared_item(d: rx.Var[SharedSummary]) -> rx.Component:
    return rx.menu.item(
        rx.hstack(
            rx.cond(d["id"] == DeckState.deck_id, rx.icon("check", size=14), rx.box(width="14px")),
            rx.vstack(
                rx.text(
                    d["title"],
                    max_width="min(300px, 55vw)",
                    white_space="nowrap",
                    overflow="hidden",
                    text_overflow="ellipsis",
                    title=d["title"],
                    class_name="sg-deck-item-title",
                ),
                rx.text(
                    d["owner"],
                    " · ",
                    d["level"],
                    size="1",
                    color_scheme="gray",
                    class_name="sg-shared-owner",
                ),
                spacing="0",
                flex="1",
                min_width="0",
            ),
            rx.text(
                d["updated"], size="1", color_scheme="gray", flex_shrink="0", white_space="nowrap"
            ),
            width="100%",
            min_width="0",
            align="center",
        ),
        on_select=SessionState.open_deck(d["id"]),
        height="auto",
        padding_y="4px",
        class_name="sg-shared-item",
    )


def deck_switcher() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("layers", size=15),
                "Decks",
                rx.icon("chevron-down", size=14),
                variant="soft",
                id="deck-menu",
            )
        ),
        rx.menu.content(
            rx.menu.item(
                rx.icon("plus", size=14), "New deck", on_select=SessionState.new_deck, id="deck-new"
            ),
            rx.menu.item(
                rx.icon("file-up", size=14),
                "Import…",
                on_select=ImportState.open_dialog,
                id="deck-import",
            ),
            rx.menu.item(
                rx.icon("copy", size=14),
                "Duplicate this deck",
                on_select=SessionState.duplicate_deck(DeckState.deck_id),
            ),
            rx.cond(
                DeckState.is_owner,
                rx.menu.item(
                    rx.icon("trash-2", size=14),
                    "Delete this deck",
                    color="red",
                    on_select=SessionState.delete_deck(DeckState.deck_id),
                    id="deck-delete",
                ),
            ),
            rx.menu.separator(),
            rx.text("Your decks", size="1", color_scheme="gray", padding="4px 12px"),
            rx.foreach(SessionState.decks, _deck_item),
            rx.cond(
                SessionState.shared.length() > 0,
                rx.fragment(
                    rx.menu.separator(),
                    rx.text(
                        "Shared with me",
                        size="1",
                        color_scheme="gray",
                        padding="4px 12px",
                        id="deck-shared-heading",
                    ),
                    rx.foreach(SessionState.shared, _shared_item),
                ),
            ),
            min_width="360px",
        ),
    )


def _title() -> rx.Component:
    return rx.el.input(
        default_value=DeckState.title,
        key=DeckState.deck_id + DeckState.title,
        id="deck-title",
        aria_label="Deck title",
        on_blur=DeckState.rename_to,
        read_only=~DeckState.is_owner,
        title=rx.cond(DeckState.is_owner, "", "Only the deck's owner can rename it"),
        style={
            "font-size": "16px",
            "font-weight": "600",
            "border": "1px solid transparent",
            "background": "transparent",
            "padding": "4px 6px",
            "border-radius": "6px",
            "min-width": "240px",
            "width": "min(36vw, 520px)",
            "color": "var(--gray-12)",
        },
        class_name="sg-title-input",
    )


def _download(label: str, fmt: str, element_id: str, query: str = "") -> rx.Component:
    # A link in a popover (the route answers `Content-Disposition: attachment`; a dropdown
    # menu item would unmount on pointer-up, before the link's click).
    return rx.el.a(
        rx.button(
            rx.icon("file-down", size=14),
            label,
            variant="ghost",
            width="100%",
            justify="start",
            tab_index=-1,
        ),
        href=export_url(DeckState.deck_id, fmt, query),
        id=element_id,
        target="_blank" if query else None,
        style={"display": "block"},
        # Reflex renders <a href> as a React Router link, which would treat the same-origin
        # download URL as a page of the app: reloadDocument hands the click to the browser.
        custom_attrs={"reloadDocument": True},
    )


def _exports() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(rx.icon("download", size=15), "Export", variant="soft", id="export-menu")
        ),
        rx.popover.content(
            rx.vstack(
                _download("Standalone HTML", "html", "export-html"),
                _download("PowerPoint (.pptx)", "pptx", "export-pptx"),
                rx.cond(
                    SessionState.pdf_available,
                    _download("PDF", "pdf", "export-pdf"),
                    # No server-side Chromium: the standalone HTML opens with the print dialog
                    # (1280x720 pages); the browser saves a PDF that keeps text as text.
                    _download("PDF (print dialog)", "html", "export-pdf", "print=1"),
                ),
                spacing="1",
            ),
            width="220px",
        ),
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.icon("presentation", size=20, color="var(--accent-9)"),
            rx.text("slidegen", weight="bold"),
            align="center",
        ),
        deck_switcher(),
        import_dialog(),
        theme_dialog(),
        _title(),
        rx.text(
            DeckState.slide_count,
            " slides",
            size="1",
            color_scheme="gray",
            white_space="nowrap",
            id="slide-count",
        ),
        rx.cond(
            DeckState.access == "viewer",
            rx.badge("View only", color_scheme="gray", id="view-only"),
        ),
        rx.spacer(),
        rx.cond(
            DeckState.can_edit,
            rx.fragment(
                icon_button(
                    "undo-2",
                    "Undo",
                    DeckState.undo,
                    tip="Undo (Ctrl+Z)",
                    icon_size=16,
                    variant="soft",
                    id="undo",
                    disabled=~DeckState.can_undo,
                ),
                icon_button(
                    "redo-2",
                    "Redo",
                    DeckState.redo,
                    tip="Redo (Shift+Ctrl+Z)",
                    icon_size=16,
                    variant="soft",
                    id="redo",
                    disabled=~DeckState.can_redo,
                ),
                theme_button(),
            ),
        ),
        share_button(),
        share_dialog(),
        rx.button(
            rx.icon("history", size=15),
            "History",
            variant="soft",
            on_click=HistoryState.toggle,
            id="history-toggle",
        ),
        _exports(),
        PptxExportInBrowser.create(target_id="export-pptx"),
        rx.link(
            rx.button(rx.icon("play", size=15), "Present", id="present"),
            href="/present/" + DeckState.deck_id,
        ),
        rx.tooltip(
            rx.avatar(fallback=SessionState.user_name[:2].upper(), size="2", radius="full"),
            content=SessionState.user_email,
        ),
        EditorShortcuts.create(on_undo=DeckState.undo, on_redo=DeckState.redo),
        padding="8px 14px",
        border_bottom="1px solid var(--gray-5)",
        align="center",
        background="var(--color-panel-solid)",
        spacing="3",
    )


def _notice_body() -> rx.Component:
    return rx.hstack(
        rx.text(DeckState.notice, id="deck-notice"),
        rx.spacer(),
        rx.link("Dismiss", on_click=DeckState.dismiss_notice, href="#"),
    )


def notices() -> rx.Component:
    """Deck notices (conflicts, errors), the undo-delete offer and the storage warning."""
    return rx.box(
        rx.cond(
            SessionState.storage_notice != "",
            rx.callout(
                SessionState.storage_notice,
                icon="triangle-alert",
                color_scheme="amber",
                size="1",
                id="storage-notice",
            ),
        ),
        rx.cond(
            SessionState.deleted_id != "",
            rx.callout(
                rx.hstack(
                    rx.text("Deleted “", SessionState.deleted_title, "”."),
                    rx.link("Undo", on_click=SessionState.undo_delete, href="#", id="undo-delete"),
                    rx.link(
                        "Dismiss",
                        on_click=SessionState.dismiss_deleted,
                        href="#",
                        color_scheme="gray",
                    ),
                ),
                icon="trash-2",
                size="1",
            ),
        ),
        rx.cond(
            DeckState.notice != "",
            rx.cond(
                DeckState.notice_error,
                rx.callout(_notice_body(), icon="circle-alert", color_scheme="red", size="1"),
                rx.callout(_notice_body(), icon="info", color_scheme="blue", size="1"),
            ),
        ),
        rx.cond(
            SessionState.error != "",
            rx.callout(SessionState.error, icon="circle-alert", color_scheme="red", size="1"),
        ),
        padding_x="14px",
    )
