"""The space picker at the top of the chat: which Genie space the open deck's data comes from.

A select of the spaces the user may use (plus the app's default and "No data"), showing the
deck's saved choice; a refresh button lists them again; a space the user cannot read (or a
listing that failed) is said in one sentence under it. The box is keyed by the deck and its
choice, so opening another deck, picking, or an undo checks the choice again.
"""

from __future__ import annotations

import reflex as rx

from slidegen.web.states import DeckState
from slidegen.web.states.data_source import DataSourceState, SpaceOption

__all__ = ["space_picker"]


def _item(option: rx.Var[SpaceOption]) -> rx.Component:
    return rx.select.item(option["label"], value=option["value"], title=option["description"])


def space_picker() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon("database", size=14, color="var(--gray-10)"),
            rx.text("Data", size="1", color_scheme="gray", as_="label", html_for="space-picker"),
            rx.select.root(
                rx.select.trigger(
                    placeholder="Genie space…",
                    id="space-picker",
                    aria_label="Genie space for this deck",
                    flex="1",
                    min_width="0",
                ),
                rx.select.content(rx.foreach(DataSourceState.options, _item)),
                value=DeckState.genie_space,
                on_change=DataSourceState.pick,
                # a viewer of a shared deck sees the deck's choice but cannot change it
                disabled=(DeckState.deck_id == "") | DeckState.busy | ~DeckState.can_edit,
                size="1",
            ),
            rx.cond(
                DataSourceState.loading,
                rx.spinner(size="1"),
                rx.icon_button(
                    rx.icon("refresh-cw", size=12),
                    on_click=DataSourceState.load(True),
                    variant="ghost",
                    size="1",
                    aria_label="List the Genie spaces again",
                    title="List the Genie spaces again",
                    id="space-refresh",
                ),
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        rx.cond(
            DataSourceState.problem != "",
            rx.callout(
                DataSourceState.problem,
                icon="circle-alert",
                color_scheme="amber",
                size="1",
                margin_top="6px",
                id="space-problem",
            ),
        ),
        key=DeckState.deck_id + ":" + DeckState.genie_space,
        on_mount=DataSourceState.load(False),
        padding="8px 10px",
        border_bottom="1px solid var(--gray-5)",
        id="data-source",
    )
