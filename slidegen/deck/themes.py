"""Deck themes: a look as CSS custom properties plus a small vocabulary of layout classes.

A `Theme` is a frozen value (colours, fonts, sizes, a chart palette, an optional logo). A deck
carries its theme (`Deck.theme`, None = no theme: the deck's own CSS only, as before themes
existed); every slide document puts `theme_css(theme)` before the deck's own styles and runs
`theme_script(theme)` after Chart.js, so a deck's rules still win where they say something.
Switching theme re-renders every slide from the same HTML with no model call.

Variables (on `:root` of every themed slide document):
    --sg-bg, --sg-surface, --sg-text, --sg-heading, --sg-muted, --sg-border,
    --sg-accent, --sg-accent-2, --sg-accent-3     colours (hex)
    --sg-chart-1 … --sg-chart-6                   the chart palette
    --sg-font, --sg-heading-font                  font stacks
    --sg-size, --sg-small-size, --sg-heading-size, --sg-title-size   text sizes (px)
    --sg-space (gap between blocks), --sg-pad (slide padding), --sg-radius   (px)
Scripts read the same values from `window.SG_THEME` (`palette`, `text`, `muted`, `border`,
`accent`, `font`); Chart.js defaults (text colour, grid and axis line colour, font) are set from
it, and a chart that sets no colours of its own is drawn in the palette.

Layout classes (styled by every theme; slides combine them with their own CSS):
    class="slide sg-slide"             the slide container: a padded column of blocks
    .sg-title (on the slide)           title slide: big <h1>, `.sg-subtitle`, `.sg-kicker`
    .sg-two-col                        two equal columns
    .sg-kpis > .sg-kpi > .sg-kpi-value + .sg-kpi-label   a row of KPI cards
    .sg-chart-text > .sg-chart (holds the <canvas>) + .sg-text   chart beside text
    table.sg-table (th header row, `.sg-num` cells right-aligned)   data table
    blockquote.sg-quote + .sg-cite     a quote and who said it
    .sg-card (surface panel), .sg-accent, .sg-muted, .sg-small, .sg-kicker   details

Any `.slide` gets the theme's background, text colours and fonts; sizes, spacing and the
layouts apply to slides written for the theme (`sg-slide`), so a deck written before themes
keeps its layout when it is given one. Element rules are `:where(…)` (specificity 0), so any
rule of a deck wins over them. Theme CSS never loads anything: colours are parsed and
written back as hex, fonts are local family names only, and the logo is a size-capped data URI
of a checked image (`parse_theme` validates user themes strictly; `ThemeError` says what is
wrong).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BUILTIN_THEMES",
    "COLOR_ROLES",
    "DEFAULT_THEME_ID",
    "LAYOUT_CLASSES",
    "MAX_LOGO_BYTES",
    "SAFE_FONTS",
    "Theme",
    "ThemeError",
    "builtin_theme",
    "contrast_ratio",
    "parse_color",
    "parse_font_stack",
    "parse_logo",
    "parse_theme",
    "resolve_theme",
    "theme_css",
    "theme_prompt",
    "theme_script",
]

DEFAULT_THEME_ID = "light"
MAX_LOGO_BYTES = 150_000  # decoded image bytes: a logo, not a photograph
# Pixels of a raster logo: 150 KB of compressed image can claim 16383x16383 px (a 36-byte WebP
# does), which every slide frame showing it, the PDF export and the PPTX export decode whole.
MAX_LOGO_PIXELS = 4096 * 4096
MAX_NAME_CHARS = 60
MAX_COLOR_CHARS = 64
MAX_FONTS = 6

# Colour roles, in the order forms and prompts show them.
COLOR_ROLES = (
    "bg",
    "surface",
    "text",
    "heading",
    "muted",
    "border",
    "accent",
    "accent_2",
    "accent_3",
)
SIZE_LIMITS: dict[str, tuple[int, int]] = {
    "size": (14, 40),
    "heading_size": (24, 72),
    "title_size": (32, 120),
    "space": (8, 64),
    "pad": (16, 128),
    "radius": (0, 48),
}

_GENERIC = ("sans-serif", "serif", "monospace", "system-ui", "ui-sans-serif", "ui-serif")
# Families a theme may name without quotes; anything else must be a quoted plain name. Fonts are
# only ever local (no @font-face), so an unknown family falls back to the next in the stack.
SAFE_FONTS = (
    *_GENERIC,
    "ui-monospace",
    "Inter",
    "Helvetica",
    "Helvetica Neue",
    "Arial",
    "Segoe UI",
    "Roboto",
    "Open Sans",
    "Lato",
    "Source Sans Pro",
    "IBM Plex Sans",
    "DejaVu Sans",
    "Liberation Sans",
    "Noto Sans",
    "Verdana",
    "Tahoma",
    "Trebuchet MS",
    "Calibri",
    "Georgia",
    "Cambria",
    "Garamond",
    "Palatino",
    "Times New Roman",
    "DejaVu Serif",
    "Liberation Serif",
    "Noto Serif",
    "Courier New",
    "Menlo",
    "Consolas",
    "DejaVu Sans Mono",
)
_SAFE_BY_LOWER = {name.lower(): name for name in SAFE_FONTS}
_QUOTED_FAMILY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,47}$")
_THEME_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_LOGO = re.compile(r"^data:image/(png|jpeg|svg\+xml|webp);base64,([A-Za-z0-9+/]+={0,2})$")
_MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}

LAYOUT_CLASSES: dict[str, str] = {
    "sg-slide": "on every slide container: a padded column of blocks",
    "sg-title": "on the slide: title slide (big <h1>, p.sg-subtitle, p.sg-kicker above it)",
    "sg-two-col": "two equal columns (its two children side by side)",
    "sg-kpis": "a row of KPI cards: .sg-kpi > .sg-kpi-value + .sg-kpi-label",
    "sg-chart-text": "chart beside text: .sg-chart (holds the <canvas>) + .sg-text",
    "sg-table": "on a <table>: data table (th header row, td.sg-num right-aligned)",
    "sg-quote": "on a <blockquote>: a quote, with .sg-cite for who said it",
    "sg-card": "a surface panel; also .sg-accent, .sg-muted, .sg-small text",
}


class ThemeError(ValueError):
    """A theme value is not acceptable; the message names the field and why."""


@dataclass(frozen=True)
class Theme:
    """A deck's look. Colours are hex strings, fonts tuples of family names (generic last)."""

    id: str
    name: str
    bg: str
    surface: str
    text: str
    heading: str
    muted: str
    border: str
    accent: str
    accent_2: str
    accent_3: str
    palette: tuple[str, ...]
    font: tuple[str, ...]
    heading_font: tuple[str, ...]
    size: int = 24
    heading_size: int = 40
    title_size: int = 60
    space: int = 24
    pad: int = 64
    radius: int = 12
    logo: str = ""  # data:image/...;base64,… or ""
    builtin: bool = field(default=False, compare=False)

    @property
    def dark(self) -> bool:
        """Light text on a dark background (sets `color-scheme`)."""
        return _luminance(self.bg) < 0.35

    @property
    def colors(self) -> dict[str, str]:
        return {role: getattr(self, role) for role in COLOR_ROLES}

    def to_dict(self) -> dict[str, Any]:
        """The stored and form shape (`parse_theme` reads it back)."""
        return {
            "id": self.id,
            "name": self.name,
            "colors": self.colors,
            "palette": list(self.palette),
            "font": list(self.font),
            "heading_font": list(self.heading_font),
            "sizes": {name: getattr(self, name) for name in SIZE_LIMITS},
            "logo": self.logo,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Theme:
        """Validate and build (stored data is checked like user input: rules may tighten)."""
        return parse_theme(data)


# --------------------------------------------------------------------------- validation
def parse_color(value: Any, what: str = "colour") -> str:
    """A CSS colour (hex, rgb(), hsl(), a name) as `#rrggbb` (or `#rrggbbaa`)."""
    import tinycss2.color4

    if not isinstance(value, str) or not value.strip() or len(value) > MAX_COLOR_CHARS:
        raise ThemeError(f"{what}: expected a CSS colour such as #1a73e8, got {value!r:.80}")
    parsed = tinycss2.color4.parse_color(value.strip())
    if parsed is None or isinstance(parsed, str):  # None: not a colour; str: currentcolor
        raise ThemeError(f"{what}: {value!r:.80} is not a CSS colour")
    try:
        srgb = parsed.to("srgb")
    except NotImplementedError:
        raise ThemeError(f"{what}: use a hex, rgb(), hsl() or named colour") from None
    red, green, blue, alpha = (
        max(0.0, min(1.0, float(c))) for c in (*srgb.coordinates, srgb.alpha)
    )
    text = "#" + "".join(f"{round(c * 255):02x}" for c in (red, green, blue))
    return text if alpha >= 1 else text + f"{round(alpha * 255):02x}"


def parse_font_stack(value: Any, what: str = "font") -> tuple[str, ...]:
    """Family names from a CSS font-family value or a list of names.

    Unquoted names must be in `SAFE_FONTS`; quoted names may be any plain name (letters,
    digits, spaces, `-`, `_`). Functions (`url()`, `var()`, `local()`), `@` rules and anything
    else are refused. A generic family is appended when the stack has none.
    """
    if isinstance(value, (list, tuple)):
        names = [_family(str(item), what, quoted=str(item).lower() not in _SAFE_BY_LOWER)
                 for item in value]  # fmt: skip
    elif isinstance(value, str):
        names = _families_from_css(value, what)
    else:
        raise ThemeError(f"{what}: expected a font-family list, got {type(value).__name__}")
    if not names:
        raise ThemeError(f"{what}: no font family given")
    if len(names) > MAX_FONTS:
        raise ThemeError(f"{what}: at most {MAX_FONTS} families")
    if names[-1] not in _GENERIC:
        names.append("serif" if any(n in {"Georgia", "serif"} for n in names) else "sans-serif")
    return tuple(dict.fromkeys(names))


def _families_from_css(value: str, what: str) -> list[str]:
    import tinycss2

    if len(value) > 400:
        raise ThemeError(f"{what}: the font list is too long")
    names: list[str] = []
    words: list[str] = []
    for token in [*tinycss2.parse_component_value_list(value), None]:
        kind = getattr(token, "type", None)
        if kind == "whitespace":
            continue
        if kind == "ident":
            words.append(token.value)
            continue
        if words:
            names.append(_family(" ".join(words), what, quoted=False))
            words = []
        if token is None:
            break
        if kind == "string":
            names.append(_family(token.value, what, quoted=True))
        elif kind == "literal" and token.value == ",":
            continue
        elif kind in {"url", "function"}:
            raise ThemeError(f"{what}: fonts are family names only; {token.serialize()[:40]!r} "
                             "could load something from outside")  # fmt: skip
        else:
            raise ThemeError(f"{what}: {token.serialize()[:40]!r} is not a font family name")
    return names


def _family(name: str, what: str, *, quoted: bool) -> str:
    name = " ".join(name.split())
    safe = _SAFE_BY_LOWER.get(name.lower())
    if safe is not None:
        return safe
    if not quoted:
        raise ThemeError(
            f"{what}: {name!r:.60} is not a known font; quote the family name to use a font "
            "installed on the viewer's machine"
        )
    if not _QUOTED_FAMILY.match(name):
        raise ThemeError(f"{what}: {name!r:.60} is not a plain font family name")
    return name


def parse_logo(value: Any) -> str:
    """A logo as `data:image/(png|jpeg|svg+xml|webp);base64,…` of a real image of that type,
    at most `MAX_LOGO_BYTES`; "" for none. Anything that could load from the network (an
    http(s) URL, an SVG with external references or scripts) is refused."""
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        raise ThemeError("logo: expected a data URI")
    if len(value) > MAX_LOGO_BYTES * 4 // 3 + 64:
        raise ThemeError(f"logo: larger than {MAX_LOGO_BYTES // 1000} KB")
    match = _LOGO.match(value.strip())
    if not match:
        raise ThemeError(
            "logo: must be an image embedded as a data URI "
            "(data:image/png, jpeg, svg+xml or webp;base64,…); links to images are not loaded"
        )
    kind, payload = match.groups()
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ThemeError("logo: the base64 data is broken") from None
    if len(data) > MAX_LOGO_BYTES:
        raise ThemeError(f"logo: larger than {MAX_LOGO_BYTES // 1000} KB")
    if kind == "webp":
        ok = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    elif kind == "svg+xml":
        _check_svg(data)
        ok = True
    else:
        ok = data.startswith(_MAGIC[kind])
    if not ok:
        raise ThemeError(f"logo: the data is not a {kind.split('+')[0].upper()} image")
    if kind != "svg+xml":
        _check_pixels(data)
    return f"data:image/{kind};base64,{payload}"


def _check_pixels(data: bytes) -> None:
    """Refuse a raster logo of more than `MAX_LOGO_PIXELS`: the size a PNG's header states
    (read here, as a browser would, also where a damaged checksum stops Pillow), else the size
    Pillow reads from the header of any image it recognises (nothing is decoded)."""
    import io
    import warnings

    from PIL import Image

    too_many = "too many pixels for a logo; scale it down to at most 4096x4096"
    size: tuple[int, int] | None = None
    if data[12:16] == b"IHDR":
        size = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    size = image.size
        except Image.DecompressionBombError:
            raise ThemeError(f"logo: {too_many}") from None
        except Exception:  # not an image Pillow knows: the type check above stands
            size = None
    if size is not None and size[0] * size[1] > MAX_LOGO_PIXELS:
        raise ThemeError(f"logo: {size[0]}x{size[1]} px is {too_many}")


# A reference out of the SVG: url() to anything but "#id", CSS functions that load images, CSS
# escapes (which spell "url(" past any pattern), imports and script URLs.
_SVG_REF = re.compile(
    r"url\(\s*['\"]?\s*(?!#)|@import|javascript:|expression\(|image-set\(|\bimage\(|"
    r"\bsrc\(|\belement\(|\\",
    re.I,
)


def _check_svg(data: bytes) -> None:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise ThemeError("logo: the SVG is not well-formed XML") from None
    if etree.QName(root).localname != "svg":
        raise ThemeError("logo: the SVG's root element is not <svg>")
    if root.getroottree().docinfo.doctype:  # entities, external ones included
        raise ThemeError("logo: SVG document types (<!DOCTYPE>) are not allowed")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        tag = etree.QName(element).localname.lower()
        if tag in {"script", "foreignobject", "iframe"}:
            raise ThemeError(f"logo: SVG <{tag}> is not allowed")
        for name, attr in element.attrib.items():
            local = etree.QName(name).localname.lower()
            if local.startswith("on"):
                raise ThemeError("logo: SVG event handlers are not allowed")
            if local in ("href", "src") and not attr.strip().startswith("#"):
                raise ThemeError("logo: SVG links to other files are not allowed")
            if local == "attributename" and attr.strip().lower().endswith("href"):
                raise ThemeError("logo: SVG animations of links are not allowed")
            if _SVG_REF.search(attr):
                raise ThemeError("logo: SVG references to other files are not allowed")
        # All of the style's text: a comment or CDATA inside it must not split a reference.
        if tag == "style" and _SVG_REF.search("".join(element.itertext())):
            raise ThemeError("logo: SVG styles may not load other files")


def _size(data: Mapping[str, Any], name: str, default: int) -> int:
    value = data.get(name, default)
    low, high = SIZE_LIMITS[name]
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ThemeError(f"{name}: expected a whole number of pixels, got {value!r:.40}") from None
    if (isinstance(value, float) and value != number) or not low <= number <= high:
        raise ThemeError(f"{name}: {value!r:.40} is outside {low}..{high} px")
    return number


def parse_theme(data: Mapping[str, Any], *, theme_id: str | None = None) -> Theme:
    """A theme from its dict form (`Theme.to_dict`, or a form's fields), validated strictly.

    Colours may be any CSS colour; missing `heading`, `border`, `accent_2`, `accent_3` and the
    palette are derived from the others. `theme_id` overrides the id in `data`.
    """
    if not isinstance(data, Mapping):
        raise ThemeError("a theme is a mapping of its fields")
    raw_id = theme_id if theme_id is not None else data.get("id", "")
    if not isinstance(raw_id, str) or not _THEME_ID.match(raw_id):
        raise ThemeError("id: lower-case letters, digits, '-' and '_' only (1-40 characters)")
    name = " ".join(str(data.get("name", "")).split())
    if not name or len(name) > MAX_NAME_CHARS or any(c in name for c in "<>{}"):
        raise ThemeError(f"name: 1-{MAX_NAME_CHARS} characters, no < > {{ }}")
    given = data.get("colors", {})
    if not isinstance(given, Mapping):
        raise ThemeError("colors: expected a mapping of role to colour")
    unknown = set(given) - set(COLOR_ROLES)
    if unknown:
        raise ThemeError(f"colors: unknown role {sorted(unknown)[0]!r}")
    colors: dict[str, str] = {}
    for role in ("bg", "surface", "text", "muted", "accent"):
        if role not in given:
            raise ThemeError(f"colors.{role}: missing")
        colors[role] = parse_color(given[role], f"colors.{role}")
    derived = {
        "heading": colors["text"],
        "border": _mix(colors["bg"], colors["text"], 0.18),
        "accent_2": _mix(colors["accent"], colors["text"], 0.35),
        "accent_3": _mix(colors["accent"], colors["bg"], 0.45),
    }
    for role, fallback in derived.items():
        colors[role] = parse_color(given[role], f"colors.{role}") if given.get(role) else fallback
    palette_in = data.get("palette") or [colors["accent"], colors["accent_2"], colors["accent_3"]]
    if not isinstance(palette_in, (list, tuple)) or not 1 <= len(palette_in) <= 8:
        raise ThemeError("palette: 1-8 colours")
    palette = [parse_color(c, f"palette[{i}]") for i, c in enumerate(palette_in)]
    while len(palette) < 6:  # six chart colours, lighter copies of the given ones
        palette.append(_mix(palette[len(palette) % len(palette_in)], colors["bg"], 0.45))
    sizes = data.get("sizes", {})
    if not isinstance(sizes, Mapping):
        raise ThemeError("sizes: expected a mapping")
    font = parse_font_stack(data.get("font") or ["Inter", "Helvetica", "Arial"], "font")
    heading_font = parse_font_stack(data.get("heading_font") or list(font), "heading_font")
    return Theme(
        id=raw_id,
        name=name,
        **colors,
        palette=tuple(palette[:8]),
        font=font,
        heading_font=heading_font,
        **{n: _size(sizes, n, default) for n, default in _SIZE_DEFAULTS.items()},
        logo=parse_logo(data.get("logo")),
    )


# A size a theme leaves out is the dataclass's own default, so the two cannot disagree.
_SIZE_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Theme) if f.name in SIZE_LIMITS}


