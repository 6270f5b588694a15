"""A deck's theme in a PowerPoint file: the presentation theme's colours and fonts, and the
theme's CSS variables resolved for the browser-free flow layout.

`apply_pptx_theme(prs, theme)` rewrites the master's theme part (`ppt/theme/theme1.xml`): the
colour scheme (dk1 text, lt1 background, dk2 heading, lt2 surface, accent1-6 the chart palette,
hyperlinks the accents) and the font scheme (major = the heading font, minor = the body font,
the first family of each stack that is not generic). Slides without their own fills then show
the theme's background and text colours, text boxes use its fonts, and PowerPoint's own colour
and font pickers offer the deck's theme.

The flow layout (`pptx.py`) reads CSS with `StyleSheet`, which knows no custom properties:
`resolve_theme_vars` writes each `var(--sg-…)` as the theme's value first. A theme's logo
(PNG, JPEG, or WebP as PNG; an SVG logo has no PowerPoint picture) goes in each slide's corner
as in the slide documents (`add_logo`).
"""

from __future__ import annotations

import base64
import io
import re

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from slidegen.deck.themes import Theme, theme_css

__all__ = ["add_logo", "apply_pptx_theme", "logo_picture", "resolve_theme_vars", "theme_sheet_css"]

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_GENERIC = {"sans-serif", "serif", "monospace", "system-ui", "ui-sans-serif", "ui-serif",
            "ui-monospace"}  # fmt: skip
_VAR = re.compile(r"var\(\s*(--sg-[\w-]+)\s*(?:,[^()]*)?\)")
_DECLARED = re.compile(r"(--sg-[\w-]+):([^;{}]+)")


def _typeface(stack: tuple[str, ...]) -> str:
    return next((name for name in stack if name not in _GENERIC), "Calibri")


def _hex(color: str) -> str:
    return color[1:7].upper()


def apply_pptx_theme(prs: object, theme: Theme) -> None:
    """Write `theme`'s colours and fonts into the presentation's theme part."""
    part = prs.slide_master.part.part_related_by(RT.THEME)  # type: ignore[attr-defined]
    root = etree.fromstring(part.blob)
    root.set("name", theme.name)
    scheme = root.find(f"{{{_A}}}themeElements/{{{_A}}}clrScheme")
    fonts = root.find(f"{{{_A}}}themeElements/{{{_A}}}fontScheme")
    if scheme is None or fonts is None:
        return  # not the default template's theme: leave it as it is
    scheme.set("name", theme.name)
    palette = [*theme.palette, theme.accent, theme.accent_2, theme.accent_3][:6]
    colors = {
        "dk1": theme.text,
        "lt1": theme.bg,
        "dk2": theme.heading,
        "lt2": theme.surface,
        **{f"accent{i}": color for i, color in enumerate(palette, start=1)},
        "hlink": theme.accent,
        "folHlink": theme.accent_2,
    }
    for slot, color in colors.items():
        element = scheme.find(f"{{{_A}}}{slot}")
        if element is None:
            continue
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{{{_A}}}srgbClr").set("val", _hex(color))
    fonts.set("name", theme.name)
    for which, stack in (("majorFont", theme.heading_font), ("minorFont", theme.font)):
        latin = fonts.find(f"{{{_A}}}{which}/{{{_A}}}latin")
        if latin is not None:
            latin.set("typeface", _typeface(stack))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _values(theme: Theme) -> dict[str, str]:
    return {name: value.strip() for name, value in _DECLARED.findall(theme_css(theme))}


def resolve_theme_vars(text: str, theme: Theme | None) -> str:
    """`text` (CSS or HTML with style attributes) with each `var(--sg-…)` as its value."""
    if theme is None or "var(" not in text:
        return text
    values = _values(theme)
    return _VAR.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def theme_sheet_css(theme: Theme | None) -> str:
    """The theme's rules with their variables resolved, for `StyleSheet.parse` ("" for None)."""
    return resolve_theme_vars(theme_css(theme), theme) if theme is not None else ""


def logo_picture(theme: Theme | None) -> bytes | None:
    """The theme's logo as PNG or JPEG bytes for PowerPoint (WebP converted to PNG), or None
    (no logo, or an SVG, which python-pptx cannot place)."""
    if theme is None or not theme.logo or theme.logo.startswith("data:image/svg"):
        return None
    header, _, payload = theme.logo.partition(",")
    data = base64.b64decode(payload)
    if "webp" in header:
        from PIL import Image

        out = io.BytesIO()
        Image.open(io.BytesIO(data)).save(out, format="PNG")
        return out.getvalue()
    return data


def add_logo(slide: object, picture: bytes, *, emu_per_px: int) -> None:
    """The logo in the slide's bottom-right corner, as every themed slide document shows it
    (`theme_css`: at most 160x48 px, 28 px from the right, 20 px from the bottom)."""
    from PIL import Image

    width, height = Image.open(io.BytesIO(picture)).size
    scale = min(160 / width, 48 / height)
    w, h = width * scale, height * scale
    left, top = 1280 - 28 - w, 720 - 20 - h
    slide.shapes.add_picture(  # type: ignore[attr-defined]
        io.BytesIO(picture),
        int(left * emu_per_px),
        int(top * emu_per_px),
        int(w * emu_per_px),
        int(h * emu_per_px),
    )
