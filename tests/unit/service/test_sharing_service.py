"""Access in the deck service: owner, viewer, editor, group member and stranger on one deck,
what each may do and what they are told; who made each version and who asked in the chat;
notices for other tabs; the group cache."""

from __future__ import annotations

from typing import Any

import pytest

from slidegen.deck import move_slide, parse_deck_html
from slidegen.service import (
    MISSING_MESSAGE,
    OWNER_ONLY_MESSAGE,
    VIEW_ONLY_MESSAGE,
    Access,
    DeckService,
    Status,
)
from slidegen.service.live import ACCESS, SAVED, DeckNotice, DeckNotices
from slidegen.store import AccessLevel
from slidegen.users import UserContext
from tests.support.loops import run_on_own_loop


def _user(name: str, token: str | None = None) -> UserContext:
    return UserContext(f"id-{name}", f"{name}@example.com", name, "req", access_token=token)


OWNER, VIEWER, EDITOR, STRANGER, DESIGNER = (
    _user(n) for n in ("owner", "viewer", "editor", "stranger", "designer")
)
GROUPS = {"designer@example.com": frozenset({"Design"})}


class Recorder(DeckNotices):
    def __init__(self) -> None:
        super().__init__(None)
        self.sent: list[DeckNotice] = []

    async def publish(self, notice: DeckNotice) -> None:
        self.sent.append(notice)


@pytest.fixture
def notices() -> Recorder:
    return Recorder()


@pytest.fixture
def service(store: Any, notices: Recorder) -> DeckService:
    lookup = Access(lambda user: GROUPS.get(user.email, frozenset()))
    return DeckService(lambda: store, access=lookup, notices=lambda: notices)


def _shared_deck(service: DeckService) -> str:
    html = "".join(f'<div class="slide"><h1>S{i}</h1></div>' for i in range(3))
    record = run_on_own_loop(service.create(OWNER, "Plan", slides=parse_deck_html(html).slides))
    deck_id = record.deck.id
    for who, level in (("viewer@example.com", "viewer"), ("EDITOR@example.com", "editor")):
        assert run_on_own_loop(service.share(OWNER, deck_id, "user", who, level)).done
    assert run_on_own_loop(service.share(OWNER, deck_id, "group", "Design", "viewer")).done
    return deck_id


def _reorder(deck: Any) -> Any:
    return move_slide(deck, deck.slides[0].id, 2)


def test_each_user_gets_exactly_their_level(service: DeckService) -> None:
    deck_id = _shared_deck(service)
    levels = {
        u.display_name: run_on_own_loop(service.access(u, deck_id)) for u in (OWNER, VIEWER, EDITOR)
    }
    assert levels == {
        "owner": AccessLevel.OWNER,
        "viewer": AccessLevel.VIEWER,
        "editor": AccessLevel.EDITOR,
    }
    assert (
        run_on_own_loop(service.access(DESIGNER, deck_id)) is AccessLevel.VIEWER
    )  # through the group
    assert run_on_own_loop(service.access(STRANGER, deck_id)) is None
    assert run_on_own_loop(service.open(STRANGER, deck_id)) is None
    assert run_on_own_loop(service.history(STRANGER, deck_id)) is None
    assert run_on_own_loop(service.open(DESIGNER, deck_id)).deck.title == "Plan"
    shared = run_on_own_loop(service.shared_decks(VIEWER))
    assert [(s.summary.id, s.owner_name, s.level) for s in shared] == [
        (deck_id, "owner@example.com", AccessLevel.VIEWER)
    ]
    assert run_on_own_loop(service.list_decks(VIEWER)) == []


def test_a_viewer_is_refused_every_write_with_a_clear_message(service: DeckService) -> None:
    deck_id = _shared_deck(service)
    writes = [
        service.apply(VIEWER, deck_id, 1, _reorder, "reorder", "m"),
        service.undo(VIEWER, deck_id, 1),
        service.redo(VIEWER, deck_id, 1),
        service.restore(VIEWER, deck_id, 1, 1),
    ]
    for write in writes:
        outcome = run_on_own_loop(write)
        assert outcome.status is Status.REFUSED and outcome.message == VIEW_ONLY_MESSAGE
    record = run_on_own_loop(service.open(VIEWER, deck_id))
    saved = run_on_own_loop(
        service.save_content(VIEWER, deck_id, record.deck, 1, "manual_edit", "x")
    )
    assert saved.message == VIEW_ONLY_MESSAGE
    for owner_only in (service.rename(VIEWER, deck_id, 1, "Mine"),):
        assert run_on_own_loop(owner_only).status is Status.REFUSED
    assert not run_on_own_loop(service.delete_deck(VIEWER, deck_id))
    assert run_on_own_loop(service.grants(VIEWER, deck_id)) is None
    assert run_on_own_loop(service.share(VIEWER, deck_id, "user", "x@example.com", "editor")).error
    from slidegen.store import DeckNotFoundError

    with pytest.raises(DeckNotFoundError):
        run_on_own_loop(service.add_chat(VIEWER, deck_id, "user", "make it mine"))
    assert run_on_own_loop(service.open(OWNER, deck_id)).version == 1
    # Reading stays open to the viewer, a copy of their own too.
    assert [v.version for v in run_on_own_loop(service.history(VIEWER, deck_id))] == [1]
    copy = run_on_own_loop(service.duplicate_deck(VIEWER, deck_id))
    assert copy.deck.owner == VIEWER.user_id


