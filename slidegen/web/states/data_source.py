"""The space picker's state: which Genie space the open deck's data comes from.

The spaces offered are the ones the signed-in user may use (`list_genie_spaces`, with their
forwarded token), listed once per tab in a background event so the page never waits on the
workspace, and again on "Refresh". The deck's choice itself is the deck view's
(`DeckState.genie_space`, saved with the deck); picking saves one version of kind
DATA_SOURCE through `set_deck_genie_space` and shows it through `DeckView.settle`, so undo
takes it back. A saved space that is not among the user's spaces is looked up: a 403 or 404
becomes one sentence in `problem` (`genie_access_problem`), shown under the picker.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypedDict

import reflex as rx

from slidegen.deck.model import GENIE_DEFAULT, GENIE_NONE
from slidegen.genie_spaces import GenieSpaceInfo
from slidegen.service.data_sources import (
    DataSourceError,
    default_genie_space,
    describe_genie_space,
    genie_space_label,
    list_genie_spaces,
    set_deck_genie_space,
)
from slidegen.web.auth import connection_user
from slidegen.web.states.common import deck_service, user_of
from slidegen.web.states.deck import DeckView

if TYPE_CHECKING:
    from slidegen.users import UserContext

__all__ = ["DataSourceState", "SpaceOption"]

log = logging.getLogger("slidegen.web.data_source")


class SpaceOption(TypedDict):
    """One entry of the picker: the value saved with the deck and what the user reads."""

    value: str
    label: str
    description: str


_BEFORE_LISTING: list[SpaceOption] = [
    {"value": GENIE_DEFAULT, "label": "Default", "description": "The app's Genie space"},
    {"value": GENIE_NONE, "label": "No data", "description": "Write slides without Genie"},
]


class DataSourceState(rx.State):
    options: list[SpaceOption] = _BEFORE_LISTING
    loaded: bool = False
    loading: bool = False
    # Why the spaces could not be listed, or why the deck's space cannot be read ("": fine).
    problem: str = ""
    # The open deck's data source as the chat names it ("Sales (default)", "No data", ...).
    label: str = ""
    _titles: dict[str, str] = {}
    _default: str = ""
    _list_problem: str = ""

    def _options(self, spaces: list[tuple[str, str, str]]) -> list[SpaceOption]:
        default_title = self._titles.get(self._default, self._default)
        first: SpaceOption = {
            "value": GENIE_DEFAULT,
            "label": f"Default: {default_title}" if self._default else "Default (none set)",
            "description": "The app's configured Genie space",
        }
        none: SpaceOption = {
            "value": GENIE_NONE,
            "label": "No data",
            "description": "Write slides without asking Genie",
        }
        # the default space is offered once, as "Default: …" (which follows the app's setting)
        listed: list[SpaceOption] = [
            {"value": sid, "label": title, "description": description}
            for sid, title, description in spaces
            if sid != self._default
        ]
        return [first, none, *listed]

    def _relabel(self, choice: str) -> None:
        offered = {o["value"]: o["label"] for o in self.options[2:]}
        titles = {**offered, **self._titles}
        known = [GenieSpaceInfo(sid, title) for sid, title in titles.items()]
        self.label = genie_space_label(choice, known, self._default or None)

    @rx.event(background=True)
    async def load(self, force: bool = False) -> None:
        """List the user's spaces (once per tab unless `force`), then check the deck's space."""
        async with self:
            user = connection_user(self)
            fetch = force or not (self.loaded or self.loading)
            if fetch:
                self.loading = True
        if fetch:
            problem, spaces = "", []
            try:
                spaces = [(s.id, s.title, s.description) for s in await list_genie_spaces(user)]
            except DataSourceError as error:
                problem = str(error)
            async with self:
                self._default = default_genie_space() or ""
                self._titles = {sid: title for sid, title, _ in spaces}
                self._list_problem = problem
                self.options = self._options(spaces)
                self.loading = False
                self.loaded = True
        async with self:
            choice = (await DeckView.of(self)).genie_space
            self._relabel(choice)
            self.problem = self._list_problem
            if choice in self._titles and all(o["value"] != choice for o in self.options):
                # a deck pinned to the default space by its id: the picker shows that entry
                self.options = [
                    *self.options,
                    {"value": choice, "label": self._titles[choice], "description": ""},
                ]
            space = self._default if choice == GENIE_DEFAULT else choice
            unknown = bool(space) and space != GENIE_NONE and space not in self._titles
            check = unknown and not self._list_problem
        if check:
            await self._check(user, space)

    async def _check(self, user: UserContext | None, space_id: str) -> None:
        """The deck names a space the user does not see listed: say why it cannot be used."""
        try:
            info = await describe_genie_space(user, space_id)
        except DataSourceError as error:
            async with self:
                self.problem = str(error)
                if all(o["value"] != space_id for o in self.options):
                    # the picker shows what the deck names, even a space it cannot use
                    self.options = [
                        *self.options,
                        {
                            "value": space_id,
                            "label": f"{space_id} (not available)",
                            "description": str(error),
                        },
                    ]
            return
        async with self:  # readable after all (listed late, or beyond the list's bound)
            self._titles = {**self._titles, info.id: info.title}
            if info.id != self._default:
                self.options = [
                    *self.options,
                    {"value": info.id, "label": info.title, "description": info.description},
                ]
            else:  # the default is readable: name it by its title
                self.options = [self._options([])[0], *self.options[1:]]
            self.problem = ""
            self._relabel((await DeckView.of(self)).genie_space)

    @rx.event
    async def pick(self, value: str) -> None:
        """Use `value` ("default", "none" or a listed space id) for the open deck's data."""
        view = await DeckView.of(self)
        owner = user_of(self)  # the service checks access with the whole user
        if owner is None or not view.deck_id or value == view.genie_space or view.busy_notice():
            return
        label = next((o["label"] for o in self.options if o["value"] == value), value)
        outcome = await set_deck_genie_space(
            deck_service(), owner, view.deck_id, view.version, value, label
        )
        if view.settle(outcome):
            self.problem = ""
            self._relabel(view.genie_space)
            view.say(f"This deck's data now comes from {self.label}.")
