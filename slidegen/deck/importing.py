"""Importing an existing deck: an uploaded `.html` file or pasted HTML becomes a new deck.

The same parser as for model answers makes the slides (`parse_deck_html`), so an imported deck
gets the same treatment: its chart scripts assigned to their slides, its page-level CSS kept off
the slide pages, external resources removed. The result says what was kept and what was removed
and why, for the short report the import dialog shows. A file that is not a deck (not HTML, no
slide in it, too large) raises `DeckImportError` with a message for the user; nothing is made.

No Reflex and no store here: the web layer calls `read_deck_file` / `read_pasted_deck` and saves
the result with `DeckStore.create_deck(..., imported_from=...)`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import PurePath

from slidegen.deck.model import MAX_TITLE_CHARS, Slide
from slidegen.deck.parse import DeckParseError, parse_deck_html
from slidegen.deck.report import ParseReport

__all__ = [
    "ALLOWED_SUFFIXES",
    "MAX_IMPORT_BYTES",
    "DeckImportError",
    "ImportedDeck",
    "read_deck_file",
    "read_pasted_deck",
]

MAX_IMPORT_BYTES = 5_000_000
ALLOWED_SUFFIXES = (".html", ".htm")
PASTED = "pasted HTML"

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_MARKUP_RE = re.compile(r"<\s*(!doctype|html|head|body|div|section|main|article|style)\b", re.I)
_CANVAS_RE = re.compile(r"<canvas\b", re.IGNORECASE)


class DeckImportError(ValueError):
    """The input cannot become a deck; the message is meant for the user."""


@dataclass(frozen=True)
class ImportedDeck:
    title: str
    styles: str
    slides: tuple[Slide, ...]
    source: str  # the file name, or "pasted HTML"
    report: ParseReport

    @property
    def kept(self) -> list[str]:
        """What the new deck holds, in a few lines."""
        count = len(self.slides)
        lines = [f"{count} slide{'s' if count != 1 else ''}"]
        charts = sum(
            len(_CANVAS_RE.findall(s.html)) for s in self.slides if "Chart(" in "".join(s.scripts)
        )
        if charts:
            lines.append(f"{charts} chart{'s' if charts != 1 else ''} (Chart.js)")
        notes = sum(1 for s in self.slides if s.notes)
        if notes:
            lines.append(f"speaker notes on {notes} slide{'s' if notes != 1 else ''}")
        moved = self.report.slides_with_moved_scripts
        if moved:
            numbers = ", ".join(str(n) for n in moved[:10]) + (", …" if len(moved) > 10 else "")
            lines.append(
                "script code that sat outside its slide now runs with it "
                f"(slide{'s' if len(moved) != 1 else ''} {numbers})"
            )
        return lines

    @property
    def removed(self) -> list[str]:
        return self.report.summary()


def read_deck_file(filename: str, data: bytes) -> ImportedDeck:
    """An uploaded file: `.html`/`.htm`, at most 5 MB, holding at least one slide."""
    name = PurePath(filename or "").name or "upload"
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise DeckImportError(f"{name} is not an HTML file: choose a .html file.")
    _check_size(len(data), name)
    text = _decode(data)
    if "\x00" in text[:8192]:
        raise DeckImportError(f"{name} is not an HTML file (it holds binary data).")
    return _imported(text, name, PurePath(name).stem)


def read_pasted_deck(text: str) -> ImportedDeck:
    """HTML pasted into the dialog."""
    if not text.strip():
        raise DeckImportError("Paste the HTML of a deck first.")
    _check_size(len(text.encode()), "The pasted HTML")
    return _imported(text, PASTED, "")


def _check_size(size: int, label: str) -> None:
    if size > MAX_IMPORT_BYTES:
        raise DeckImportError(
            f"{label} is {size / 1_000_000:.1f} MB; decks up to "
            f"{MAX_IMPORT_BYTES // 1_000_000} MB can be imported."
        )


def _decode(data: bytes) -> str:
    """Text of an HTML file: a BOM, else UTF-8, else the charset its <meta> names, else
    Windows-1252 (what browsers assume for unlabelled legacy pages)."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET_RE.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("cp1252", errors="replace")


def _imported(text: str, source: str, fallback_title: str) -> ImportedDeck:
    if not _MARKUP_RE.search(text):
        raise DeckImportError(f"{_label(source)} is not HTML: no HTML elements in it.")
    try:
        parsed = parse_deck_html(text)
    except DeckParseError as error:
        message = str(error)
        if message.startswith("no slide found"):
            raise DeckImportError(
                f"{_label(source)} holds no slides: a deck has one element per slide, with "
                'class "slide" (<div class="slide">) or as <section> elements.'
            ) from None
        raise DeckImportError(f"{_label(source)} cannot be imported: {message}.") from None
    title = parsed.title or fallback_title or next((s.title for s in parsed.slides if s.title), "")
    title = " ".join(title.split())[:MAX_TITLE_CHARS] or "Imported deck"
    return ImportedDeck(
        title=title,
        styles=parsed.styles,
        slides=parsed.slides,
        source=source,
        report=parsed.report,
    )


def _label(source: str) -> str:
    return "The pasted HTML" if source == PASTED else source