def test_an_editor_edits_and_chats_but_only_the_owner_renames_deletes_and_shares(
    service: DeckService, notices: Recorder
) -> None:
    deck_id = _shared_deck(service)
    notices.sent.clear()
    moved = run_on_own_loop(service.apply(EDITOR, deck_id, 1, _reorder, "reorder", "Moved"))
    assert moved.saved and moved.record.version == 2
    assert notices.sent == [DeckNotice(deck_id, SAVED, 2)]
    undone = run_on_own_loop(service.undo(EDITOR, deck_id, 2))
    assert undone.saved
    message = run_on_own_loop(service.add_chat(EDITOR, deck_id, "user", "Add a chart"))
    assert message.meta["author"] == "editor@example.com"
    history = run_on_own_loop(service.history(OWNER, deck_id))
    assert [v.actor for v in history] == [
        "editor@example.com",
        "editor@example.com",
        "owner@example.com",
    ]
    chat = run_on_own_loop(service.chat_history(VIEWER, deck_id))
    assert [(m.content, m.meta["author"]) for m in chat] == [("Add a chart", "editor@example.com")]
    renamed = run_on_own_loop(service.rename(EDITOR, deck_id, 3, "Editor's title"))
    assert renamed.status is Status.REFUSED and renamed.message == OWNER_ONLY_MESSAGE
    assert run_on_own_loop(service.share(EDITOR, deck_id, "user", "x@example.com", "editor")).error
    assert not run_on_own_loop(service.delete_deck(EDITOR, deck_id))
    assert run_on_own_loop(service.rename(OWNER, deck_id, 3, "Owner's title")).saved


def test_two_editors_from_one_base_get_the_conflict_rule(service: DeckService) -> None:
    deck_id = _shared_deck(service)
    first = run_on_own_loop(service.apply(EDITOR, deck_id, 1, _reorder, "reorder", "a"))
    second = run_on_own_loop(service.apply(OWNER, deck_id, 1, _reorder, "reorder", "b"))
    assert first.saved and second.status is Status.CONFLICT
    assert second.record.version == 2  # the newer version is shown; nothing is lost


def test_revoking_and_deleting_reach_at_once_and_are_announced(
    service: DeckService, notices: Recorder
) -> None:
    deck_id = _shared_deck(service)
    notices.sent.clear()
    removed = run_on_own_loop(service.unshare(OWNER, deck_id, "user", "editor@example.com"))
    assert removed.done  # users first, then groups
    assert [g.principal for g in removed.grants] == ["viewer@example.com", "Design"]
    assert notices.sent == [DeckNotice(deck_id, ACCESS)]
    gone = run_on_own_loop(service.apply(EDITOR, deck_id, 1, _reorder, "reorder", "late"))
    assert gone.status is Status.MISSING and gone.message == MISSING_MESSAGE
    demoted = run_on_own_loop(service.share(OWNER, deck_id, "user", "viewer@example.com", "editor"))
    assert "is an editor now" in demoted.message
    assert run_on_own_loop(service.delete_deck(OWNER, deck_id))
    assert notices.sent[-1] == DeckNotice(deck_id, ACCESS)
    assert run_on_own_loop(service.open(VIEWER, deck_id)) is None
    assert run_on_own_loop(service.shared_decks(VIEWER)) == []


def test_bad_sharing_requests_change_nothing_and_say_why(service: DeckService) -> None:
    deck_id = _shared_deck(service)
    before = run_on_own_loop(service.grants(OWNER, deck_id))
    for kind, name, level, words in (
        ("user", "owner@example.com", "editor", "own this deck"),
        ("user", "not an email", "viewer", "not an e-mail"),
        ("user", "x@example.com", "owner", "viewer or editor"),
        ("team", "x", "viewer", "user or a group"),
    ):
        answer = run_on_own_loop(service.share(OWNER, deck_id, kind, name, level))
        assert answer.error and words in answer.message, answer.message
        assert list(answer.grants) == before
    assert run_on_own_loop(service.grants(OWNER, deck_id)) == before


def test_groups_are_looked_up_once_per_minute_and_a_failure_gives_none() -> None:
    calls: list[str] = []

    def lookup(user: UserContext) -> frozenset[str]:
        calls.append(user.email)
        if user.email.startswith("down"):
            raise OSError("workspace unreachable")
        return frozenset({"Design"})

    access = Access(lookup)
    first = run_on_own_loop(access.principal(DESIGNER))
    again = run_on_own_loop(access.principal(DESIGNER))
    assert first.groups == again.groups == frozenset({"Design"}) and calls == [
        "designer@example.com"
    ]
    down = run_on_own_loop(access.principal(_user("down")))
    assert down.groups == frozenset() and down.email == "down@example.com"
    assert access.cached_principal(DESIGNER).groups == frozenset({"Design"})
    access.forget(DESIGNER)
    run_on_own_loop(access.principal(DESIGNER))
    assert calls.count("designer@example.com") == 2
    with pytest.raises(PermissionError):
        run_on_own_loop(access.principal(""))
