"""Presenter mode: the current slide fills the screen; keys move; Esc goes back to the editor."""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.behaviours import FitToBox, PresenterKeys
from slidegen.web.components.styles import CSS
from slidegen.web.states import PresentState

__all__ = ["present"]


def present() -> rx.Component:
    return rx.box(
        rx.el.style(CSS),
        FitToBox.create(),
        PresenterKeys.create(
            on_next=PresentState.next,
            on_prev=PresentState.prev,
            on_first=PresentState.first,
            on_last=PresentState.last,
            on_exit=PresentState.leave,
        ),
        rx.cond(
            PresentState.count > 0,
            rx.box(
                rx.box(
                    rx.el.iframe(
                        src_doc=PresentState.current,
                        sandbox="allow-scripts",
                        title="slide",
                        tab_index=-1,
                        id="present-frame",
                        key=PresentState.index.to_string(),
                    ),
                    class_name="sg-stage",
                ),
                class_name="sg-fit",
                custom_attrs={"data-fit": "contain"},
            ),
            rx.center(
                rx.cond(
                    PresentState.missing,
                    rx.text("This deck does not exist or is not yours.", color="white"),
                    rx.spinner(size="3"),
                ),
                height="100vh",
            ),
        ),
        rx.box(
            rx.icon_button(
                rx.icon("chevron-left"),
                on_click=PresentState.prev,
                variant="soft",
                aria_label="Previous slide",
            ),
            rx.icon_button(
                rx.icon("chevron-right"),
                on_click=PresentState.next,
                variant="soft",
                aria_label="Next slide",
            ),
            rx.icon_button(
                rx.icon("x"), on_click=PresentState.leave, variant="soft", aria_label="Leave (Esc)"
            ),
            class_name="sg-present-nav",
        ),
        rx.box(
            PresentState.index + 1,
            " / ",
            PresentState.count,
            class_name="sg-counter",
            id="present-counter",
        ),
        class_name="sg-present",
    )
