"""Per-user limits on stored data, on a real SQLite store: `MAX_DECKS_PER_USER` live decks
(new, imported, copied or restored from the trash) and `MAX_THEMES_PER_USER` saved themes.

A refused write says why and writes nothing; deleted decks do not count; another user's decks
do not count; 0 decks means no limit.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from slidegen.config import Settings, SettingsError, load_settings
from slidegen.deck import parse_deck_html
from slidegen.service import DeckService
from slidegen.service.decks import LimitReached
from slidegen.service.themes import ThemeService
from slidegen.store.themes import MAX_USER_THEMES
from tests.support.loops import run_on_own_loop

ANN, BOB = "ann@example.com", "bob@example.com"
SLIDES = parse_deck_html('<div class="slide"><h1>One</h1></div>').slides


def _service(store: Any, **limits: int) -> DeckService:
    settings: Settings = load_settings(**limits)
    return DeckService(lambda: store, settings=lambda: settings)


def _all_ids(store: Any, owner: str) -> set[str]:
    """Every deck of `owner`'s, live or in the trash."""
    return {d.id for d in [*store.list_decks(owner), *store.list_deleted_decks(owner)]}


def test_a_new_or_imported_deck_past_the_limit_is_refused_and_writes_nothing(store) -> None:
    decks = _service(store, MAX_DECKS_PER_USER=2)
    run_on_own_loop(decks.create(ANN, "One"))
    run_on_own_loop(decks.create(ANN, "Two", slides=SLIDES, imported_from="a.html"))
    before = _all_ids(store, ANN)
    for content in ({}, {"slides": SLIDES, "imported_from": "b.html"}):
        with pytest.raises(LimitReached) as refused:
            run_on_own_loop(decks.create(ANN, "Three", **content))
        assert str(refused.value) == (
            "You already have 2 decks, the most one user may keep: delete one you no longer "
            "need, then try again."
        )
    assert _all_ids(store, ANN) == before  # nothing written
    # Another user's decks are theirs to count.
    assert run_on_own_loop(decks.create(BOB, "Bob's")).deck.owner == BOB


def test_deleted_decks_do_not_count_and_one_back_from_the_trash_does(store) -> None:
    decks = _service(store, MAX_DECKS_PER_USER=2)
    one = run_on_own_loop(decks.create(ANN, "One")).deck.id
    run_on_own_loop(decks.create(ANN, "Two"))
    assert run_on_own_loop(decks.delete_deck(ANN, one))
    three = run_on_own_loop(decks.create(ANN, "Three")).deck.id  # the trash is not counted
    with pytest.raises(LimitReached):
        run_on_own_loop(decks.undelete_deck(ANN, one))
    assert one in {d.id for d in store.list_deleted_decks(ANN)}  # still in the trash
    assert run_on_own_loop(decks.delete_deck(ANN, three))
    assert run_on_own_loop(decks.undelete_deck(ANN, one))
    assert len(store.list_decks(ANN)) == 2


def test_a_copy_past_the_limit_is_refused_also_of_a_shared_deck(store) -> None:
    decks = _service(store, MAX_DECKS_PER_USER=1)
    mine = run_on_own_loop(decks.create(ANN, "Mine")).deck.id
    theirs = run_on_own_loop(decks.create(BOB, "Theirs")).deck.id
    assert run_on_own_loop(decks.share(BOB, theirs, "user", ANN, "viewer")).done
    for deck_id in (mine, theirs):
        with pytest.raises(LimitReached):
            run_on_own_loop(decks.duplicate_deck(ANN, deck_id))
    assert [d.id for d in store.list_decks(ANN)] == [mine]
    # A deck not there for the user is still None, below the limit.
    assert (
        run_on_own_loop(_service(store, MAX_DECKS_PER_USER=5).duplicate_deck(ANN, "d_none")) is None
    )


def test_the_defaults() -> None:
    assert load_settings().max_decks_per_user == 500
    assert load_settings().max_themes_per_user == 50


def test_zero_decks_means_no_limit(store) -> None:
    decks = _service(store, MAX_DECKS_PER_USER=0)
    for n in range(3):
        run_on_own_loop(decks.create(ANN, f"Deck {n}"))
    assert len(store.list_decks(ANN)) == 3


def test_creates_racing_at_the_limit_cannot_all_pass(store) -> None:
    decks = _service(store, MAX_DECKS_PER_USER=3)

    async def race() -> list[Any]:
        creates = [decks.create(ANN, f"Deck {n}") for n in range(8)]
        return await asyncio.gather(*creates, return_exceptions=True)

    results = run_on_own_loop(race())
    assert sum(isinstance(r, LimitReached) for r in results) == 5
    assert len(store.list_decks(ANN)) == 3


def test_bad_limit_values_stop_start_up_naming_the_setting() -> None:
    for name, value in (("MAX_DECKS_PER_USER", -1), ("MAX_THEMES_PER_USER", 0),
                        ("MAX_THEMES_PER_USER", MAX_USER_THEMES + 1)):  # fmt: skip
        with pytest.raises(SettingsError, match=name):
            load_settings(**{name: value})


def _theme(name: str, theme_id: str = "") -> dict[str, Any]:
    colors = {"bg": "#ffffff", "surface": "#eeeeee", "text": "#111111", "muted": "#666666",
              "accent": "#c81e1e"}  # fmt: skip
    return {"id": theme_id, "name": name, "colors": colors}


def test_a_new_theme_past_the_limit_is_refused_and_one_saved_over_is_not(store) -> None:
    settings = load_settings(MAX_THEMES_PER_USER=2)
    themes = ThemeService(_service(store), lambda: store, settings=lambda: settings)
    first = run_on_own_loop(themes.save_theme(ANN, _theme("First")))
    run_on_own_loop(themes.save_theme(ANN, _theme("Second")))
    for data in (_theme("Third"), _theme("Copy of a built-in", "default"),
                 _theme("Not hers", "u-000000000000")):  # fmt: skip
        with pytest.raises(LimitReached) as refused:
            run_on_own_loop(themes.save_theme(ANN, data))
        assert str(refused.value).startswith("You already have 2 saved themes, the most")
    assert [t.name for t in store.list_user_themes(ANN)] == ["First", "Second"]
    # Saving over one's own theme is a change, not a new one.
    changed = run_on_own_loop(themes.save_theme(ANN, _theme("First, changed", first.id)))
    assert changed.id == first.id
    assert run_on_own_loop(themes.save_theme(BOB, _theme("Bob's"))).name == "Bob's"
    assert run_on_own_loop(themes.delete_theme(ANN, first.id))
    assert run_on_own_loop(themes.save_theme(ANN, _theme("Third"))).name == "Third"


def test_the_mcp_import_tool_says_why_it_is_refused(store) -> None:
    from slidegen.mcp import DeckTools
    from slidegen.mcp.tools import ToolRefusal
    from slidegen.users import UserContext

    decks = _service(store, MAX_DECKS_PER_USER=1)
    run_on_own_loop(decks.create(ANN, "Mine"))
    tools = DeckTools(decks, None, ThemeService(decks, lambda: store))  # type: ignore[arg-type]
    user = UserContext(ANN, ANN, "ann", "r1", None, None)

    async def nothing(*_: Any) -> None:
        return None

    page = '<html><body><div class="slide"><h1>Imported</h1></div></body></html>'
    with pytest.raises(ToolRefusal, match="You already have 1 deck, the most one user may keep"):
        run_on_own_loop(tools.call("import_deck", {"html": page}, user, "", nothing))
    assert len(_all_ids(store, ANN)) == 1
