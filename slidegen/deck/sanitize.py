"""Sanitising untrusted slide HTML (model output, possibly shaped by Genie data).

Slides are shown in iframes sandboxed with `allow-scripts` only (no same origin), under a CSP
that forbids every network request; this module is the second wall, applied once when HTML
enters the domain (parsing, manual edits), so that what the store holds is already clean.

It works on the lxml tree the parser builds. Why not nh3: nh3 (ammonia) never keeps `<script>`
or `<style>`, and slides need both (inline Chart.js set-up, slide CSS). Inline scripts and `on*`
handlers are therefore *kept*: they run only inside the sandbox, where they cannot act as the
user nor reach the network. Removed is everything that loads or navigates to something outside
the slide:

- elements: iframe, frame, frameset, object, embed, applet, portal, base, meta, link;
- external scripts (`<script src>`): Chart.js is always provided from the vendored copy;
- URL attributes (src, href, srcset, action, poster, …) unless the URL is a fragment (`#x`),
  a `data:image/…` URI (images only), or, for images and media, a path on the app itself
  (`/vendor/…`; the CSP still limits images to data URIs and the app's own assets);
- links (`<a href>`) keep only fragment targets; `srcdoc` is dropped;
- CSS: `@import` and every `url(…)` that is not a data URI or a fragment, in `<style>` blocks
  and `style` attributes.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from slidegen.deck.report import Removal

__all__ = ["REMOVED_TAGS", "describe_removed_element", "sanitize_css", "sanitize_tree"]

REMOVED_TAGS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "meta", "link"}
)
_VOID_TAGS = frozenset({"embed", "base", "meta", "link"})
# Attributes that make the browser load or navigate somewhere.
_URL_ATTRS = frozenset(
    {
        "src", "href", "xlink:href", "action", "formaction", "poster", "background", "data",
        "ping", "cite", "longdesc", "manifest", "codebase", "lowsrc", "dynsrc", "archive",
        "icon", "profile", "usemap",
    }
)  # fmt: skip
_DROPPED_ATTRS = frozenset({"srcdoc", "srcset", "imagesrcset", "http-equiv"})
# Where a same-app path is acceptable: resources the CSP can still police (images, media).
_MEDIA_TAGS = frozenset({"img", "image", "source", "video", "audio", "track", "input", "use"})

_IMPORT_RE = re.compile(r"@import\b[^;]*;?", re.IGNORECASE)
_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)


def _url_allowed(value: str, *, media: bool) -> bool:
    url = "".join(value.split()).lower()  # browsers ignore embedded whitespace in URLs
    if not url or url.startswith("#"):
        return True
    if url.startswith("data:image/"):
        return media
    return media and url.startswith("/") and not url.startswith("//") and "\\" not in url


_FONT_FACE_RE = re.compile(r"@font-face\s*\{[^}]*\}", re.IGNORECASE)


def sanitize_css(css: str, removed: list[Removal] | None = None, slide: int | None = None) -> str:
    """Remove `@import` and external `url(…)` references from a style sheet or declaration.

    Each removal is appended to `removed` when given (the import report)."""
    # Obfuscated references (CSS escapes such as `\75 rl(`) get past a regex; the CSP of every
    # rendered document (img-src/font-src data: only, no style-src URLs) still blocks them.

    def url(match: re.Match[str]) -> str:
        target = "".join(match.group(2).split()).lower()
        if target.startswith(("data:", "#")):
            return match.group(0)
        if removed is not None:
            in_font = any(start <= match.start() < end for start, end in fonts)
            kind = "font" if in_font else "image"
            removed.append(Removal(kind=kind, what=match.group(2).strip(), slide=slide))
        return "none"

    def imported(match: re.Match[str]) -> str:
        if removed is not None:
            found = _CSS_URL_RE.search(match.group(0))
            target = found.group(2) if found else match.group(0)[7:].strip(" ;'\"")
            kind = "font" if "font" in target.lower() else "stylesheet"
            removed.append(Removal(kind=kind, what=target.strip(), slide=slide))
        return ""

    css = _IMPORT_RE.sub(imported, css)
    # Where the @font-face blocks are, to tell a font's url() from an image's.
    fonts = [m.span() for m in _FONT_FACE_RE.finditer(css)] if removed is not None else []
    return _CSS_URL_RE.sub(url, css)


def sanitize_tree(
    root: HtmlElement, removed: list[Removal] | None = None, slide: int | None = None
) -> None:
    """Clean `root` and its descendants in place (see the module docstring for the rules).

    Each removal worth telling a user about is appended to `removed` when given."""
    if str(root.tag).lower() in REMOVED_TAGS:
        root.tag = "div"  # a container that is itself an <object class="slide">: keep the content
    doomed: list[HtmlElement] = []
    for element in root.iter(etree.Element):
        name = str(element.tag).lower()
        if name in REMOVED_TAGS or (name == "script" and "src" in element.attrib):
            doomed.append(element)
            if removed is not None:
                note = describe_removed_element(element, name, slide)
                if note is not None:
                    removed.append(note)
            continue
        if name == "style" and element.text:
            element.text = sanitize_css(element.text, removed, slide)
        _clean_attributes(element, name, removed, slide)
    for element in doomed:
        if element.getparent() is None:
            continue
        if element.tag in _VOID_TAGS:
            # libxml2 (HTML 4 rules) nests what follows <embed>/<meta>/... inside it: keep that.
            element.drop_tag()
        else:
            element.drop_tree()


def describe_removed_element(element: HtmlElement, name: str, slide: int | None) -> Removal | None:
    """What removing this element takes away, for the report (None: nothing a user wrote)."""
    source = (element.get("src") or element.get("data") or element.get("href") or "").strip()
    if name == "script":
        return Removal(kind="external script", what=source, slide=slide)
    if name in {"iframe", "frame", "frameset", "portal"}:
        return Removal(kind="iframe", what=source or f"<{name}>", slide=slide)
    if name in {"object", "embed", "applet"}:
        return Removal(kind="embedded object", what=source or f"<{name}>", slide=slide)
    if name == "link":
        rel = (element.get("rel") or "").lower()
        if "stylesheet" in rel or "preload" in rel:
            kind = (
                "font" if "font" in source.lower() or element.get("as") == "font" else "stylesheet"
            )
            return Removal(kind=kind, what=source, slide=slide)
    return None  # <meta>, <base>, icons and preconnects: nothing of the slide's content


def _clean_attributes(
    element: HtmlElement, name: str, removed: list[Removal] | None, slide: int | None
) -> None:
    media = name in _MEDIA_TAGS
    attrib = element.attrib
    for attr in list(attrib):
        key = attr.lower()
        if key in _DROPPED_ATTRS:
            del attrib[attr]
        elif key in _URL_ATTRS or key.endswith(":href"):
            if not _url_allowed(attrib[attr], media=media and key in {"src", "href", "xlink:href"}):
                if removed is not None:
                    removed.append(_removed_url(name, attrib[attr], slide))
                del attrib[attr]
        elif key == "style":
            attrib[attr] = sanitize_css(attrib[attr], removed, slide)


def _removed_url(name: str, url: str, slide: int | None) -> Removal:
    if name in {"img", "image", "input", "use"}:
        kind = "image"
    elif name in {"video", "audio", "source", "track"}:
        kind = "media"
    else:
        kind = "link"
    return Removal(kind=kind, what=url.strip(), slide=slide)
