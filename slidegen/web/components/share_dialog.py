"""The "Share" button and dialog (owner only): who has access, add a workspace user (e-mail) or
group as viewer or editor, change a level, remove."""

from __future__ import annotations

import reflex as rx

from slidegen.web.states import DeckState
from slidegen.web.states.sharing import GrantRow, ShareState

__all__ = ["share_button", "share_dialog"]

_LEVELS = ["viewer", "editor"]


def share_button() -> rx.Component:
    return rx.cond(
        DeckState.is_owner,
        rx.button(
            rx.icon("users", size=15),
            "Share",
            variant="soft",
            on_click=ShareState.open_dialog,
            id="share-open",
        ),
    )


def _grant(g: rx.Var[GrantRow]) -> rx.Component:
    return rx.hstack(
        rx.icon(rx.cond(g["kind"] == "group", "users", "user"), size=15, color="var(--gray-10)"),
        rx.vstack(
            rx.text(g["principal"], size="2", weight="medium", class_name="sg-grant-name"),
            rx.text(
                rx.cond(g["kind"] == "group", "Group", "User"),
                " · shared ",
                g["granted"],
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.select(
            _LEVELS,
            value=g["level"],
            on_change=lambda level: ShareState.change_level(g["kind"], g["principal"], level),
            size="1",
            aria_label="Access level",
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            on_click=ShareState.remove(g["kind"], g["principal"]),
            variant="ghost",
            color_scheme="gray",
            size="1",
            aria_label="Remove access",
            class_name="sg-grant-remove",
        ),
        align="center",
        width="100%",
        class_name="sg-grant",
    )


def _add_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.select(
                ["user", "group"],
                value=ShareState.kind,
                on_change=ShareState.set_kind,
                size="2",
                aria_label="Share with a user or a group",
            ),
            rx.input(
                name="principal",
                placeholder=rx.cond(ShareState.kind == "group", "Group name", "name@company.com"),
                id="share-principal",
                flex="1",
                required=True,
                max_length=255,
            ),
            rx.select(
                _LEVELS,
                value=ShareState.level,
                on_change=ShareState.set_level,
                size="2",
                aria_label="Access level",
            ),
            rx.button("Share", type="submit", id="share-add"),
            width="100%",
            spacing="2",
        ),
        on_submit=ShareState.add,
        reset_on_submit=True,
    )


def share_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Share “", DeckState.title, "”"),
            rx.dialog.description(
                "Viewers see the slides, the history and the exports; editors can also change "
                "the deck and use the chat. Only you can rename, delete or share it.",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                _add_form(),
                rx.cond(
                    ShareState.message != "",
                    rx.callout(
                        ShareState.message,
                        icon=rx.cond(ShareState.error, "circle-alert", "check"),
                        color_scheme=rx.cond(ShareState.error, "red", "green"),
                        size="1",
                        id="share-message",
                    ),
                ),
                rx.text("Who has access", size="2", weight="bold", padding_top="6px"),
                rx.hstack(
                    rx.icon("crown", size=15, color="var(--amber-9)"),
                    rx.text("You (owner)", size="2"),
                    align="center",
                ),
                rx.foreach(ShareState.grants, _grant),
                rx.cond(
                    ShareState.grants.length() == 0,
                    rx.text("Not shared with anyone yet.", size="2", color_scheme="gray"),
                ),
                spacing="3",
                width="100%",
                padding_top="10px",
                id="share-grants",
            ),
            rx.flex(
                rx.dialog.close(rx.button("Done", variant="soft", id="share-done")),
                justify="end",
                padding_top="14px",
            ),
            max_width="560px",
        ),
        open=ShareState.show,
        on_open_change=ShareState.set_show,
    )
