"""The theme picker's state against the real store: picking repaints every slide document as one
version that undo takes back; one's own theme is saved (with a logo), used and deleted; bad
input is refused with a message and nothing saved."""

from __future__ import annotations

import base64

from slidegen.deck.themes import BUILTIN_THEMES, theme_css
from tests.unit.web.conftest import Tab, make_deck


def _open(tab: Tab):
    from slidegen.web.states import DeckState, SessionState, ThemeState

    session = tab.state(SessionState)
    tab.guard()
    tab.run(session.on_load())
    return tab.state(DeckState), tab.state(ThemeState)


def _docs(deck) -> list[str]:
    return [entry["doc"] for entry in deck._entries().values()]


def test_picking_a_theme_repaints_every_slide_as_one_version_and_undo_restores(store) -> None:
    make_deck(store, "tara", 3)
    tab = Tab({"x-forwarded-user": "tara"})
    deck, themes = _open(tab)
    before, version = _docs(deck), deck.version
    tab.run(themes.open_dialog())
    assert [c["id"] for c in themes.themes] == list(BUILTIN_THEMES)
    assert themes.current == "" and deck.theme_id == ""

    tab.run(themes.pick("dark"))
    dark = theme_css(BUILTIN_THEMES["dark"])
    assert deck.version == version + 1 and deck.theme_id == "dark" == themes.current
    assert len(_docs(deck)) == 3 and all(dark in doc for doc in _docs(deck))
    assert store.list_versions("tara", deck.deck_id)[0].kind == "theme"
    tab.run(themes.pick("dark"))  # the same theme again: no new version
    assert deck.version == version + 1

    tab.run(deck.undo())
    assert deck.theme_id == "" and _docs(deck) == before
    tab.run(deck.redo())
    assert all(dark in doc for doc in _docs(deck))
    tab.run(themes.pick(""))
    assert deck.theme_id == "" and _docs(deck) == before


def test_own_theme_is_saved_with_a_logo_used_and_deleted(store) -> None:
    make_deck(store, "uma", 2)
    tab = Tab({"x-forwarded-user": "uma"})
    deck, themes = _open(tab)
    tab.run(themes.open_dialog())
    tab.run(themes.start_from("forest"))
    assert themes.editing and themes.form["base"] == "forest"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    themes.receive_logo("logo.png", 0, 1, base64.b64encode(png).decode())
    assert themes.error == "" and themes.logo_preview.startswith("data:image/png;base64,")
    form = {**themes.form, "name": "Uma's brand", "accent": "#aa0055", "custom_font": "Uma Sans"}
    tab.run(themes.save(form))
    assert themes.error == "" and not themes.editing
    mine = [c for c in themes.themes if c["mine"]]
    assert [c["name"] for c in mine] == ["Uma's brand"]
    assert deck.theme_id == mine[0]["id"] == themes.current
    theme = store.get_deck("uma", deck.deck_id).deck.theme
    assert theme.accent == "#aa0055" and theme.font[0] == "Uma Sans" and theme.logo
    assert all("--sg-accent:#aa0055" in doc for doc in _docs(deck))

    # Customising one's own theme saves over it (same id), and the deck takes the new look.
    tab.run(themes.start_from(mine[0]["id"]))
    assert themes.form["name"] == "Uma's brand" and themes.logo_name == "current logo"
    tab.run(themes.save({**themes.form, "name": "Uma's brand 2", "accent": "#0055aa"}))
    again = [c for c in themes.themes if c["mine"]]
    assert [(c["id"], c["name"]) for c in again] == [(mine[0]["id"], "Uma's brand 2")]
    theme = store.get_deck("uma", deck.deck_id).deck.theme
    assert theme.accent == "#0055aa" and theme.logo  # the logo is kept
    assert all("--sg-accent:#0055aa" in doc for doc in _docs(deck))

    tab.run(themes.delete(mine[0]["id"]))
    assert not [c for c in themes.themes if c["mine"]]
    assert store.get_deck("uma", deck.deck_id).deck.theme == theme  # the deck keeps its copy


def test_bad_logo_and_bad_form_are_refused_with_a_message(store) -> None:
    make_deck(store, "vic", 1)
    tab = Tab({"x-forwarded-user": "vic"})
    deck, themes = _open(tab)
    tab.run(themes.open_dialog())
    tab.run(themes.start_from("light"))
    themes.receive_logo("logo.png", 0, 1, base64.b64encode(b"<html>").decode())
    assert "not a PNG" in themes.error and themes.logo_preview == ""
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x"/></svg>'
    themes.receive_logo("logo.svg", 0, 1, base64.b64encode(svg).decode())
    assert "links to other files" in themes.error and themes.logo_preview == ""
    themes.receive_logo("logo.gif", 0, 1, "R0lGODlh")
    assert "PNG, JPEG, SVG or WebP" in themes.error
    version = deck.version
    tab.run(themes.save({**themes.form, "bg": "url(https://evil.example/x)"}))
    assert "colors.bg" in themes.error and themes.editing
    tab.run(themes.save({**themes.form, "custom_font": "x'); background:url(y"}))
    assert "font" in themes.error
    assert deck.version == version and not store.list_user_themes("vic")


def test_a_theme_picked_for_a_new_empty_deck_is_what_it_is_generated_with(store) -> None:
    tab = Tab({"x-forwarded-user": "wes"})  # a first visit: a new, empty deck
    deck, themes = _open(tab)
    assert deck.order == [] and deck.version == 1
    tab.run(themes.open_dialog())
    tab.run(themes.pick("databricks"))
    assert deck.version == 2 and deck.theme_id == "databricks"
    stored = store.get_deck("wes", deck.deck_id).deck
    assert stored.theme == BUILTIN_THEMES["databricks"] and stored.slides == ()
