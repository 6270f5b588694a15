"""Sharing in the store: what a grant opens (read with any, write with editor), who may manage
grants (the owner only), and that every deck query carries an access condition. On SQLite here
and on PostgreSQL in tests/integration/test_sharing_postgres.py (same tests, other fixture)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from slidegen.config import Settings, load_settings
from slidegen.deck import move_slide, parse_deck_html, set_slides
from slidegen.store import (
    AccessLevel,
    ChangeKind,
    DeckNotFoundError,
    DeckStore,
    Principal,
    open_store,
)
from slidegen.store.migrate import current_revision, head_revision, upgrade
from slidegen.store.sharing import check_principal

OWNER = Principal("u-owner", "owner@example.com")
VIEWER = Principal("u-viewer", "Viewer@Example.com")
EDITOR = Principal("u-editor", "editor@example.com")
STRANGER = Principal("u-stranger", "stranger@example.com", frozenset({"outsiders"}))
DESIGNER = Principal("u-designer", "designer@example.com", frozenset({"Design team"}))


@pytest.fixture
def store_settings(tmp_path: Path) -> Settings:
    return load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}")


@pytest.fixture
def store(store_settings: Settings) -> Iterator[DeckStore]:
    opened = open_store(store_settings)
    yield opened
    opened.dispose()


def _deck(store: DeckStore) -> tuple[str, int]:
    """A deck of OWNER with two slides, at version 2."""
    record = store.create_deck(OWNER.user_id, "Plan")
    slides = parse_deck_html(
        '<div class="slide"><h1>One</h1></div><div class="slide"><h1>Two</h1></div>'
    ).slides
    saved = store.save_deck(
        OWNER.user_id,
        set_slides(record.deck, slides),
        base_version=1,
        kind=ChangeKind.GENERATE,
        summary="gen",
    )
    return saved.deck.id, saved.version


def _shared(store: DeckStore) -> str:
    deck_id, _ = _deck(store)
    store.share_deck(OWNER.user_id, deck_id, "user", "viewer@example.com", "viewer", granted_by="o")
    store.share_deck(OWNER.user_id, deck_id, "user", EDITOR.email, "editor", granted_by="o")
    return deck_id


def _writes(store: DeckStore, who: Any, deck_id: str, base: int) -> list[Callable[[], Any]]:
    def reorder(deck: Any) -> Any:
        return move_slide(deck, deck.slides[0].id, 1)

    head = store.get_deck(OWNER.user_id, deck_id)
    return [
        lambda: store.change_deck(
            who, deck_id, reorder, base_version=base, kind=ChangeKind.REORDER, summary="r"
        ),
        lambda: store.save_deck(
            who, head.deck, base_version=base, kind=ChangeKind.MANUAL_EDIT, summary="s"
        ),
        lambda: store.undo(who, deck_id, base),
        lambda: store.restore_version(who, deck_id, 1, base),
        lambda: store.add_chat_message(who, deck_id, "user", "hello"),
    ]


def test_a_viewer_reads_but_every_write_is_refused_and_nothing_is_written(
    store: DeckStore,
) -> None:
    deck_id = _shared(store)
    assert store.get_deck(VIEWER, deck_id).deck.owner == OWNER.user_id
    assert [v.version for v in store.list_versions(VIEWER, deck_id)] == [2, 1]
    assert store.get_deck(VIEWER, deck_id, version=1).version == 1
    assert store.list_chat_messages(VIEWER, deck_id) == []
    for write in _writes(store, VIEWER, deck_id, 2):
        with pytest.raises(DeckNotFoundError):
            write()
    assert store.get_deck(OWNER.user_id, deck_id).head_version == 2
    assert store.list_chat_messages(OWNER.user_id, deck_id) == []


def test_an_editor_writes_as_themselves_into_the_owners_deck(store: DeckStore) -> None:
    deck_id = _shared(store)
    record = store.change_deck(
        EDITOR,
        deck_id,
        lambda d: move_slide(d, d.slides[0].id, 1),
        base_version=2,
        kind=ChangeKind.REORDER,
        summary="moved",
    )
    assert record.version == 3 and record.deck.owner == OWNER.user_id
    history = store.list_versions(OWNER.user_id, deck_id)
    assert history[0].actor == EDITOR.user_id and history[1].actor == OWNER.user_id
    undone = store.undo(EDITOR, deck_id, 3, actor=EDITOR.email)
    assert store.list_versions(VIEWER, deck_id)[0].actor == EDITOR.email
    store.add_chat_message(EDITOR, deck_id, "user", "make it blue", meta={"author": "e"})
    assert [m.content for m in store.list_chat_messages(OWNER.user_id, deck_id)] == ["make it blue"]
    assert [m.content for m in store.list_chat_messages(VIEWER, deck_id)] == ["make it blue"]
    assert undone.deck.owner == OWNER.user_id


def test_a_stranger_gets_nothing(store: DeckStore) -> None:
    deck_id = _shared(store)
    store.share_deck(OWNER.user_id, deck_id, "group", "Design team", "editor", granted_by="o")
    for reach in (
        lambda: store.get_deck(STRANGER, deck_id),
        lambda: store.get_deck(STRANGER, deck_id, version=1),
        lambda: store.list_versions(STRANGER, deck_id),
        lambda: store.list_chat_messages(STRANGER, deck_id),
        lambda: store.duplicate_deck(STRANGER, deck_id),
        *_writes(store, STRANGER, deck_id, 2),
    ):
        with pytest.raises(DeckNotFoundError):
            reach()
    assert store.access_level(STRANGER, deck_id) is None
    assert store.list_shared_decks(STRANGER) == []
    assert store.list_decks(STRANGER.user_id) == []
    # An owner id alone (no principal) reaches only its own decks, as before sharing.
    with pytest.raises(DeckNotFoundError):
        store.get_deck(EDITOR.user_id, deck_id)


def test_a_group_grant_reaches_members_only_and_levels_combine(store: DeckStore) -> None:
    deck_id = _shared(store)
    assert store.access_level(DESIGNER, deck_id) is None
    store.share_deck(OWNER.user_id, deck_id, "group", "Design team", "viewer", granted_by="o")
    assert store.access_level(DESIGNER, deck_id) is AccessLevel.VIEWER
    with pytest.raises(DeckNotFoundError):
        store.undo(DESIGNER, deck_id, 2)
    # A viewer by name who is also in an editing group edits.
    in_group = Principal(VIEWER.user_id, VIEWER.email, frozenset({"Design team"}))
    assert store.access_level(in_group, deck_id) is AccessLevel.VIEWER
    store.share_deck(OWNER.user_id, deck_id, "group", "Design team", "editor", granted_by="o")
    assert store.access_level(in_group, deck_id) is AccessLevel.EDITOR
    assert store.access_level(DESIGNER, deck_id) is AccessLevel.EDITOR
    assert store.access_level(OWNER, deck_id) is AccessLevel.OWNER
    assert store.access_level(OWNER.user_id, deck_id) is AccessLevel.OWNER
    (shared,) = store.list_shared_decks(in_group)
    assert shared.level is AccessLevel.EDITOR and shared.summary.id == deck_id
    # Group names are matched exactly, as SCIM spells them.
    other_case = Principal("u-x", "x@example.com", frozenset({"design team"}))
    assert store.access_level(other_case, deck_id) is None


def test_revoking_takes_effect_at_once(store: DeckStore) -> None:
    deck_id = _shared(store)
    assert store.unshare_deck(OWNER.user_id, deck_id, "user", "EDITOR@example.com")
    assert not store.unshare_deck(OWNER.user_id, deck_id, "user", EDITOR.email)
    with pytest.raises(DeckNotFoundError):
        store.get_deck(EDITOR, deck_id)
    assert store.access_level(EDITOR, deck_id) is None
    # Lowering a level is a change too: an editor made viewer can no longer write.
    store.share_deck(OWNER.user_id, deck_id, "user", EDITOR.email, "editor", granted_by="o")
    store.share_deck(OWNER.user_id, deck_id, "user", EDITOR.email, "viewer", granted_by="o")
    with pytest.raises(DeckNotFoundError):
        store.undo(EDITOR, deck_id, 2)
    assert [(g.principal, g.level) for g in store.list_grants(OWNER.user_id, deck_id)] == [
        ("editor@example.com", AccessLevel.VIEWER),
        ("viewer@example.com", AccessLevel.VIEWER),
    ]


def test_only_the_owner_manages_grants_renames_and_deletes(store: DeckStore) -> None:
    deck_id = _shared(store)
    for attempt in (
        lambda: store.list_grants(EDITOR.user_id, deck_id),
        lambda: store.share_deck(
            EDITOR.user_id, deck_id, "user", "x@y.z", "editor", granted_by="e"
        ),
        lambda: store.unshare_deck(EDITOR.user_id, deck_id, "user", VIEWER.email),
        lambda: store.rename_deck(EDITOR.user_id, deck_id, "Mine now"),
        lambda: store.delete_deck(EDITOR.user_id, deck_id),
    ):
        with pytest.raises(DeckNotFoundError):
            attempt()
    assert store.get_deck(OWNER.user_id, deck_id).deck.title == "Plan"
    assert len(store.list_grants(OWNER.user_id, deck_id)) == 2


def test_shared_with_me_lists_each_live_deck_once_with_who_shared_it(store: DeckStore) -> None:
    deck_id = _shared(store)
    store.share_deck(
        OWNER.user_id, deck_id, "group", "Design team", "editor", granted_by="owner@example.com"
    )
    other, _ = _deck(store)
    in_group = Principal(VIEWER.user_id, VIEWER.email, frozenset({"Design team"}))
    (entry,) = store.list_shared_decks(in_group)
    assert entry.owner == OWNER.user_id and entry.level is AccessLevel.EDITOR
    assert entry.summary.title == "Plan" and entry.summary.slide_count == 2
    assert other not in [s.summary.id for s in store.list_shared_decks(in_group)]
    # The owner's own decks are not "shared with me", even with a grant naming them.
    store.share_deck(OWNER.user_id, other, "user", OWNER.email, "editor", granted_by="o")
    assert store.list_shared_decks(OWNER) == []
    store.delete_deck(OWNER.user_id, deck_id)
    assert store.list_shared_decks(in_group) == []
    assert store.access_level(in_group, deck_id) is None


def test_a_copy_of_a_shared_deck_belongs_to_whoever_made_it(store: DeckStore) -> None:
    deck_id = _shared(store)
    copy = store.duplicate_deck(VIEWER, deck_id)
    assert copy.deck.owner == VIEWER.user_id
    assert [d.id for d in store.list_decks(VIEWER.user_id)] == [copy.deck.id]
    assert store.list_grants(VIEWER.user_id, copy.deck.id) == []


def test_purging_a_deck_removes_its_grants(store: DeckStore) -> None:
    from datetime import timedelta

    from slidegen.store.tables import deck_grants

    deck_id = _shared(store)
    store.delete_deck(OWNER.user_id, deck_id)
    assert store.purge_deleted(OWNER.user_id, timedelta(0)) == 1
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(deck_grants)).scalar() == 0


@pytest.mark.parametrize(
    ("kind", "name", "message"),
    [
        ("user", "not-an-email", "not an e-mail"),
        ("user", "", "name a user"),
        ("robot", "a@b.c", "user or a group"),
        ("group", "x" * 300, "at most 255"),
        ("group", "bad\x00name", "printable"),
    ],
)
def test_a_bad_principal_is_refused_with_a_clear_message(
    store: DeckStore, kind: str, name: str, message: str
) -> None:
    deck_id, _ = _deck(store)
    with pytest.raises(ValueError, match=message):
        store.share_deck(OWNER.user_id, deck_id, kind, name, "viewer", granted_by="o")
    with pytest.raises(ValueError, match="viewer or editor"):
        store.share_deck(OWNER.user_id, deck_id, "user", "a@b.c", "owner", granted_by="o")
    with pytest.raises(ValueError):
        store.share_deck(OWNER.user_id, deck_id, "user", "a@b.c", "admin", granted_by="o")
    assert store.list_grants(OWNER.user_id, deck_id) == []
    assert check_principal("group", "  Design   team ") == ("group", "Design team")


_DECK_QUERY = re.compile(r"\b(FROM|JOIN|UPDATE)\s+decks\b", re.IGNORECASE)


def test_every_query_on_decks_carries_an_access_condition(store: DeckStore) -> None:
    """Run every reading and writing path and look at the SQL: each statement that reads or
    moves a `decks` row filters on its owner (the owner, or the grants subquery with it)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    deck_id = _shared(store)
    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        store.get_deck(VIEWER, deck_id)
        store.get_deck(VIEWER, deck_id, version=1)
        store.list_versions(VIEWER, deck_id)
        store.list_chat_messages(VIEWER, deck_id)
        store.list_shared_decks(VIEWER)
        store.access_level(VIEWER, deck_id)
        store.access_level(EDITOR, deck_id)
        store.list_decks(OWNER.user_id)
        record_ = store.change_deck(
            EDITOR,
            deck_id,
            lambda d: move_slide(d, d.slides[0].id, 1),
            base_version=2,
            kind=ChangeKind.REORDER,
            summary="m",
        )
        store.undo(EDITOR, deck_id, record_.version)
        store.redo(EDITOR, deck_id, record_.version + 1)
        store.restore_version(EDITOR, deck_id, 1, record_.version + 2)
        store.add_chat_message(EDITOR, deck_id, "user", "hi")
        store.duplicate_deck(VIEWER, deck_id)
        store.list_grants(OWNER.user_id, deck_id)
        store.share_deck(OWNER.user_id, deck_id, "group", "g", "viewer", granted_by="o")
        store.unshare_deck(OWNER.user_id, deck_id, "group", "g")
        store.rename_deck(OWNER.user_id, deck_id, "New")
        for write in _writes(store, STRANGER, deck_id, 1):
            with pytest.raises(DeckNotFoundError):
                write()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    on_decks = [s for s in seen if _DECK_QUERY.search(s) and not s.lstrip().startswith("INSERT")]
    assert len(on_decks) > 20
    for statement in on_decks:
        assert re.search(r"decks\.owner\s*(=|!=|IN)", statement), statement


