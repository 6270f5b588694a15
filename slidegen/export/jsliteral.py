"""A tolerant reader of JavaScript literals: the Chart.js configs that LLMs write into slides.

JSON parsers reject what JavaScript allows: unquoted keys, single quotes, trailing commas,
comments, `undefined`, template strings, shorthand properties. This module tokenises JavaScript
just far enough to (1) find the argument lists of `new Chart(...)` calls in a script and (2) turn
a literal into Python values. A part that is not a literal (a function, a call, arithmetic, an
unknown variable) becomes a `JSExpression` holding its source, so a config whose `options` carry
callbacks still reads, and the caller decides whether the part it needs is literal.

Variables declared with a literal in the same script (`const labels = ['Q1', 'Q2'];`) are
resolved, unless the script later mutates them (`labels.push(...)`, `labels = ...`): then the
value is computed at run time and stays a `JSExpression`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


class JSLiteralError(ValueError):
    """The text is not JavaScript this reader understands (unterminated string, bad nesting)."""


@dataclass(frozen=True)
class JSExpression:
    """A value computed at run time; `source` is its JavaScript text."""

    source: str


@dataclass(frozen=True)
class Token:
    kind: str  # "punct", "str", "num", "ident", "template", "regex"
    value: Any
    start: int
    end: int


_PUNCT3 = ("...", "===", "!==", "**=", "<<=", ">>=", "&&=", "||=", "??=")
_PUNCT2 = (
    "=>",
    "?.",
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "??",
    "**",
    "++",
    "--",
    "+=",
    "-=",
    "*=",
    "/=",
    "%=",
    "&=",
    "|=",
    "^=",
    "<<",
    ">>",
)
# After these tokens a `/` starts a regular expression rather than a division.
_REGEX_AFTER_PUNCT = set("(,=:[!&|?{};+-*%<>~^") | {
    "=>",
    "==",
    "===",
    "!=",
    "!==",
    "&&",
    "||",
    "??",
    "+=",
    "-=",
    "*=",
    "/=",
    "<=",
    ">=",
}
_REGEX_AFTER_WORD = {
    "return",
    "typeof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "instanceof",
    "yield",
    "await",
}
_NUMBER = re.compile(
    r"0[xX][0-9a-fA-F_]+n?|0[bB][01_]+n?|0[oO][0-7_]+n?"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?n?"
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_MUTATORS = {"push", "unshift", "splice", "pop", "shift", "fill", "sort", "reverse", "length"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch in "_$"


def _is_ident_part(ch: str) -> bool:
    return ch.isalnum() or ch in "_$"


def _read_escape(src: str, i: int) -> tuple[str, int]:
    """Decode the escape whose backslash is at src[i - 1]; return the text and the next index."""
    ch = src[i]
    if ch in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[ch], i + 1
    if ch == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", src[i + 1 : i + 3]):
        return chr(int(src[i + 1 : i + 3], 16)), i + 3
    if ch == "u":
        if src[i + 1 : i + 2] == "{":
            close = src.find("}", i)
            if close > 0 and re.fullmatch(r"[0-9a-fA-F]{1,6}", src[i + 2 : close]):
                return chr(int(src[i + 2 : close], 16)), close + 1
        elif re.fullmatch(r"[0-9a-fA-F]{4}", src[i + 1 : i + 5]):
            return chr(int(src[i + 1 : i + 5], 16)), i + 5
    if ch == "\r" and src[i + 1 : i + 2] == "\n":
        return "", i + 2
    if ch in "\n\r\u2028\u2029":  # line continuation
        return "", i + 1
    return ch, i + 1


def _read_string(src: str, i: int) -> tuple[str, int]:
    quote = src[i]
    out: list[str] = []
    i += 1
    while i < len(src):
        ch = src[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\" and i + 1 < len(src):
            text, i = _read_escape(src, i + 1)
            out.append(text)
            continue
        if ch == "\n":
            break
        out.append(ch)
        i += 1
    raise JSLiteralError(f"unterminated string starting at offset {i}")


def _read_template(src: str, i: int) -> tuple[str | None, int]:
    """A template literal; its text, or None when it has `${...}` substitutions."""
    start = i
    out: list[str] = []
    dynamic = False
    i += 1
    while i < len(src):
        ch = src[i]
        if ch == "`":
            return (None if dynamic else "".join(out)), i + 1
        if ch == "\\" and i + 1 < len(src):
            text, i = _read_escape(src, i + 1)
            out.append(text)
            continue
        if ch == "$" and src[i + 1 : i + 2] == "{":
            dynamic = True
            depth, i = 1, i + 2
            while i < len(src) and depth:
                if src[i] in "'\"":
                    _, i = _read_string(src, i)
                    continue
                if src[i] == "`":
                    _, i = _read_template(src, i)
                    continue
                depth += {"{": 1, "}": -1}.get(src[i], 0)
                i += 1
            continue
        out.append(ch)
        i += 1
    raise JSLiteralError(f"unterminated template literal starting at offset {start}")


def _read_regex(src: str, i: int) -> int:
    in_class = False
    j = i + 1
    while j < len(src):
        ch = src[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "\n":
            break
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            j += 1
            while j < len(src) and _is_ident_part(src[j]):
                j += 1
            return j
        j += 1
    raise JSLiteralError(f"unterminated regular expression at offset {i}")


def _parse_number(text: str) -> int | float:
    text = text.replace("_", "").rstrip("n")
    if text[:2].lower() in ("0x", "0b", "0o"):
        return int(text, 0)
    if re.fullmatch(r"\d+", text):
        return int(text)
    return float(text)


def tokenize(src: str) -> list[Token]:
    """Split JavaScript source into tokens, dropping whitespace and comments."""
    tokens: list[Token] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch.isspace():
            i += 1
        elif src.startswith("//", i) or src.startswith("<!--", i):
            end = src.find("\n", i)
            i = n if end < 0 else end
        elif src.startswith("/*", i):
            end = src.find("*/", i + 2)
            if end < 0:
                raise JSLiteralError(f"unterminated comment at offset {i}")
            i = end + 2
        elif ch in "'\"":
            text, j = _read_string(src, i)
            tokens.append(Token("str", text, i, j))
            i = j
        elif ch == "`":
            text, j = _read_template(src, i)
            tokens.append(Token("template", text, i, j))
            i = j
        elif ch.isdigit() or (ch == "." and src[i + 1 : i + 2].isdigit()):
            match = _NUMBER.match(src, i)
            assert match is not None  # the first character is a digit or ".digit"
            tokens.append(Token("num", _parse_number(match.group()), i, match.end()))
            i = match.end()
        elif _is_ident_start(ch):
            j = i + 1
            while j < n and _is_ident_part(src[j]):
                j += 1
            tokens.append(Token("ident", src[i:j], i, j))
            i = j
        elif ch == "/" and _regex_allowed(tokens):
            j = _read_regex(src, i)
            tokens.append(Token("regex", src[i:j], i, j))
            i = j
        else:
            for op in (*_PUNCT3, *_PUNCT2):
                if src.startswith(op, i):
                    break
            else:
                op = ch
            tokens.append(Token("punct", op, i, i + len(op)))
            i += len(op)
    return tokens


def _regex_allowed(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == "punct":
        return last.value in _REGEX_AFTER_PUNCT
    return last.kind == "ident" and last.value in _REGEX_AFTER_WORD


class Script:
    """One script's tokens and its literal variable bindings."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self._bindings = self._find_bindings()

    # --- navigation -----------------------------------------------------------------------------
    def _is(self, i: int, kind: str, value: Any = None) -> bool:
        if i >= len(self.tokens):
            return False
        tok = self.tokens[i]
        return tok.kind == kind and (value is None or tok.value == value)

    def expression_end(self, i: int) -> int:
        """Index past the expression at token i (ends at a top-level `,`, `;` or closer)."""
        depth = 0
        start = i
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.kind == "punct":
                if tok.value in "([{":
                    depth += 1
                elif tok.value in ")]}":
                    if depth == 0:
                        break
                    depth -= 1
                elif tok.value in (",", ";") and depth == 0:
                    break
            i += 1
        if depth:
            raise JSLiteralError("unbalanced brackets in script")
        if i == start:
            raise JSLiteralError(f"expected a value at offset {self._offset(start)}")
        return i

    def _offset(self, i: int) -> int:
        return self.tokens[i].start if i < len(self.tokens) else len(self.source)

    def text(self, start: int, end: int) -> str:
        """Source text of tokens [start, end)."""
        if end <= start:
            return ""
        return self.source[self.tokens[start].start : self.tokens[end - 1].end]

    def calls(self, *callee: str, new: bool = False) -> Iterator[list[tuple[int, int]]]:
        """Argument token ranges of every call `callee(...)` (a dotted name, e.g. "Chart")."""
        width = 2 * len(callee) - 1
        for i in range(len(self.tokens)):
            if new and not self._is(i - 1, "ident", "new"):
                continue
            names = [self.tokens[i + k] for k in range(0, width, 2) if i + k < len(self.tokens)]
            if [t.value for t in names] != list(callee) or any(t.kind != "ident" for t in names):
                continue
            if any(not self._is(i + k, "punct", ".") for k in range(1, width, 2)):
                continue
            if self._is(i - 1, "punct", "."):  # `foo.Chart(` is another function
                continue
            if not self._is(i + width, "punct", "("):
                continue
            yield self._arguments(i + width)

    def _arguments(self, open_paren: int) -> list[tuple[int, int]]:
        args: list[tuple[int, int]] = []
        i = open_paren + 1
        while not self._is(i, "punct", ")"):
            if i >= len(self.tokens):
                raise JSLiteralError("unterminated argument list")
            end = self.expression_end(i)
            args.append((i, end))
            i = end + 1 if self._is(end, "punct", ",") else end
        return args

    # --- bindings -------------------------------------------------------------------------------
    def _find_bindings(self) -> dict[str, tuple[int, int] | None]:
        """name -> token range of its literal initialiser; None when it is reassigned or mutated."""
        bindings: dict[str, tuple[int, int] | None] = {}
        declared_at: set[int] = set()
        i = 0
        while i < len(self.tokens):
            if self._is(i, "ident") and self.tokens[i].value in ("const", "let", "var"):
                i += 1
                while self._is(i, "ident") and self._is(i + 1, "punct", "="):
                    name = self.tokens[i].value
                    end = self.expression_end(i + 2)
                    # A name declared twice (two scopes) is ambiguous: treat it as computed.
                    bindings[name] = None if name in bindings else (i + 2, end)
                    declared_at.add(i)
                    if not self._is(end, "punct", ","):
                        break
                    i = end + 1
            i += 1
        for i, tok in enumerate(self.tokens):
            if tok.kind != "ident" or tok.value not in bindings or i in declared_at:
                continue
            if self._is(i - 1, "punct", ".") or self._is(i - 1, "punct", "?."):
                continue  # a property of something else
            if self._mutates(i):
                bindings[tok.value] = None
        return bindings

    def _mutates(self, i: int) -> bool:
        nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if nxt is None or nxt.kind != "punct":
            return False
        if nxt.value in ("=", "+=", "-=", "*=", "/=", "%=", "++", "--", "??=", "||=", "&&="):
            return not self._is(i + 2, "punct", "=")
        if nxt.value == "." and self._is(i + 2, "ident"):
            return self.tokens[i + 2].value in _MUTATORS
        if nxt.value == "[":
            j = self.expression_end(i + 2) if not self._is(i + 2, "punct", "]") else i + 2
            return (
                self._is(j, "punct", "]")
                and self._is(j + 1, "punct", "=")
                and not self._is(j + 2, "punct", "=")
            )
        return False

    def binding(self, name: str) -> tuple[int, int] | None:
        return self._bindings.get(name)

    # --- values ---------------------------------------------------------------------------------
    def value(self, start: int, end: int) -> Any:
        """The Python value of the expression in tokens [start, end)."""
        return _ValueReader(self, frozenset()).read(start, end)


