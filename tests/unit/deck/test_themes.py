"""Themes: the built-in ones are valid and readable, their CSS and prompt say what slides use,
user themes are validated strictly (nothing that can load from outside), documents carry them."""

from __future__ import annotations

import base64
import re

import pytest
import tinycss2

from slidegen.deck import Deck, DeckOperationError, parse_deck_html, set_theme
from slidegen.deck.render import chart_js_source, render_deck_document, render_slide_document
from slidegen.deck.themes import (
    BUILTIN_THEMES,
    COLOR_ROLES,
    DEFAULT_THEME_ID,
    LAYOUT_CLASSES,
    MAX_LOGO_BYTES,
    Theme,
    ThemeError,
    builtin_theme,
    contrast_ratio,
    parse_color,
    parse_font_stack,
    parse_logo,
    parse_theme,
    resolve_theme,
    theme_css,
    theme_prompt,
    theme_script,
)

PNG = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 32).decode()


def _svg(body: str) -> str:
    text = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{body}</svg>'
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode()).decode()


def _user(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "u-1",
        "name": "Mine",
        "colors": {"bg": "#fff", "surface": "#eee", "text": "#111", "muted": "#555",
                   "accent": "rgb(200, 30, 30)"},
        "font": "Inter, 'Brand Sans', sans-serif",
    }  # fmt: skip
    data.update(changes)
    return data


def test_at_least_six_builtins_each_valid_readable_and_round_tripping() -> None:
    assert {"light", "dark", "databricks", "contrast"} <= set(BUILTIN_THEMES)
    assert len(BUILTIN_THEMES) >= 6
    assert DEFAULT_THEME_ID in BUILTIN_THEMES
    for theme in BUILTIN_THEMES.values():
        assert theme.builtin
        assert Theme.from_dict(theme.to_dict()) == theme, theme.id
        for role in COLOR_ROLES:
            assert re.fullmatch(r"#[0-9a-f]{6}", getattr(theme, role)), (theme.id, role)
        assert len(theme.palette) >= 6
        assert theme.font[-1] in {"sans-serif", "serif"}
        # Body text and muted text stay readable on the background (WCAG AA: 4.5).
        assert contrast_ratio(theme.text, theme.bg) >= 7, theme.id
        assert contrast_ratio(theme.muted, theme.bg) >= 4.5, theme.id
    contrast = BUILTIN_THEMES["contrast"]
    assert contrast_ratio(contrast.text, contrast.bg) >= 20
    assert contrast_ratio(contrast.muted, contrast.bg) >= 7
    assert contrast_ratio(contrast.accent, contrast.bg) >= 7
    assert BUILTIN_THEMES["dark"].dark and not BUILTIN_THEMES["light"].dark
    assert len({t.bg for t in BUILTIN_THEMES.values()}) == len(BUILTIN_THEMES)
    with pytest.raises(ThemeError, match="no built-in theme 'nope'"):
        builtin_theme("nope")
    assert resolve_theme(None) is BUILTIN_THEMES[DEFAULT_THEME_ID]


def test_css_defines_every_variable_and_class_and_parses_cleanly() -> None:
    theme = BUILTIN_THEMES["dark"]
    css = theme_css(theme)
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    assert not [r for r in rules if r.type == "error"]
    root = next(r for r in rules if tinycss2.serialize(r.prelude).strip() == ":root")
    declared = {
        d.name: tinycss2.serialize(d.value).strip()
        for d in tinycss2.parse_declaration_list(root.content, skip_whitespace=True)
        if d.type == "declaration"
    }
    assert declared["--sg-bg"] == "#0f172a"
    assert declared["--sg-accent-2"] == theme.accent_2
    assert declared["--sg-chart-6"] == theme.palette[5]
    assert declared["--sg-font"].startswith('"Inter"')
    assert declared["color-scheme"] == "dark"
    for name in ("surface", "text", "muted", "heading-font", "size", "title-size", "space",
                 "pad", "radius"):  # fmt: skip
        assert f"--sg-{name}" in declared
    # Every variable the CSS uses is declared; every layout class is styled.
    used = set(re.findall(r"var\((--sg-[\w-]+)\)", css))
    assert used <= set(declared)
    for name in LAYOUT_CLASSES:
        assert f".{name}" in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert theme_css(None) == "" and theme_script(None) == ""


