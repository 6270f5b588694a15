"""What parsing a deck kept and took out, and why: the report shown after an import.

The parser and the sanitiser note each removal as a `Removal` (an external script, style sheet,
font or image, an iframe, script code that drew on no slide…). `ParseReport.summary()` groups
them into a few lines a user can read: "2 external scripts (cdn.example.com/reveal.js, …):
scripts are not loaded from other sites; Chart.js is built in".
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["REASONS", "ParseReport", "Removal", "removal_for_url"]

# Why each kind of thing is removed, in the words the report uses.
REASONS: dict[str, str] = {
    "external script": "scripts are not loaded from other sites (Chart.js is built in)",
    "stylesheet": "style sheets are not loaded from other sites",
    "font": "fonts are not loaded from other sites; a local fallback font is used",
    "image": "images must be embedded in the deck (data: URIs); others are not loaded",
    "media": "video and audio must be embedded in the deck; others are not loaded",
    "iframe": "embedded pages are not allowed in slides",
    "embedded object": "plugins and embedded objects are not allowed in slides",
    "link": "links to other pages are removed; their text stays",
    "page CSS": "layout rules for the whole page are ignored: each slide has its own page",
}
_EXAMPLES = 3
# Script code removed for one of these causes is summed up in one line per cause.
_CAUSES = {
    "missing": "it refers to elements no slide has (the page's own controls, or a chart whose "
    "canvas is gone)",
    "navigation": "the deck's own navigation: here each slide has its own page",
}


@dataclass(frozen=True)
class Removal:
    kind: str  # a key of REASONS, or "script code"
    what: str  # the URL, a CSS rule or the first line of the code
    reason: str = ""
    slide: int | None = None  # 1-based number of the slide it was in, None if outside them
    cause: str = ""  # for script code: "missing", "navigation", "library", "dependent"

    @property
    def why(self) -> str:
        return self.reason or REASONS.get(self.kind, "not allowed in slides")


@dataclass(frozen=True)
class ParseReport:
    removed: tuple[Removal, ...] = ()
    slides_with_moved_scripts: tuple[int, ...] = ()  # 1-based numbers

    def summary(self) -> list[str]:
        """One line per kind of removal (and per reason, for script code)."""
        groups: dict[tuple[str, str], list[Removal]] = {}
        for item in self.removed:
            why = _CAUSES.get(item.cause, item.why) if item.kind == "script code" else item.why
            groups.setdefault((item.kind, why), []).append(item)
        lines = []
        for (kind, why), items in groups.items():
            if kind == "script code" and items[0].cause == "dependent":
                continue  # follows from another line: code depending on code removed for it
            examples = list(dict.fromkeys(_short(i.what) for i in items))
            shown = ", ".join(examples[:_EXAMPLES]) + (", …" if len(examples) > _EXAMPLES else "")
            label = _plural(kind, len(items))
            lines.append(f"{label} ({shown}): {why}")
        dependents = sum(
            1 for i in self.removed if i.kind == "script code" and i.cause == "dependent"
        )
        if dependents:
            lines.append(
                f"{_plural('script statement', dependents)} that used removed code, removed too"
            )
        return lines


def removal_for_url(kind: str, url: str, slide: int | None) -> Removal:
    return Removal(kind=kind, what=url.strip(), slide=slide)


def _plural(kind: str, count: int) -> str:
    if kind == "script code":
        return f"{count} piece{'s' if count != 1 else ''} of script code"
    if kind == "page CSS":
        return f"{count} page layout rule{'s' if count != 1 else ''}"
    return f"{count} {kind}{'s' if count != 1 else ''}"


def _short(text: str) -> str:
    parts = urlsplit(text) if "://" in text or text.startswith("//") else None
    if parts is not None and parts.netloc:
        text = parts.netloc + parts.path
    return text if len(text) <= 60 else text[:59] + "…"
