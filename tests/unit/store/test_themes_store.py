"""Themes in the store, on SQLite and on the local PostgreSQL: a deck's theme saved with each
version (old versions read as no theme), a switch as one version that undo takes back, and each
user's own themes, out of every other user's reach."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import zlib
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from slidegen.config import Settings, load_settings
from slidegen.deck import parse_deck_html, set_theme
from slidegen.deck.themes import BUILTIN_THEMES, Theme, ThemeError, parse_theme
from slidegen.service import DeckService, Status
from slidegen.service.themes import NO_THEME, ThemeService
from slidegen.store import ChangeKind, DeckStore, ThemeNotFoundError, open_store
from slidegen.store.tables import deck_blobs, deck_versions, user_themes
from slidegen.store.themes import MAX_USER_THEMES

ALICE, BOB = "alice@example.com", "bob@example.com"
LOGO = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\1" * 4000).decode()
_LOOP_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="theme-tests")


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    return _LOOP_THREAD.submit(asyncio.run, coro).result()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Any) -> Settings:
    if request.param == "sqlite":
        return load_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}")
    url = request.getfixturevalue("postgres_url")
    return load_settings(
        DATABASE_URL=url, DATABASE_SCHEMA=request.getfixturevalue("postgres_schema")
    )


@pytest.fixture
def store(store_settings: Settings) -> Iterator[DeckStore]:
    opened = open_store(store_settings)
    yield opened
    opened.dispose()


def _brand(**changes: Any) -> Theme:
    data: dict[str, Any] = {
        "id": "u-brand",
        "name": "Brand",
        "colors": {"bg": "#fdfcf9", "surface": "#f0ede6", "text": "#202020", "muted": "#606060",
                   "accent": "#0b6e4f"},
        "font": "'Brand Sans', Arial",
        "logo": LOGO,
    }  # fmt: skip
    data.update(changes)
    return parse_theme(data)


def _slides() -> Any:
    html = '<div class="slide sg-slide"><h1>One</h1></div><div class="slide"><h2>Two</h2></div>'
    return parse_deck_html(html).slides


def _body(store: DeckStore, deck_id: str, version: int) -> dict[str, Any]:
    with store.engine.connect() as conn:
        content = conn.execute(
            sa.select(deck_versions.c.content).where(
                deck_versions.c.deck_id == deck_id, deck_versions.c.version == version
            )
        ).scalar_one()
    return json.loads(zlib.decompress(content))


def _blob_count(store: DeckStore, deck_id: str) -> int:
    with store.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(deck_blobs.c.deck_id == deck_id)
        return int(conn.execute(query).scalar_one())


def test_a_deck_theme_is_saved_with_its_versions_and_old_versions_have_none(
    store: DeckStore,
) -> None:
    created = store.create_deck(ALICE, "Plain", slides=_slides())
    deck_id = created.deck.id
    assert created.deck.theme is None and "theme" not in _body(store, deck_id, 1)
    brand = _brand()
    themed = store.change_deck(
        ALICE, deck_id, lambda d: set_theme(d, brand), base_version=1,
        kind=ChangeKind.THEME, summary="Theme: Brand",
    )  # fmt: skip
    assert themed.version == 2
    assert store.get_deck(ALICE, deck_id).deck.theme == brand
    assert store.get_deck(ALICE, deck_id, version=1).deck.theme is None
    assert store.get_deck(ALICE, deck_id).deck.slides == created.deck.slides
    blobs = _blob_count(store, deck_id)
    # Later versions refer to the stored theme (the logo is stored once per deck).
    store.rename_deck(ALICE, deck_id, "Renamed")
    again = store.change_deck(
        ALICE, deck_id, lambda d: set_theme(set_theme(d, None), brand), base_version=3,
        kind=ChangeKind.REORDER, summary="same",
    )  # fmt: skip
    assert again.deck.theme == brand and _blob_count(store, deck_id) == blobs
    assert _body(store, deck_id, 4)["theme"] == _body(store, deck_id, 2)["theme"]
    assert store.get_deck(ALICE, deck_id).deck.title == "Renamed"
    copy = store.duplicate_deck(ALICE, deck_id)
    assert store.get_deck(ALICE, copy.deck.id).deck.theme == brand
    new = store.create_deck(ALICE, "Dark from the start", theme=BUILTIN_THEMES["dark"])
    assert store.get_deck(ALICE, new.deck.id).deck.theme == BUILTIN_THEMES["dark"]
    kinds = [v.kind for v in store.list_versions(ALICE, deck_id)]
    assert ChangeKind.THEME in kinds


def test_a_stored_theme_that_no_longer_validates_reads_as_no_theme(store: DeckStore) -> None:
    record = store.create_deck(ALICE, "T", slides=_slides(), theme=_brand())
    body = _body(store, record.deck.id, 1)
    bad = {"theme": {**_brand().to_dict(), "logo": "https://evil.example/x.png"}}
    with store.engine.begin() as conn:
        conn.execute(
            deck_blobs.update()
            .where(deck_blobs.c.id == body["theme"])
            .values(content=zlib.compress(json.dumps(bad).encode()))
        )
    from slidegen.store import content

    content.forget_deck([record.deck.id])
    reread = store.get_deck(ALICE, record.deck.id)
    assert reread.deck.theme is None and reread.deck.slides == record.deck.slides


def test_user_themes_round_trip_and_stay_their_owners(store: DeckStore) -> None:
    saved = store.save_user_theme(ALICE, _brand())
    assert saved.id.startswith("u-") and saved.id != "u-brand"  # a new theme gets a fresh id
    assert store.list_user_themes(ALICE) == [saved]
    assert store.get_user_theme(ALICE, saved.id) == saved
    renamed = store.save_user_theme(ALICE, dataclasses.replace(saved, name="Brand 2"))
    assert renamed.id == saved.id and store.list_user_themes(ALICE) == [renamed]
    # Bob cannot read, overwrite or delete it; saving under its id makes a theme of his own.
    assert store.list_user_themes(BOB) == []
    with pytest.raises(ThemeNotFoundError):
        store.get_user_theme(BOB, saved.id)
    with pytest.raises(ThemeNotFoundError):
        store.delete_user_theme(BOB, saved.id)
    bobs = store.save_user_theme(BOB, dataclasses.replace(saved, name="Stolen"))
    assert bobs.id != saved.id
    assert store.get_user_theme(ALICE, saved.id).name == "Brand 2"
    store.delete_user_theme(ALICE, saved.id)
    assert store.list_user_themes(ALICE) == []
    with pytest.raises(ThemeNotFoundError):
        store.delete_user_theme(ALICE, saved.id)
    with pytest.raises(TypeError):
        store.save_user_theme(ALICE, {"name": "x"})  # type: ignore[arg-type]


def test_an_invalid_theme_row_is_skipped_and_the_count_is_capped(store: DeckStore) -> None:
    good = store.save_user_theme(ALICE, _brand(name="A good one"))
    bad = store.save_user_theme(ALICE, _brand(name="Soon bad"))
    broken = {**bad.to_dict(), "font": "url(https://evil.example/f.woff)"}
    with store.engine.begin() as conn:
        conn.execute(
            user_themes.update()
            .where(user_themes.c.id == bad.id)
            .values(content=json.dumps(broken))
        )
    assert store.list_user_themes(ALICE) == [good]
    with pytest.raises(ThemeNotFoundError):
        store.get_user_theme(ALICE, bad.id)
    for n in range(MAX_USER_THEMES - 2):
        store.save_user_theme(BOB, _brand(name=f"T{n}"))
    store.save_user_theme(BOB, _brand(name="last"))
    store.save_user_theme(BOB, _brand(name="last 2"))
    with pytest.raises(ValueError, match="delete one first"):
        store.save_user_theme(BOB, _brand(name="one too many"))


def test_a_switch_is_one_version_with_no_model_and_undo_restores_the_look(
    store: DeckStore,
) -> None:
    decks = DeckService(lambda: store)
    themes = ThemeService(decks, lambda: store)
    record = store.create_deck(ALICE, "Deck", slides=_slides())
    deck_id = record.deck.id

    outcome = _run(themes.apply_theme(ALICE, deck_id, 1, "dark"))
    assert outcome.status is Status.SAVED and outcome.record.version == 2
    assert outcome.record.deck.theme == BUILTIN_THEMES["dark"]
    assert outcome.record.deck.slides == record.deck.slides
    history = store.list_versions(ALICE, deck_id)
    assert (history[0].kind, history[0].summary) == (ChangeKind.THEME, "Theme: Dark")
    assert _run(themes.apply_theme(ALICE, deck_id, 2, "dark")).status is Status.UNCHANGED
    switched = _run(themes.apply_theme(ALICE, deck_id, 2, "paper"))
    assert switched.record.version == 3

    undone = _run(decks.undo(ALICE, deck_id, 3))
    assert undone.record.deck.theme == BUILTIN_THEMES["dark"]
    assert _run(decks.undo(ALICE, deck_id, 4)).record.deck.theme is None
    assert _run(decks.redo(ALICE, deck_id, 5)).record.deck.theme == BUILTIN_THEMES["dark"]
    stale = _run(themes.apply_theme(ALICE, deck_id, 2, "light"))
    assert stale.status is Status.CONFLICT and stale.record.version == 6
    missing = _run(themes.apply_theme(ALICE, deck_id, 6, "u-nope"))
    assert missing.status is Status.REFUSED and "no longer exists" in missing.message
    assert _run(themes.apply_theme(BOB, deck_id, 6, "dark")).status is Status.MISSING
    removed = _run(themes.apply_theme(ALICE, deck_id, 6, NO_THEME))
    assert removed.saved and removed.record.deck.theme is None
    assert len(store.list_versions(ALICE, deck_id)) == 7


def test_user_themes_through_the_service(store: DeckStore) -> None:
    themes = ThemeService(DeckService(lambda: store), lambda: store)
    offered = _run(themes.list_themes(ALICE))
    assert [t.id for t in offered] == list(BUILTIN_THEMES)
    saved = _run(themes.save_theme(ALICE, {**_brand().to_dict(), "id": "dark"}))
    assert saved.id not in BUILTIN_THEMES  # a copy of a built-in is a new theme
    assert [t.id for t in _run(themes.list_themes(ALICE))][-1] == saved.id
    assert _run(themes.list_themes(BOB))[-1].id == list(BUILTIN_THEMES)[-1]
    for bad in (
        {**saved.to_dict(), "logo": "https://evil.example/logo.png"},
        {**saved.to_dict(), "font": "x, url(https://evil.example/f.woff)"},
        {**saved.to_dict(), "colors": {**saved.colors, "accent": "javascript:alert(1)"}},
    ):
        with pytest.raises(ThemeError):
            _run(themes.save_theme(ALICE, bad))
    assert len(store.list_user_themes(ALICE)) == 1
    deck = store.create_deck(ALICE, "D", slides=_slides())
    used = _run(themes.apply_theme(ALICE, deck.deck.id, 1, saved.id))
    assert used.saved and used.record.deck.theme == saved
    assert _run(themes.apply_theme(BOB, deck.deck.id, 2, saved.id)).status is Status.REFUSED
    assert _run(themes.delete_theme(BOB, saved.id)) is False
    assert _run(themes.delete_theme(ALICE, saved.id)) is True
    # The deck keeps its copy of a deleted theme.
    assert store.get_deck(ALICE, deck.deck.id).deck.theme == saved
