"""Keeping a deck's page-level CSS from laying out our documents.

A deck written as one web page styles the page itself: `html, body {height: 100%; overflow:
hidden}` (one screen, the deck's own navigation scrolls), `body {display: flex; align-items:
center; min-height: 100vh}` (a slide centred in the window), `@page {…}`. In our documents every
slide has its own 1280x720 page (`.sg-page`): such rules would collapse a printed deck to one
page and move slides off their page. So, in rules whose subject is the page (`html`, `body`,
`:root`, with or without classes), only what the slides inherit is kept: custom properties and
text properties (fonts, colour, line height…; `font-size` on `html` sets `rem`). The page's
background is given to each slide's page instead, so a deck that paints `body` keeps its
colours around transparent slides. Layout (display, size, overflow, margins, flex, transforms,
position…) is dropped, as is `@page`. Rules for everything else are untouched.

Themes often hang on the page too (`<body class="theme-dark">` + `.theme-dark .slide {…}`); our
documents have a `<body>` of their own, so when a deck is parsed `scope_page_classes` rewrites
such classes in its selectors to match whatever page the slide is shown in.

Parsed with tinycss2 (a CSS Syntax Level 3 tokenizer): selectors and declarations are read as
tokens, so strings, comments and nested `@media`/`@supports` blocks are handled as a browser
would, which regular expressions cannot do.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import tinycss2
from tinycss2 import ast

__all__ = ["IsolatedCss", "isolate_page_rules", "scope_page_classes"]

_PAGE_ELEMENTS = frozenset({"html", "body"})
# Inherited properties a slide takes from the page: harmless to layout, wanted for looks.
_INHERITED_PREFIXES = ("font", "text-", "letter-spacing", "word-spacing", "line-height", "color")
_INHERITED = frozenset(
    {"color", "direction", "hyphens", "quotes", "tab-size", "white-space", "word-break",
     "overflow-wrap", "-webkit-font-smoothing", "-moz-osx-font-smoothing", "accent-color",
     "color-scheme", "font-size", "text-rendering", "-webkit-text-size-adjust",
     "text-size-adjust"}
)  # fmt: skip
_BACKGROUND_PREFIX = "background"
_NESTING_AT_RULES = frozenset({"media", "supports", "layer", "container"})
PAGE_SELECTOR = ".sg-page"


@dataclass(frozen=True)
class IsolatedCss:
    css: str
    dropped: tuple[str, ...]  # "selector { property }" of each declaration taken out


@functools.lru_cache(maxsize=256)
def isolate_page_rules(css: str) -> IsolatedCss:
    """The deck CSS with page-level layout neutralised (see the module docstring)."""
    if not css or not any(word in css for word in ("html", "body", ":root", "@page")):
        return IsolatedCss(css=css, dropped=())
    dropped: list[str] = []
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=False, skip_comments=False)
    return IsolatedCss(css=tinycss2.serialize(_rewrite(rules, dropped)), dropped=tuple(dropped))


def _rewrite(rules: list[ast.Node], dropped: list[str]) -> list[ast.Node]:
    out: list[ast.Node] = []
    for rule in rules:
        if isinstance(rule, ast.AtRule):
            name = rule.lower_at_keyword
            if name == "page":
                dropped.append("@page")
                continue
            if name in _NESTING_AT_RULES and rule.content is not None:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_whitespace=False, skip_comments=False
                )
                rule.content = _rewrite(inner, dropped)  # type: ignore[assignment]
            out.append(rule)
        elif isinstance(rule, ast.QualifiedRule):
            out.extend(_split_rule(rule, dropped))
        else:
            out.append(rule)
    return out


def _split_rule(rule: ast.QualifiedRule, dropped: list[str]) -> list[ast.Node]:
    selectors = _split_commas(rule.prelude)
    page = [s for s in selectors if _is_page_selector(s)]
    if not page:
        return [rule]
    other = [s for s in selectors if not _is_page_selector(s)]
    result: list[ast.Node] = []
    if other:
        result.append(_rule(_join_commas(other), rule.content))
        result.append(ast.WhitespaceToken(0, 0, "\n"))
    label = tinycss2.serialize(_join_commas(page)).strip()
    kept: list[str] = []
    background: list[str] = []
    for declaration in tinycss2.parse_blocks_contents(
        rule.content, skip_whitespace=True, skip_comments=True
    ):
        if not isinstance(declaration, ast.Declaration):
            continue
        name = declaration.lower_name
        text = f"{declaration.name}:{tinycss2.serialize(declaration.value)}" + (
            "!important" if declaration.important else ""
        )
        if name.startswith("--") or name in _INHERITED or name.startswith(_INHERITED_PREFIXES):
            kept.append(text)
        elif name.startswith(_BACKGROUND_PREFIX):
            background.append(text)
        else:
            dropped.append(f"{label} {{ {name} }}")
    if kept:
        result.extend(tinycss2.parse_stylesheet(f"{label}{{{';'.join(kept)}}}"))
    if background:
        result.extend(tinycss2.parse_stylesheet(f"{PAGE_SELECTOR}{{{';'.join(background)}}}"))
    return result


def _rule(prelude: list[ast.Node], content: list[ast.Node]) -> ast.QualifiedRule:
    return ast.QualifiedRule(0, 0, prelude, content)


def _split_commas(tokens: list[ast.Node]) -> list[list[ast.Node]]:
    parts: list[list[ast.Node]] = [[]]
    for token in tokens:
        if isinstance(token, ast.LiteralToken) and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return [p for p in parts if tinycss2.serialize(p).strip()]


def _join_commas(parts: list[list[ast.Node]]) -> list[ast.Node]:
    joined: list[ast.Node] = []
    for index, part in enumerate(parts):
        if index:
            joined.append(ast.LiteralToken(0, 0, ","))
        joined.extend(part)
    return joined


def _is_page_selector(tokens: list[ast.Node]) -> bool:
    """Whether the selector's subject (its last compound) is `html`, `body` or `:root`."""
    compound: list[ast.Node] = []
    last: list[ast.Node] = []
    for token in tokens:
        if isinstance(token, ast.WhitespaceToken | ast.Comment) or (
            isinstance(token, ast.LiteralToken) and token.value in {">", "+", "~"}
        ):
            if compound:
                last, compound = compound, []
            continue
        compound.append(token)
    compound = compound or last
    if not compound:
        return False
    first = compound[0]
    if isinstance(first, ast.IdentToken):
        return first.lower_value in _PAGE_ELEMENTS
    if isinstance(first, ast.LiteralToken) and first.value == ":" and len(compound) > 1:
        second = compound[1]
        return isinstance(second, ast.IdentToken) and second.lower_value == "root"
    return False


