"""The deck store's behaviour, on SQLite here and on PostgreSQL in
tests/integration/test_store_postgres.py (which re-runs every test of this module with the
`store_settings` fixture pointing at a fresh PostgreSQL schema)."""

from __future__ import annotations

import dataclasses
import inspect
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from slidegen.config import Settings, load_settings
from slidegen.deck import Deck, Slide, move_slide, parse_deck_html, set_slides
from slidegen.store import (
    ChangeKind,
    DeckNotFoundError,
    DeckStore,
    NothingToRedoError,
    NothingToUndoError,
    StaleVersionError,
    open_store,
)
from slidegen.store.migrate import current_revision, head_revision
from slidegen.store.tables import metadata

ALICE, BOB = "alice@example.com", "bob@example.com"


@pytest.fixture
def store_settings(tmp_path: Path) -> Settings:
    return load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}")


@pytest.fixture
def open_one(store_settings: Settings) -> Iterator[Callable[[], DeckStore]]:
    opened: list[DeckStore] = []

    def _open() -> DeckStore:
        opened.append(open_store(store_settings))
        return opened[-1]

    yield _open
    for store in opened:
        store.dispose()


@pytest.fixture
def store(open_one: Callable[[], DeckStore]) -> DeckStore:
    return open_one()


def _slides(*titles: str) -> tuple[Slide, ...]:
    html = "".join(f'<div class="slide"><h1>{t}</h1></div>' for t in titles)
    return parse_deck_html(html).slides


def _titles(deck: Deck) -> list[str]:
    return [s.title for s in deck.slides]


def _with(store: DeckStore, owner: str, *titles: str) -> tuple[Deck, int]:
    """A deck of `owner` whose head (version 2) holds slides with these titles."""
    record = store.create_deck(owner, "Plan")
    deck = set_slides(record.deck, _slides(*titles))
    saved = store.save_deck(
        owner, deck, base_version=1, kind=ChangeKind.GENERATE, summary="gen", actor=owner
    )
    return saved.deck, saved.version


def _save(store: DeckStore, deck: Deck, base: int, kind: ChangeKind = ChangeKind.MANUAL_EDIT):
    return store.save_deck(deck.owner, deck, base_version=base, kind=kind, summary=kind.value)


# --- basics ---------------------------------------------------------------------------------


def test_create_get_and_list_most_recent_first(store: DeckStore) -> None:
    first = store.create_deck(ALICE, "  First   deck ")
    second = store.create_deck(ALICE, "Second")
    assert first.version == 1 and first.deck.title == "First deck" and first.deck.slides == ()
    assert first.deck.owner == ALICE
    got = store.get_deck(ALICE, first.deck.id)
    assert got.deck == first.deck and got.version == got.head_version == 1
    assert not got.can_undo and not got.can_redo and not got.deleted
    assert [d.id for d in store.list_decks(ALICE)] == [second.deck.id, first.deck.id]
    # A change moves a deck to the top.
    _save(store, dataclasses.replace(first.deck, slides=_slides("x")), 1)
    summaries = store.list_decks(ALICE)
    assert [d.id for d in summaries] == [first.deck.id, second.deck.id]
    assert (summaries[0].slide_count, summaries[0].version, summaries[0].title) == (
        1, 2, "First deck",
    )  # fmt: skip
    assert summaries[0].updated_at.tzinfo is not None


