"""The UI's side of two refusals: a deck past `MAX_DECKS_PER_USER` is refused with the limit's
sentence in the header (nothing made, the open deck kept), and a connection whose handshake
repeated `X-Forwarded-User` is not signed in and reaches no deck."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reflex.app import _decode_asgi_headers

from tests.unit.web.conftest import Tab, make_deck


@pytest.fixture
def two_decks_at_most(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from slidegen.config import get_settings

    monkeypatch.setenv("MAX_DECKS_PER_USER", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _open(tab: Tab):
    from slidegen.web.states import DeckState, SessionState

    session = tab.state(SessionState)
    tab.guard()
    tab.run(session.on_load())
    return session, tab.state(DeckState)


def test_new_copy_and_undo_delete_past_the_limit_say_why(store, two_decks_at_most) -> None:
    make_deck(store, "nina", 2, "One")
    make_deck(store, "nina", 2, "Two")
    tab = Tab({"x-forwarded-user": "nina"})
    session, deck = _open(tab)
    shown = deck.deck_id
    for action in (session.new_deck(), session.duplicate_deck(shown)):
        tab.run(action)
        assert session.error.startswith("You already have 2 decks, the most one user may keep")
        assert len(session.decks) == 2 and deck.deck_id == shown
    assert len(store.list_decks("nina")) == 2
    # Deleting one makes room; a new deck then fills it, and the deleted one stays in the trash.
    tab.run(session.delete_deck(shown))
    deleted = session.deleted_id
    tab.run(session.new_deck())
    assert session.error == "" and len(store.list_decks("nina")) == 2
    session.deleted_id = deleted  # the "Undo delete" offer, as if still shown
    tab.run(session.undo_delete())
    assert "the most one user may keep" in session.error
    assert deleted in {d.id for d in store.list_deleted_decks("nina")}


def test_a_repeated_user_header_over_the_socket_is_not_signed_in(store, monkeypatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    make_deck(store, "olga", 2, "Olga's plans")
    # As Reflex keeps the handshake's headers: the proxy's copy, then the one the caller added.
    pairs = [(b"x-forwarded-user", b"mallory"), (b"x-forwarded-user", b"olga")]
    session, deck = _open(Tab(_decode_asgi_headers(pairs)))
    assert session.checked and not session.signed_in
    assert session.decks == [] and deck.order == [] and deck._entries() == {}
    assert store.list_decks("mallory, olga") == [] and len(store.list_decks("olga")) == 1
