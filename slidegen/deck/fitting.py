"""Scale to fit: the pure operation that shrinks a slide's content into its 1280x720 box.

A slide whose content runs past its box (measured by `slidegen.export.fit`) is laid out in a
box larger by 1/scale and drawn at `scale`: its container gets, in its `style`, the larger
width and height and `transform: scale(…)` from the top left corner, all `!important` so the
deck's CSS cannot undo them. Text reflows into the wider box, a table runs down the taller one,
and the whole is drawn back inside 1280x720. The container is marked `data-sg-fit="scaled"`
(the filmstrip shows a "scaled to fit" marker) with the scale in `data-sg-fit-scale` and its
own style before scaling in `data-sg-fit-style`, so scaling again starts from the original and
`unscale_slide` restores it exactly.
"""

from __future__ import annotations

import dataclasses
import math

import lxml.html

from slidegen.deck.model import SLIDE_HEIGHT, SLIDE_WIDTH, Deck, Slide
from slidegen.deck.ops import DeckOperationError, edit_slide_html
from slidegen.deck.parse import slide_source

__all__ = [
    "FIT_ATTR",
    "MIN_SCALE",
    "fit_scale",
    "is_scaled_to_fit",
    "scale_slide_to_fit",
    "shrink_to_fit",
    "slide_fit_scale",
    "unscale_slide",
]

FIT_ATTR = "data-sg-fit"
_SCALE_ATTR = "data-sg-fit-scale"
_STYLE_ATTR = "data-sg-fit-style"
# Below this the text is too small to read: such a slide needs rewriting, not shrinking.
MIN_SCALE = 0.4


def fit_scale(needed_width: float, needed_height: float) -> float:
    """The scale that brings content of this extent (CSS px) into 1280x720, at most 1."""
    if needed_width <= 0 or needed_height <= 0:
        return 1.0
    scale = min(1.0, SLIDE_WIDTH / needed_width, SLIDE_HEIGHT / needed_height)
    return math.floor(scale * 1000) / 1000  # rounded down: never a hair too large


def _root(slide: Slide) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(slide.html)


def is_scaled_to_fit(slide: Slide) -> bool:
    return f'{FIT_ATTR}="scaled"' in slide.html and _root(slide).get(FIT_ATTR) == "scaled"


def slide_fit_scale(slide: Slide) -> float:
    """The scale a slide is drawn at (1.0 when it was never scaled to fit)."""
    if not is_scaled_to_fit(slide):
        return 1.0
    try:
        return float(_root(slide).get(_SCALE_ATTR, "1"))
    except ValueError:
        return 1.0


def _original_style(root: lxml.html.HtmlElement) -> str:
    if root.get(FIT_ATTR) == "scaled":
        return root.get(_STYLE_ATTR, "")
    return root.get("style", "")


def _rewrite(deck: Deck, slide_id: str, root: lxml.html.HtmlElement) -> Deck:
    slide = deck.slide(slide_id)
    html = lxml.html.tostring(root, encoding=str)
    changed = dataclasses.replace(slide, html=html)
    return edit_slide_html(deck, slide_id, slide_source(changed))


def scale_slide_to_fit(deck: Deck, slide_id: str, scale: float) -> Deck:
    """The deck with slide `slide_id` drawn at `scale` of its original layout (0.4 ≤ scale < 1).

    `scale` is relative to the slide as written: a slide already scaled is scaled again from its
    original (use `slide_fit_scale(slide) * fit_scale(...)` of a new measurement).
    """
    try:
        slide = deck.slide(slide_id)
    except KeyError:
        raise DeckOperationError(f"slide {slide_id!r} is not in this deck") from None
    if not (MIN_SCALE <= scale < 1.0) or math.isnan(scale):
        raise DeckOperationError(
            f"a slide can be scaled to fit between {MIN_SCALE:g} and 1 (asked {scale:g}); "
            "content that needs more shrinking must be rewritten"
        )
    root = _root(slide)
    original = _original_style(root)
    width, height = SLIDE_WIDTH / scale, SLIDE_HEIGHT / scale
    fit = (
        f"width:{width:.1f}px !important;height:{height:.1f}px !important;"
        "max-width:none !important;max-height:none !important;"
        "min-width:0 !important;min-height:0 !important;"
        f"transform:scale({scale:g}) !important;transform-origin:0 0 !important"
    )
    base = original.strip().rstrip(";")
    root.set("style", f"{base};{fit}" if base else fit)
    root.set(FIT_ATTR, "scaled")
    root.set(_SCALE_ATTR, f"{scale:g}")
    root.set(_STYLE_ATTR, original)
    return _rewrite(deck, slide_id, root)


def shrink_to_fit(deck: Deck, slide_id: str, needed_width: float, needed_height: float) -> Deck:
    """The deck with slide `slide_id` scaled so that content measured (as the slide is drawn
    now, scaled or not) at `needed_width` x `needed_height` px fits; unchanged when it fits.

    `needed_width`/`needed_height` are a `slidegen.export.fit.FitReport`'s. Raises
    `DeckOperationError` when the slide would drop below `MIN_SCALE`.
    """
    try:
        current = slide_fit_scale(deck.slide(slide_id))
    except KeyError:
        raise DeckOperationError(f"slide {slide_id!r} is not in this deck") from None
    factor = fit_scale(needed_width, needed_height)
    if factor >= 1.0:
        return deck
    return scale_slide_to_fit(deck, slide_id, math.floor(current * factor * 1000) / 1000)


def unscale_slide(deck: Deck, slide_id: str) -> Deck:
    """The deck with slide `slide_id` as it was before it was scaled to fit."""
    slide = deck.slide(slide_id)
    if not is_scaled_to_fit(slide):
        return deck
    root = _root(slide)
    original = _original_style(root)
    for name in (FIT_ATTR, _SCALE_ATTR, _STYLE_ATTR):
        root.attrib.pop(name, None)
    if original:
        root.set("style", original)
    else:
        root.attrib.pop("style", None)
    return _rewrite(deck, slide_id, root)
