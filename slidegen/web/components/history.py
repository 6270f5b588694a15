"""The version history drawer: versions newest first; preview one; restore (as a new version)."""

from __future__ import annotations

import reflex as rx

from slidegen.web.components.slides import slide_frame
from slidegen.web.states import DeckState, HistoryState
from slidegen.web.states.history import VersionRow

__all__ = ["history_drawer"]


def _row(v: rx.Var[VersionRow]) -> rx.Component:
    current = v["version"] == DeckState.version
    return rx.box(
        rx.hstack(
            rx.text("v", v["version"], weight="bold", size="2"),
            rx.badge(v["kind"], size="1", variant="soft"),
            rx.spacer(),
            rx.text(v["time"], size="1", color_scheme="gray"),
            align="center",
        ),
        rx.text(v["summary"], size="1", color_scheme="gray"),
        # Who made it: several people may edit a shared deck.
        rx.cond(
            v["actor"] != "",
            rx.text("by ", v["actor"], size="1", color_scheme="gray", class_name="sg-actor"),
        ),
        rx.hstack(
            rx.button(
                "Preview", size="1", variant="soft", on_click=HistoryState.preview(v["version"])
            ),
            rx.cond(
                current,
                rx.badge("current", color_scheme="green"),
                rx.cond(
                    DeckState.can_edit,  # the history is read-only for a viewer
                    rx.button(
                        "Restore",
                        size="1",
                        variant="outline",
                        on_click=HistoryState.restore(v["version"]),
                        class_name="sg-restore",
                    ),
                ),
            ),
            padding_top="4px",
        ),
        class_name=rx.cond(current, "sg-history-row sg-current", "sg-history-row"),
        width="100%",
        custom_attrs={"data-version": v["version"]},
    )


def history_drawer() -> rx.Component:
    return rx.drawer.root(
        rx.drawer.overlay(),
        rx.drawer.portal(
            rx.drawer.content(
                rx.hstack(
                    rx.heading("Version history", size="4"),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16), variant="ghost", on_click=HistoryState.toggle
                    ),
                    align="center",
                ),
                rx.text(
                    "Restoring copies an old version into a new one: nothing is lost.",
                    size="1",
                    color_scheme="gray",
                    padding_bottom="8px",
                ),
                rx.cond(
                    HistoryState.error != "",
                    rx.callout(HistoryState.error, color_scheme="red", size="1"),
                ),
                rx.cond(
                    HistoryState.preview_version > 0,
                    rx.box(
                        rx.hstack(
                            rx.text(
                                "Preview of v",
                                HistoryState.preview_version,
                                weight="bold",
                                size="2",
                            ),
                            rx.spacer(),
                            rx.cond(
                                DeckState.can_edit,
                                rx.button(
                                    "Restore this version",
                                    size="1",
                                    on_click=HistoryState.restore(HistoryState.preview_version),
                                ),
                            ),
                            rx.button(
                                "Close",
                                size="1",
                                variant="soft",
                                on_click=HistoryState.close_preview,
                            ),
                        ),
                        rx.vstack(
                            rx.foreach(
                                HistoryState.preview_docs, lambda d: slide_frame(d, "preview")
                            ),
                            spacing="2",
                            padding_top="6px",
                            align="stretch",
                            width="100%",
                        ),
                        width="100%",
                        flex_shrink="0",
                        max_height="50vh",
                        overflow_y="auto",
                        padding_bottom="10px",
                        id="history-preview",
                    ),
                ),
                rx.vstack(
                    rx.foreach(HistoryState.versions, _row),
                    spacing="2",
                    overflow_y="auto",
                    flex="1",
                    align="stretch",
                    width="100%",
                    id="history-list",
                ),
                # Reflex's drawer content spans left: 0 to right: 0; make it a right-hand panel.
                left="auto",
                right="0",
                width="440px",
                max_width="100vw",
                z_index="50",
                box_shadow="var(--shadow-5)",
                gap="6px",
                padding="16px",
                display="flex",
                flex_direction="column",
                background="var(--color-panel-solid)",
            ),
        ),
        direction="right",
        open=HistoryState.is_open,
        on_open_change=HistoryState.set_open,
    )
