"""CSS colour values (`#abc`, `rgb()`, `hsl()`, names) as RGB triples for PowerPoint.

PowerPoint's simple fills have no alpha here, so translucent colours are blended over white:
that is what the viewer saw on a white slide (Chart.js fills such as `rgba(54,162,235,0.2)`).
"""

from __future__ import annotations

import colorsys
import re

RGB = tuple[int, int, int]

# The CSS names LLM-written slides use in practice; an unknown name yields None (no colour set).
_NAMED: dict[str, RGB] = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "red": (255, 0, 0),
    "green": (0, 128, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "orange": (255, 165, 0),
    "purple": (128, 0, 128),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "silver": (192, 192, 192),
    "navy": (0, 0, 128),
    "teal": (0, 128, 128),
    "maroon": (128, 0, 0),
    "olive": (128, 128, 0),
    "lime": (0, 255, 0),
    "aqua": (0, 255, 255),
    "cyan": (0, 255, 255),
    "fuchsia": (255, 0, 255),
    "magenta": (255, 0, 255),
    "pink": (255, 192, 203),
    "brown": (165, 42, 42),
    "gold": (255, 215, 0),
    "indigo": (75, 0, 130),
    "violet": (238, 130, 238),
    "crimson": (220, 20, 60),
    "coral": (255, 127, 80),
    "salmon": (250, 128, 114),
    "tomato": (255, 99, 71),
    "darkblue": (0, 0, 139),
    "darkgreen": (0, 100, 0),
    "darkred": (139, 0, 0),
    "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169),
    "lightgray": (211, 211, 211),
    "lightgrey": (211, 211, 211),
    "lightblue": (173, 216, 230),
    "lightgreen": (144, 238, 144),
    "steelblue": (70, 130, 180),
    "royalblue": (65, 105, 225),
    "slategray": (112, 128, 144),
    "dimgray": (105, 105, 105),
    "whitesmoke": (245, 245, 245),
    "skyblue": (135, 206, 235),
    "seagreen": (46, 139, 87),
    "firebrick": (178, 34, 34),
    "darkorange": (255, 140, 0),
    "midnightblue": (25, 25, 112),
    "tan": (210, 180, 140),
    "beige": (245, 245, 220),
}
_FUNC = re.compile(r"(rgba?|hsla?)\(\s*([^)]*)\)", re.IGNORECASE)


def _blend(rgb: tuple[float, float, float], alpha: float) -> RGB:
    alpha = min(max(alpha, 0.0), 1.0)
    return tuple(round(c * alpha + 255 * (1 - alpha)) for c in rgb)  # type: ignore[return-value]


def _channel(text: str, scale: float) -> float:
    text = text.strip()
    if text.endswith("%"):
        return float(text[:-1]) * scale / 100
    return float(text)


def parse_css_color(value: str | None) -> RGB | None:
    """An (r, g, b) triple for a CSS colour, or None when there is none or it is not understood."""
    if not value:
        return None
    text = value.strip().lower()
    if text.startswith("#"):
        digits = text[1:]
        if not re.fullmatch(r"[0-9a-f]{3,8}", digits) or len(digits) not in (3, 4, 6, 8):
            return None
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        rgb = tuple(float(int(digits[k : k + 2], 16)) for k in (0, 2, 4))
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return _blend(rgb, alpha)  # type: ignore[arg-type]
    match = _FUNC.fullmatch(text)
    if match:
        parts = [p for p in re.split(r"[\s,/]+", match.group(2)) if p]
        try:
            alpha = _channel(parts[3], 1.0) if len(parts) > 3 else 1.0
            if match.group(1).startswith("rgb"):
                rgb = tuple(_channel(p, 255) for p in parts[:3])
            else:
                hue = float(parts[0].removesuffix("deg")) / 360
                light, sat = _channel(parts[2], 1.0), _channel(parts[1], 1.0)
                rgb = tuple(c * 255 for c in colorsys.hls_to_rgb(hue % 1.0, light, sat))
        except (ValueError, IndexError):
            return None
        if len(rgb) != 3:
            return None
        return _blend(tuple(min(max(c, 0.0), 255.0) for c in rgb), alpha)  # type: ignore[arg-type]
    return _NAMED.get(text)


def first_color(css_value: str | None) -> RGB | None:
    """The first colour inside a compound value such as `linear-gradient(...)`."""
    if not css_value:
        return None
    direct = parse_css_color(css_value)
    if direct:
        return direct
    for match in re.finditer(
        r"#[0-9a-fA-F]{3,8}\b|(?:rgba?|hsla?)\([^)]*\)|\b[a-zA-Z]+\b", css_value
    ):
        found = parse_css_color(match.group())
        if found:
            return found
    return None
