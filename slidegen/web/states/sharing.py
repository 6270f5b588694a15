"""The "Share" dialog of the open deck: who has access, add a user or group, change a level,
remove. Owner only: the dialog opens for the owner, and every action goes through
`DeckService.share` / `unshare`, which refuse anyone else (`OWNER_ONLY_MESSAGE`). A grant or a
removal reaches the other person's open tabs at once (`slidegen.web.live`).
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from slidegen.web.states.common import deck_service, user_of
from slidegen.web.states.deck import DeckView, when_deck_switches
from slidegen.web.view import format_time

__all__ = ["GrantRow", "ShareState"]


class GrantRow(TypedDict):
    kind: str  # "user" | "group"
    principal: str
    level: str  # "viewer" | "editor"
    granted: str


def _row(grant: Any) -> GrantRow:
    return {
        "kind": str(grant.kind.value),
        "principal": str(grant.principal),
        "level": str(grant.level.value),
        "granted": format_time(grant.granted_at),
    }


class ShareState(rx.State):
    show: bool = False
    grants: list[GrantRow] = []
    message: str = ""
    error: bool = False
    # The add form's choices (the name field is read from the submitted form).
    kind: str = "user"
    level: str = "viewer"

    @rx.event
    async def open_dialog(self) -> None:
        view = await DeckView.of(self)
        user = user_of(self)
        grants = await deck_service().grants(user, view.deck_id) if user and view.deck_id else None
        if grants is None:
            view.say("Only the deck's owner can share it.", error=True)
            return
        self.grants = [_row(g) for g in grants]
        self.message, self.error, self.show = "", False, True

    @rx.event
    def set_show(self, value: bool) -> None:
        self.show = bool(value)

    @rx.event
    def set_kind(self, value: str) -> None:
        self.kind = "group" if value == "group" else "user"

    @rx.event
    def set_level(self, value: str) -> None:
        self.level = "editor" if value == "editor" else "viewer"

    @rx.event
    async def add(self, form: dict[str, Any]) -> None:
        name = str(form.get("principal", ""))
        await self._answer(
            lambda user, deck_id: deck_service().share(user, deck_id, self.kind, name, self.level)
        )

    @rx.event
    async def change_level(self, kind: str, principal: str, level: str) -> None:
        await self._answer(
            lambda user, deck_id: deck_service().share(user, deck_id, kind, principal, level)
        )

    @rx.event
    async def remove(self, kind: str, principal: str) -> None:
        await self._answer(
            lambda user, deck_id: deck_service().unshare(user, deck_id, kind, principal)
        )

    async def _answer(self, action: Any) -> None:
        view = await DeckView.of(self)
        user = user_of(self)
        if user is None or not view.deck_id:
            return
        result = await action(user, view.deck_id)
        if result.grants or not result.error:
            self.grants = [_row(g) for g in result.grants]
        self.message, self.error = result.message, result.error


@when_deck_switches
async def _close_on_switch(deck_state: rx.State) -> None:
    """Another deck opened in this tab: the dialog was about the previous one."""
    share = await deck_state.get_state(ShareState)
    if share.show or share.grants:
        share.show, share.grants, share.message = False, [], ""
