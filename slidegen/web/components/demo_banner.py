"""The demo workspace banner: says that slides come from the built-in demo model, until dismissed.

Shown only while the app runs against the demo workspace (development without workspace
credentials, see `slidegen.demo_workspace`); it tells the user what to set to use theirs.
"""

from __future__ import annotations

import reflex as rx

from slidegen.web.states.workspace import WorkspaceState

__all__ = ["DEMO_TEXT", "demo_banner"]

DEMO_TEXT = (
    "Demo workspace: slides come from a built-in demo model. Set DATABRICKS_HOST or a profile "
    "to use your workspace."
)


def demo_banner() -> rx.Component:
    return rx.box(
        rx.cond(
            WorkspaceState.show_demo_banner,
            rx.callout.root(
                rx.callout.icon(rx.icon("flask-conical", size=16)),
                rx.callout.text(DEMO_TEXT, id="demo-banner-text", flex="1", min_width="0"),
                rx.icon_button(
                    rx.icon("x", size=14),
                    on_click=WorkspaceState.dismiss_demo,
                    variant="ghost",
                    color_scheme="violet",
                    size="1",
                    aria_label="Dismiss the demo workspace notice",
                    id="demo-banner-dismiss",
                    margin_left="auto",
                ),
                color_scheme="violet",
                size="1",
                id="demo-banner",
                role="status",
                margin="8px 14px 0",
                style={"display": "flex", "align_items": "center", "gap": "10px"},
            ),
        ),
        on_mount=WorkspaceState.check,
        id="demo-banner-slot",
        # Set once the mount check has answered (tests wait for it before looking).
        custom_attrs={"data-demo": WorkspaceState.demo.to_string()},
    )
