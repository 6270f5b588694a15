"""A deck's theme in a PowerPoint file: the presentation theme's colours and fonts, and the
theme's CSS variables resolved for the browser-free flow layout.

`apply_pptx_theme(prs, theme)` rewrites the master's theme part (`ppt/theme/theme1.xml`): the
colour scheme (dk1 text, lt1 background, dk2 heading, lt2 surface, accent1-6 the chart palette,
hyperlinks the accents) and the font scheme (major = the heading font, minor = the body font,
the first family of each stack that is not generic). Slides without their own fills then show
the theme's background and text colours, text boxes use its fonts, and PowerPoint's own colour
and font pickers offer the deck's theme.

The flow layout (`pptx.py`) reads CSS with `StyleSheet`, which knows no custom properties:
`resolve_theme_vars` writes each `var(--sg-…)` as the theme's value first.
"""

from __future__ import annotations

import re

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from slidegen.deck.themes import Theme, theme_css

__all__ = ["apply_pptx_theme", "resolve_theme_vars", "theme_sheet_css"]

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