# --------------------------------------------------------------------------- colour maths
def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


def _mix(a: str, b: str, amount: float) -> str:
    """`a` moved `amount` (0..1) of the way to `b` (opaque hex)."""
    ra, rb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * amount):02x}" for x, y in zip(ra, rb, strict=True))


def _luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two opaque hex colours (1..21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --------------------------------------------------------------------------- output
def _stack(names: tuple[str, ...]) -> str:
    return ",".join(n if n in _GENERIC or n == "ui-monospace" else f'"{n}"' for n in names)


def _variables(theme: Theme) -> str:
    values = {
        **{f"--sg-{role.replace('_', '-')}": color for role, color in theme.colors.items()},
        **{f"--sg-chart-{i}": color for i, color in enumerate(theme.palette, start=1)},
        "--sg-font": _stack(theme.font),
        "--sg-heading-font": _stack(theme.heading_font),
        "--sg-size": f"{theme.size}px",
        "--sg-small-size": f"{round(theme.size * 0.78)}px",
        "--sg-heading-size": f"{theme.heading_size}px",
        "--sg-title-size": f"{theme.title_size}px",
        "--sg-space": f"{theme.space}px",
        "--sg-pad": f"{theme.pad}px",
        "--sg-radius": f"{theme.radius}px",
    }
    body = ";".join(f"{name}:{value}" for name, value in values.items())
    return f":root{{{body};color-scheme:{'dark' if theme.dark else 'light'}}}"


_LAYOUT_CSS = (
    # Any slide, also one written before themes: colours and fonts only, so its layout holds.
    ".sg-page{background:var(--sg-bg)}"
    ".slide{background:var(--sg-bg);color:var(--sg-text);font-family:var(--sg-font)}"
    ":where(.slide) :where(h1,h2,h3,h4){font-family:var(--sg-heading-font);"
    "color:var(--sg-heading)}"
    ":where(.slide) li::marker{color:var(--sg-accent)}"
    ":where(.slide) a{color:var(--sg-accent)}"
    ":where(.slide) :where(strong,b){color:var(--sg-heading)}"
    # Slides written for the theme (`sg-slide`): its sizes, spacing and layouts as well.
    ".sg-slide{display:flex;flex-direction:column;gap:var(--sg-space);padding:var(--sg-pad);"
    "font-size:var(--sg-size);line-height:1.35}"
    ":where(.sg-slide) :where(h1,h2,h3,h4){line-height:1.15;margin:0;font-weight:700}"
    ":where(.sg-slide) h1{font-size:var(--sg-title-size)}"
    ":where(.sg-slide) h2{font-size:var(--sg-heading-size)}"
    ":where(.sg-slide) h3{font-size:calc(var(--sg-heading-size)*.7)}"
    ":where(.sg-slide) :where(p,ul,ol){margin:0}"
    ":where(.sg-slide) :where(ul,ol){padding-left:1.2em}"
    ":where(.sg-slide) li{margin:.25em 0}"
    ".sg-slide>*{min-height:0}"
    ".sg-title{justify-content:center}"
    ".sg-title h1{font-size:calc(var(--sg-title-size)*1.2);max-width:85%}"
    ".sg-title h1::after{content:'';display:block;width:120px;height:8px;"
    "margin-top:var(--sg-space);"
    "border-radius:4px;background:linear-gradient(90deg,var(--sg-accent),var(--sg-accent-2))}"
    ".sg-subtitle{font-size:calc(var(--sg-size)*1.25);color:var(--sg-muted);max-width:75%}"
    ".sg-kicker{font-size:var(--sg-small-size);font-weight:700;letter-spacing:.12em;"
    "text-transform:uppercase;color:var(--sg-accent)}"
    ".sg-two-col{display:grid;grid-template-columns:1fr 1fr;gap:calc(var(--sg-space)*1.5);"
    "flex:1;min-height:0;align-items:start}"
    ".sg-kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));"
    "gap:var(--sg-space)}"
    ".sg-kpi{background:var(--sg-surface);border-radius:var(--sg-radius);padding:var(--sg-space);"
    "border-top:6px solid var(--sg-accent);display:flex;flex-direction:column;gap:.35em}"
    ".sg-kpi:nth-child(3n+2){border-top-color:var(--sg-accent-2)}"
    ".sg-kpi:nth-child(3n){border-top-color:var(--sg-accent-3)}"
    ".sg-kpi-value{font-family:var(--sg-heading-font);font-size:calc(var(--sg-title-size)*.8);"
    "font-weight:700;line-height:1.05;color:var(--sg-heading)}"
    ".sg-kpi-label{font-size:var(--sg-small-size);color:var(--sg-muted)}"
    ".sg-chart-text{display:grid;grid-template-columns:3fr 2fr;gap:calc(var(--sg-space)*1.5);"
    "flex:1;min-height:0;align-items:center}"
    ".sg-chart{position:relative;height:100%;min-height:0;box-sizing:border-box;"
    "background:var(--sg-surface);border-radius:var(--sg-radius);padding:calc(var(--sg-space)*.75)}"
    ".sg-chart canvas{max-width:100%;max-height:100%}"
    ".sg-text{display:flex;flex-direction:column;gap:calc(var(--sg-space)*.5)}"
    ".sg-table{width:100%;border-collapse:collapse;font-size:var(--sg-small-size)}"
    ".sg-table th{text-align:left;font-weight:700;color:var(--sg-heading);"
    "background:var(--sg-surface);border-bottom:3px solid var(--sg-accent);padding:.55em .8em}"
    ".sg-table td{padding:.5em .8em;border-bottom:1px solid var(--sg-border)}"
    ".sg-table .sg-num{text-align:right;font-variant-numeric:tabular-nums}"
    ".sg-quote{margin:0;padding:0 0 0 calc(var(--sg-space)*1.25);"
    "border-left:8px solid var(--sg-accent);font-family:var(--sg-heading-font);"
    "font-size:calc(var(--sg-heading-size)*.9);line-height:1.3;color:var(--sg-heading)}"
    ".sg-cite{display:block;margin-top:var(--sg-space);font-family:var(--sg-font);"
    "font-size:var(--sg-size);font-style:normal;color:var(--sg-muted)}"
    ".sg-card{background:var(--sg-surface);border:1px solid var(--sg-border);"
    "border-radius:var(--sg-radius);padding:var(--sg-space)}"
    ".sg-accent{color:var(--sg-accent)}.sg-muted{color:var(--sg-muted)}"
    ".sg-small{font-size:var(--sg-small-size)}"
)


def theme_css(theme: Theme | None) -> str:
    """The CSS a themed slide document carries before the deck's own styles ("" for None)."""
    if theme is None:
        return ""
    css = _variables(theme) + _LAYOUT_CSS
    if theme.logo:
        # The logo sits in the page's corner on every slide; a data URI only (parse_logo).
        css += (
            ".sg-page::after{content:'';position:absolute;right:28px;bottom:20px;width:160px;"
            f'height:48px;background:url("{theme.logo}") right bottom/contain no-repeat;'
            "pointer-events:none;z-index:10}"
        )
    return css


def theme_script(theme: Theme | None) -> str:
    """JavaScript run after Chart.js: `window.SG_THEME`, Chart.js defaults and the palette for
    charts without colours of their own (`_CHART_THEME_JS`; "" for None)."""
    if theme is None:
        return ""
    values = {
        "id": theme.id,
        "palette": list(theme.palette),
        "text": theme.text,
        "muted": theme.muted,
        "border": theme.border,
        "accent": theme.accent,
        "surface": theme.surface,
        "font": _stack(theme.font),
    }
    data = json.dumps(values, separators=(",", ":")).replace("<", "\\u003c")
    return f"window.SG_THEME={data};{_CHART_THEME_JS}"


# Chart.js defaults and colours from `window.SG_THEME`, run right after Chart.js and before any
# slide script. `Chart.defaults.borderColor` is left alone: Chart.js 4's Colors plugin gives up
# its palette once that (or `backgroundColor`) differs from its stock value, and a chart with no
# colours of its own would fall back to rgba(0,0,0,0.1). Grid and axis lines take the theme's
# border through the scale defaults instead; the boxes behind a radar or polar-area chart's tick
# labels (Chart.js draws them 75% white) take the theme's surface, which `.sg-chart` is drawn on,
# so a dark theme shows no white chips. The `sgThemeColors` plugin gives every dataset
# that sets neither backgroundColor nor borderColor the theme's palette, in the Colors plugin's
# order (a colour a dataset, one a slice for pie/doughnut/polarArea). It runs before the Colors
# plugin (beforeElementsUpdate comes before beforeLayout), so that one then finds every dataset
# coloured and stands down. Bars and slices are solid: the palette is the theme's chart colours,
# and a see-through fill would mix with whatever is behind (the PPTX blends it over white).
# Nothing is coloured when the chart says how it wants its colours: colours in its options
# (`backgroundColor`, `elements.*`, `datasets.*`), Chart.js defaults a slide changed, or the
# Colors plugin turned off. The colours given are remembered on the dataset (a hidden property)
# so that later updates recolour added points but never a colour the slide set meanwhile.
_CHART_THEME_JS = (
    "(function(T){if(!window.Chart||!Chart.defaults)return;var C=Chart,d=Chart.defaults;"
    "d.color=T.muted;d.font.family=T.font;"
    "d.scale.grid.color=T.border;d.scale.border.color=T.border;"
    "var r=d.scales&&d.scales.radialLinear;if(r&&r.angleLines)r.angleLines.color=T.border;"
    "if(r&&r.ticks)r.ticks.backdropColor=T.surface;"
    "var P=T.palette||[];if(!P.length||!C.register)return;"
    "var M='_sgThemeColors';"
    "function seen(){var o={b:d.backgroundColor,c:d.borderColor};"
    "['elements','datasets'].forEach(function(g){var s=d[g]||{};Object.keys(s).forEach(function(k){"
    "if(s[k]&&typeof s[k]==='object'){o[g+k+'b']=s[k].backgroundColor;"
    "o[g+k+'c']=s[k].borderColor;}});});return o;}"
    "var base=seen();"
    "function changed(){var now=seen();"
    "return Object.keys(base).some(function(k){return now[k]!==base[k];});}"
    "function own(o){return !!o&&!!(o.backgroundColor||o.borderColor);}"
    "function anyOwn(o){return !!o&&Object.keys(o).some(function(k){return own(o[k]);});}"
    "function see(c){try{return C.helpers.color(c).alpha(0.5).rgbString();}"
    "catch(e){return c;}}"
    "function pick(k){return P[k%P.length];}"
    "C.register({id:'sgThemeColors',beforeElementsUpdate:function(ch){"
    "var co=ch.options&&ch.options.plugins&&ch.options.plugins.colors;"
    "if(co&&co.enabled===false)return;var u=ch.config.options||{};"
    "if(own(u)||anyOwn(u.elements)||anyOwn(u.datasets)||changed())return;var k=0;"
    "(ch.data.datasets||[]).forEach(function(ds,i){if(!ds||typeof ds!=='object')return;"
    "var meta=ch.getDatasetMeta(i),ctl=meta&&meta.controller,"
    "n=Array.isArray(ds.data)?ds.data.length:0,"
    "pie=!!C.DoughnutController&&ctl instanceof C.DoughnutController,"
    "polar=!!C.PolarAreaController&&ctl instanceof C.PolarAreaController,m=ds[M];"
    "var ours=m&&m.b===ds.backgroundColor&&m.c===ds.borderColor&&m.s===String(ds.backgroundColor);"
    "if(!ours&&own(ds)){k+=pie||polar?n:1;return;}"
    "if((pie||polar)&&!Array.isArray(ds.data))return;var b,c=ds.borderColor;"
    "if(pie||polar){b=[];for(var j=0;j<n;j++)b.push(polar?see(pick(k++)):pick(k++));}"
    "else if(C.BarController&&ctl instanceof C.BarController){b=c=pick(k++);}"
    "else{c=pick(k++);b=see(c);}"
    "ds.backgroundColor=b;if(c!==undefined)ds.borderColor=c;"
    "Object.defineProperty(ds,M,{value:{b:b,c:c,s:String(b)},configurable:true,writable:true});"
    "});"
    "}});})(window.SG_THEME);"
)


def theme_prompt(theme: Theme) -> str:
    """What the model is told about the deck's theme: variables and classes, briefly."""
    colors = ", ".join(
        f"--sg-{role.replace('_', '-')} {value}" for role, value in theme.colors.items()
    )
    classes = "\n".join(f"- .{name}: {what}" for name, what in LAYOUT_CLASSES.items())
    return (
        f"Theme: {theme.name} ({'dark' if theme.dark else 'light'} background). The page "
        "already defines these CSS variables; use var(--sg-…) for every colour, font and size "
        "instead of fixed values, and do not restyle body, .slide backgrounds or fonts.\n"
        f"Colours: {colors}. Chart colours: --sg-chart-1 … --sg-chart-{len(theme.palette)}; "
        "in scripts use SG_THEME.palette (array of hex strings), SG_THEME.text, .muted, .border.\n"
        "Sizes: --sg-size (body text), --sg-small-size, --sg-heading-size (h2), --sg-title-size "
        "(h1), --sg-space (gap), --sg-pad (slide padding), --sg-radius; fonts --sg-font and "
        "--sg-heading-font.\n"
        'Layout classes the theme styles (the slide container has class="slide sg-slide …"):\n'
        f"{classes}"
    )


# --------------------------------------------------------------------------- built-ins
def _builtin(data: dict[str, Any], *, more_palette: list[str]) -> Theme:
    """A built-in theme; its chart palette is its three accents, then `more_palette`."""
    colors = data["colors"]
    palette = [colors["accent"], colors["accent_2"], colors["accent_3"], *more_palette]
    return dataclasses.replace(parse_theme({**data, "palette": palette}), builtin=True)


_SANS = ["Inter", "Helvetica Neue", "Arial", "sans-serif"]
_SERIF = ["Georgia", "Cambria", "Times New Roman", "serif"]

BUILTIN_THEMES: dict[str, Theme] = {
    t.id: t
    for t in (
        _builtin({
            "id": "light", "name": "Light",
            "colors": {"bg": "#ffffff", "surface": "#f3f4f6", "text": "#1f2937",
                       "heading": "#111827", "muted": "#6b7280", "border": "#e5e7eb",
                       "accent": "#2563eb", "accent_2": "#7c3aed", "accent_3": "#0891b2"},
            "font": _SANS,
        }, more_palette=["#f59e0b", "#10b981", "#ef4444"]),
        _builtin({
            "id": "dark", "name": "Dark",
            "colors": {"bg": "#0f172a", "surface": "#1e293b", "text": "#e2e8f0",
                       "heading": "#f8fafc", "muted": "#94a3b8", "border": "#334155",
                       "accent": "#38bdf8", "accent_2": "#a78bfa", "accent_3": "#34d399"},
            "font": _SANS,
        }, more_palette=["#fbbf24", "#f472b6", "#fb7185"]),
        _builtin({
            "id": "databricks", "name": "Databricks",
            "colors": {"bg": "#f9f7f4", "surface": "#eeede9", "text": "#1b3139",
                       "heading": "#1b3139", "muted": "#5a6f77", "border": "#dcd9d2",
                       "accent": "#ff3621", "accent_2": "#1b3139", "accent_3": "#00a972"},
            "font": ["DM Sans", *_SANS],
            "sizes": {"radius": 8},
        }, more_palette=["#2272b4", "#ffab00", "#98102a"]),
        _builtin({
            "id": "contrast", "name": "High contrast",
            "colors": {"bg": "#000000", "surface": "#141414", "text": "#ffffff",
                       "heading": "#ffffff", "muted": "#e6e6e6", "border": "#ffffff",
                       "accent": "#ffd400", "accent_2": "#00e5ff", "accent_3": "#ff7ad9"},
            "font": ["Atkinson Hyperlegible", "Verdana", "Arial", "sans-serif"],
            "sizes": {"size": 28, "heading_size": 44, "title_size": 64, "radius": 4},
        }, more_palette=["#7dff6b", "#ffffff", "#ff9e40"]),
        _builtin({
            "id": "sunset", "name": "Sunset",
            "colors": {"bg": "#fff8f1", "surface": "#ffeddc", "text": "#3b2418",
                       "heading": "#2b1409", "muted": "#7c5a47", "border": "#f1d5bd",
                       "accent": "#d9480f", "accent_2": "#c2255c", "accent_3": "#e8a33d"},
            "font": _SANS,
            "heading_font": _SERIF,
            "sizes": {"radius": 16},
        }, more_palette=["#5f3dc4", "#2b8a3e", "#1971c2"]),
        _builtin({
            "id": "forest", "name": "Forest",
            "colors": {"bg": "#f4f7f2", "surface": "#e3ebdd", "text": "#1f2d1f",
                       "heading": "#14301a", "muted": "#5b6e5b", "border": "#cfdcc6",
                       "accent": "#2f7d32", "accent_2": "#8d6e23", "accent_3": "#2b7a78"},
            "font": ["Source Sans Pro", "Open Sans", "Arial", "sans-serif"],
            "sizes": {"radius": 10},
        }, more_palette=["#a4c639", "#6d4c41", "#5c6bc0"]),
        _builtin({
            "id": "paper", "name": "Paper",
            "colors": {"bg": "#fbfaf6", "surface": "#f1efe8", "text": "#262626",
                       "heading": "#111111", "muted": "#6b6b6b", "border": "#dedad0",
                       "accent": "#b91c1c", "accent_2": "#1e3a8a", "accent_3": "#737373"},
            "font": _SERIF,
            "heading_font": _SERIF,
            "sizes": {"radius": 2, "title_size": 64},
        }, more_palette=["#b45309", "#0f766e", "#6d28d9"]),
    )
}  # fmt: skip


def builtin_theme(theme_id: str) -> Theme:
    """A built-in theme by id; `ThemeError` naming the ids for an unknown one."""
    try:
        return BUILTIN_THEMES[theme_id]
    except KeyError:
        raise ThemeError(
            f"no built-in theme {theme_id!r} (there are {', '.join(BUILTIN_THEMES)})"
        ) from None


def resolve_theme(theme: Theme | None) -> Theme:
    """The theme a new generation writes for: the deck's own, else `DEFAULT_THEME_ID`'s."""
    return theme if theme is not None else BUILTIN_THEMES[DEFAULT_THEME_ID]
