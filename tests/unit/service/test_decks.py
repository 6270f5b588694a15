"""The deck service on a real SQLite store: the conflict and missing-deck policy and owner
scoping. (Store calls off the event loop: `tests/unit/web/test_slow_store.py`.)"""

from __future__ import annotations

from typing import Any

import pytest

from slidegen.deck import move_slide, parse_deck_html, set_notes
from slidegen.service import (
    CONFLICT_MESSAGE,
    MISSING_MESSAGE,
    DeckService,
    Status,
    Unchanged,
)
from tests.support.loops import run_on_own_loop


def _deck(store: Any, owner: str = "ann", n: int = 3) -> Any:
    html = "\n".join(f'<div class="slide"><h1>Slide {i + 1}</h1></div>' for i in range(n))
    return store.create_deck(owner, "Deck", slides=parse_deck_html(html).slides)


def test_apply_saves_a_version_and_a_stale_base_gets_the_newer_head(store) -> None:
    service = DeckService(lambda: store)
    record = _deck(store)
    first = record.deck.slides[0].id

    moved = run_on_own_loop(
        service.apply("ann", record.deck.id, 1, lambda d: move_slide(d, first, 2), "reorder", "m")
    )
    assert moved.status is Status.SAVED and moved.record.version == 2
    assert moved.record.deck.slide_ids[-1] == first

    stale = run_on_own_loop(
        service.apply("ann", record.deck.id, 1, lambda d: set_notes(d, first, "x"), "notes", "n")
    )
    assert stale.status is Status.CONFLICT and stale.error
    assert stale.message == CONFLICT_MESSAGE and stale.record.version == 2
    assert store.get_deck("ann", record.deck.id).version == 2  # nothing written


def test_missing_refused_and_unchanged_write_nothing(store) -> None:
    service = DeckService(lambda: store)
    record = _deck(store)
    deck_id = record.deck.id

    def unchanged(deck: Any) -> Any:
        raise Unchanged

    other = run_on_own_loop(service.apply("bob", deck_id, 1, lambda d: d, "reorder", "m"))
    assert other.status is Status.MISSING and other.message == MISSING_MESSAGE
    bad = run_on_own_loop(service.apply("ann", deck_id, 1, lambda d: d.slide("nope"), "notes", "n"))
    assert bad.status is Status.REFUSED and bad.error and "nope" in bad.message
    same = run_on_own_loop(service.apply("ann", deck_id, 1, unchanged, "notes", "n"))
    assert same.status is Status.UNCHANGED
    nothing = run_on_own_loop(service.undo("ann", deck_id, 1))
    assert nothing.status is Status.REFUSED and not nothing.error and nothing.message
    assert store.get_deck("ann", deck_id).version == 1

    assert run_on_own_loop(service.delete_deck("ann", deck_id))
    gone = run_on_own_loop(service.undo("ann", deck_id, 1))
    assert gone.status is Status.MISSING
    assert run_on_own_loop(service.open("ann", deck_id)) is None
    assert not run_on_own_loop(service.delete_deck("ann", deck_id))
    assert run_on_own_loop(service.undelete_deck("ann", deck_id))
    assert run_on_own_loop(service.open("ann", deck_id)).version == 1


def test_rename_restore_history_and_duplicate(store) -> None:
    service = DeckService(lambda: store)
    deck_id = _deck(store).deck.id
    renamed = run_on_own_loop(service.rename("ann", deck_id, 1, "  New   name "))
    assert renamed.saved and renamed.record.deck.title == "New name"
    restored = run_on_own_loop(service.restore("ann", deck_id, 1, 2))
    assert (
        restored.saved and restored.record.deck.title == "Deck" and "version 1" in restored.message
    )
    versions = run_on_own_loop(service.history("ann", deck_id))
    assert [v.version for v in versions] == [3, 2, 1]
    assert run_on_own_loop(service.history("bob", deck_id)) is None
    copy = run_on_own_loop(service.duplicate_deck("ann", deck_id))
    assert copy is not None and copy.deck.id != deck_id
    assert run_on_own_loop(service.duplicate_deck("bob", deck_id)) is None
    assert {d.id for d in run_on_own_loop(service.list_decks("ann"))} == {deck_id, copy.deck.id}


def test_no_owner_is_refused_before_the_store(store) -> None:
    service = DeckService(lambda: store)
    with pytest.raises(PermissionError):
        run_on_own_loop(service.list_decks(""))
