"""Scale to fit as a pure operation: the marker, the scale, scaling again, undoing it."""

from __future__ import annotations

import pytest

from slidegen.deck import Deck, DeckOperationError, parse_deck_html
from slidegen.deck.fitting import (
    fit_scale,
    is_scaled_to_fit,
    scale_slide_to_fit,
    slide_fit_scale,
    unscale_slide,
)


def _deck() -> Deck:
    parsed = parse_deck_html(
        '<div class="slide" style="color: red"><h1>A</h1><p>text</p></div>'
        '<div class="slide"><h1>B</h1></div>'
    )
    return Deck("d_1", "ann", "T", slides=parsed.slides)


def test_fit_scale_from_the_content_extent() -> None:
    assert fit_scale(1280, 720) == 1.0
    assert fit_scale(1280, 939) == 0.766  # rounded down
    assert fit_scale(1600, 720) == 0.8
    assert fit_scale(0, 0) == 1.0


def test_a_scaled_slide_is_marked_and_keeps_its_content() -> None:
    deck = _deck()
    first = deck.slides[0]
    scaled = scale_slide_to_fit(deck, first.id, 0.8)
    slide = scaled.slide(first.id)
    assert is_scaled_to_fit(slide) and slide_fit_scale(slide) == 0.8
    assert "transform:scale(0.8) !important" in slide.html
    assert "width:1600.0px !important;height:900.0px !important" in slide.html
    assert "color: red" in slide.html and "<h1>A</h1>" in slide.html
    assert slide.id == first.id and scaled.slides[1] == deck.slides[1]
    assert not is_scaled_to_fit(first)  # the argument is untouched


def test_scaling_again_starts_from_the_original_and_unscale_restores_it() -> None:
    deck = _deck()
    sid = deck.slides[0].id
    twice = scale_slide_to_fit(scale_slide_to_fit(deck, sid, 0.9), sid, 0.7)
    html = twice.slide(sid).html
    assert html.count("transform:scale(") == 1 and "scale(0.7)" in html
    restored = unscale_slide(twice, sid).slide(sid)
    assert not is_scaled_to_fit(restored)
    assert restored.html == deck.slides[0].html
    assert unscale_slide(deck, deck.slides[1].id) == deck


@pytest.mark.parametrize("scale", [1.0, 1.2, 0.1, float("nan")])
def test_a_scale_outside_the_readable_range_is_refused(scale: float) -> None:
    deck = _deck()
    with pytest.raises(DeckOperationError, match=r"scaled to fit between 0\.4 and 1"):
        scale_slide_to_fit(deck, deck.slides[0].id, scale)


def test_an_unknown_slide_is_refused() -> None:
    with pytest.raises(DeckOperationError, match="not in this deck"):
        scale_slide_to_fit(_deck(), "s_0000000000", 0.8)
