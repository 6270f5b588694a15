"""The main page: deck switcher on top, chat on the left, the slide editor on the right."""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.chat import chat_panel
from slidegen.web.components.controls import centered_message
from slidegen.web.components.demo_banner import demo_banner
from slidegen.web.components.editor import editor_dialog
from slidegen.web.components.header import header, notices
from slidegen.web.components.history import history_drawer
from slidegen.web.components.slides import slide_panel
from slidegen.web.components.styles import CSS
from slidegen.web.states import SessionState

__all__ = ["index", "not_signed_in"]


def not_signed_in() -> rx.Component:
    return centered_message(
        "lock",
        "Not signed in",
        "slidegen needs your Databricks identity. Open it through its Databricks Apps URL "
        "(the platform signs you in there).",
        icon_size=36,
        heading_size="5",
        text_width="420px",
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
                demo_banner(),
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
