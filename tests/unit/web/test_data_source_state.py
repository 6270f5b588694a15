"""The space picker's pick on the real store: one DATA_SOURCE version shown at once, undo takes
it back, a bad value is refused with nothing saved."""

from __future__ import annotations

from tests.unit.web.conftest import Tab, alice_headers, make_deck


def test_a_pick_is_one_version_that_undo_takes_back(store) -> None:
    from slidegen.store import ChangeKind
    from slidegen.web.states import DataSourceState, DeckState

    record = make_deck(store, "alice", n=2)
    tab = Tab(alice_headers(), query=f"deck={record.deck.id}")
    deck = tab.state(DeckState)
    tab.guard()
    assert tab.run(deck._open(record.deck.id))
    picker = tab.state(DataSourceState)
    picker.options = [
        *picker.options,
        {"value": "space-sales", "label": "Sales", "description": ""},
    ]

    tab.run(picker.pick("space-sales"))
    head = store.get_deck("alice", record.deck.id)
    assert head.version == 2 and head.deck.genie_space == "space-sales"
    assert store.list_versions("alice", record.deck.id)[0].kind is ChangeKind.DATA_SOURCE
    assert store.list_versions("alice", record.deck.id)[0].summary == "Data from Sales"
    assert deck.genie_space == "space-sales" and deck.version == 2
    assert deck.notice == "This deck's data now comes from Sales."

    tab.run(picker.pick("space-sales"))  # the same choice again saves nothing
    assert store.get_deck("alice", record.deck.id).version == 2

    tab.run(deck.undo())
    assert deck.genie_space == "default"
    assert store.get_deck("alice", record.deck.id).deck.genie_space == "default"

    tab.run(picker.pick("<bad id>"))
    assert store.get_deck("alice", record.deck.id).version == 3  # the undo only
    assert deck.notice_error and "not a Genie space id" in deck.notice
