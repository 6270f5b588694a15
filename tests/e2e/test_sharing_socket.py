"""Sharing through the UI's own socket and HTTP routes, on the packaged app in production mode
with two workers sharing Redis: an owner, a viewer and a stranger (and an editor) on one deck.

- the stranger gets nothing: not by URL, not in a list, not by the export route;
- the viewer sees the deck (and it is listed under "Shared with me") but every write event is
  refused: after each one the stored deck, its grants and its chat are as they were;
- a save by the owner reaches the viewer's open tab, served by the other worker, within a
  second, with the viewer's selection kept;
- revoking the viewer's access closes the deck in their open tab at once, with a message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.support.procnet import child_pids, serving_pid
from tests.support.redis_workers import forget_tokens, open_app_store, state_delta, two_worker_app
from tests.support.reflex_client import ReflexSocket, event_name

HYDRATE = "reflex___state____state.hydrate"
REDIS_DB = 12  # a database of its own (test_redis_workers uses 11)
OWNER, VIEWER, EDITOR, STRANGER = "share-owner", "share-viewer", "share-editor", "share-stranger"


def _email(user: str) -> str:
    return f"{user}@example.com"


@pytest.fixture(scope="module")
def sharing_app(
    packaged_build: Any, redis_url: str, emulator: Any, tmp_path_factory: Any
) -> Iterator[Any]:
    with two_worker_app(
        packaged_build,
        tmp_path_factory.mktemp("sharing-run"),
        redis_url=redis_url,
        redis_db=REDIS_DB,
        databricks_host=emulator.url,
        genie_space="space-sharing",
    ) as running:
        yield running


def _make_deck(app: Any) -> tuple[str, list[str]]:
    from slidegen.deck import parse_deck_html

    store = open_app_store(app)
    try:
        parsed = parse_deck_html(
            "".join(f'<div class="slide"><h2>Shared slide {i}</h2></div>' for i in range(4))
        )
        record = store.create_deck(OWNER, "Owner's plan", slides=parsed.slides)
        store.add_chat_message(OWNER, record.deck.id, "user", "the owner's request")
        return record.deck.id, [s.id for s in record.deck.slides]
    finally:
        store.dispose()


def _stored(app: Any, deck_id: str) -> tuple[int, str, list[str], int, list[tuple[str, str]]]:
    store = open_app_store(app)
    try:
        head = store.get_deck(OWNER, deck_id)
        grants = [(g.principal, g.level.value) for g in store.list_grants(OWNER, deck_id)]
        chat = len(store.list_chat_messages(OWNER, deck_id))
        return head.version, head.deck.title, [s.id for s in head.deck.slides], chat, grants
    finally:
        store.dispose()


class Tab:
    """One tab of `user`, with the fields of the states it has seen."""

    def __init__(self, app: Any, user: str) -> None:
        headers = {
            "x-forwarded-user": user,
            "x-forwarded-email": _email(user),
            "x-forwarded-preferred-username": user,
            "origin": app.url,
        }
        self.app = app
        self.socket = ReflexSocket(app.url, headers=headers)
        self.seen: dict[str, dict[str, Any]] = {}

    async def connect(self) -> int:
        await self.socket.connect()
        workers = child_pids(self.app.process.pid)
        return serving_pid(workers, self.app.port, self.socket.local_port)

    def fields(self, state: str) -> dict[str, Any]:
        return self.seen.setdefault(state, {})

    async def until(self, state: str, check: Any, timeout: float = 15) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not check(self.fields(state)):
            try:
                update = await self.socket.next_update(max(0.01, deadline - loop.time()))
            except TimeoutError:
                raise AssertionError(f"timed out in {state}; seen {self.seen}") from None
            for name in ("deck_state", "session_state", "share_state", "chat_state"):
                self.fields(name).update(state_delta(update, f"____{name}"))
        return self.fields(state)

    async def drain(self, seconds: float) -> list[dict[str, dict[str, Any]]]:
        """Every update pushed within `seconds`, per state (and merged into `seen`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        got: list[dict[str, dict[str, Any]]] = []
        while (left := deadline - loop.time()) > 0:
            try:
                update = await self.socket.next_update(left)
            except TimeoutError:
                break
            parts = {}
            for name in ("deck_state", "session_state", "share_state", "chat_state"):
                part = state_delta(update, f"____{name}")
                self.fields(name).update(part)
                parts[name] = part
            got.append(parts)
        return got

    async def send(self, state_cls: Any, handler: str, payload: dict[str, Any] | None = None):
        await self.socket.send(event_name(state_cls, handler), payload or {})

    async def open(self, deck_id: str) -> None:
        from slidegen.web.states import SessionState

        await self.socket.send(HYDRATE, path=f"/?deck={deck_id}")
        await self.socket.send(event_name(SessionState, "on_load"), path=f"/?deck={deck_id}")
        await self.until("deck_state", lambda d: bool(d.get("deck_id")) and "access" in d)


def _write_events(deck_id: str, slides: list[str]) -> list[tuple[Any, str, dict[str, Any]]]:
    from slidegen.web.states import (
        ChatState,
        DeckState,
        EditorState,
        HistoryState,
        SessionState,
        ShareState,
    )

    first, last = slides[0], slides[-1]
    return [
        (DeckState, "move", {"slide_id": first, "target_id": last, "after": True}),
        (DeckState, "nudge", {"slide_id": first, "delta": 1}),
        (DeckState, "duplicate", {"slide_id": first}),
        (DeckState, "duplicate_focused", {}),
        (DeckState, "delete", {"slide_id": first}),
        (DeckState, "delete_selected", {}),
        (DeckState, "delete_focused", {}),
        (DeckState, "save_notes", {"slide_id": first, "text": "viewer's notes"}),
        (
            DeckState,
            "save_text",
            {"slide_id": first, "edits": [{"path": [0], "text": "viewer was here"}]},
        ),
        (DeckState, "rename_to", {"title": "Viewer's title"}),
        (DeckState, "rename", {"form": {"title": "Viewer's title"}}),
        (DeckState, "undo", {}),
        (DeckState, "redo", {}),
        (HistoryState, "restore", {"version": 1}),
        (EditorState, "start", {"slide_id": first}),
        (EditorState, "save", {"form": {"source": '<div class="slide"><h1>Mine</h1></div>'}}),
        (ChatState, "send", {"form": {"prompt": "Rewrite everything as the viewer"}}),
        (ShareState, "add", {"form": {"principal": _email(STRANGER)}}),
        (ShareState, "remove", {"kind": "user", "principal": _email(VIEWER)}),
        (
            ShareState,
            "change_level",
            {"kind": "user", "principal": _email(VIEWER), "level": "editor"},
        ),
        (SessionState, "delete_deck", {"deck_id": deck_id}),
    ]


async def _scenario(app: Any, deck_id: str, slides: list[str]) -> dict[str, Any]:
    import httpx
    import redis.asyncio as aioredis

    from slidegen.web.states import DeckState, ShareState

    redis = aioredis.from_url(app.redis_url)
    tabs: list[Tab] = []
    result: dict[str, Any] = {}
    try:
        owner = Tab(app, OWNER)
        tabs.append(owner)
        owner_pid = await owner.connect()
        await owner.open(deck_id)
        assert owner.fields("deck_state")["access"] == "owner"

        # The owner shares with the viewer through the Share dialog's events.
        await owner.send(ShareState, "open_dialog")
        await owner.until("share_state", lambda s: s.get("show") is True)
        await owner.send(ShareState, "set_level", {"value": "viewer"})
        await owner.send(ShareState, "add", {"form": {"principal": _email(VIEWER)}})
        await owner.until("share_state", lambda s: len(s.get("grants") or []) == 1)

        # The stranger: a deck by URL is not opened, nothing is listed, the export is a 404.
        stranger = Tab(app, STRANGER)
        tabs.append(stranger)
        await stranger.connect()
        await stranger.open(deck_id)
        result["stranger_deck"] = stranger.fields("deck_state")["deck_id"]
        result["stranger_shared"] = (
            await stranger.until("session_state", lambda s: "shared" in s or "decks" in s)
        ).get("shared", [])

        # The viewer, on the other worker than the owner.
        viewer = None
        for _ in range(40):
            candidate = Tab(app, VIEWER)
            if await candidate.connect() != owner_pid:
                viewer = candidate
                break
            await candidate.socket.close()
        assert viewer is not None, "every connection landed on the owner's worker"
        tabs.append(viewer)
        await viewer.open(deck_id)
        result["viewer_access"] = viewer.fields("deck_state")["access"]
        result["viewer_shared"] = (
            await viewer.until("session_state", lambda s: bool(s.get("shared")))
        )["shared"]
        await viewer.send(DeckState, "select", {"slide_id": slides[2]})
        await viewer.until("deck_state", lambda d: d.get("selected") == [slides[2]])

        async with httpx.AsyncClient(base_url=app.url) as http:
            for user in (STRANGER, VIEWER, OWNER):
                answer = await http.get(
                    f"/api/export/{deck_id}.html",
                    headers={"x-forwarded-user": user, "x-forwarded-email": _email(user)},
                )
                result[f"export_{user}"] = answer.status_code

        # Every write event of the viewer: each refused, nothing stored changes.
        before = _stored(app, deck_id)
        refused: dict[str, Any] = {}
        told: dict[str, list[str]] = {}
        for state_cls, handler, payload in _write_events(deck_id, slides):
            await viewer.send(state_cls, handler, payload)
            said: list[str] = []
            waited = 0.0
            while not said and waited < 2.0:  # until the refusal is said (or 2 s: none)
                for parts in await viewer.drain(0.2):
                    said.append(str(parts["deck_state"].get("notice", "")))
                    said.append(str(parts["share_state"].get("message", "")))
                    said += [m.get("text", "") for m in parts["chat_state"].get("messages", [])]
                said = [t for t in said if t]
                waited += 0.2
            told[handler] = said
            refused[handler] = _stored(app, deck_id)
        result["told"] = told
        result["before"], result["after_writes"] = before, refused
        await asyncio.sleep(0.5)
        result["after_all"] = _stored(app, deck_id)

        # Live: the owner's save shows in the viewer's tab (other worker), selection kept,
        # and the chat written meanwhile by someone else shows with who asked.
        store = open_app_store(app)
        try:
            store.add_chat_message(
                OWNER, deck_id, "user", "Make the title bigger", meta={"author": _email(EDITOR)}
            )
        finally:
            store.dispose()
        version = viewer.fields("deck_state").get("version", 1)
        started = time.monotonic()
        await owner.send(
            DeckState, "move", {"slide_id": slides[0], "target_id": slides[3], "after": True}
        )
        seen = await viewer.until("deck_state", lambda d: d.get("version", 0) > version, 5)
        result["live_s"] = time.monotonic() - started
        result["live_order"] = list(seen["order"])
        result["live_selected"] = list(seen.get("selected", []))
        chat = await viewer.until(
            "chat_state",
            lambda c: any(m.get("text") == "Make the title bigger" for m in c.get("messages", [])),
            5,
        )
        result["live_chat"] = [(m["text"], m.get("author", "")) for m in chat["messages"]]

        # Revoking closes the open tab at once, with a message.
        started = time.monotonic()
        await owner.send(ShareState, "remove", {"kind": "user", "principal": _email(VIEWER)})
        gone = await viewer.until("deck_state", lambda d: d.get("deck_id") == "", 5)
        result["revoke_s"] = time.monotonic() - started
        result["revoke_notice"] = gone.get("notice", "")
        await viewer.until("session_state", lambda s: s.get("shared") == [], 5)
        async with httpx.AsyncClient(base_url=app.url) as http:
            answer = await http.get(
                f"/api/export/{deck_id}.html",
                headers={"x-forwarded-user": VIEWER, "x-forwarded-email": _email(VIEWER)},
            )
            result["export_after_revoke"] = answer.status_code

        # A deck shared with the stranger now shows in the list of the tab they have open.
        started = time.monotonic()
        await owner.send(ShareState, "set_level", {"value": "editor"})
        await owner.send(ShareState, "add", {"form": {"principal": _email(STRANGER)}})
        listed = await stranger.until("session_state", lambda s: bool(s.get("shared")), 5)
        result["listed_s"] = time.monotonic() - started
        result["listed"] = [(d["id"], d["level"]) for d in listed["shared"]]
        return result
    finally:
        for tab in tabs:
            await tab.socket.close()
        await forget_tokens(redis, [tab.socket.token for tab in tabs])
        await redis.aclose()


def test_owner_viewer_and_stranger_over_the_socket(sharing_app: Any) -> None:
    from slidegen.service import OWNER_ONLY_MESSAGE, VIEW_ONLY_MESSAGE
    from slidegen.web.live import REVOKED_MESSAGE

    deck_id, slides = _make_deck(sharing_app)
    with ThreadPoolExecutor(1) as pool:
        seen = pool.submit(asyncio.run, _scenario(sharing_app, deck_id, slides)).result()

    assert seen["stranger_deck"] != deck_id and seen["stranger_shared"] == []
    assert seen["export_share-stranger"] == 404
    assert seen["viewer_access"] == "viewer"
    assert [(d["id"], d["owner"], d["level"]) for d in seen["viewer_shared"]] == [
        (deck_id, _email(OWNER), "viewer")
    ]
    assert seen["export_share-viewer"] == 200 and seen["export_share-owner"] == 200
    before = seen["before"]
    assert before[0] == 1 and before[4] == [(_email(VIEWER), "viewer")]
    for handler, after in seen["after_writes"].items():
        assert after == before, f"{handler} changed the deck: {after} != {before}"
    assert seen["after_all"] == before
    # The events were handled, and refused with the reason (not silently dropped).
    told = seen["told"]
    for handler in ("move", "nudge", "duplicate", "delete", "save_notes", "undo", "redo"):
        assert VIEW_ONLY_MESSAGE in told[handler], (handler, told[handler])
    assert VIEW_ONLY_MESSAGE in told["send"], told["send"]
    assert OWNER_ONLY_MESSAGE in told["add"] and OWNER_ONLY_MESSAGE in told["remove"]
    assert seen["live_s"] < 1.0, seen["live_s"]
    assert seen["live_order"] == [slides[1], slides[2], slides[3], slides[0]]
    assert seen["live_selected"] == [slides[2]]
    assert ("Make the title bigger", _email(EDITOR)) in seen["live_chat"]
    assert seen["revoke_s"] < 1.0, seen["revoke_s"]
    assert seen["revoke_notice"] == REVOKED_MESSAGE
    assert seen["export_after_revoke"] == 404
    assert seen["listed"] == [(deck_id, "editor")] and seen["listed_s"] < 1.0, seen["listed_s"]
    assert "Traceback" not in sharing_app.all_output(), sharing_app.all_output()[-3000:]
