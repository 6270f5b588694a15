"""The main page: deck switcher on top, chat on the left, the slide editor on the right."""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.chat import chat_panel
from slidegen.web.components.editor import editor_dialog
from slidegen.web.components.header import header, notices
from slidegen.web.components.history import history_drawer
from slidegen.web.components.slides import slide_panel
from slidegen.web.components.styles import CSS
from slidegen.web.states import SessionState

__all__ = ["index", "not_signed_in"]


def not_signed_in() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("lock", size=36, color="var(--gray-9)"),
            rx.heading("Not signed in", size="5"),
            rx.text(
                "slidegen needs your Databricks identity. Open it through its Databricks "
                "Apps URL (the platform signs you in there).",
                color_scheme="gray",
                max_width="420px",
                align="center",
            ),
            align="center",
        ),
        height="100vh",
        id="not-signed-in",
    )


def index() -> rx.Component:
    return rx.fragment(
        rx.el.style(CSS),
        rx.cond(
            SessionState.signed_in,
            rx.box(
                header(),
                notices(),
                rx.box(chat_panel(), slide_panel(), class_name="sg-main"),
                editor_dialog(),
                history_drawer(),
                class_name="sg-app",
            ),
            rx.cond(
                SessionState.checked,
                not_signed_in(),
                rx.center(rx.spinner(size="3"), height="100vh"),
            ),
        ),
    )
