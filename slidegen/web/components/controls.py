"""Small building blocks shared by the editor's components: icon buttons, centred messages."""

from __future__ import annotations

from typing import Any

import reflex as rx

__all__ = ["centered_message", "icon_button"]


def icon_button(
    icon: str,
    label: str,
    on_click: Any,
    *,
    tip: str | None = None,
    icon_size: int = 15,
    **props: Any,
) -> rx.Component:
    """An icon-only button with an accessible label and a tooltip (`tip`, else the label)."""
    return rx.tooltip(
        rx.icon_button(rx.icon(icon, size=icon_size), on_click=on_click, aria_label=label, **props),
        content=tip or label,
    )


def centered_message(
    icon: str,
    heading: str,
    text: str,
    *,
    icon_size: int,
    heading_size: str,
    text_width: str,
    **props: Any,
) -> rx.Component:
    """An icon, a heading and a short explanation in the middle of the available space."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=icon_size, color="var(--gray-8)"),
            rx.heading(heading, size=heading_size),
            rx.text(text, color_scheme="gray", size="2", max_width=text_width, align="center"),
            align="center",
        ),
        **props,
    )