def parse_js_literal(source: str) -> Any:
    """Parse one JavaScript literal (object, array, string, number, ...) into Python values.

    Objects become dicts, arrays lists, `null`/`undefined` None; non-literal parts become
    `JSExpression`. Raises JSLiteralError when the text is not a single well-formed expression.
    """
    script = Script(source)
    if not script.tokens:
        raise JSLiteralError("empty input")
    end = script.expression_end(0)
    if end != len(script.tokens) and not (
        end == len(script.tokens) - 1 and script._is(end, "punct", ";")
    ):
        raise JSLiteralError(f"unexpected text at offset {script._offset(end)}")
    return script.value(0, end)


def contains_expression(value: Any) -> bool:
    """Whether any part of a parsed value is computed at run time."""
    if isinstance(value, JSExpression):
        return True
    if isinstance(value, dict):
        return any(contains_expression(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_expression(v) for v in value)
    return False


_KEYWORD_VALUES = {
    "true": True,
    "false": False,
    "null": None,
    "undefined": None,
    "NaN": math.nan,
    "Infinity": math.inf,
}


class _ValueReader:
    def __init__(self, script: Script, resolving: frozenset[str]) -> None:
        self.s = script
        self.resolving = resolving

    def read(self, start: int, end: int) -> Any:
        value, stop = self._primary(start, end)
        if stop == end and value is not _NOT_LITERAL:
            return value
        return JSExpression(self.s.text(start, end))

    def _primary(self, i: int, end: int) -> tuple[Any, int]:
        s = self.s
        tok = s.tokens[i]
        if tok.kind == "punct":
            if tok.value == "{":
                return self._object(i, end)
            if tok.value == "[":
                return self._array(i, end)
            if tok.value in ("-", "+") and i + 1 < end and s._is(i + 1, "num"):
                number = s.tokens[i + 1].value
                return (-number if tok.value == "-" else number), i + 2
            if tok.value in ("-", "+") and i + 1 < end and s._is(i + 1, "ident", "Infinity"):
                return (-math.inf if tok.value == "-" else math.inf), i + 2
            return _NOT_LITERAL, i
        if tok.kind in ("str", "num"):
            return tok.value, i + 1
        if tok.kind == "template":
            return (tok.value if tok.value is not None else _NOT_LITERAL), i + 1
        if tok.kind == "ident":
            if tok.value in _KEYWORD_VALUES:
                return _KEYWORD_VALUES[tok.value], i + 1
            if i + 1 == end:
                return self._resolve(tok.value), i + 1
        return _NOT_LITERAL, i

    def _resolve(self, name: str) -> Any:
        span = self.s.binding(name)
        if span is None or name in self.resolving:
            return JSExpression(name)
        return _ValueReader(self.s, self.resolving | {name}).read(*span)

    def _element(self, i: int, end: int) -> tuple[Any, int]:
        stop = min(self.s.expression_end(i), end)
        return self.read(i, stop), stop

    def _object(self, i: int, end: int) -> tuple[Any, int]:
        s = self.s
        result: dict[str, Any] = {}
        i += 1
        while not s._is(i, "punct", "}"):
            if i >= end:
                raise JSLiteralError("unterminated object literal")
            tok = s.tokens[i]
            if tok.kind == "punct" and tok.value == "...":
                stop = s.expression_end(i + 1)
                spread = self.read(i + 1, stop)
                if isinstance(spread, dict):
                    result.update(spread)
                else:
                    result["..." + s.text(i + 1, stop)] = JSExpression(s.text(i, stop))
                i = stop
            else:
                key, i = self._key(i)
                if s._is(i, "punct", ":"):
                    result[key], i = self._element(i + 1, end)
                elif s._is(i, "punct", ",") or s._is(i, "punct", "}"):
                    result[key] = self._resolve(key)  # shorthand `{ data }`
                elif s._is(i, "punct", "("):  # a method `onClick(e) { ... }`: code, not data
                    stop = s.expression_end(i)
                    result[key] = JSExpression(s.text(i - 1, stop))
                    i = stop
                else:
                    raise JSLiteralError(f"expected ':' after {key!r} at offset {s._offset(i)}")
            if s._is(i, "punct", ","):
                i += 1
            elif not s._is(i, "punct", "}"):
                raise JSLiteralError(f"expected ',' or '}}' at offset {s._offset(i)}")
        return result, i + 1

    def _key(self, i: int) -> tuple[str, int]:
        s = self.s
        tok = s.tokens[i]
        if tok.kind in ("ident", "str"):
            # `async foo() {}` / `get foo() {}`: the name is the second word
            if tok.value in ("async", "get", "set") and s._is(i + 1, "ident"):
                return s.tokens[i + 1].value, i + 2
            return tok.value, i + 1
        if tok.kind == "num":
            value = tok.value
            return (str(int(value)) if float(value).is_integer() else str(value)), i + 1
        if tok.kind == "punct" and tok.value == "[":
            stop = s.expression_end(i + 1)
            if not s._is(stop, "punct", "]"):
                raise JSLiteralError(f"bad computed key at offset {tok.start}")
            key = self.read(i + 1, stop)
            return (key if isinstance(key, str) else f"[{s.text(i + 1, stop)}]"), stop + 1
        raise JSLiteralError(
            f"unexpected {tok.value!r} where a property name belongs (offset {tok.start})"
        )

    def _array(self, i: int, end: int) -> tuple[Any, int]:
        s = self.s
        result: list[Any] = []
        i += 1
        while not s._is(i, "punct", "]"):
            if i >= end:
                raise JSLiteralError("unterminated array literal")
            if s._is(i, "punct", ","):  # an elision `[1,,3]`
                result.append(None)
                i += 1
                continue
            if s._is(i, "punct", "..."):
                stop = s.expression_end(i + 1)
                spread = self.read(i + 1, stop)
                if isinstance(spread, list):
                    result.extend(spread)
                else:
                    result.append(JSExpression(s.text(i, stop)))
                i = stop
            else:
                value, i = self._element(i, end)
                result.append(value)
            if s._is(i, "punct", ","):
                i += 1
            elif not s._is(i, "punct", "]"):
                raise JSLiteralError(f"expected ',' or ']' at offset {s._offset(i)}")
        return result, i + 1


_NOT_LITERAL = object()
