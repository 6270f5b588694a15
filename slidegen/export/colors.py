"""CSS colour values as RGB triples for PowerPoint, parsed by tinycss2's CSS Color Level 4.

The sRGB syntaxes a browser reads work: the named colours, `#rgb`, `#rgba`, `#rrggbb`,
`#rrggbbaa`, `rgb()`/`rgba()`/`hsl()`/`hsla()`/`hwb()` with commas or spaces, `/ alpha` and
`none` components, `color(srgb …)`; channels out of range are clipped. PowerPoint's simple
fills have no alpha here, so translucent colours are blended over white: that is what the viewer
saw on a white slide (Chart.js fills such as `rgba(54,162,235,0.2)`). `transparent`,
`currentcolor` and anything that is not a colour give None (no colour set).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import tinycss2
from tinycss2 import ast
from tinycss2.color4 import Color, parse_color

__all__ = ["RGB", "first_color", "parse_css_color"]

RGB = tuple[int, int, int]


# The spaces tinycss2 converts to sRGB itself; a `lab()`, `oklch()` or `color(display-p3 …)`
# value is left out (no colour set) rather than approximated.
_SRGB_SPACES = ("srgb", "hsl", "hwb")


def _rgb(color: Color) -> RGB | None:
    """The colour in sRGB, clipped to its gamut and blended over white by its alpha."""
    if color.space not in _SRGB_SPACES:
        return None
    channels = (min(max(c, 0.0), 1.0) * 255 for c in color.to("srgb").coordinates)
    return tuple(round(c * color.alpha + 255 * (1 - color.alpha)) for c in channels)  # type: ignore[return-value]


def _color_of(token: ast.Node) -> RGB | None:
    if isinstance(token, ast.IdentToken) and token.lower_value == "transparent":
        return None
    color = parse_color(token)
    return _rgb(color) if isinstance(color, Color) else None


# A deck repeats a handful of colour values across thousands of elements: parse each once.
@functools.lru_cache(maxsize=4096)
def parse_css_color(value: str | None) -> RGB | None:
    """An (r, g, b) triple for a CSS colour, or None when there is none or it is not understood."""
    if not value:
        return None
    return _color_of(tinycss2.parse_one_component_value(value, skip_comments=True))


def _first(tokens: Iterable[ast.Node]) -> RGB | None:
    for token in tokens:
        if isinstance(token, ast.WhitespaceToken | ast.LiteralToken | ast.Comment):
            continue
        found = _color_of(token)
        if found is None and isinstance(token, ast.FunctionBlock):
            found = _first(token.arguments)  # linear-gradient(to right, #0b1f3a, …)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=4096)
def first_color(css_value: str | None) -> RGB | None:
    """The first colour inside a compound value such as `linear-gradient(...)` or the
    `background` shorthand (`url(a.png) no-repeat #fff`)."""
    if not css_value:
        return None
    return _first(tinycss2.parse_component_value_list(css_value, skip_comments=True))
