"""The open deck as the editor shows it, and every editing action on it.

Size matters here (issue #4156: a changed var is resent whole), so the view is split by how
often each part changes:
- `order` (slide ids) changes on reorder/insert/delete; a reorder or a delete sends only this;
- each slide's entry (title, srcdoc, notes) lives in one of `SHARDS` shard vars `shard_<i>`
  (placed by `slidegen.web.view.place_entries`), so a content change (duplicate, HTML edit,
  chat edit, notes, each streamed slide) resends only the shard(s) holding what changed, not
  every slide's document. The page finds a slide's entry by looking through the shards;
- `selected` is a list of ids; `focused` the slide on the stage (and whose notes are shown),
  which a click focuses even when it clears the selection; `stage_id` falls back to the first
  slide. The page reads the stage's document from the shards too, so moving the focus sends
  a slide id, never a document.
Each is assigned only when its value really changed (`_assign`), because Reflex resends any
assigned var even when equal.

Every action goes through `slidegen.service.DeckService` with the connection's user (whose
access, owner / editor / viewer, the service checks and `access` shows; a viewer's tab offers no
editing and its edits are refused server-side anyway); a tab follows its deck live
(`slidegen.web.live`: another tab's save shows at once, a revoked deck is left). Each action
it applies a pure operation from `slidegen.deck` to the stored head and saves a new version with
`base_version` = the version this tab shows. Its `Outcome` is shown in one place (`_settle`): a
conflict shows the newer version and says the change was not applied; a missing deck is left.

This module imports no sibling state. Other states drive the view through `DeckView` (plain
methods on a helper, because a public method of a state would be an event the browser can
send), and learn about a switch of deck or a changed deck list through the listeners they
register with `when_deck_switches` / `when_deck_list_changes`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx

from slidegen.service import CONFLICT_MESSAGE, VIEW_ONLY_MESSAGE, Outcome, Status, Unchanged
from slidegen.service.live import ACCESS, SAVED, DeckNotice
from slidegen.web import live
from slidegen.web.auth import asset_base
from slidegen.web.states.common import deck_service, user_of
from slidegen.web.view import SHARDS, SlideEntry, deck_view, place_entries

__all__ = [
    "BUSY_MESSAGE",
    "CONFLICT_MESSAGE",
    "DeckState",
    "DeckView",
    "shard_name",
    "when_deck_changes_elsewhere",
    "when_deck_list_changes",
    "when_deck_switches",
]

log = logging.getLogger("slidegen.web.deck")

BUSY_MESSAGE = "The assistant is still writing this deck: wait for it or press Stop."

# Called with the DeckState after it opened a different deck / after the user's deck list
# changed (a rename): other states refresh what they show of it.
Listener = Callable[[rx.State], Awaitable[None]]
_switch_listeners: list[Listener] = []
_list_listeners: list[Listener] = []
_elsewhere_listeners: list[Listener] = []


def when_deck_switches(listener: Listener) -> Listener:
    """Register `listener(deck_state)`, awaited whenever the tab opens a different deck."""
    _switch_listeners.append(listener)
    return listener


def when_deck_list_changes(listener: Listener) -> Listener:
    """Register `listener(deck_state)`, awaited after a change that alters the deck list."""
    _list_listeners.append(listener)
    return listener


def when_deck_changes_elsewhere(listener: Listener) -> Listener:
    """Register `listener(deck_state)`, awaited after the open deck was reloaded because
    another tab or user saved it (`slidegen.web.live`)."""
    _elsewhere_listeners.append(listener)
    return listener


def shard_name(index: int) -> str:
    return f"shard_{index}"


class DeckState(rx.State):
    deck_id: str = ""
    version: int = 0
    title: str = ""
    order: list[str] = []
    # shard_0 ... shard_<SHARDS-1>: slide id -> SlideEntry (declared in a loop: same type each).
    for _i in range(SHARDS):
        __annotations__[shard_name(_i)] = dict[str, SlideEntry]
        locals()[shard_name(_i)] = {}
    del _i
    selected: list[str] = []
    focused: str = ""
    can_undo: bool = False
    can_redo: bool = False
    notice: str = ""
    notice_error: bool = False
    # True while the agent writes into this deck: editing actions wait for it to finish.
    busy: bool = False
    # The grid of every slide instead of the stage and its filmstrip.
    overview: bool = False
    _anchor: str = ""
    _styles: str = ""
    # What this tab's user may do with the open deck: "owner", "editor", "viewer" ("": none).
    access: str = ""
    # Where the deck's data comes from (`Deck.genie_space`: "default", "none" or a space id).
    genie_space: str = "default"
    # The deck's theme (`slidegen.deck.themes.Theme`, None: none) and its id for the picker.
    _theme: Any = None
    theme_id: str = ""

    # ----------------------------------------------------------------- derived values
    @rx.var
    def can_edit(self) -> bool:
        """Editing controls show only for the owner and editors."""
        return self.access in ("owner", "editor")

    @rx.var
    def is_owner(self) -> bool:
        """Rename, delete and share show only for the owner."""
        return self.access == "owner"

    @rx.var
    def slide_count(self) -> int:
        return len(self.order)

    @rx.var
    def stage_id(self) -> str:
        """The slide on the stage: the focused one, else the first."""
        if self.focused in self.order:
            return self.focused
        return self.order[0] if self.order else ""

    @rx.var
    def stage_number(self) -> int:
        return self.order.index(self.stage_id) + 1 if self.stage_id in self.order else 0

    @rx.var
    def selection_label(self) -> str:
        if not self.selected:
            return ""
        positions = sorted(self.order.index(s) + 1 for s in self.selected if s in self.order)
        if len(positions) == 1:
            return f"slide {positions[0]}"
        return "slides " + ", ".join(str(p) for p in positions)

    # ----------------------------------------------------------------- loading
    def _assign(self, name: str, value: Any) -> None:
        if getattr(self, name) != value:
            setattr(self, name, value)

    def _shards(self) -> list[dict[str, SlideEntry]]:
        return [getattr(self, shard_name(i)) for i in range(SHARDS)]

    def _put_entries(self, entries: dict[str, SlideEntry], live: list[str]) -> None:
        """Make `entries` available to the page, rewriting only the shards that change."""
        for index, content in place_entries(self._shards(), entries, live).items():
            setattr(self, shard_name(index), content)

    def _entries(self) -> dict[str, SlideEntry]:
        """Every shown slide's entry (for handlers and tests; the page reads the shards)."""
        held = {sid: e for shard in self._shards() for sid, e in shard.items()}
        return {sid: held[sid] for sid in self.order if sid in held}

    def _show(self, record: Any) -> None:
        """Make the view show `record` (a store DeckRecord), sending only what changed."""
        deck = record.deck
        view = deck_view(deck, asset_base(self))
        self._styles = deck.styles
        self._assign("genie_space", deck.genie_space)
        self._theme = deck.theme
        self._assign("theme_id", deck.theme.id if deck.theme is not None else "")
        self._assign("deck_id", deck.id)
        self._assign("version", int(record.version))
        self._assign("title", deck.title)
        self._put_entries(view.entries, view.order)
        self._assign("order", view.order)
        self._assign("can_undo", bool(getattr(record, "can_undo", record.version > 1)))
        self._assign("can_redo", bool(getattr(record, "can_redo", False)))
        kept = [s for s in self.selected if s in view.entries]
        self._assign("selected", kept)
        if self.focused not in view.entries:
            self._assign("focused", kept[-1] if kept else "")

    # While the agent writes: slides appear one by one before the deck is saved.
    def _begin_stream(self) -> None:
        """A generation's first slide is ready: the panel now shows the new slides only."""
        self._assign("order", [])
        self._assign("selected", [])
        self._assign("focused", "")

    def _append_streamed(self, slide_id: str, doc: str, title: str) -> None:
        entry: SlideEntry = {
            "title": title,
            "doc": doc,
            "notes": "",
            "scaled": False,
            "failed": False,
        }
        self._put_entries({slide_id: entry}, self.order)
        self.order = [*self.order, slide_id]

    def _put_doc(self, slide_id: str, doc: str, title: str) -> None:
        old = self._entries().get(slide_id)
        if old is not None:
            entry: SlideEntry = {**old, "doc": doc, "title": title or old["title"]}
            self._put_entries({slide_id: entry}, self.order)

    def _clear(self) -> None:
        for name, empty in (
            ("deck_id", ""),
            ("version", 0),
            ("title", ""),
            ("order", []),
            ("selected", []),
            ("focused", ""),
            ("can_undo", False),
            ("can_redo", False),
            ("access", ""),
            ("genie_space", "default"),
            ("theme_id", ""),
            *((shard_name(i), {}) for i in range(SHARDS)),
        ):
            self._assign(name, empty)
        live.unwatch(self.router.session.client_token)

    def _say(self, message: str, *, error: bool = False) -> None:
        self.notice = message
        self.notice_error = error

    async def _open(self, deck_id: str) -> bool:
        """Load `deck_id` as the connection's user; False (view cleared) if it is not theirs
        or shared with them."""
        user = user_of(self)
        service = deck_service()
        record = await service.open(user, deck_id) if user and deck_id else None
        level = await service.access(user, deck_id) if record is not None else None
        if record is None or level is None:
            self._clear()
            return False
        self._assign("access", level.value)
        live.watch(self.router.session.client_token, record.deck.id)
        switched = record.deck.id != self.deck_id
        if switched:
            self._assign("selected", [])
            self._assign("focused", "")
            self._anchor = ""
            self._assign("notice", "")
        self._show(record)
        if switched:
            for listener in _switch_listeners:
                await listener(self)
        return True

    def _settle(self, outcome: Outcome) -> bool:
        """Show what a deck operation came to; True when it saved a new version."""
        if outcome.status in (Status.SAVED, Status.CONFLICT) and outcome.record is not None:
            self._show(outcome.record)
        elif outcome.status is Status.MISSING:
            self._clear()
        if outcome.status is not Status.UNCHANGED:
            self._say(outcome.message, error=outcome.error)
        return outcome.saved

    @rx.event
    async def reload(self) -> None:
        if self.deck_id:
            await self._open(self.deck_id)

    @rx.event
    def dismiss_notice(self) -> None:
        self._say("")

    # ----------------------------------------------------------------- selection
    @rx.event
    def select(self, slide_id: str, info: dict[str, Any] | None = None) -> None:
        """Click selects one; Ctrl/Cmd-click toggles one; Shift-click selects a range."""
        if slide_id not in self.order:
            return
        info = info or {}
        if info.get("shift_key") and self._anchor in self.order:
            a, b = sorted((self.order.index(self._anchor), self.order.index(slide_id)))
            chosen = self.order[a : b + 1]
        elif info.get("ctrl_key") or info.get("meta_key"):
            chosen = list(self.selected)
            if slide_id in chosen:
                chosen.remove(slide_id)
            else:
                chosen.append(slide_id)
            self._anchor = slide_id
        else:
            chosen = [] if self.selected == [slide_id] else [slide_id]
            self._anchor = slide_id
        self._assign("selected", [s for s in self.order if s in chosen])
        # A plain click on the only selected slide clears the selection (the chat then edits the
        # whole deck) but leaves that slide on the stage.
        plain = slide_id not in chosen and not chosen
        self._assign("focused", slide_id if slide_id in chosen or plain else chosen[-1])

    def _focus(self, slide_id: str) -> None:
        self._anchor = slide_id
        self._assign("selected", [slide_id])
        self._assign("focused", slide_id)

    @rx.event
    def step_focus(self, delta: int) -> None:
        """Arrow keys: focus (and select) the previous (-1) or next (+1) slide."""
        if not self.order:
            return
        here = self.order.index(self.stage_id)
        self._focus(self.order[max(0, min(len(self.order) - 1, here + int(delta)))])

    @rx.event
    def focus_edge(self, last: bool) -> None:
        """Home / End."""
        if self.order:
            self._focus(self.order[-1 if last else 0])

    @rx.event
    def open_on_stage(self, slide_id: str) -> None:
        """Enter or a double click on a thumbnail or an overview card: show it on the stage."""
        if slide_id in self.order:
            self._focus(slide_id)
            self._assign("overview", False)

    @rx.event
    def set_overview(self, value: bool) -> None:
        self._assign("overview", bool(value))

    @rx.event
    def clear_selection(self) -> None:
        self._assign("selected", [])
        self._assign("focused", "")

    # ----------------------------------------------------------------- changes
    def _view_only(self) -> bool:
        """True (and the notice says so) when this tab's user may not change the deck."""
        if self.deck_id and not self.can_edit:
            self._say(VIEW_ONLY_MESSAGE, error=True)
            return True
        return False

    async def _change(self, op: Callable[[Any], Any], kind: str, summary: str) -> bool:
        """Apply `op` (Deck -> Deck) to the stored deck and save it as a new version."""
        user = user_of(self)
        if user is None or not self.deck_id or self._view_only():
            return False
        if self.busy:
            self._say(BUSY_MESSAGE)
            return False
        outcome = await deck_service().apply(user, self.deck_id, self.version, op, kind, summary)
        return self._settle(outcome)

    @rx.event
    async def move(self, slide_id: str, target_id: str, after: bool = False) -> None:
        """Drop `slide_id` before (or after) `target_id` (drag and drop)."""
        if slide_id == target_id or slide_id not in self.order or target_id not in self.order:
            return
        rest = [s for s in self.order if s != slide_id]
        to_index = rest.index(target_id) + (1 if after else 0)
        await self._move_to(slide_id, to_index)

    @rx.event
    async def nudge(self, slide_id: str, delta: int) -> None:
        """Move one place up (-1) or down (+1): the keyboard/button alternative to dragging."""
        if slide_id in self.order:
            to_index = max(0, min(len(self.order) - 1, self.order.index(slide_id) + delta))
            await self._move_to(slide_id, to_index)

    async def _move_to(self, slide_id: str, to_index: int) -> None:
        from slidegen.deck import move_slide

        if self.order.index(slide_id) == to_index:
            return
        await self._change(
            lambda d: move_slide(d, slide_id, to_index),
            "reorder",
            f"Moved slide {self.order.index(slide_id) + 1} to {to_index + 1}",
        )

    @rx.event
    async def duplicate(self, slide_id: str) -> None:
        from slidegen.deck import duplicate_slide

        if slide_id in self.order:
            n = self.order.index(slide_id) + 1
            before = set(self.order)
            if await self._change(
                lambda d: duplicate_slide(d, slide_id), "duplicate_slide", f"Duplicated slide {n}"
            ):
                copies = [s for s in self.order if s not in before]
                if copies and slide_id == self.stage_id:
                    self._focus(copies[0])  # the copy goes on the stage, as in slide editors

    @rx.event
    async def duplicate_focused(self) -> None:
        """Ctrl/Cmd+D: duplicate the slide on the stage."""
        if self.stage_id:
            await self.duplicate(self.stage_id)

    @rx.event
    async def delete_focused(self) -> None:
        """Delete key: delete the selected slides, else the slide on the stage."""
        await self._delete(list(self.selected) or ([self.stage_id] if self.stage_id else []))

    @rx.event
    async def delete(self, slide_id: str) -> None:
        await self._delete([slide_id])

    @rx.event
    async def delete_selected(self) -> None:
        await self._delete(list(self.selected))

    async def _delete(self, ids: list[str]) -> None:
        from slidegen.deck import delete_slides

        ids = [s for s in ids if s in self.order]
        if not ids:
            return
        numbers = ", ".join(str(self.order.index(s) + 1) for s in ids)
        label = f"slide {numbers}" if len(ids) == 1 else f"slides {numbers}"
        # The stage moves to the slide that takes the first deleted one's place.
        first = min(self.order.index(s) for s in ids)
        rest = [s for s in self.order if s not in ids]
        was_on_stage = self.stage_id in ids
        if await self._change(lambda d: delete_slides(d, ids), "delete_slide", f"Deleted {label}"):
            if was_on_stage and rest:
                self._focus(rest[min(first, len(rest) - 1)])
            self._say(f"Deleted {label}. Undo (Ctrl+Z) brings it back.")

    @rx.event
    async def save_notes(self, slide_id: str, text: str) -> None:
        from slidegen.deck import set_notes

        entry = self._entries().get(slide_id)
        if entry is not None and entry["notes"] != text:
            n = self.order.index(slide_id) + 1
            await self._change(
                lambda d: set_notes(d, slide_id, text), "notes", f"Speaker notes of slide {n}"
            )

    @rx.event
    async def save_text(self, slide_id: str, edits: list[dict[str, Any]]) -> None:
        """Text typed on the stage (see `slidegen.web.inline_edit`): one version per edit."""
        from slidegen.deck import edit_slide_html, slide_source
        from slidegen.web.inline_edit import InlineEditError, apply_text_edits, parse_text_edits

        if slide_id not in self.order:
            return
        try:
            parsed = parse_text_edits(edits)
        except InlineEditError as error:
            self._say(str(error), error=True)
            return

        def edit(deck: Any) -> Any:
            slide = deck.slide(slide_id)
            html = apply_text_edits(slide.html, parsed)
            if html == slide.html:
                raise Unchanged
            source = slide_source(type(slide)(id=slide.id, html=html, scripts=slide.scripts))
            return edit_slide_html(deck, slide_id, source)

        n = self.order.index(slide_id) + 1
        await self._change(edit, "manual_edit", f"Edited the text of slide {n}")

    @rx.event
    async def rename_to(self, title: str) -> None:
        await self.rename({"title": title})

    @rx.event
    async def rename(self, form: dict[str, Any]) -> None:
        title = " ".join(str(form.get("title", "")).split())
        user = user_of(self)
        if user is None or not self.deck_id or not title or title == self.title:
            return
        if self.busy:
            self._say(BUSY_MESSAGE)
            return
        if self._settle(await deck_service().rename(user, self.deck_id, self.version, title)):
            for listener in _list_listeners:
                await listener(self)

    # ----------------------------------------------------------------- undo / redo
    async def _step(self, forward: bool) -> None:
        user = user_of(self)
        if user is None or not self.deck_id or self.busy or self._view_only():
            return
        service = deck_service()
        step = service.redo if forward else service.undo
        self._settle(await step(user, self.deck_id, self.version))

    @rx.event
    async def undo(self) -> None:
        await self._step(forward=False)

    @rx.event
    async def redo(self) -> None:
        await self._step(forward=True)


