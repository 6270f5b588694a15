"""Assigning a deck's script code to the slides it draws on.

Each slide is rendered in a document of its own (editor card, presenter, exports), so a chart
draws only if the code that draws it travels with its slide. Real decks rarely keep it there:
models put one `<script>` after the last slide drawing every chart, wrap it in an IIFE or a
`DOMContentLoaded` handler, call helpers declared elsewhere, or chain the charts to
`Reveal.initialize().then(…)` of a library that is not loaded here. So the code is read as a
program, top-level statement by statement:

- a statement refers to a slide when it names one of the slide's elements: an id (as
  `getElementById("x")`, `"#x"`, or any string equal to an element id), or a selector given to
  `querySelector(All)`, `getElementsBy…` that matches elements of the slide; a statement that
  uses a name declared by another inherits that declaration's slides (`const c =
  getElementById("x")` … `new Chart(c, …)`);
- a statement block that runs once (an IIFE, a load or `DOMContentLoaded` handler, a function,
  an `if` block) and reaches several slides is split: each slide gets a copy holding only its own
  statements and the declarations they need;
- each slide gets the statements that refer to it plus every declaration they use, wherever it
  was declared (a helper in another `<script>`); code that refers to no slide stays where it was
  (the slide it sits in or follows);
- code before or after all slides that refers to no slide (chart defaults, a theme switch,
  `Chart.register(plugin)`) is the deck's: every slide gets it as a script of its own, with the
  declarations it needs, starting with the line `DECK_LEVEL_MARKER` and the same text on every
  slide. A single-slide document runs it once; the deck document (`render_deck_document`) runs
  each marked text only where it first appears, so code that is not idempotent (`counter++`,
  `classList.toggle`) still runs once per document. Within a slide it keeps its place in script
  order, so defaults set before the charts are drawn still apply. A load handler (or IIFE) that
  draws on several slides and also sets defaults is split the same way: its statements that
  touch no slide go to a marked copy of the handler, its guards (`if (!window.Chart) return;`)
  stay in every copy. Code that looks elements up by a computed name (`getElementById("c" +
  i)`) or draws a chart is never deck-level: each slide runs its own copy, which finds its own
  elements;
- dropped, with a reason: code that names an element no slide has (its canvas is gone, or it is
  the page's own navigation chrome), code that selects the slides themselves (a deck's own
  navigation: in our views each slide has its own page), calls into libraries that are not
  loaded here (reveal.js, Tailwind's script, highlight.js, …; the code such a call runs on
  completion, `.then(…)`, is kept), and anything that uses a dropped declaration.

Why tree-sitter (`tree-sitter-javascript`): it parses current JavaScript (optional chaining,
class fields, template literals), recovers from syntax errors, runs in C, and gives byte ranges,
so the code each slide gets is cut from the author's own text. esprima's Python port stopped at
ES2017 (2018) and fails on `?.`, which models write. Regex-based splitting cannot tell a
declaration from its use inside a nested function or a string.

A script whose JavaScript does not parse is kept whole where it was.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import tree_sitter
import tree_sitter_javascript
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

__all__ = [
    "DECK_LEVEL_MARKER",
    "KNOWN_LIBRARIES",
    "Assignment",
    "DroppedCode",
    "ScriptBlock",
    "assign_scripts",
]

# First line of a script holding deck-level code: the deck document runs each such text once.
# A comment, so it survives an edit of the slide's source and changes nothing when it runs.
DECK_LEVEL_MARKER = "/* slidegen:deck-level */"

# Globals of libraries whose <script src> the sanitiser removes (Chart.js is always provided).
KNOWN_LIBRARIES: dict[str, str] = {
    **dict.fromkeys(
        ["Reveal", "RevealMarkdown", "RevealHighlight", "RevealNotes", "RevealZoom",
         "RevealSearch", "RevealMath"],
        "reveal.js",
    ),
    "tailwind": "Tailwind CSS", "hljs": "highlight.js", "Prism": "Prism", "mermaid": "Mermaid",
    "jQuery": "jQuery", "$": "jQuery", "gsap": "GSAP", "ScrollTrigger": "GSAP", "d3": "D3",
    "anime": "anime.js", "katex": "KaTeX", "renderMathInElement": "KaTeX", "MathJax": "MathJax",
    "ChartDataLabels": "chartjs-plugin-datalabels", "lucide": "Lucide", "feather": "Feather",
    "AOS": "AOS", "Swiper": "Swiper", "echarts": "ECharts", "Plotly": "Plotly",
    "lottie": "Lottie", "THREE": "three.js", "marked": "marked", "impress": "impress.js",
}  # fmt: skip

_QUERY_METHODS = frozenset({"querySelector", "querySelectorAll", "closest", "matches"})
_SELECTOR_BY = {"getElementsByClassName": ".", "getElementsByTagName": ""}
_DECLARATIONS = frozenset(
    {"function_declaration", "generator_function_declaration", "class_declaration"}
)
_VARIABLES = frozenset({"lexical_declaration", "variable_declaration"})
_FUNCTIONS = frozenset({"function_expression", "arrow_function", "function"})
_CONTINUATIONS = frozenset({"then", "ready"})
_EXCERPT_CHARS = 80
_NO_SLIDE = -1  # emitting deck-level code: the statements of no slide
# A statement that is only a string, such as "use strict" (after any comments).
_DIRECTIVE_RE = re.compile(r"(?:\s|//[^\n]*|/\*.*?\*/)*(['\"])[^'\"]*\1\s*;?\s*", re.DOTALL)


@dataclass(frozen=True)
class ScriptBlock:
    """One inline `<script>` of a deck, and where it sat relative to the slides."""

    code: str
    home: int | None = None  # index of the slide the script is inside
    after: int | None = None  # index of the last slide that started before it


@dataclass(frozen=True)
class DroppedCode:
    excerpt: str  # the first line of the dropped code, shortened
    reason: str
    slide: int | None  # index of the slide the code sat in or followed
    # "library" (calls a library not loaded here), "navigation" (selects the slides
    # themselves), "missing" (names an element no slide has), "dependent" (uses dropped code)
    cause: str = "missing"


@dataclass(frozen=True)
class Assignment:
    scripts: tuple[tuple[str, ...], ...]  # per slide, in slide order
    dropped: tuple[DroppedCode, ...] = ()
    # Slides that got code written somewhere else (after the last slide, in another script).
    changed_slides: tuple[int, ...] = ()


# --- what the scripts can refer to -------------------------------------------------------------


class _Targets:
    """Element ids and selector matches of the slides."""

    def __init__(self, slides: Sequence[HtmlElement]) -> None:
        self.slides = slides
        self._selected: dict[str, tuple[tuple[int, ...], bool]] = {}
        self.ids: dict[str, list[int]] = {}
        for index, slide in enumerate(slides):
            for value in slide.xpath("descendant-or-self::*/@id"):
                if value and index not in self.ids.setdefault(str(value), []):
                    self.ids[str(value)].append(index)

    def by_id(self, value: str, near: int | None) -> list[int]:
        # Two slides may both say id="chart": the script's own slide wins, else the first
        # (what getElementById gave on the original page).
        hits = self.ids.get(value, [])
        if near in hits:
            return [near]  # type: ignore[list-item]
        return hits[:1]

    def by_selector(self, selector: str) -> tuple[tuple[int, ...], bool]:
        """(slides with a match, whether the selector picks slide containers themselves)."""
        if selector not in self._selected:
            self._selected[selector] = self._select(selector)
        return self._selected[selector]

    def _select(self, selector: str) -> tuple[tuple[int, ...], bool]:
        try:
            match = CSSSelector(selector)
        except Exception:  # cssselect raises its own errors, and not for every bad selector
            return (), False
        hits: list[int] = []
        containers = False
        for index, slide in enumerate(self.slides):
            found = match(slide)
            if found:
                hits.append(index)
                containers = containers or any(element is slide for element in found)
        return tuple(hits), containers


# --- one statement ---------------------------------------------------------------------------


@dataclass(eq=False)
class _Unit:
    text: str
    block: int  # index of the ScriptBlock
    declares: frozenset[str] = frozenset()
    uses: frozenset[str] = frozenset()
    slides: set[int] = field(default_factory=set)
    missing: list[str] = field(default_factory=list)
    libraries: set[str] = field(default_factory=set)
    selects_slides: bool = False
    # Looks elements up by a computed name (`getElementById("c" + i)`) or draws a chart: it may
    # touch slides the analysis cannot name, so it is never run once for the whole deck.
    may_touch_slides: bool = False
    kind: str = ""  # tree-sitter node type of the statement
    # A block run once that draws on several slides, outside every slide: its statements that
    # touch no slide go to the deck's own copy of it (`_emit` for `_NO_SLIDE`), not to each
    # slide's.
    deck_split: bool = False
    dropped: tuple[str, str] | None = None  # (cause, reason)
    # A block that may be split: (text before its statements, its statements, text after).
    split: tuple[str, list[_Unit], str] | None = None
    rewritten: bool = False  # `split` holds a rewrite of the statement (onload → a listener)

    @property
    def excerpt(self) -> str:
        line = next((ln.strip() for ln in self.text.splitlines() if ln.strip()), "")
        if line.startswith("//"):
            body = [ln.strip() for ln in self.text.splitlines() if ln.strip()]
            line = next((ln for ln in body if not ln.startswith("//")), line)
        return line if len(line) <= _EXCERPT_CHARS else line[: _EXCERPT_CHARS - 1] + "…"

    @property
    def neutral(self) -> bool:
        return not self.slides and self.dropped is None


_local = threading.local()


def _parser() -> tree_sitter.Parser:
    # A tree-sitter Parser is not safe to share between threads; the app parses in a pool.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = tree_sitter.Parser(
            tree_sitter.Language(tree_sitter_javascript.language())
        )
    return parser


class _Reader:
    """Turns the statements of one script into units."""

    def __init__(
        self, source: bytes, block: int, near: int | None, targets: _Targets, *, inside: bool
    ) -> None:
        self.source = source
        self.block = block
        self.near = near
        self.targets = targets
        # A script inside a slide runs with that slide's scoped `document`: selecting ".slide"
        # finds its own slide, and an element it lacks is its author's business, not an orphan.
        self.inside = inside

    def text(self, start: int, end: int) -> str:
        return self.source[start:end].decode("utf-8", "replace")

    def units(self, statements: Iterable[tree_sitter.Node], removed: frozenset[str]) -> list[_Unit]:
        units: list[_Unit] = []
        comments_from: int | None = None
        for node in statements:
            if node.type == "comment":
                comments_from = node.start_byte if comments_from is None else comments_from
                continue
            if node.type in {"{", "}", ";", "empty_statement"}:
                continue
            start = node.start_byte if comments_from is None else comments_from
            comments_from = None
            salvaged = self._continuation(node, removed)
            if salvaged is not None:
                library, body = salvaged
                units.append(self._dropped_call(node, start, library))
                units.extend(body)
                continue
            units.append(self._unit(node, start, removed))
        return units

    def _unit(self, node: tree_sitter.Node, start: int, removed: frozenset[str]) -> _Unit:
        unit = _Unit(text=self.text(start, node.end_byte), block=self.block, kind=node.type)
        unit.declares = frozenset(_declared_names(node, self.source))
        inner, uses = _names(node, self.source)
        unit.uses = frozenset(uses - inner - unit.declares)
        unit.libraries = {name for name in unit.uses if name in removed}
        self._references(node, unit)
        body = _splittable_body(node)
        if body is not None:
            prefix, block, suffix = body
            inner_units = self.units(block.children, removed)
            if prefix is None or suffix is None:
                prefix = self.text(start, block.start_byte + 1)
                suffix = self.text(block.end_byte - 1, node.end_byte)
            else:
                prefix = self.text(start, node.start_byte) + prefix
                unit.rewritten = True
            unit.split = (prefix, inner_units, suffix)
        return unit

    def _dropped_call(self, node: tree_sitter.Node, start: int, library: str) -> _Unit:
        unit = _Unit(text=self.text(start, node.end_byte), block=self.block)
        unit.dropped = (
            "library",
            f"calls {library}, which is not loaded here; the code it ran afterwards is kept",
        )
        return unit

    def _continuation(
        self, node: tree_sitter.Node, removed: frozenset[str]
    ) -> tuple[str, list[_Unit]] | None:
        """`Lib.init(…).then(fn)` / `$(fn)` of a removed library: the units of fn's body."""
        if node.type != "expression_statement" or not node.named_children:
            return None
        call = node.named_children[0]
        if call.type != "call_expression":
            return None
        root = call
        while root.type in {"call_expression", "member_expression"}:
            part = "function" if root.type == "call_expression" else "object"
            inner = root.child_by_field_name(part)
            if inner is None:
                break
            root = inner
        name = _node_text(root, self.source) if root.type == "identifier" else ""
        if name not in removed:
            return None
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        method = ""
        if function is not None and function.type == "member_expression":
            prop = function.child_by_field_name("property")
            method = _node_text(prop, self.source) if prop is not None else ""
        elif function is not None and function.type == "identifier":
            method = "ready"  # $(fn) / jQuery(fn)
        if method not in _CONTINUATIONS or arguments is None:
            return None
        callback = next((a for a in arguments.named_children if a.type in _FUNCTIONS), None)
        if callback is None:
            return None
        body = callback.child_by_field_name("body")
        if body is None:
            return None
        library = KNOWN_LIBRARIES.get(name, name)
        if body.type == "statement_block":
            return library, self.units(body.children, removed)
        unit = _Unit(
            text=self.text(body.start_byte, body.end_byte) + ";",
            block=self.block,
            kind="expression_statement",
        )
        inner, uses = _names(body, self.source)
        unit.uses = frozenset(uses - inner)
        unit.libraries = {n for n in unit.uses if n in removed}
        self._references(body, unit)
        return library, [unit]

    def _references(self, node: tree_sitter.Node, unit: _Unit) -> None:
        targets = self.targets
        queried: set[int] = set()
        for call in _descendants(node, "call_expression"):
            method, value, argument = _query_call(call, self.source)
            if value is None or argument is None:
                unit.may_touch_slides = unit.may_touch_slides or bool(method)
                continue
            queried.add(argument.start_byte)
            if method == "getElementById":
                self._add_id(value, unit)
                continue
            selector = value if method in _QUERY_METHODS else None
            if method in _SELECTOR_BY:
                prefix = _SELECTOR_BY[method]
                selector = "".join(prefix + part for part in value.split()) if prefix else value
            if selector is None:
                continue
            hits, containers = targets.by_selector(selector)
            if self.inside and (containers or not hits):
                unit.slides.add(self.near)  # type: ignore[arg-type]
            elif containers and (method == "querySelectorAll" or len(hits) > 1):
                unit.selects_slides = True
            elif hits:
                near = self.near
                unit.slides.update([near] if near in hits else hits)  # type: ignore[list-item]
            else:
                unit.missing.append(selector)
        for new in _descendants(node, "new_expression"):
            constructor = new.child_by_field_name("constructor")
            if constructor is not None and _node_text(constructor, self.source) == "Chart":
                unit.may_touch_slides = True
        for string in _descendants(node, "string"):
            if string.start_byte in queried:
                continue
            value = _string_value(string, self.source)
            if value is None:
                continue
            key = value[1:] if value.startswith("#") else value
            if key in targets.ids:
                unit.slides.update(targets.by_id(key, self.near))

    def _add_id(self, value: str, unit: _Unit) -> None:
        hits = self.targets.by_id(value, self.near)
        if hits:
            unit.slides.update(hits)
        elif self.inside:
            unit.slides.add(self.near)  # type: ignore[arg-type]
        else:
            unit.missing.append(f"#{value}")