def test_logo_is_the_only_url_and_is_a_data_uri() -> None:
    css = theme_css(parse_theme(_user(logo=PNG)))
    assert re.findall(r"url\(([^)]*)\)", css) == [f'"{PNG}"']


def test_prompt_names_the_variables_classes_and_palette_briefly() -> None:
    for theme in BUILTIN_THEMES.values():
        prompt = theme_prompt(theme)
        assert len(prompt) < 2200
        assert theme.name in prompt and theme.accent in prompt
        for name in LAYOUT_CLASSES:
            assert f".{name}" in prompt
        for variable in ("--sg-bg", "--sg-text", "--sg-accent", "--sg-font", "--sg-chart-1",
                         "SG_THEME.palette"):  # fmt: skip
            assert variable in prompt


def test_script_sets_chart_defaults_and_cannot_close_its_tag() -> None:
    theme = parse_theme(_user(name="Brand"))
    script = theme_script(theme)
    assert script.startswith("window.SG_THEME={") and "Chart.defaults" in script
    assert "</" not in script


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#ABC", "#aabbcc"), ("rebeccapurple", "#663399"), ("rgb(0 0 0 / 50%)", "#00000080"),
     ("hsl(120, 50%, 50%)", "#40bf40"), (" white ", "#ffffff")],
)  # fmt: skip
def test_colours_are_parsed_and_written_back_as_hex(value: str, expected: str) -> None:
    assert parse_color(value) == expected


@pytest.mark.parametrize(
    "value",
    ["url(https://evil.example/x.png)", "javascript:alert(1)", "red;}body{x:y", "currentColor",
     "", "red blue", "var(--x)", "expression(alert(1))", 12, None, "#" + "f" * 80],
)  # fmt: skip
def test_bad_colours_are_refused(value: object) -> None:
    with pytest.raises(ThemeError):
        parse_color(value)


def test_fonts_are_safe_names_or_quoted_plain_names() -> None:
    assert parse_font_stack("Georgia, serif") == ("Georgia", "serif")
    assert parse_font_stack("'Brand Sans', Arial") == ("Brand Sans", "Arial", "sans-serif")
    assert parse_font_stack(["Brand Sans", "helvetica"]) == ("Brand Sans", "Helvetica",
                                                             "sans-serif")  # fmt: skip
    for bad, why in [
        ("url(https://fonts.example/x.woff)", "could load"),
        ("local(Arial)", "could load"),
        ("var(--f)", "could load"),
        ("Comic Sans", "quote the family name"),
        ("'x}body{color:red'", "plain font family"),
        ("'a\\'b'", "plain font family"),
        ("Arial; color: red", "not a font family"),
        ("Arial, " * 7 + "serif", "at most"),
        ("", "no font"),
    ]:
        with pytest.raises(ThemeError, match=why):
            parse_font_stack(bad)