def test_every_change_is_a_new_version_and_old_ones_stay_readable(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A", "B", "C")
    moved = move_slide(deck, deck.slides[2].id, 0)
    saved = store.save_deck(
        ALICE, moved, base_version=version, kind=ChangeKind.REORDER, summary="Moved C", actor="tab2"
    )
    assert saved.version == 3 and _titles(saved.deck) == ["C", "A", "B"]
    assert _titles(store.get_deck(ALICE, deck.id).deck) == ["C", "A", "B"]
    assert _titles(store.get_deck(ALICE, deck.id, version=2).deck) == ["A", "B", "C"]
    assert store.get_deck(ALICE, deck.id, version=1).deck.slides == ()
    old = store.get_deck(ALICE, deck.id, version=2)
    assert old.version == 2 and old.head_version == 3
    history = store.list_versions(ALICE, deck.id)
    assert [(v.version, v.kind, v.summary, v.actor, v.slide_count) for v in history] == [
        (3, ChangeKind.REORDER, "Moved C", "tab2", 3),
        (2, ChangeKind.GENERATE, "gen", ALICE, 3),
        (1, ChangeKind.CREATE, "Created", ALICE, 0),
    ]
    with pytest.raises(DeckNotFoundError, match="has no version 9"):
        store.get_deck(ALICE, deck.id, version=9)
    with pytest.raises(ValueError, match="positive integer"):
        store.get_deck(ALICE, deck.id, version=0)


def test_large_deck_round_trips_exactly(store: DeckStore) -> None:
    body = "".join(
        f'<div class="slide"><h2>Slide {n}</h2><p>{"é—" * 300}</p><canvas id="c{n}"></canvas>'
        f"</div><script>new Chart(document.getElementById('c{n}'), {{}});</script>"
        for n in range(200)
    )
    parsed = parse_deck_html(f"<style>h2{{color:red}}</style>{body}")
    record = store.create_deck(ALICE, "Big")
    deck = dataclasses.replace(set_slides(record.deck, parsed.slides), styles=parsed.styles)
    deck = dataclasses.replace(deck, slides=(dataclasses.replace(deck.slides[0], notes="n"),
                                             *deck.slides[1:]))  # fmt: skip
    _save(store, deck, 1, ChangeKind.GENERATE)
    assert store.get_deck(ALICE, deck.id).deck == deck
    assert store.get_deck(ALICE, deck.id, version=2).deck == deck


# --- optimistic concurrency -----------------------------------------------------------------


def test_stale_base_version_is_refused_and_nothing_is_written(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A", "B")
    _save(store, move_slide(deck, deck.slides[1].id, 0), version, ChangeKind.REORDER)
    other_tab = set_slides(deck, _slides("Mine"))
    with pytest.raises(StaleVersionError, match=r"since version 2 .* now at version 3") as info:
        _save(store, other_tab, version)
    assert (info.value.base_version, info.value.head_version) == (2, 3)
    assert len(store.list_versions(ALICE, deck.id)) == 3
    assert _titles(store.get_deck(ALICE, deck.id).deck) == ["B", "A"]


def test_change_deck_applies_an_operation_to_the_head_in_one_write(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A", "B")
    first = deck.slides[0].id
    moved = store.change_deck(
        ALICE,
        deck.id,
        lambda d: move_slide(d, first, 1),
        base_version=version,
        kind=ChangeKind.REORDER,
        summary="Moved",
    )
    assert moved.version == version + 1 and _titles(moved.deck) == ["B", "A"]
    assert store.get_deck(ALICE, deck.id) == moved
    with pytest.raises(StaleVersionError, match=r"since version 2 .* now at version 3"):
        store.change_deck(
            ALICE, deck.id, lambda d: d, base_version=version, kind=ChangeKind.REORDER, summary="x"
        )

    def refuses(d: Deck) -> Deck:
        raise KeyError("no such slide")

    with pytest.raises(KeyError):
        store.change_deck(
            ALICE, deck.id, refuses, base_version=moved.version, kind=ChangeKind.NOTES, summary="x"
        )
    with pytest.raises(ValueError, match="own method"):
        store.change_deck(
            ALICE,
            deck.id,
            lambda d: d,
            base_version=moved.version,
            kind=ChangeKind.UNDO,
            summary="",
        )
    assert len(store.list_versions(ALICE, deck.id)) == 3


def test_concurrent_writers_on_one_base_exactly_one_wins(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A")
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def write(n: int) -> None:
        start.wait()
        try:
            _save(store, set_slides(deck, _slides(f"W{n}")), version)
            outcomes.append(f"W{n}")
        except StaleVersionError:
            outcomes.append("stale")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o != "stale"]
    assert len(winners) == 1 and outcomes.count("stale") == 5
    head = store.get_deck(ALICE, deck.id)
    assert head.version == 3 and _titles(head.deck) == winners


def test_two_store_instances_share_state(open_one: Callable[[], DeckStore]) -> None:
    first, second = open_one(), open_one()
    deck, version = _with(first, ALICE, "A")
    _save(second, set_slides(deck, _slides("B")), version)
    with pytest.raises(StaleVersionError):
        _save(first, set_slides(deck, _slides("C")), version)


# --- undo / redo / restore --------------------------------------------------------------------


def test_undo_redo_walk_history_by_appending_versions(store: DeckStore) -> None:
    record = store.create_deck(ALICE, "U")
    deck = record.deck
    a = _save(store, set_slides(deck, _slides("A")), 1).deck  # v2
    b = _save(store, set_slides(a, _slides("A", "B")), 2).deck  # v3
    _save(store, set_slides(b, _slides("A", "B", "C")), 3)  # v4
    steps = [
        (store.undo, 4, ["A", "B"], True, True),
        (store.undo, 5, ["A"], True, True),
        (store.undo, 6, [], False, True),
        (store.redo, 7, ["A"], True, True),
        (store.redo, 8, ["A", "B"], True, True),
        (store.redo, 9, ["A", "B", "C"], True, False),
        (store.undo, 10, ["A", "B"], True, True),
    ]
    for step, base, titles, can_undo, can_redo in steps:
        result = step(ALICE, deck.id, base)
        assert result.version == base + 1
        assert _titles(result.deck) == titles, (step.__name__, base)
        assert (result.can_undo, result.can_redo) == (can_undo, can_redo), (step.__name__, base)
        reread = store.get_deck(ALICE, deck.id)
        assert (reread.can_undo, reread.can_redo) == (can_undo, can_redo)
    kinds = [v.kind for v in store.list_versions(ALICE, deck.id)][:7]
    assert kinds == [ChangeKind.UNDO, *[ChangeKind.REDO] * 3, *[ChangeKind.UNDO] * 3]
    assert len(store.list_versions(ALICE, deck.id)) == 11  # nothing was ever removed


def test_undo_and_redo_summaries_name_the_original_change(store: DeckStore) -> None:
    deck = store.create_deck(ALICE, "S").deck
    store.save_deck(
        ALICE,
        set_slides(deck, _slides("A")),
        base_version=1,
        kind=ChangeKind.MANUAL_EDIT,
        summary="Edited slide 1",
        actor=ALICE,
    )
    store.undo(ALICE, deck.id, 2)
    store.redo(ALICE, deck.id, 3)
    store.undo(ALICE, deck.id, 4)
    store.redo(ALICE, deck.id, 5)
    summaries = [v.summary for v in store.list_versions(ALICE, deck.id)][:4]
    assert summaries == [
        "Redo: Edited slide 1",
        "Undo: Edited slide 1",
        "Redo: Edited slide 1",
        "Undo: Edited slide 1",
    ]


def test_edit_after_undo_clears_redo_and_limits_raise(store: DeckStore) -> None:
    record = store.create_deck(ALICE, "U")
    with pytest.raises(NothingToUndoError, match="nothing to undo"):
        store.undo(ALICE, record.deck.id, 1)
    with pytest.raises(NothingToRedoError, match="nothing to redo"):
        store.redo(ALICE, record.deck.id, 1)
    a = _save(store, set_slides(record.deck, _slides("A")), 1).deck  # v2
    store.undo(ALICE, a.id, 2)  # v3 = empty
    edited = _save(store, set_slides(a, _slides("X")), 3)  # v4
    assert edited.can_undo and not edited.can_redo
    with pytest.raises(NothingToRedoError):
        store.redo(ALICE, a.id, 4)
    assert _titles(store.undo(ALICE, a.id, 4).deck) == []  # back to the state X was based on
    with pytest.raises(StaleVersionError):
        store.undo(ALICE, a.id, 4)  # a second tab still at version 4


def test_restore_creates_a_new_version_that_undo_takes_back(store: DeckStore) -> None:
    deck, _ = _with(store, ALICE, "A")  # v2
    _save(store, set_slides(deck, _slides("B")), 2)  # v3
    restored = store.restore_version(ALICE, deck.id, 2, base_version=3)
    assert restored.version == 4 and _titles(restored.deck) == ["A"]
    assert store.list_versions(ALICE, deck.id)[0].summary == "Restored version 2"
    assert store.list_versions(ALICE, deck.id)[0].kind is ChangeKind.RESTORE
    assert _titles(store.undo(ALICE, deck.id, 4).deck) == ["B"]
    with pytest.raises(StaleVersionError):
        store.restore_version(ALICE, deck.id, 1, base_version=4)
    with pytest.raises(DeckNotFoundError, match="no version 42"):
        store.restore_version(ALICE, deck.id, 42, base_version=5)


def test_save_refuses_kinds_with_their_own_method(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A")
    for kind in (ChangeKind.UNDO, ChangeKind.REDO, ChangeKind.CREATE):
        with pytest.raises(ValueError, match="own method"):
            _save(store, deck, version, kind)


# --- deck management --------------------------------------------------------------------------


def test_rename_with_and_without_base_version(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A")
    renamed = store.rename_deck(ALICE, deck.id, "  New   name ")
    assert renamed.version == 3 and renamed.deck.title == "New name"
    assert _titles(renamed.deck) == ["A"]
    assert store.list_decks(ALICE)[0].title == "New name"
    with pytest.raises(StaleVersionError):
        store.rename_deck(ALICE, deck.id, "Other", base_version=version)
    with pytest.raises(ValueError, match="limit is 200"):
        store.rename_deck(ALICE, deck.id, "x" * 201)
    assert store.undo(ALICE, deck.id, 3).deck.title == "Plan"


def test_duplicate_deck_copies_content_into_a_new_deck(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A", "B")
    _save(store, set_slides(deck, _slides("Later")), version)
    copy = store.duplicate_deck(ALICE, deck.id)
    assert copy.deck.id != deck.id and copy.version == 1
    assert copy.deck.title == "Copy of Plan" and _titles(copy.deck) == ["Later"]
    from_old = store.duplicate_deck(ALICE, deck.id, version=2, title="Old")
    assert _titles(from_old.deck) == ["A", "B"] and from_old.deck.title == "Old"
    assert store.get_deck(ALICE, deck.id).version == 3  # the source is untouched
    assert len(store.list_decks(ALICE)) == 3


def test_soft_delete_undelete_and_purge(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A")
    keep, _ = _with(store, ALICE, "K")
    store.add_chat_message(ALICE, deck.id, "user", "hello")
    store.delete_deck(ALICE, deck.id)
    assert [d.id for d in store.list_decks(ALICE)] == [keep.id]
    assert [d.id for d in store.list_deleted_decks(ALICE)] == [deck.id]
    assert store.list_deleted_decks(ALICE)[0].deleted_at is not None
    for action in (
        lambda: store.get_deck(ALICE, deck.id),
        lambda: _save(store, deck, version),
        lambda: store.list_versions(ALICE, deck.id),
        lambda: store.delete_deck(ALICE, deck.id),
        lambda: store.add_chat_message(ALICE, deck.id, "user", "x"),
    ):
        with pytest.raises(DeckNotFoundError):
            action()
    store.undelete_deck(ALICE, deck.id)
    assert store.get_deck(ALICE, deck.id).version == version
    with pytest.raises(DeckNotFoundError):
        store.undelete_deck(ALICE, deck.id)
    store.delete_deck(ALICE, deck.id)
    assert store.purge_deleted(ALICE, older_than=timedelta(hours=1)) == 0  # too recent
    assert store.purge_deleted(ALICE, older_than=timedelta(0)) == 1
    assert store.list_deleted_decks(ALICE) == []
    with pytest.raises(DeckNotFoundError):
        store.undelete_deck(ALICE, deck.id)
    with store.engine.connect() as conn:
        for table in ("deck_versions", "chat_messages"):
            count = conn.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE deck_id = :d"), {"d": deck.id}
            ).scalar()
            assert count == 0, table
    assert store.get_deck(ALICE, keep.id).deck == keep


def test_purge_all_owners_is_a_maintenance_job(store: DeckStore) -> None:
    a, _ = _with(store, ALICE, "A")
    b, _ = _with(store, BOB, "B")
    store.delete_deck(ALICE, a.id)
    store.delete_deck(BOB, b.id)
    assert store.purge_deleted_all_owners(timedelta(0)) == 2


# --- limits -----------------------------------------------------------------------------------


def test_limits_are_enforced_before_writing(store: DeckStore) -> None:
    record = store.create_deck(ALICE, "L")
    too_many = tuple(Slide(id=f"s_{n:010x}", html='<div class="slide">x</div>') for n in range(501))
    with pytest.raises(ValueError, match="at most 500 slides"):
        _save(store, dataclasses.replace(record.deck, slides=too_many), 1)
    huge = (Slide(id="s_0000000001", html=f'<div class="slide">{"x" * 200_001}</div>'),)
    with pytest.raises(ValueError, match="limit is 200 KB"):
        _save(store, dataclasses.replace(record.deck, slides=huge), 1)
    with pytest.raises(ValueError, match="title is empty"):
        store.create_deck(ALICE, "   ")
    with pytest.raises(ValueError, match="owner"):
        store.create_deck("", "x")
    assert store.get_deck(ALICE, record.deck.id).version == 1
    five_hundred = too_many[:500]
    saved = _save(store, dataclasses.replace(record.deck, slides=five_hundred), 1)
    assert len(saved.deck.slides) == 500


# --- chat -------------------------------------------------------------------------------------


def test_chat_messages_in_order_with_meta(store: DeckStore) -> None:
    deck, _ = _with(store, ALICE, "A")
    store.add_chat_message(ALICE, deck.id, "user", "Make a deck")
    message = store.add_chat_message(
        ALICE, deck.id, "assistant", "Done", trace_id="tr-1", meta={"slides": 3}
    )
    store.add_chat_message(ALICE, deck.id, "error", "The model timed out")
    assert message.id > 0 and message.trace_id == "tr-1"
    items = store.list_chat_messages(ALICE, deck.id)
    assert [(m.role, m.content) for m in items] == [
        ("user", "Make a deck"), ("assistant", "Done"), ("error", "The model timed out")
    ]  # fmt: skip
    assert items[1].meta == {"slides": 3} and items[0].meta == {}
    assert [m.content for m in store.list_chat_messages(ALICE, deck.id, limit=2)] == [
        "Done", "The model timed out"
    ]  # fmt: skip
    with pytest.raises(ValueError):
        store.add_chat_message(ALICE, deck.id, "wizard", "x")


# --- ownership: user B can reach nothing of user A through any method -------------------------

Attack = Callable[[DeckStore, Deck, int], Any]
ATTACKS: dict[str, Attack] = {
    "get_deck": lambda s, d, v: s.get_deck(BOB, d.id),
    "get_deck version": lambda s, d, v: s.get_deck(BOB, d.id, version=1),
    "save_deck as bob": lambda s, d, v: _save(s, dataclasses.replace(d, owner=BOB), v),
    "save_deck alice's object": lambda s, d, v: s.save_deck(
        BOB, d, base_version=v, kind=ChangeKind.MANUAL_EDIT, summary="x"
    ),
    "change_deck": lambda s, d, v: s.change_deck(
        BOB, d.id, lambda x: x, base_version=v, kind=ChangeKind.REORDER, summary="x"
    ),
    "change_deck into bob's": lambda s, d, v: s.change_deck(
        ALICE,
        d.id,
        lambda x: dataclasses.replace(x, owner=BOB),
        base_version=v,
        kind=ChangeKind.REORDER,
        summary="x",
    ),
    "undo": lambda s, d, v: s.undo(BOB, d.id, v),
    "redo": lambda s, d, v: s.redo(BOB, d.id, v),
    "restore_version": lambda s, d, v: s.restore_version(BOB, d.id, 1, base_version=v),
    "list_versions": lambda s, d, v: s.list_versions(BOB, d.id),
    "rename_deck": lambda s, d, v: s.rename_deck(BOB, d.id, "mine now"),
    "rename_deck with base": lambda s, d, v: s.rename_deck(BOB, d.id, "x", base_version=v),
    "duplicate_deck": lambda s, d, v: s.duplicate_deck(BOB, d.id),
    "duplicate_deck version": lambda s, d, v: s.duplicate_deck(BOB, d.id, version=1),
    "delete_deck": lambda s, d, v: s.delete_deck(BOB, d.id),
    "undelete_deck": lambda s, d, v: s.undelete_deck(BOB, d.id),
    "add_chat_message": lambda s, d, v: s.add_chat_message(BOB, d.id, "user", "hi"),
    "list_chat_messages": lambda s, d, v: s.list_chat_messages(BOB, d.id),
    "list_grants": lambda s, d, v: s.list_grants(BOB, d.id),
    "share_deck": lambda s, d, v: s.share_deck(BOB, d.id, "user", BOB, "editor", granted_by=BOB),
    "unshare_deck": lambda s, d, v: s.unshare_deck(BOB, d.id, "user", BOB),
}
# Methods that cannot name another user's deck; checked for leaks separately below.
# (access_level answers None and list_shared_decks nothing for a stranger: test_sharing.py.)
LISTINGS = {
    "list_decks",
    "list_deleted_decks",
    "create_deck",
    "purge_deleted",
    "access_level",
    "list_shared_decks",
}
NOT_PER_USER = {"dispose", "purge_deleted_all_owners"}
# A user's own themes name no deck; their owner scoping is attacked in test_themes_store.py.
LISTINGS |= {"list_user_themes", "get_user_theme", "save_user_theme", "delete_user_theme"}


def test_the_attack_list_covers_every_public_method() -> None:
    public = {n for n, _ in inspect.getmembers(DeckStore, inspect.isfunction) if n[0] != "_"}
    covered = {name.split(" ")[0] for name in ATTACKS} | LISTINGS | NOT_PER_USER
    assert public <= covered, f"add an ownership test for: {sorted(public - covered)}"
    for name in public - NOT_PER_USER:
        params = list(inspect.signature(getattr(DeckStore, name)).parameters)
        assert params[1] == "owner", f"{name} must take owner first"


@pytest.mark.parametrize("attack", list(ATTACKS), ids=list(ATTACKS))
def test_user_b_cannot_reach_user_a_deck(store: DeckStore, attack: str) -> None:
    deck, version = _with(store, ALICE, "Secret")
    store.add_chat_message(ALICE, deck.id, "user", "private prompt")
    before = store.get_deck(ALICE, deck.id)
    with pytest.raises(DeckNotFoundError):
        ATTACKS[attack](store, deck, version)
    after = store.get_deck(ALICE, deck.id)
    assert (after.version, after.deck) == (before.version, before.deck)
    assert len(store.list_versions(ALICE, deck.id)) == version
    assert [m.content for m in store.list_chat_messages(ALICE, deck.id)] == ["private prompt"]
    assert store.list_decks(BOB) == [] and store.list_deleted_decks(BOB) == []


def test_user_b_cannot_undelete_or_purge_user_a_deleted_deck(store: DeckStore) -> None:
    deck, _ = _with(store, ALICE, "Secret")
    store.delete_deck(ALICE, deck.id)
    with pytest.raises(DeckNotFoundError):
        store.undelete_deck(BOB, deck.id)
    assert store.list_deleted_decks(BOB) == []
    assert store.purge_deleted(BOB, timedelta(0)) == 0
    assert [d.id for d in store.list_deleted_decks(ALICE)] == [deck.id]


def test_user_b_own_decks_do_not_mix_with_user_a(store: DeckStore) -> None:
    a, _ = _with(store, ALICE, "A")
    b, _ = _with(store, BOB, "B")
    assert [d.id for d in store.list_decks(ALICE)] == [a.id]
    assert [d.id for d in store.list_decks(BOB)] == [b.id]
    copy = store.duplicate_deck(BOB, b.id)
    assert copy.deck.owner == BOB and [d.id for d in store.list_decks(ALICE)] == [a.id]


# --- migrations -------------------------------------------------------------------------------


def test_migrations_are_idempotent_and_match_the_table_definitions(
    open_one: Callable[[], DeckStore],
) -> None:
    store = open_one()
    deck, _ = _with(store, ALICE, "A")
    again = open_one()  # a restart: migrations run again and change nothing
    assert again.get_deck(ALICE, deck.id).deck == deck
    assert current_revision(again.engine) == head_revision() != ""
    inspector = sa.inspect(again.engine)
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.columns.keys()), table.name


def _open_in_child(url: str, barrier: Any, results: Any, owner: str) -> None:
    try:
        barrier.wait(timeout=60)
        store = open_store(load_settings(DATABASE_URL=url))
        store.create_deck(owner, "x")
        store.dispose()
        results.put((owner, "ok"))
    except Exception as error:  # reported to the parent, which fails the test with it
        results.put((owner, f"{type(error).__name__}: {error}"))


@pytest.mark.timeout(120)
def test_sqlite_two_processes_migrating_at_once_and_wal(tmp_path: Path) -> None:
    import multiprocessing

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    children = [
        ctx.Process(target=_open_in_child, args=(url, barrier, results, who))
        for who in ("p1", "p2")
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=90)
    assert dict(results.get(timeout=5) for _ in children) == {"p1": "ok", "p2": "ok"}
    store = open_store(load_settings(DATABASE_URL=url))
    try:
        assert len(store.list_decks("p1")) == len(store.list_decks("p2")) == 1
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.dispose()


# --- content-addressed versions -----------------------------------------------------------------


def _blob_count(store: DeckStore, deck_id: str) -> int:
    from slidegen.store.tables import deck_blobs

    with store.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(deck_blobs.c.deck_id == deck_id)
        return int(conn.execute(query).scalar() or 0)


def test_each_piece_is_stored_once_and_versions_only_list_them(store: DeckStore) -> None:
    deck, version = _with(store, ALICE, "A", "B", "C")
    pieces = _blob_count(store, deck.id)
    assert pieces == 3 + 1  # three slides, and one CSS piece shared by versions 1 and 2
    moved = _save(store, move_slide(deck, deck.slides[2].id, 0), version, ChangeKind.REORDER)
    assert _blob_count(store, deck.id) == pieces  # a reorder stores no piece
    first = dataclasses.replace(moved.deck.slides[0], html='<div class="slide"><h1>C2</h1></div>')
    edited = set_slides(moved.deck, (first, *moved.deck.slides[1:]))
    _save(store, edited, moved.version)
    assert _blob_count(store, deck.id) == pieces + 1  # only the edited slide is new
    undone = store.undo(ALICE, deck.id, moved.version + 1)
    assert _blob_count(store, deck.id) == pieces + 1
    assert _titles(undone.deck) == ["C", "A", "B"]
    assert _titles(store.get_deck(ALICE, deck.id, version).deck) == ["A", "B", "C"]


def test_purge_removes_the_pieces_of_purged_decks_only(store: DeckStore) -> None:
    kept, _ = _with(store, ALICE, "Keep")
    doomed, _ = _with(store, ALICE, "Keep")  # same content, separate pieces per deck
    store.delete_deck(ALICE, doomed.id)
    assert store.purge_deleted(ALICE, timedelta(seconds=-1)) == 1
    assert _blob_count(store, doomed.id) == 0
    assert _blob_count(store, kept.id) > 0
    assert _titles(store.get_deck(ALICE, kept.id).deck) == ["Keep"]


def _legacy_snapshot(title: str, styles: str, slides: list[dict[str, Any]]) -> bytes:
    import json
    import zlib

    body = {"title": title, "styles": styles, "slides": slides}
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 6)


def test_migration_converts_every_version_of_a_first_schema_database(
    store_settings: Settings,
) -> None:
    """A database made by the first schema (whole-deck snapshots) keeps every version."""
    from datetime import UTC, datetime

    from slidegen.store.engine import create_engine_for, store_schema
    from slidegen.store.migrate import upgrade
    from slidegen.store.tables import deck_versions, decks

    schema = store_schema(store_settings, None)
    engine = create_engine_for(store_settings, schema=schema)
    upgrade(engine, schema if engine.dialect.name == "postgresql" else None, "0001_initial")
    assert current_revision(engine) == "0001_initial"

    def slide(n: int, text: str) -> dict[str, Any]:
        html = f'<div class="slide"><h1>{text}</h1><canvas id="c{n}"></canvas></div>'
        return {"id": f"s_{n:010x}", "html": html, "scripts": [f"draw({n})"], "notes": f"n{n}"}

    histories = {
        ("d_aaaaaaaaaaaaaaaa", ALICE): [
            ("create", [], None, None),
            ("generate", [slide(1, "One"), slide(2, "Two")], 1, None),
            ("reorder", [slide(2, "Two"), slide(1, "One")], 2, None),
            ("undo", [slide(1, "One"), slide(2, "Two")], 1, 3),
        ],
        ("d_bbbbbbbbbbbbbbbb", BOB): [
            ("create", [], None, None),
            ("generate", [slide(7, "Seven")], 1, None),
            ("manual_edit", [slide(7, "Seven, edited")], 2, None),
        ],
    }
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for (deck_id, owner), history in histories.items():
            conn.execute(
                decks.insert().values(
                    id=deck_id, owner=owner, title="Old", head_version=len(history),
                    slide_count=len(history[-1][1]), created_at=now, updated_at=now,
                )
            )  # fmt: skip
            for number, (kind, slides, undo_to, redo_to) in enumerate(history, start=1):
                conn.execute(
                    deck_versions.insert().values(
                        deck_id=deck_id, version=number, owner=owner, created_at=now,
                        actor=owner, kind=kind, summary=kind, title="Old",
                        slide_count=len(slides), undo_to=undo_to, redo_to=redo_to,
                        content_format="json+zlib",
                        content=_legacy_snapshot("Old", "h1{color:red}", slides),
                    )
                )  # fmt: skip
    engine.dispose()

    store = open_store(store_settings)
    try:
        assert current_revision(store.engine) == head_revision()
        for (deck_id, owner), history in histories.items():
            assert [v.version for v in store.list_versions(owner, deck_id)] == list(
                range(len(history), 0, -1)
            )
            for number, (_kind, slides, _u, _r) in enumerate(history, start=1):
                got = store.get_deck(owner, deck_id, number).deck
                assert got.styles == "h1{color:red}" and got.title == "Old"
                assert [s.to_dict() for s in got.slides] == slides
        # The pointers survived: redo brings back the reorder; pieces are shared across versions.
        redone = store.redo(ALICE, "d_aaaaaaaaaaaaaaaa", 4)
        assert [s.id for s in redone.deck.slides] == ["s_0000000002", "s_0000000001"]
        assert _blob_count(store, "d_aaaaaaaaaaaaaaaa") == 2 + 1  # two slides, one CSS
        with pytest.raises(DeckNotFoundError):
            store.get_deck(ALICE, "d_bbbbbbbbbbbbbbbb")
    finally:
        store.dispose()
