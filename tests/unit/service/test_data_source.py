"""A deck's Genie space: the field, its pure operation, its versions (saved, undone, old ones)."""

from __future__ import annotations

import json
import zlib
from typing import Any

import pytest
import sqlalchemy as sa

from slidegen.deck import Deck, DeckOperationError, parse_deck_html
from slidegen.deck.data_source import genie_space_for, set_genie_space
from slidegen.deck.model import GENIE_DEFAULT, GENIE_NONE
from slidegen.service import DeckService, Status
from slidegen.store import ChangeKind
from tests.support.loops import run_on_own_loop


def _deck(store: Any) -> Any:
    html = '<div class="slide"><h1>One</h1></div><div class="slide"><h1>Two</h1></div>'
    return store.create_deck("ann", "Deck", slides=parse_deck_html(html).slides)


def test_the_operation_validates_and_the_deck_says_which_space_to_ask() -> None:
    deck = Deck("d_1", "ann", "T")
    assert deck.genie_space == GENIE_DEFAULT
    assert genie_space_for(deck, "app-space") == "app-space"
    assert genie_space_for(deck, None) is None
    picked = set_genie_space(deck, " 01ef0123456789abcdef0123456789ab ")
    assert picked.genie_space == "01ef0123456789abcdef0123456789ab"
    assert genie_space_for(picked, "app-space") == picked.genie_space
    assert genie_space_for(set_genie_space(deck, GENIE_NONE), "app-space") is None
    assert set_genie_space(picked, "").genie_space == GENIE_DEFAULT
    assert deck.genie_space == GENIE_DEFAULT  # the argument is untouched
    with pytest.raises(DeckOperationError, match="not a Genie space id"):
        set_genie_space(deck, "<script>")
    assert Deck.from_dict(picked.to_dict()) == picked
    assert Deck.from_dict({"id": "d", "owner": "o", "title": "t"}).genie_space == GENIE_DEFAULT


def test_the_choice_is_one_version_that_undo_takes_back(store) -> None:
    service = DeckService(lambda: store)
    record = _deck(store)
    deck_id = record.deck.id
    outcome = run_on_own_loop(
        service.apply(
            "ann",
            deck_id,
            1,
            lambda d: set_genie_space(d, "space-sales"),
            ChangeKind.DATA_SOURCE,
            "Data from Sales",
        )
    )
    assert outcome.status is Status.SAVED and outcome.record.version == 2
    assert store.get_deck("ann", deck_id).deck.genie_space == "space-sales"
    assert store.list_versions("ann", deck_id)[0].kind is ChangeKind.DATA_SOURCE
    # the slides are kept as they were
    assert store.get_deck("ann", deck_id).deck.slides == record.deck.slides

    # Another change and a rename keep the choice.
    renamed = store.rename_deck("ann", deck_id, "Renamed", base_version=2)
    assert renamed.deck.genie_space == "space-sales"

    undone = run_on_own_loop(service.undo("ann", deck_id, renamed.version))
    assert undone.saved and undone.record.deck.genie_space == "space-sales"
    undone = run_on_own_loop(service.undo("ann", deck_id, undone.record.version))
    assert undone.saved and undone.record.deck.genie_space == GENIE_DEFAULT
    redone = run_on_own_loop(service.redo("ann", deck_id, undone.record.version))
    assert redone.record.deck.genie_space == "space-sales"
    # an earlier version restored brings its (default) choice back
    restored = run_on_own_loop(service.restore("ann", deck_id, 1, redone.record.version))
    assert restored.record.deck.genie_space == GENIE_DEFAULT


def test_a_version_written_before_the_field_reads_as_default(store) -> None:
    from slidegen.store.tables import deck_versions

    record = _deck(store)
    with store.engine.connect() as conn:
        content = conn.execute(
            sa.select(deck_versions.c.content).where(deck_versions.c.deck_id == record.deck.id)
        ).scalar_one()
    body = json.loads(zlib.decompress(content))
    assert "genie_space" not in body  # the default is not written: old and new read the same
    assert store.get_deck("ann", record.deck.id).deck.genie_space == GENIE_DEFAULT