# What a class of the page's <html> or <body> becomes in a selector: it matches the page the
# slide is shown in, with the specificity of one class (as the class had), and cannot clash
# with anything of the deck's (`sg-` names are ours).
_PAGE_CLASS = ":where(html,body):not(.sg-none)"


def scope_page_classes(css: str, classes: frozenset[str]) -> str:
    """Rewrite `.x` in selectors, for each class `x` the deck's own <html>/<body> had, so that
    themes written as `<body class="theme-dark">` + `.theme-dark .slide {…}` still apply in our
    documents, whose <body> is ours."""
    if not classes or not css or not any(name in css for name in classes):
        return css
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=False, skip_comments=False)
    return tinycss2.serialize(_scope(rules, classes))


def _scope(rules: list[ast.Node], classes: frozenset[str]) -> list[ast.Node]:
    for rule in rules:
        if isinstance(rule, ast.AtRule) and rule.lower_at_keyword in _NESTING_AT_RULES:
            if rule.content is not None:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_whitespace=False, skip_comments=False
                )
                rule.content = _scope(inner, classes)  # type: ignore[assignment]
        elif isinstance(rule, ast.QualifiedRule):
            rule.prelude = _scope_selector(rule.prelude, classes)
    return rules


def _scope_selector(tokens: list[ast.Node], classes: frozenset[str]) -> list[ast.Node]:
    out: list[ast.Node] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            isinstance(token, ast.LiteralToken)
            and token.value == "."
            and isinstance(following, ast.IdentToken)
            and following.value in classes
        ):
            out.extend(tinycss2.parse_component_value_list(_PAGE_CLASS))
            index += 2
            continue
        out.append(token)
        index += 1
    return out
