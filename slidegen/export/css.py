"""Just enough CSS to carry a slide's look into PowerPoint: declarations and simple rules.

Not a cascade engine. A rule applies to an element when the last compound of its selector is a
bare tag (`h1`), a class (`.accent`) or both (`p.lead`); tag rules come first, then class rules,
then the inline `style` attribute, each overriding the one before. Pseudo-classes, attribute
selectors and `@media` blocks are ignored. That covers how LLM-written decks style their slides
(`.slide h1 { color: … }`, `.two-col { display: flex }`) without pretending to be a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import Tag

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_AT_BLOCK = re.compile(r"@[\w-]+[^{;]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMPOUND = re.compile(r"^([a-zA-Z][\w-]*)?((?:\.[\w-]+)*)$")

# Properties that children inherit in CSS and that the PPTX writer uses.
INHERITED = ("color", "font-size", "font-weight", "font-style", "text-align", "font-family")


def parse_declarations(text: str | None) -> dict[str, str]:
    """`a: b; c: d` into {"a": "b", "c": "d"} (lower-case names, `!important` dropped)."""
    result: dict[str, str] = {}
    for part in (text or "").split(";"):
        name, sep, value = part.partition(":")
        if sep and name.strip():
            result[name.strip().lower()] = value.replace("!important", "").strip()
    return result


@dataclass
class StyleSheet:
    """Rules keyed by tag, by class, and by (tag, class)."""

    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    classes: dict[str, dict[str, str]] = field(default_factory=dict)
    tag_classes: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, *css_texts: str) -> StyleSheet:
        sheet = cls()
        for css in css_texts:
            css = _AT_BLOCK.sub("", _COMMENT.sub("", css or ""))
            for selectors, body in _RULE.findall(css):
                declarations = parse_declarations(body)
                for selector in selectors.split(","):
                    sheet._add(selector.strip(), declarations)
        return sheet

    def _add(self, selector: str, declarations: dict[str, str]) -> None:
        if not selector or ":" in selector or "[" in selector:
            return
        last = re.split(r"[\s>+~]+", selector)[-1]
        match = _COMPOUND.match(last)
        if not match or not last:
            return
        tag, classes = (match.group(1) or "").lower(), [c for c in match.group(2).split(".") if c]
        if tag and classes:
            for name in classes:
                self.tag_classes.setdefault((tag, name), {}).update(declarations)
        elif classes:
            for name in classes:
                self.classes.setdefault(name, {}).update(declarations)
        elif tag:
            self.tags.setdefault(tag, {}).update(declarations)

    def own_style(self, element: Tag) -> dict[str, str]:
        """The declarations that apply to the element itself (not inherited ones)."""
        style: dict[str, str] = {}
        style.update(self.tags.get(element.name, {}))
        classes = element.get("class") or []
        for name in classes:
            style.update(self.classes.get(name, {}))
            style.update(self.tag_classes.get((element.name, name), {}))
        style.update(parse_declarations(str(element.get("style") or "")))
        return style


def font_size_px(value: str | None, parent_px: float) -> float | None:
    """A CSS font-size in pixels (px, pt, em, rem, %, and the keywords); None if not understood."""
    if not value:
        return None
    value = value.strip().lower()
    keywords = {
        "small": 13.0,
        "medium": 16.0,
        "large": 18.0,
        "x-large": 24.0,
        "xx-large": 32.0,
        "x-small": 10.0,
        "smaller": parent_px / 1.2,
        "larger": parent_px * 1.2,
    }
    if value in keywords:
        return keywords[value]
    match = re.fullmatch(r"(-?\d*\.?\d+)(px|pt|em|rem|%)?", value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "px"
    factor = {"px": 1.0, "pt": 4 / 3, "em": parent_px, "rem": 16.0, "%": parent_px / 100}[unit]
    size = number * factor
    return size if size > 0 else None
