"""Exports carry the deck's theme: the HTML file has its CSS, the PPTX its colours and fonts."""

from __future__ import annotations

import base64
import dataclasses
import io

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from slidegen.deck import Deck, parse_deck_html, set_theme
from slidegen.deck.themes import BUILTIN_THEMES, theme_css
from slidegen.export import deck_to_html, deck_to_pptx
from slidegen.export.pptx_theme import resolve_theme_vars

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"

HTML = (
    '<div class="slide sg-slide sg-title"><h1>Quarterly review</h1>'
    '<p class="sg-subtitle">Numbers that matter</p></div>'
    '<div class="slide sg-slide"><h2>Revenue</h2>'
    '<p style="color: var(--sg-accent)">Up 12%</p></div>'
)


def _deck(theme_id: str | None) -> Deck:
    parsed = parse_deck_html(HTML)
    deck = Deck("d_1", "ann", "Review", parsed.styles, parsed.slides)
    return set_theme(deck, BUILTIN_THEMES[theme_id]) if theme_id else deck


def _theme_xml(data: bytes) -> etree._Element:
    prs = Presentation(io.BytesIO(data))
    return etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)


def _color(root: etree._Element, slot: str) -> str:
    return root.find(f"{A}themeElements/{A}clrScheme/{A}{slot}/{A}srgbClr").get("val")


def test_pptx_theme_part_has_the_theme_colours_and_fonts() -> None:
    theme = BUILTIN_THEMES["sunset"]
    root = _theme_xml(deck_to_pptx(_deck("sunset")))
    assert root.get("name") == "Sunset"
    assert _color(root, "lt1") == theme.bg[1:].upper()
    assert _color(root, "dk1") == theme.text[1:].upper()
    assert _color(root, "lt2") == theme.surface[1:].upper()
    assert _color(root, "accent1") == theme.palette[0][1:].upper()
    assert _color(root, "hlink") == theme.accent[1:].upper()
    fonts = root.find(f"{A}themeElements/{A}fontScheme")
    assert fonts.find(f"{A}majorFont/{A}latin").get("typeface") == "Georgia"
    assert fonts.find(f"{A}minorFont/{A}latin").get("typeface") == "Inter"


def test_flow_layout_slides_take_the_theme_background_and_variable_colours() -> None:
    theme = BUILTIN_THEMES["dark"]
    prs = Presentation(io.BytesIO(deck_to_pptx(_deck("dark"))))
    for slide in prs.slides:
        assert str(slide.background.fill.fore_color.rgb) == theme.bg[1:].upper()
    runs = [
        run
        for shape in prs.slides[1].shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.text == "Up 12%"
    ]
    assert runs and str(runs[0].font.color.rgb) == theme.accent[1:].upper()


def test_an_unthemed_deck_keeps_the_default_pptx_theme() -> None:
    root = _theme_xml(deck_to_pptx(_deck(None)))
    assert root.get("name") == "Office Theme"
    prs = Presentation(io.BytesIO(deck_to_pptx(_deck(None))))
    # No slide has a background of its own (reading `slide.background` would add one).
    assert all(slide._element.find(f"{P}cSld/{P}bg") is None for slide in prs.slides)


def test_html_export_carries_the_theme_css() -> None:
    themed = deck_to_html(_deck("forest")).decode()
    assert theme_css(BUILTIN_THEMES["forest"]) in themed
    assert "--sg-bg" not in deck_to_html(_deck(None)).decode()


def test_variables_resolve_with_or_without_a_fallback() -> None:
    theme = BUILTIN_THEMES["light"]
    text = "color: var(--sg-accent); border: 1px solid var( --sg-border , red ); x: var(--other)"
    assert resolve_theme_vars(text, theme) == (
        f"color: {theme.accent}; border: 1px solid {theme.border}; x: var(--other)"
    )
    assert resolve_theme_vars(text, None) == text


def _image_uri(fmt: str) -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (200, 50), (200, 30, 30)).save(out, format=fmt.upper())
    return f"data:image/{fmt};base64," + base64.b64encode(out.getvalue()).decode()


def test_the_logo_is_a_picture_in_every_slides_corner() -> None:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from slidegen.export.pptx_charts import EMU_PER_PX

    for fmt in ("png", "jpeg", "webp"):
        theme = dataclasses.replace(BUILTIN_THEMES["light"], logo=_image_uri(fmt))
        deck = set_theme(_deck(None), theme)
        prs = Presentation(io.BytesIO(deck_to_pptx(deck)))
        for slide in prs.slides:
            pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
            assert len(pictures) == 1, fmt
            logo = pictures[0]
            # 200x50 scaled into 160x48: 160x40, 28 px from the right, 20 px from the bottom.
            assert round(logo.width / EMU_PER_PX) == 160 and round(logo.height / EMU_PER_PX) == 40
            assert round((logo.left + logo.width) / EMU_PER_PX) == 1280 - 28
            assert round((logo.top + logo.height) / EMU_PER_PX) == 720 - 20
    svg = dataclasses.replace(
        BUILTIN_THEMES["light"],
        logo="data:image/svg+xml;base64,"
        + base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"/>').decode(),
    )
    prs = Presentation(io.BytesIO(deck_to_pptx(set_theme(_deck(None), svg))))
    assert not [s for s in prs.slides[0].shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