def test_migration_0003_adds_and_removes_the_grants_table(store_settings: Settings) -> None:
    from slidegen.store.engine import create_engine_for, store_schema

    schema = store_schema(store_settings, None)
    engine = create_engine_for(store_settings, schema=schema)
    pg_schema = schema if engine.dialect.name == "postgresql" else None
    try:
        upgrade(engine, pg_schema, "0002_content_addressed")
        assert "deck_grants" not in sa.inspect(engine).get_table_names()
        upgrade(engine, pg_schema, "0003_deck_sharing")
        assert current_revision(engine) == "0003_deck_sharing"
        inspector = sa.inspect(engine)
        assert {c["name"] for c in inspector.get_columns("deck_grants")} == {
            "deck_id", "principal_kind", "principal", "level", "granted_by", "granted_at",
        }  # fmt: skip
        assert inspector.get_pk_constraint("deck_grants")["constrained_columns"] == [
            "deck_id", "principal_kind", "principal",
        ]  # fmt: skip
        _downgrade(engine, pg_schema, "0002_content_addressed")
        assert "deck_grants" not in sa.inspect(engine).get_table_names()
        assert current_revision(engine) == "0002_content_addressed"
    finally:
        engine.dispose()
    reopened = open_store(store_settings)  # and up again to the head
    try:
        assert current_revision(reopened.engine) == head_revision()
        assert "deck_grants" in sa.inspect(reopened.engine).get_table_names()
    finally:
        reopened.dispose()


def _downgrade(engine: sa.Engine, schema: str | None, revision: str) -> None:
    from alembic import command

    from slidegen.store.migrate import _config

    config = _config()
    with engine.connect() as conn, conn.begin():
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
