"""Pure deck operations: results, immutability of the input, and clear errors."""

from __future__ import annotations

import pytest

from slidegen.deck import (
    MAX_SLIDE_BYTES,
    MAX_SLIDES_PER_DECK,
    Deck,
    DeckOperationError,
    Slide,
    delete_slides,
    duplicate_slide,
    edit_slide_html,
    insert_slides,
    move_slide,
    rename_deck,
    replace_slides,
    set_notes,
    set_slides,
    set_styles,
)


def _slide(n: int) -> Slide:
    return Slide(id=f"s_{n:010x}", html=f'<div class="slide"><h1>S{n}</h1></div>')


@pytest.fixture
def deck() -> Deck:
    return Deck(id="d_1", owner="alice", title="T", slides=tuple(_slide(n) for n in range(4)))


def _titles(deck: Deck) -> list[str]:
    return [s.title for s in deck.slides]


def test_insert_at_start_middle_end_and_input_untouched(deck: Deck) -> None:
    before = deck.slides
    assert _titles(insert_slides(deck, 0, [_slide(9)]))[:2] == ["S9", "S0"]
    assert _titles(insert_slides(deck, 2, [_slide(9), _slide(8)])) == [
        "S0", "S1", "S9", "S8", "S2", "S3"
    ]  # fmt: skip
    assert _titles(insert_slides(deck, 4, [_slide(9)]))[-1] == "S9"
    assert deck.slides is before
    with pytest.raises(DeckOperationError, match=r"insert position 5 is outside 0\.\.4"):
        insert_slides(deck, 5, [_slide(9)])


def test_insert_with_a_taken_id_gets_a_fresh_id(deck: Deck) -> None:
    result = insert_slides(deck, 0, [_slide(1)])
    assert len(set(result.slide_ids)) == 5
    assert result.slides[0].id != _slide(1).id and result.slides[0].title == "S1"


def test_replace_keeps_position_id_and_notes(deck: Deck) -> None:
    deck = set_notes(deck, _slide(2).id, "say this")
    new = Slide(id="s_ffffffffff", html='<div class="slide"><h1>New</h1></div>')
    result = replace_slides(deck, {_slide(2).id: new})
    assert _titles(result) == ["S0", "S1", "New", "S3"]
    assert result.slides[2].id == _slide(2).id and result.slides[2].notes == "say this"
    with pytest.raises(DeckOperationError, match="'s_nope' is not in this deck"):
        replace_slides(deck, {"s_nope": new})


def test_move_both_directions(deck: Deck) -> None:
    assert _titles(move_slide(deck, _slide(0).id, 3)) == ["S1", "S2", "S3", "S0"]
    assert _titles(move_slide(deck, _slide(3).id, 0)) == ["S3", "S0", "S1", "S2"]
    assert move_slide(deck, _slide(1).id, 1) == deck
    with pytest.raises(DeckOperationError, match="target position 4"):
        move_slide(deck, _slide(1).id, 4)


def test_duplicate_inserts_copy_after(deck: Deck) -> None:
    deck = set_notes(deck, _slide(1).id, "n")
    result = duplicate_slide(deck, _slide(1).id)
    assert _titles(result) == ["S0", "S1", "S1", "S2", "S3"]
    assert result.slides[2].id != result.slides[1].id
    assert result.slides[2].html == result.slides[1].html and result.slides[2].notes == "n"


def test_delete(deck: Deck) -> None:
    assert _titles(delete_slides(deck, [_slide(0).id, _slide(2).id])) == ["S1", "S3"]
    assert delete_slides(deck, deck.slide_ids).slides == ()
    with pytest.raises(DeckOperationError, match="no slide to delete"):
        delete_slides(deck, [])
    with pytest.raises(DeckOperationError, match="not in this deck"):
        delete_slides(deck, [_slide(0).id, "s_missing"])


def test_edit_html_validated_to_exactly_one_slide(deck: Deck) -> None:
    target = _slide(1).id
    result = edit_slide_html(
        deck, target, '<div class="slide"><h2>Edited</h2></div><script>draw()</script>'
    )
    assert result.slides[1].id == target
    assert result.slides[1].title == "Edited" and result.slides[1].scripts == ("draw()",)
    with pytest.raises(DeckOperationError, match="slide 2: found 2 slides"):
        edit_slide_html(deck, target, '<div class="slide">a</div><div class="slide">b</div>')
    with pytest.raises(DeckOperationError, match="slide 2: no slide container"):
        edit_slide_html(deck, target, "<p>loose</p>")
    with pytest.raises(DeckOperationError, match="limit is 200 KB"):
        edit_slide_html(deck, target, f'<div class="slide">{"x" * MAX_SLIDE_BYTES}</div>')


def test_rename(deck: Deck) -> None:
    assert rename_deck(deck, "  Q3   plan \n").title == "Q3 plan"
    with pytest.raises(DeckOperationError, match="empty"):
        rename_deck(deck, "   ")
    with pytest.raises(DeckOperationError, match="201 characters long; the limit is 200"):
        rename_deck(deck, "x" * 201)


def test_notes_limit(deck: Deck) -> None:
    with pytest.raises(DeckOperationError, match="speaker notes"):
        set_notes(deck, _slide(0).id, "x" * 20_001)


def test_slide_count_limit_and_unique_ids(deck: Deck) -> None:
    many = [_slide(n) for n in range(MAX_SLIDES_PER_DECK)]
    assert len(set_slides(deck, many).slides) == MAX_SLIDES_PER_DECK
    with pytest.raises(DeckOperationError, match="at most 500 slides"):
        insert_slides(set_slides(deck, many), 0, [_slide(10_000)])
    with pytest.raises(DeckOperationError, match="unique"):
        set_slides(deck, [_slide(1), _slide(1)])


def test_set_styles_sanitises(deck: Deck) -> None:
    result = set_styles(deck, "@import 'https://e.example/x.css'; h1{color:red}")
    assert result.styles == "h1{color:red}"


def test_deck_dict_round_trip(deck: Deck) -> None:
    deck = set_notes(set_styles(deck, "h1{}"), _slide(0).id, "n")
    assert Deck.from_dict(deck.to_dict()) == deck


def test_edit_keeps_notes_unless_the_html_brings_its_own(deck: Deck) -> None:
    target = _slide(0).id
    deck = set_notes(deck, target, "old notes")
    kept = edit_slide_html(deck, target, '<div class="slide"><h1>E</h1></div>')
    assert kept.slides[0].notes == "old notes"
    new = edit_slide_html(
        deck, target, '<div class="slide"><h1>E</h1><aside class="notes">new</aside></div>'
    )
    assert new.slides[0].notes == "new"
