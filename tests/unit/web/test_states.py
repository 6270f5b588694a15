"""The editor's state classes against the real store: identity, editing, concurrency, isolation."""

from __future__ import annotations

import pytest

from tests.unit.web.conftest import Tab, alice_headers, bob_headers, make_deck, run


def _open(tab: Tab):
    from slidegen.web.states import DeckState, SessionState

    session = tab.state(SessionState)
    tab.guard()
    tab.run(session.on_load())
    return session, tab.state(DeckState)


def test_first_visit_creates_a_deck_and_a_reload_shows_the_same(store) -> None:
    from slidegen.web.states import SessionState

    tab = Tab({"x-forwarded-user": "newcomer"})
    session, deck = _open(tab)
    assert session.signed_in and len(session.decks) == 1
    first = deck.deck_id
    other = Tab({"x-forwarded-user": "newcomer"})  # a second tab / a restarted process
    _, deck2 = _open(other)
    assert deck2.deck_id == first
    assert len(other.state(SessionState).decks) == 1


def test_production_without_forwarded_user_gets_no_deck_data(store, monkeypatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    make_deck(store, "dev-user")
    session, deck = _open(Tab({}))
    assert not session.signed_in
    assert session.checked
    assert session.decks == [] and deck.order == [] and deck._entries() == {}


def test_deck_named_in_url_opens_only_if_it_is_the_users(store) -> None:
    mine = make_deck(store, "carol", 2, "Mine")
    theirs = make_deck(store, "dave", 2, "Theirs")
    _, deck = _open(Tab({"x-forwarded-user": "carol"}, query=f"deck={mine.deck.id}"))
    assert deck.deck_id == mine.deck.id
    _, deck = _open(Tab({"x-forwarded-user": "carol"}, query=f"deck={theirs.deck.id}"))
    assert deck.deck_id != theirs.deck.id
    assert all("Theirs" not in e["title"] for e in deck._entries().values())


def test_selection_click_ctrl_and_shift(store) -> None:
    make_deck(store, "erin", 5)
    _, deck = _open(Tab({"x-forwarded-user": "erin"}))
    ids = list(deck.order)
    deck.select(ids[1], {})
    assert deck.selected == [ids[1]]
    deck.select(ids[3], {"ctrl_key": True})
    assert deck.selected == [ids[1], ids[3]]
    assert deck.selection_label == "slides 2, 4"
    deck.select(ids[1], {"meta_key": True})  # Cmd-click toggles off
    assert deck.selected == [ids[3]]
    deck.select(ids[3], {"shift_key": True})  # range from the anchor (2, last clicked) to 4
    assert deck.selected == ids[1:4]
    deck.select(ids[2], {})
    deck.select(ids[2], {})  # clicking the only selected slide again clears it
    assert deck.selected == []


def test_reorder_dirties_the_order_and_not_the_slide_documents(store) -> None:
    make_deck(store, "frank", 6)
    _, deck = _open(Tab({"x-forwarded-user": "frank"}))
    ids = list(deck.order)
    version = deck.version
    deck._clean()
    run(deck.move(ids[0], ids[3], True))
    assert deck.order == [ids[1], ids[2], ids[3], ids[0], ids[4], ids[5]]
    assert deck.version == version + 1
    assert "order" in deck.dirty_vars
    assert not [v for v in deck.dirty_vars if v.startswith("shard_")]  # no slide resent
    assert store.get_deck("frank", deck.deck_id).deck.slide_ids == tuple(deck.order)


def test_duplicate_delete_undo_redo(store) -> None:
    make_deck(store, "gina", 3)
    tab = Tab({"x-forwarded-user": "gina"})
    _, deck = _open(tab)
    ids = list(deck.order)
    tab.run(deck.duplicate(ids[1]))
    assert len(deck.order) == 4 and deck.order[1] == ids[1] and deck.order[2] not in ids
    tab.run(deck.delete(ids[0]))
    assert deck.order[0] == ids[1] and "Undo" in deck.notice
    assert deck.can_undo
    tab.run(deck.undo())
    assert deck.order[0] == ids[0] and len(deck.order) == 4
    assert deck.can_redo
    tab.run(deck.redo())
    assert ids[0] not in deck.order


def test_stale_tab_is_told_and_shown_the_newer_version(store) -> None:
    make_deck(store, "hank", 4)
    tab1, tab2 = Tab({"x-forwarded-user": "hank"}), Tab({"x-forwarded-user": "hank"})
    _, deck1 = _open(tab1)
    _, deck2 = _open(tab2)
    ids = list(deck1.order)
    tab1.run(deck1.delete(ids[0]))
    tab2.run(deck2.duplicate(ids[2]))  # based on the version tab 2 still shows
    assert deck2.notice_error and "another tab" in deck2.notice
    assert deck2.version == deck1.version
    assert deck2.order == deck1.order  # the newer version is what tab 2 shows now
    head = store.get_deck("hank", deck1.deck_id)
    assert head.version == deck1.version and len(head.deck.slides) == 3


def test_edit_html_invalid_is_refused_and_valid_is_saved(store) -> None:
    from slidegen.web.states import EditorState

    make_deck(store, "ivy", 2)
    tab = Tab({"x-forwarded-user": "ivy"})
    _, deck = _open(tab)
    editor = tab.state(EditorState)
    sid = deck.order[0]
    tab.run(editor.start(sid))
    assert editor.is_open and "Slide 1" in editor.source and editor.preview
    version = deck.version
    tab.run(editor.save({"html": "<p>no slide container at all</p>"}))
    assert editor.error and editor.is_open
    assert deck.version == version  # nothing saved
    tab.run(editor.change('<div class="slide"><h1>Edited</h1></div>'))
    assert editor.error == "" and "Edited" in editor.preview
    tab.run(editor.save({"html": '<div class="slide"><h1>Edited</h1></div>'}))
    assert not editor.is_open and deck.version == version + 1
    assert deck._entries()[sid]["title"] == "Edited" and deck.order[0] == sid


def test_notes_and_rename(store) -> None:
    from slidegen.web.states import SessionState

    make_deck(store, "jack", 2)
    tab = Tab({"x-forwarded-user": "jack"})
    _, deck = _open(tab)
    sid = deck.order[1]
    tab.run(deck.save_notes(sid, "Say hello"))
    assert deck._entries()[sid]["notes"] == "Say hello"
    tab.run(deck.rename_to("  Board   review "))
    assert deck.title == "Board review"
    assert tab.state(SessionState).decks[0]["title"] == "Board review"
    tab.run(deck.rename_to("x" * 500))
    assert deck.notice_error and "limit" in deck.notice and deck.title == "Board review"


def test_history_preview_and_restore_keep_newer_versions(store) -> None:
    from slidegen.web.states import HistoryState

    make_deck(store, "kate", 3)
    tab = Tab({"x-forwarded-user": "kate"})
    _, deck = _open(tab)
    history = tab.state(HistoryState)
    tab.run(deck.delete(deck.order[0]))
    tab.run(history.toggle())
    assert [v["version"] for v in history.versions][:2] == [2, 1]
    tab.run(history.preview(1))
    assert len(history.preview_docs) == 3
    tab.run(history.restore(1))
    assert deck.version == 3 and len(deck.order) == 3
    assert history.versions[0]["kind"] == "restore"
    assert store.get_deck("kate", deck.deck_id, version=2).deck.slides  # v2 still there


def test_deck_switcher_new_duplicate_delete_and_undo_delete(store) -> None:
    from slidegen.web.states import SessionState

    make_deck(store, "leo", 2, "Original")
    tab = Tab({"x-forwarded-user": "leo"})
    session, deck = _open(tab)
    original = deck.deck_id
    tab.run(session.duplicate_deck(original))
    assert deck.deck_id != original and len(session.decks) == 2
    copy = deck.deck_id
    tab.run(session.delete_deck(copy))
    assert session.deleted_id == copy and deck.deck_id == original
    assert [d["id"] for d in session.decks] == [original]
    tab.run(session.undo_delete())
    assert deck.deck_id == copy and len(session.decks) == 2
    tab.run(session.new_deck())
    assert len(tab.state(SessionState).decks) == 3 and deck.order == []


def test_guard_resets_a_view_replayed_under_another_users_headers(store) -> None:
    from slidegen.web.states import ChatState, DeckState, SessionState

    make_deck(store, "alice", 3, "Alice secret plans")
    tab = Tab(alice_headers())
    session, deck = _open(tab)
    assert deck._entries() and session.decks
    # The same client token (same state tree) now arrives on a connection with Bob's headers.
    tab.connect(bob_headers())
    tab.guard()
    session, deck = tab.state(SessionState), tab.state(DeckState)
    assert session.decks == [] and deck._entries() == {} and deck.order == [] and deck.deck_id == ""
    assert tab.state(ChatState).messages == []
    tab.run(session.on_load())
    assert all(d["title"] != "Alice secret plans" for d in session.decks)
    # Even a handler called with Alice's deck id reaches nothing of hers.
    alice_deck = store.list_decks("alice")[0].id
    tab.run(session.open_deck(alice_deck))
    assert deck.deck_id != alice_deck


@pytest.mark.parametrize("origin", ["http://localhost:3000", "https://app.example.com"])
def test_slide_documents_load_chart_js_from_the_pages_origin(store, origin) -> None:
    make_deck(store, f"mia{len(origin)}", 1)
    _, deck = _open(Tab({"x-forwarded-user": f"mia{len(origin)}", "origin": origin}))
    doc = next(iter(deck._entries().values()))["doc"]
    assert f'src="{origin}/vendor/chart.umd.min.js"' in doc
    assert len(doc) < 30_000  # not the 210 KB inlined library


def test_content_changes_resend_only_the_shard_of_the_changed_slide(store) -> None:
    from slidegen.web.states import EditorState

    make_deck(store, "nora", 8)
    tab = Tab({"x-forwarded-user": "nora"})
    _, deck = _open(tab)
    ids = list(deck.order)

    def resent() -> dict[str, dict]:
        return {v: getattr(deck, v) for v in deck.dirty_vars if v.startswith("shard_")}

    deck._clean()
    tab.run(deck.duplicate(ids[2]))
    shards = resent()
    assert len(shards) == 1
    (copy,) = [s for s in deck.order if s not in ids]
    assert list(next(iter(shards.values()))) == [copy]  # only the new slide's document

    deck._clean()
    tab.run(deck.delete(copy))
    assert resent() == {} and copy not in deck.order  # a delete sends no slide HTML

    editor = tab.state(EditorState)
    tab.run(editor.start(ids[5]))
    deck._clean()
    tab.run(editor.save({"html": '<div class="slide"><h1>Only this</h1></div>'}))
    shards = resent()
    assert len(shards) == 1 and list(next(iter(shards.values()))) == [ids[5]]
    assert deck._entries()[ids[5]]["title"] == "Only this"
    assert [deck._entries()[i]["title"] for i in ids[:2]] == ["Slide 1", "Slide 2"]


def test_stage_focus_moves_with_the_keys_and_never_resends_a_document(store) -> None:
    make_deck(store, "olga", 4)
    tab = Tab({"x-forwarded-user": "olga"})
    _, deck = _open(tab)
    ids = list(deck.order)
    assert deck.stage_id == ids[0] and deck.stage_number == 1  # nothing focused: the first
    deck._clean()
    deck.step_focus(1)
    deck.step_focus(1)
    assert deck.stage_id == ids[2] and deck.selected == [ids[2]] and deck.stage_number == 3
    assert not [v for v in deck.dirty_vars if v.startswith("shard_")]
    deck.step_focus(-5)
    assert deck.stage_id == ids[0]
    deck.focus_edge(True)
    assert deck.stage_id == ids[3]
    deck.select(ids[3], {})  # a click on the only selected slide clears the selection...
    assert deck.selected == [] and deck.stage_id == ids[3]  # ...and keeps it on the stage
    deck.set_overview(True)
    deck.open_on_stage(ids[1])  # Enter on a card
    assert not deck.overview and deck.stage_id == ids[1] and deck.selected == [ids[1]]


def test_delete_and_duplicate_keys_act_on_the_stage(store) -> None:
    make_deck(store, "pete", 3)
    tab = Tab({"x-forwarded-user": "pete"})
    _, deck = _open(tab)
    ids = list(deck.order)
    deck.step_focus(1)
    tab.run(deck.duplicate_focused())
    (copy,) = [s for s in deck.order if s not in ids]
    assert deck.order == [ids[0], ids[1], copy, ids[2]] and deck.stage_id == copy
    tab.run(deck.delete_focused())
    assert deck.order == ids and deck.stage_id == ids[2]  # the next slide takes its place
    assert deck.notice == "Deleted slide 3. Undo (Ctrl+Z) brings it back."
    deck.select(ids[0], {})
    deck.select(ids[1], {"ctrl_key": True})
    tab.run(deck.delete_focused())  # a selection wins over the stage
    assert deck.order == [ids[2]] and "slides 1, 2" in deck.notice
    tab.run(deck.undo())
    assert deck.order == ids


def test_text_typed_on_the_stage_is_saved_as_one_version_and_undone(store) -> None:
    from slidegen.deck import parse_deck_html

    parsed = parse_deck_html(
        '<div class="slide"><h1>Revenue</h1><canvas id="c"></canvas><ul><li>EMEA</li></ul>'
        "<script>new Chart(document.getElementById('c'), {type: 'bar'});</script></div>"
    )
    record = store.create_deck("quin", "Inline", styles=parsed.styles, slides=parsed.slides)
    tab = Tab({"x-forwarded-user": "quin"})
    _, deck = _open(tab)
    sid = deck.order[0]
    version = deck.version
    tab.run(deck.save_text(sid, [{"i": 0, "before": "Revenue", "html": "Revenue <b>up</b>"}]))
    assert deck.version == version + 1 and not deck.notice_error
    saved = store.get_deck("quin", record.deck.id).deck.slides[0]
    assert "<h1>Revenue <b>up</b></h1>" in saved.html
    assert saved.scripts == parsed.slides[0].scripts  # the chart script is kept
    assert '<canvas id="c"></canvas>' in saved.html  # the canvas as written, not as drawn
    assert deck._entries()[sid]["title"] == "Revenue up"

    # A stale or forged edit is refused with a message and saves nothing.
    tab.run(deck.save_text(sid, [{"i": 0, "before": "Revenue", "html": "Other"}]))
    assert deck.notice_error and "changed while you edited" in deck.notice
    tab.run(deck.save_text(sid, [{"i": "x"}]))
    assert deck.notice_error and deck.version == version + 1
    # An edit that changes nothing saves nothing.
    tab.run(deck.save_text(sid, [{"i": 1, "before": "EMEA", "html": "EMEA"}]))
    assert deck.version == version + 1

    tab.run(deck.undo())
    assert "<h1>Revenue</h1>" in store.get_deck("quin", record.deck.id).deck.slides[0].html


def test_opening_another_deck_shows_its_own_chat(store) -> None:
    from slidegen.web.states import ChatState

    first = make_deck(store, "nina", 2, title="First")
    second = make_deck(store, "nina", 2, title="Second")
    store.add_chat_message("nina", first.deck.id, "user", "about the first")
    store.add_chat_message("nina", second.deck.id, "user", "about the second")
    tab = Tab({"x-forwarded-user": "nina"}, query=f"deck={first.deck.id}")
    session, deck = _open(tab)
    chat = tab.state(ChatState)
    assert deck.deck_id == first.deck.id
    assert [m["text"] for m in chat.messages] == ["about the first"]
    tab.run(session.open_deck(second.deck.id))
    assert deck.deck_id == second.deck.id
    assert [m["text"] for m in chat.messages] == ["about the second"]


def test_an_overlong_chat_message_is_refused_before_a_turn_starts(store) -> None:
    from slidegen.prompt_limit import MAX_PROMPT_CHARS
    from slidegen.web.states import ChatState

    tab = Tab({"x-forwarded-user": "olga"})
    _open(tab)
    chat = tab.state(ChatState)
    tab.run(chat.send({"prompt": "x" * (MAX_PROMPT_CHARS + 1)}))
    assert not chat.generating
    assert [(m["role"], m["text"]) for m in chat.messages] == [
        (
            "error",
            f"The message is {MAX_PROMPT_CHARS + 1} characters long; the limit is "
            f"{MAX_PROMPT_CHARS}. Shorten it and send again.",
        )
    ]