class DeckView:
    """The open deck's view as other states drive it: show a deck, stream slides in, say a
    notice. Get one with `await DeckView.of(state)` from any state of the same tab."""

    def __init__(self, state: DeckState) -> None:
        self.state = state

    @classmethod
    async def of(cls, state: rx.State) -> DeckView:
        return cls(await state.get_state(DeckState))

    # What others read of the view.
    @property
    def deck_id(self) -> str:
        return self.state.deck_id

    @property
    def version(self) -> int:
        return self.state.version

    @property
    def styles(self) -> str:
        """The deck's shared CSS, for slide documents made before the deck is saved."""
        return self.state._styles

    @property
    def theme(self) -> Any:
        """The deck's theme (None: none), for slide documents made before the deck is saved."""
        return self.state._theme

    @property
    def genie_space(self) -> str:
        """The open deck's data source: "default", "none" or a Genie space id."""
        return self.state.genie_space

    @property
    def order(self) -> list[str]:
        return list(self.state.order)

    def number_of(self, slide_id: str) -> int:
        """The slide's position (1-based) as shown, 0 if it is not shown."""
        order = self.state.order
        return order.index(slide_id) + 1 if slide_id in order else 0

    def busy_notice(self) -> bool:
        """True (and the notice says why) while the assistant writes into this deck."""
        if self.state.busy:
            self.state._say(BUSY_MESSAGE)
        return bool(self.state.busy)

    # Showing.
    async def open(self, deck_id: str) -> bool:
        """Show `deck_id` of the connection's user; False (view cleared) if it is not theirs."""
        return await self.state._open(deck_id)

    async def reload(self) -> None:
        """Show the stored head of the open deck (the store is the truth)."""
        await self.state._open(self.state.deck_id)

    @property
    def can_edit(self) -> bool:
        """Whether this tab's user may change the open deck (owner or editor)."""
        return self.state.access in ("owner", "editor")

    async def recheck_access(self, message: str) -> None:
        """Who may reach the open deck changed: show it as this user may now see it, or leave
        it with `message` (the deck lists refresh either way)."""
        deck_id = self.state.deck_id
        if deck_id and not await self.state._open(deck_id):
            self.state._say(message, error=True)
        for listener in _list_listeners:
            await listener(self.state)

    def show(self, record: Any) -> None:
        self.state._show(record)

    def settle(self, outcome: Outcome) -> bool:
        """Show a deck operation's outcome (see `slidegen.service`); True when it saved."""
        return self.state._settle(outcome)

    def say(self, message: str, *, error: bool = False) -> None:
        self.state._say(message, error=error)

    @property
    def notice(self) -> tuple[str, bool]:
        """The notice shown and whether it reports a failure."""
        return self.state.notice, self.state.notice_error

    async def change(self, op: Callable[[Any], Any], kind: str, summary: str) -> bool:
        """Apply `op` (Deck -> Deck) to the open deck as a new version; True when saved."""
        return await self.state._change(op, kind, summary)

    # Streaming: while the agent writes, slides appear one by one before the deck is saved.
    def begin_stream(self) -> None:
        """A generation's first slide is ready: the panel now shows the new slides only."""
        self.state._begin_stream()

    def stream_slide(self, slide_id: str, doc: str, title: str) -> None:
        """Append a just-written slide (its document) to the panel."""
        self.state._append_streamed(slide_id, doc, title)

    def replace_slide(self, slide_id: str, doc: str, title: str) -> None:
        """Show a just-rewritten slide in place of the one it replaces."""
        self.state._put_doc(slide_id, doc, title)

    async def finish_stream(self) -> None:
        """The turn ended (saved or not): editing is allowed again and the stored deck shown."""
        self.state.busy = False
        await self.reload()


async def _follow_notice(state: DeckState, notice: DeckNotice) -> None:
    """Another tab or user changed the deck this tab shows (see `slidegen.web.live`)."""
    if state.deck_id != notice.deck_id:
        if notice.kind == ACCESS and state.deck_id:  # who may reach some deck changed
            for listener in _list_listeners:
                await listener(state)
        else:
            live.unwatch(state.router.session.client_token)
        return
    view = DeckView(state)
    if notice.kind == SAVED and not state.busy and state.version < notice.version:
        await view.reload()
        for listener in _elsewhere_listeners:
            await listener(state)
    elif notice.kind == ACCESS:
        await view.recheck_access(live.REVOKED_MESSAGE)


live.follow(DeckState, _follow_notice)
