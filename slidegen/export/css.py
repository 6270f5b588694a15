"""Just enough CSS to carry a slide's look into PowerPoint: declarations and simple rules.

The text is parsed by tinycss2 (CSS Syntax Level 3: comments, strings, `url(...)` with
semicolons, `!important` and malformed declarations are handled as a browser tokenizes them);
what is done with the result is deliberately small. Not a cascade engine: a rule applies to an
element when the last compound of its selector is a bare tag (`h1`), a class (`.accent`) or both
(`p.lead`); tag rules come first, then class rules, then the inline `style` attribute, each
overriding the one before. Selectors with ids, `*`, pseudo-classes or attributes, and at-rules
(`@media`, `@font-face`) are ignored; `!important` does not reorder anything. That covers how
LLM-written decks style their slides (`.slide h1 { color: … }`, `.two-col { display: flex }`)
without pretending to be a browser.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import tinycss2
from bs4 import Tag
from tinycss2 import ast

__all__ = ["StyleSheet", "font_size_px", "parse_declarations"]

Declarations = dict[str, str]

# Absolute font-size keywords (CSS Fonts' table at medium = 16 px).
_SIZE_KEYWORDS = {
    "x-small": 10.0,
    "small": 13.0,
    "medium": 16.0,
    "large": 18.0,
    "x-large": 24.0,
    "xx-large": 32.0,
}


def _declarations(block: str | Iterable[ast.Node]) -> Declarations:
    """Declarations by lower-case name, values serialized and stripped; later ones win."""
    result: Declarations = {}
    for node in tinycss2.parse_blocks_contents(block, skip_comments=True, skip_whitespace=True):
        if isinstance(node, ast.Declaration):
            value = tinycss2.serialize(node.value).strip()
            if value:
                result[node.lower_name] = value
    return result


def parse_declarations(text: str | None) -> Declarations:
    """`a: b; c: d` into {"a": "b", "c": "d"} (lower-case names, `!important` dropped,
    malformed declarations skipped)."""
    return dict(_inline_style(text or ""))


# Every element's `style` attribute is read several times (text style, columns, tables), and
# slides repeat the same ones: each text is parsed once.
@functools.lru_cache(maxsize=4096)
def _inline_style(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(_declarations(text).items())


def _is_combinator(token: ast.Node) -> bool:
    return isinstance(token, ast.WhitespaceToken) or (
        isinstance(token, ast.LiteralToken) and token.value in (">", "+", "~")
    )


def _compounds(prelude: list[ast.Node]) -> list[list[ast.Node]]:
    """The last compound of each selector in a rule's prelude (`.slide h1, p.lead` -> [h1],
    [p . lead]); a selector ending in a combinator (`div >`) gives []."""
    selectors: list[list[ast.Node]] = [[]]
    for token in prelude:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            selectors.append([])
        elif not isinstance(token, ast.Comment):
            selectors[-1].append(token)
    last: list[list[ast.Node]] = []
    for tokens in selectors:
        while tokens and isinstance(tokens[-1], ast.WhitespaceToken):
            tokens.pop()
        cut = max((i for i, token in enumerate(tokens) if _is_combinator(token)), default=-1)
        last.append(tokens[cut + 1 :])
    return last


def _tag_and_classes(compound: list[ast.Node]) -> tuple[str, list[str]] | None:
    """(`tag`, [classes]) of a compound made of an optional tag and `.class` parts, else None."""
    tag = ""
    rest = compound
    if rest and isinstance(rest[0], ast.IdentToken):
        tag, rest = rest[0].lower_value, rest[1:]
    classes: list[str] = []
    while len(rest) >= 2:
        dot, name = rest[0], rest[1]
        if not (
            isinstance(dot, ast.LiteralToken)
            and dot.value == "."
            and isinstance(name, ast.IdentToken)
        ):
            return None
        classes.append(name.value)
        rest = rest[2:]
    if rest or not (tag or classes):
        return None
    return tag, classes


@dataclass
class StyleSheet:
    """Rules keyed by tag, by class, and by (tag, class)."""

    tags: dict[str, Declarations] = field(default_factory=dict)
    classes: dict[str, Declarations] = field(default_factory=dict)
    tag_classes: dict[tuple[str, str], Declarations] = field(default_factory=dict)

    @classmethod
    def parse(cls, *css_texts: str) -> StyleSheet:
        return cls().extended(*css_texts)

    def extended(self, *css_texts: str) -> StyleSheet:
        """A new sheet: these rules, then the rules of `css_texts` on top (a slide's <style>)."""
        sheet = StyleSheet(
            {k: dict(v) for k, v in self.tags.items()},
            {k: dict(v) for k, v in self.classes.items()},
            {k: dict(v) for k, v in self.tag_classes.items()},
        )
        for css in css_texts:
            for rule in tinycss2.parse_stylesheet(css or "", skip_comments=True):
                if isinstance(rule, ast.QualifiedRule):
                    declarations = _declarations(rule.content)
                    for compound in _compounds(rule.prelude):
                        sheet._add(compound, declarations)
        return sheet

    def _add(self, compound: list[ast.Node], declarations: Declarations) -> None:
        found = _tag_and_classes(compound)
        if found is None:
            return
        tag, classes = found
        if tag and classes:
            for name in classes:
                self.tag_classes.setdefault((tag, name), {}).update(declarations)
        elif classes:
            for name in classes:
                self.classes.setdefault(name, {}).update(declarations)
        else:
            self.tags.setdefault(tag, {}).update(declarations)

    def own_style(self, element: Tag) -> Declarations:
        """The declarations that apply to the element itself (not inherited ones)."""
        style: Declarations = {}
        style.update(self.tags.get(element.name, {}))
        classes = element.get("class") or []
        for name in classes:
            style.update(self.classes.get(name, {}))
            style.update(self.tag_classes.get((element.name, name), {}))
        style.update(parse_declarations(str(element.get("style") or "")))
        return style


@functools.lru_cache(maxsize=4096)
def font_size_px(value: str | None, parent_px: float) -> float | None:
    """A CSS font-size in pixels (px, pt, em, rem, %, unitless, and the keywords); None if not
    understood or not positive."""
    token = tinycss2.parse_one_component_value(value or "")
    if isinstance(token, ast.IdentToken):
        keyword = token.lower_value
        if keyword == "smaller":
            return parent_px / 1.2
        if keyword == "larger":
            return parent_px * 1.2
        return _SIZE_KEYWORDS.get(keyword)
    if isinstance(token, ast.NumberToken):
        size = token.value
    elif isinstance(token, ast.PercentageToken):
        size = token.value * parent_px / 100
    elif isinstance(token, ast.DimensionToken):
        factor = {"px": 1.0, "pt": 4 / 3, "em": parent_px, "rem": 16.0}.get(token.lower_unit)
        if factor is None:
            return None
        size = token.value * factor
    else:
        return None
    return size if size > 0 else None