def _node_text(node: tree_sitter.Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _descendants(node: tree_sitter.Node, kind: str) -> Iterable[tree_sitter.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == kind:
            yield current
        stack.extend(current.children)


def _string_value(node: tree_sitter.Node, source: bytes) -> str | None:
    fragments = [c for c in node.children if c.type not in {'"', "'"}]
    if any(c.type not in {"string_fragment"} for c in fragments):
        return None  # escapes: not an id or selector a model writes
    return "".join(_node_text(c, source) for c in fragments)


def _query_call(
    call: tree_sitter.Node, source: bytes
) -> tuple[str, str | None, tree_sitter.Node | None]:
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or function.type != "member_expression" or arguments is None:
        return "", None, None
    prop = function.child_by_field_name("property")
    method = _node_text(prop, source) if prop is not None else ""
    if method != "getElementById" and method not in _QUERY_METHODS and method not in _SELECTOR_BY:
        return "", None, None
    first = next(iter(arguments.named_children), None)
    if first is None or first.type != "string":
        return method, None, None
    return method, _string_value(first, source), first


def _pattern_names(node: tree_sitter.Node, source: bytes) -> Iterable[str]:
    if node.type in {"identifier", "shorthand_property_identifier_pattern"}:
        yield _node_text(node, source)
        return
    for child in node.named_children:
        if child.type == "pair_pattern":
            value = child.child_by_field_name("value")
            if value is not None:
                yield from _pattern_names(value, source)
        elif child.type == "assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None:
                yield from _pattern_names(left, source)
        else:
            yield from _pattern_names(child, source)


def _declared_names(node: tree_sitter.Node, source: bytes) -> set[str]:
    """Names a top-level statement declares (including `x = …` to an undeclared global)."""
    if node.type in _DECLARATIONS:
        name = node.child_by_field_name("name")
        return {_node_text(name, source)} if name is not None else set()
    if node.type in _VARIABLES:
        names: set[str] = set()
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                target = declarator.child_by_field_name("name")
                if target is not None:
                    names.update(_pattern_names(target, source))
        return names
    if node.type == "expression_statement" and node.named_children:
        expression = node.named_children[0]
        if expression.type == "assignment_expression":
            left = expression.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                return {_node_text(left, source)}
    return set()


def _names(node: tree_sitter.Node, source: bytes) -> tuple[set[str], set[str]]:
    """(names declared inside nested scopes, every identifier used). Scoping is approximated:
    a name declared anywhere inside the statement is taken as local to it."""
    inner: set[str] = set()
    uses: set[str] = set()
    stack = list(node.children)
    while stack:
        current = stack.pop()
        kind = current.type
        if kind in {"identifier", "shorthand_property_identifier"}:
            uses.add(_node_text(current, source))
        elif kind == "variable_declarator":
            target = current.child_by_field_name("name")
            if target is not None:
                inner.update(_pattern_names(target, source))
        elif kind in _DECLARATIONS or kind in {"function_expression", "class"}:
            name = current.child_by_field_name("name")
            if name is not None:
                inner.add(_node_text(name, source))
        elif kind == "formal_parameters":
            inner.update(_pattern_names(current, source))
        elif kind == "arrow_function":
            parameter = current.child_by_field_name("parameter")
            if parameter is not None:
                inner.add(_node_text(parameter, source))
        elif kind == "catch_clause":
            parameter = current.child_by_field_name("parameter")
            if parameter is not None:
                inner.update(_pattern_names(parameter, source))
        stack.extend(current.children)
    return inner, uses


def _splittable_body(
    node: tree_sitter.Node,
) -> tuple[str | None, tree_sitter.Node, str | None] | None:
    """The block of statements a statement runs once, if it is one we can split: an IIFE, a
    function declaration, a callback passed to a call (a load/DOMContentLoaded handler), a
    function assigned to `onload`, an `if` without `else`.

    Returns (prefix, block, suffix): prefix/suffix are `str` when the statement is rewritten
    (`window.onload = f` becomes `window.addEventListener("load", f)`: in a deck document every
    slide's copy must run, not only the last one assigned), else `None`.
    """
    if node.type == "function_declaration":
        body = node.child_by_field_name("body")
        return (None, body, None) if body is not None else None
    if node.type == "if_statement":
        body = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        if alternative is None and body is not None and body.type == "statement_block":
            return None, body, None
        return None
    if node.type != "expression_statement" or not node.named_children:
        return None
    expression = node.named_children[0]
    while expression.type == "parenthesized_expression" and expression.named_children:
        expression = expression.named_children[0]
    if expression.type == "assignment_expression":
        left = expression.child_by_field_name("left")
        right = expression.child_by_field_name("right")
        body = right.child_by_field_name("body") if right is not None else None
        if right is None or right.type not in _FUNCTIONS or body is None:
            return None
        if body.type != "statement_block" or left is None:
            return None
        if left.text in {b"window.onload", b"onload"}:
            source = node.text or b""
            base = node.start_byte
            prefix = 'window.addEventListener("load", ' + source[
                right.start_byte - base : body.start_byte - base + 1
            ].decode("utf-8", "replace")
            suffix = (
                source[body.end_byte - 1 - base : right.end_byte - base].decode("utf-8", "replace")
                + ");"
            )
            return prefix, body, suffix
        return None
    if expression.type != "call_expression":
        return None
    function = expression.child_by_field_name("function")
    while function is not None and function.type == "parenthesized_expression":
        function = function.named_children[0] if function.named_children else None
    if function is not None and function.type in _FUNCTIONS:
        body = function.child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            return None, body, None
        return None
    arguments = expression.child_by_field_name("arguments")
    callbacks = [a for a in (arguments.named_children if arguments else []) if a.type in _FUNCTIONS]
    if len(callbacks) == 1:
        body = callbacks[0].child_by_field_name("body")
        if body is not None and body.type == "statement_block":
            return None, body, None
    return None


# --- resolving and emitting ---------------------------------------------------------------------


def _resolve(units: list[_Unit], outer: dict[str, list[_Unit]]) -> None:
    """Drop what must go and spread slides along declarations, in one list of statements."""
    declared = {**outer, **_declarers(units)}
    for unit in units:
        if unit.split is None:
            unit.dropped = unit.dropped or _direct_drop(unit)
    _spread(units, declared)
    containers = [u for u in units if u.split is not None and u.dropped is None]
    for _ in range(2):  # twice: a block may call a function declared (and split) after it
        for unit in containers:
            inner = unit.split[1]  # type: ignore[index]
            _resolve(inner, declared)
            own = unit.libraries - set().union(*(u.libraries for u in inner))
            kept = [u for u in inner if u.dropped is None]
            unit.slides = set().union(*(u.slides for u in kept))
            if own:
                unit.dropped = _direct_drop(_Unit(text="", block=0, libraries=own))
            elif inner and not kept:
                unit.dropped = inner[0].dropped
    _spread(units, declared)


def _direct_drop(unit: _Unit) -> tuple[str, str] | None:
    if unit.libraries:
        names = ", ".join(sorted({KNOWN_LIBRARIES[n] for n in unit.libraries}))
        return "library", f"calls {names}, which is not loaded here"
    if unit.selects_slides:
        return "navigation", "the deck's own navigation: it selects the slides themselves"
    if unit.missing and not unit.slides:
        return "missing", f"refers to {unit.missing[0]}, which is on no slide"
    return None


def _spread(units: list[_Unit], declared: dict[str, list[_Unit]]) -> None:
    """Drops and slides flow from a declaration to the statements using it (blocks that may be
    split get theirs from their own statements)."""
    changed = True
    while changed:
        changed = False
        for unit in units:
            if unit.dropped is not None or unit.split is not None:
                continue
            for name in unit.uses:
                source = _pick(declared.get(name), unit)
                if source is None or source is unit:
                    continue
                if source.dropped is not None:
                    unit.dropped = ("dependent", f"uses {name}, which was removed")
                    changed = True
                    break
                if not source.slides <= unit.slides:
                    unit.slides |= source.slides
                    changed = True


def _declarers(units: list[_Unit]) -> dict[str, list[_Unit]]:
    names: dict[str, list[_Unit]] = {}
    for unit in units:
        for name in unit.declares:
            names.setdefault(name, []).append(unit)
    return names


def _pick(candidates: list[_Unit] | None, user: _Unit) -> _Unit | None:
    """Which declaration of a name a statement means: its own script's (each slide script runs
    in a scope of its own, so two slides may both declare `ctx`), else the nearest earlier
    script's, else the first."""
    if not candidates:
        return None
    same = [c for c in candidates if c.block == user.block]
    if same:
        return same[0]
    earlier = [c for c in candidates if c.block < user.block]
    return earlier[-1] if earlier else candidates[0]


def _closure(units: list[_Unit], seeds: set[int]) -> set[int]:
    """Indexes of the seed units plus every (kept) declaration they use, transitively."""
    by_name = _declarers(units)
    position = {id(u): index for index, u in enumerate(units)}
    chosen = set(seeds)
    pending = list(seeds)
    while pending:
        user = units[pending.pop()]
        for name in user.uses:
            picked = _pick(by_name.get(name), user)
            index = position[id(picked)] if picked is not None else None
            if index is not None and index not in chosen and units[index].dropped is None:
                chosen.add(index)
                pending.append(index)
    return chosen


def _projected(unit: _Unit) -> bool:
    return unit.split is not None and (len(unit.slides) > 1 or unit.rewritten or _has_dropped(unit))


def _emit(unit: _Unit, slide: int) -> str:
    if unit.split is None or not _projected(unit):
        return unit.text
    before, inner, after = unit.split
    body = "\n".join(_emit(inner[i], slide) for i in _projection(unit, slide))
    return f"{before}\n{body}\n{after}"


def _projection(unit: _Unit, slide: int) -> list[int]:
    """Indexes of the statements of a split block that `slide`'s copy of it holds.

    Statements touching no slide are in every copy (a guard such as `if (!window.Chart)
    return;`), except, in a `deck_split` block, those run for the deck (`_for_the_deck`): they
    are in the deck's copy (`_NO_SLIDE`) only.
    """
    inner = unit.split[1]  # type: ignore[index]
    seeds = set()
    for index, u in enumerate(inner):
        if u.dropped is not None:
            continue
        if slide == _NO_SLIDE:
            chosen = u.neutral and not u.declares and not u.may_touch_slides
        else:
            shared = u.neutral and not u.declares and not (unit.deck_split and _for_the_deck(u))
            chosen = slide in u.slides or shared
        if chosen:
            seeds.add(index)
    return sorted(_closure(inner, seeds))


def _for_the_deck(unit: _Unit) -> bool:
    """A statement of a run-once block that the deck runs once: one that does something
    (`Chart.defaults.color = …`, `Chart.register(…)`, `counter++`), touches no slide and is not
    control flow or a directive."""
    if not unit.neutral or unit.declares or unit.may_touch_slides or unit.split is not None:
        return False
    return unit.kind == "expression_statement" and not _DIRECTIVE_RE.fullmatch(unit.text)


def _has_dropped(unit: _Unit) -> bool:
    return unit.split is not None and any(
        u.dropped is not None or _has_dropped(u) for u in unit.split[1]
    )


def _dropped(units: list[_Unit]) -> Iterable[_Unit]:
    for unit in units:
        if unit.dropped is not None:
            yield unit
        elif unit.split is not None:
            yield from _dropped(unit.split[1])


def assign_scripts(
    blocks: Sequence[ScriptBlock],
    slides: Sequence[HtmlElement],
    *,
    declared_libraries: Iterable[str] = (),
) -> Assignment:
    """Distribute `blocks` over `slides` (see the module docstring).

    `declared_libraries`: names of library globals the deck itself provides (kept callable).
    """
    count = len(slides)
    if not count:
        return Assignment(scripts=())
    targets = _Targets(slides)
    placed = [_placement(block, count) for block in blocks]
    units: list[_Unit] = []
    opaque: dict[int, str] = {}
    readers: list[_Reader] = []
    removed_all = frozenset(KNOWN_LIBRARIES) - frozenset(declared_libraries)
    trees = []
    for index, block in enumerate(blocks):
        source = block.code.encode()
        tree = _parser().parse(source)
        trees.append(tree)
        inside = block.home is not None
        readers.append(_Reader(source, index, placed[index], targets, inside=inside))
    # A deck that declares a library's name itself (a helper called `$`) keeps using it.
    own = set()
    for index, tree in enumerate(trees):
        if not tree.root_node.has_error:
            for node in tree.root_node.children:
                own |= _declared_names(node, readers[index].source)
    removed = removed_all - own
    for index, tree in enumerate(trees):
        if tree.root_node.has_error:
            opaque[index] = blocks[index].code
            continue
        units.extend(readers[index].units(tree.root_node.children, removed))
    _resolve(units, {})
    seeds: list[set[int]] = [set() for _ in range(count)]
    deck_seeds: set[int] = set()
    deck_containers: set[int] = set()
    used = {name for unit in units if unit.dropped is None for name in unit.uses}
    for index, unit in enumerate(units):
        if unit.dropped is not None:
            continue
        if not unit.slides and unit.declares and unit.declares <= used:
            continue  # a declaration others use goes where they go
        if unit.slides:
            targets_of = unit.slides
            if _deck_splits(unit, blocks[unit.block], count):
                unit.deck_split = True
                deck_containers.add(index)
        elif not unit.declares and _deck_level(blocks[unit.block], count):
            # Code before or after all slides that touches none (chart defaults, a theme) is
            # the deck's: every slide's document runs it, the deck document once. Code that may
            # reach slides by computed names runs on every slide, each copy finding its own.
            if not unit.may_touch_slides:
                deck_seeds.add(index)
                continue
            targets_of = set(range(count))
        else:
            targets_of = {placed[unit.block]}
        for slide in targets_of:
            seeds[slide].add(index)
    deck_chosen = sorted(
        _closure(units, deck_seeds | _declarations_for_the_deck(units, deck_containers))
        | deck_containers
    )
    # Neutral code has neutral declarations only (slides spread to users), so the text is the
    # same whichever slide it is emitted for: no slide's own statements get into it.
    deck_texts = [
        (
            (*key, 0),  # before the slide's own copy of the same block run once
            text if text.startswith(DECK_LEVEL_MARKER) else f"{DECK_LEVEL_MARKER}\n{text}",
        )
        for key, text in _block_texts(
            units, deck_chosen, deck_seeds | deck_containers, blocks, placed, {}, _NO_SLIDE
        )
    ]
    result: list[tuple[str, ...]] = []
    changed: list[int] = []
    for slide in range(count):
        chosen = sorted(_closure(units, seeds[slide]))
        own = _block_texts(units, chosen, seeds[slide], blocks, placed, opaque, slide)
        merged = sorted([*deck_texts, *(((*key, 1), text) for key, text in own)])
        result.append(_once(text for _, text in merged))
        if any(placed[units[c].block] != slide for c in [*chosen, *deck_chosen]):
            changed.append(slide)
    dropped = tuple(
        DroppedCode(
            excerpt=u.excerpt, reason=u.dropped[1], slide=placed[u.block], cause=u.dropped[0]
        )
        for u in _dropped(units)
        if u.dropped is not None
    )
    return Assignment(scripts=tuple(result), dropped=dropped, changed_slides=tuple(changed))


def _block_texts(
    units: list[_Unit],
    chosen: list[int],
    seeds: set[int],
    blocks: Sequence[ScriptBlock],
    placed: list[int],
    opaque: dict[int, str],
    slide: int,
) -> list[tuple[tuple[int, int], str]]:
    """The scripts `chosen` units make for one slide, each with its place in the deck's code
    (block, first of the `seeds`: a declaration the deck-level and the slide's own code both
    need is in both texts) so that texts of several calls merge in the order they were written.

    One script per block, so that one failing script does not stop the others, unless code of
    one block uses a declaration of another: scripts run in a function scope each, so those are
    joined into one. A block all of whose statements are chosen keeps its text as written.
    """
    by_block: dict[int, list[int]] = {}
    for index in chosen:
        by_block.setdefault(units[index].block, []).append(index)
    for block in opaque:
        if placed[block] == slide:
            by_block.setdefault(block, [])
    declared_in: dict[str, set[int]] = {}
    for index in chosen:
        for name in units[index].declares:
            declared_in.setdefault(name, set()).add(units[index].block)
    crossing = any(
        units[i].block not in declared_in.get(name, {units[i].block})
        for i in chosen
        for name in units[i].uses
    )
    sizes: dict[int, int] = {}
    for unit in units:
        sizes[unit.block] = sizes.get(unit.block, 0) + 1
    texts: list[tuple[tuple[int, int], str]] = []
    for block in sorted(by_block):
        indexes = by_block[block]
        whole = block in opaque or (
            len(indexes) == sizes.get(block, 0) and not any(_projected(units[i]) for i in indexes)
        )
        key = (block, min((i for i in indexes if i in seeds), default=-1))
        if whole:
            texts.append((key, blocks[block].code.strip("\n")))
        else:
            texts.append((key, "\n".join(_emit(units[i], slide) for i in indexes).strip("\n")))
    if crossing and len(texts) > 1:
        return [(texts[0][0], "\n".join(text for _, text in texts))]
    return [(key, text) for key, text in texts if text]


def _deck_splits(unit: _Unit, block: ScriptBlock, count: int) -> bool:
    """Whether `unit` is a block run once (not a function: a function runs when called) of
    deck-level code that draws on several slides and also does something for the deck."""
    return (
        unit.split is not None
        and not unit.declares
        and len(unit.slides) > 1
        and _deck_level(block, count)
        and any(_for_the_deck(u) for u in unit.split[1])
    )


def _declarations_for_the_deck(units: list[_Unit], containers: set[int]) -> set[int]:
    """Top-level declarations the deck's copies of `containers` use (only the statements of
    that copy count: the others draw on slides)."""
    by_name = _declarers(units)
    position = {id(u): index for index, u in enumerate(units)}
    found: set[int] = set()
    for index in containers:
        inner = units[index].split[1]  # type: ignore[index]
        chosen = [inner[i] for i in _projection(units[index], _NO_SLIDE)]
        local = {name for u in inner for name in u.declares}
        for name in {name for u in chosen for name in u.uses} - local:
            picked = _pick(by_name.get(name), units[index])
            if picked is not None and picked.dropped is None:
                found.add(position[id(picked)])
    return found


def _once(texts: Iterable[str]) -> tuple[str, ...]:
    """The texts, a deck-level one only where it first appears: a deck parsed again from its
    slides' sources (`slide_source`) has the marked script after the last slide as well as on
    every slide."""
    seen: set[str] = set()
    kept = []
    for text in texts:
        if text.startswith(DECK_LEVEL_MARKER):
            if text in seen:
                continue
            seen.add(text)
        kept.append(text)
    return tuple(kept)


def _deck_level(block: ScriptBlock, count: int) -> bool:
    """A script outside every slide, before the first or after the last one (a script between
    two slides is the previous slide's, the way models write one script per slide)."""
    return block.home is None and (block.after is None or block.after >= count - 1)


def _placement(block: ScriptBlock, count: int) -> int:
    if block.home is not None:
        return min(block.home, count - 1)
    if block.after is not None:
        return min(block.after, count - 1)
    return 0