def test_logo_must_be_an_embedded_image_of_its_type() -> None:
    assert parse_logo(PNG) == PNG
    assert parse_logo("") == ""
    assert parse_logo(_svg('<rect width="10" height="10" fill="url(#g)"/>')).startswith("data:")
    webp = b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 16
    assert parse_logo("data:image/webp;base64," + base64.b64encode(webp).decode())
    for bad, why in [
        ("https://evil.example/logo.png", "data URI"),
        ("//evil.example/logo.png", "data URI"),
        ("javascript:alert(1)", "data URI"),
        ("data:text/html;base64,PHNjcmlwdD4=", "data URI"),
        ("data:image/gif;base64,R0lGODlh", "data URI"),
        ('data:image/png;base64,AAAA") ; background:url(https://evil', "data URI"),
        ("data:image/png;base64," + base64.b64encode(b"GIF89a").decode(), "not a PNG"),
        ("data:image/png;base64,@@@@", "data URI"),
        (_svg('<image href="https://evil.example/x.png"/>'), "links to other files"),
        (
            _svg(
                '<use xlink:href="https://e/x.svg#a" xmlns:xlink="http://www.w3.org/1999/xlink"/>'
            ),
            "links to other files",
        ),
        (_svg("<script>alert(1)</script>"), "<script>"),
        (_svg('<rect onload="alert(1)"/>'), "event handlers"),
        (_svg('<rect style="fill:url(https://evil/x)"/>'), "references"),
        (_svg("<style>@import url(https://evil/x.css);</style>"), "references|styles"),
        (_svg("<foreignObject><p>x</p></foreignObject>"), "foreignobject"),
        ("data:image/svg+xml;base64," + base64.b64encode(b"<html/>").decode(), "not <svg>"),
    ]:
        with pytest.raises(ThemeError, match=why):
            parse_logo(bad)
    big = (
        "data:image/png;base64,"
        + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_LOGO_BYTES).decode()
    )
    with pytest.raises(ThemeError, match="larger than"):
        parse_logo(big)


def test_user_theme_is_validated_field_by_field() -> None:
    theme = parse_theme(_user())
    assert theme.accent == "#c81e1e" and theme.font == ("Inter", "Brand Sans", "sans-serif")
    assert theme.heading == theme.text and len(theme.palette) == 6  # derived
    assert theme.heading_font == theme.font
    for changes, why in [
        ({"id": "Bad Id"}, "id:"),
        ({"name": ""}, "name:"),
        ({"name": "<b>x</b>"}, "name:"),
        ({"colors": {"bg": "#fff"}}, "missing"),
        ({"colors": {**_user()["colors"], "glow": "#fff"}}, "unknown role"),  # type: ignore[dict-item]
        ({"colors": {**_user()["colors"], "bg": "url(x)"}}, "colors.bg"),  # type: ignore[dict-item]
        ({"font": "url(https://x/f.woff)"}, "font:"),
        ({"heading_font": ["x', url(y)"]}, "heading_font"),
        ({"logo": "https://evil.example/l.png"}, "logo:"),
        ({"sizes": {"size": 2}}, "size:"),
        ({"sizes": {"radius": "12px"}}, "radius:"),
        ({"palette": ["#fff"] * 9}, "palette"),
        ({"palette": ["javascript:x"]}, "palette"),
    ]:
        with pytest.raises(ThemeError, match=why):
            parse_theme(_user(**changes))
    with pytest.raises(ThemeError):
        parse_theme("not a mapping")  # type: ignore[arg-type]


def test_documents_put_the_theme_before_the_deck_css_and_no_theme_changes_nothing() -> None:
    parsed = parse_deck_html(
        "<style>.slide h1{color:#123456}</style>"
        '<div class="slide sg-slide"><h1>One</h1></div><div class="slide"><p>Two</p></div>'
    )
    plain = Deck("d_1", "ann", "T", parsed.styles, parsed.slides)
    themed = set_theme(plain, BUILTIN_THEMES["dark"])
    assert plain.theme is None and themed.slides == plain.slides
    css = theme_css(BUILTIN_THEMES["dark"])
    for document in (
        render_slide_document(themed, themed.slides[0]),
        render_deck_document(themed),
    ):
        assert css in document
        assert document.index(css) < document.index(".slide h1{color:#123456}")
        assert "window.SG_THEME=" in document
        # After Chart.js (its defaults are set) and before any slide script runs.
        assert document.index(chart_js_source()[:300]) < document.index("window.SG_THEME=")
        assert document.index("window.SG_THEME=") < document.index("<body")
    bare = render_slide_document(plain, plain.slides[0])
    assert "--sg-bg" not in bare and "SG_THEME" not in bare
    assert render_slide_document(set_theme(themed, None), plain.slides[0]) == bare
    with pytest.raises(DeckOperationError, match="expected a Theme"):
        set_theme(plain, "dark")  # type: ignore[arg-type]
    assert Deck.from_dict(themed.to_dict()) == themed
    assert Deck.from_dict(plain.to_dict()).theme is None
