"""The demo workspace's model: writes a styled deck that fits the prompt, with charts from Genie.

It answers the chat-completions requests the agent really sends (`ChatRequest`), turn by turn, as
a tool-using model would:

1. A new deck, with the Genie tool offered: it says it will look at the data and calls
   `query_genie_space` twice (revenue by region, the monthly trend).
2. Given the tool results (the agent's delimited GENIE_DATA text), it reads the columns and rows
   out of them and writes the deck: a title slide and an agenda from the prompt's words, a table
   of the figures, a bar chart and a line chart (Chart.js, drawn from those rows), the insights
   the rows support, next steps. The raw tool output never reaches a slide; a Genie error gives a
   slide saying the data was not available.
3. An edit of chosen slides ("Revise some slides…"): each slide comes back with its
   `data-slide-id`, changed as the instruction asks (shorter, a new title in quotes, an added
   point; otherwise a note of the requested change), its charts kept.
4. A follow-up on a whole deck ("The user is working on the deck…"): every slide kept with its id
   and the deck's CSS, a slide named in "remove slide N" left out, and a new slide on what was
   asked for; a follow-up that asks for a new deck ("make a deck about …") gets one, as in 1-2.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from slidegen.emulator.replies import GENIE_TOOL, ChatRequest, ModelReply, ToolCall

__all__ = ["STYLE", "deck_title", "demo_reply", "parse_tool_result", "topic_words"]

STYLE = """
.slide{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif;
  color:#1e293b;background:#ffffff;padding:56px 80px;display:flex;flex-direction:column;gap:26px}
.slide h1{font-size:66px;line-height:1.1;margin:0;letter-spacing:-0.5px}
.slide h2{font-size:44px;margin:0;color:#0f3d63;padding-bottom:12px;border-bottom:5px solid #f97316;
  align-self:flex-start}
.slide ul,.slide ol{margin:0;padding-left:36px}
.slide li{font-size:29px;line-height:1.45;margin:6px 0}
.slide li::marker{color:#f97316}
.slide p{font-size:26px;line-height:1.45;margin:0}
.slide .lead{font-size:30px;color:#334155}
.slide.title-slide{background:linear-gradient(135deg,#0f3d63 0%,#1d6fa5 100%);color:#ffffff;
  justify-content:center;padding-left:110px}
.slide.title-slide .kicker{font-size:22px;letter-spacing:3px;text-transform:uppercase;color:#fdba74}
.slide.title-slide .subtitle{font-size:30px;color:#dbeafe}
.slide table{border-collapse:collapse;width:100%;font-size:25px}
.slide th{background:#0f3d63;color:#ffffff;text-align:left;padding:12px 18px;font-weight:600}
.slide td{padding:11px 18px;border-bottom:1px solid #d7dee8}
.slide tr:nth-child(even) td{background:#f3f6fa}
.slide td.num,.slide th.num{text-align:right;font-variant-numeric:tabular-nums}
.slide tr.total td{font-weight:700;border-top:3px solid #0f3d63;background:#ffffff}
.slide .chart{position:relative;flex:1;min-height:0}
.slide .cards{display:grid;grid-template-columns:repeat(3,1fr);gap:24px}
.slide .card{background:#f1f5f9;border-radius:14px;padding:22px 26px;border-top:6px solid #1d6fa5}
.slide .card b{display:block;font-size:40px;color:#0f3d63}
.slide .card span{font-size:22px;color:#475569}
.slide .source{font-size:18px;color:#64748b;margin-top:auto}
.slide .note{font-size:22px;color:#9a3412;background:#fff7ed;border-left:6px solid #f97316;
  padding:12px 18px;margin-top:auto}
""".strip()

_COLOURS = ("#1d6fa5", "#f97316", "#10b981", "#8b5cf6", "#ef4444", "#0ea5e9", "#eab308")
_FILLER = """a an the and or of for to in on at by with about from into over under this that these
those is are be it its as our your my me we us i you please create make build write generate
prepare draft give need want deck presentation slides slide slideshow talk short brief quick some
new can could would should will show tell explain overview using use based"""
_STOPWORDS = frozenset(_FILLER.split())
_LEAD_IN = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?"
    r"(?:create|make|build|write|generate|prepare|draft|give\s+me|i\s+need|we\s+need)?\s*"
    r"(?:me\s+|us\s+)?(?:a|an|the)?\s*(?:short|brief|quick|\d+[- ]slides?)?\s*"
    r"(?:slide\s+deck|deck|presentation|slideshow|slides|talk)?\s*"
    r"(?:about|on|for|of|covering|that\s+covers|to\s+present)?\s+",
    re.I,
)
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}


# --- reading the request --------------------------------------------------------------------


@dataclass(frozen=True)
class ToolTable:
    """The table inside one Genie tool result (empty when the tool reported an error)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    error: str = ""


def parse_tool_result(text: str) -> ToolTable:
    """Columns and rows out of the agent's GENIE_DATA tool message (see `agent.genie`)."""
    if "GENIE_DATA" not in text:
        return ToolTable((), (), error=text.strip()[:300] or "no data")
    columns: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = []
    in_rows = False
    for line in text.splitlines():
        if line.startswith("<<<END GENIE_DATA"):
            break
        if line.startswith("Columns: "):
            columns = tuple(c.strip() for c in line[len("Columns: ") :].split(" | "))
        elif line.startswith("Rows (") and columns:
            in_rows = True
        elif in_rows and line.strip() and not line.startswith("["):
            cells = tuple(c.strip() for c in line.split(" | "))
            if len(cells) == len(columns):
                rows.append(cells)
    return ToolTable(columns, tuple(rows))


def _number(value: str) -> float | None:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return None


def topic_words(prompt: str, limit: int = 4) -> list[str]:
    """The prompt's content words, in order, without duplicates or filler."""
    words: list[str] = []
    for word in re.findall(r"[A-Za-z][\w&'-]*|\d+\w*", prompt):
        if word.lower() not in _STOPWORDS and word.lower() not in {w.lower() for w in words}:
            words.append(word)
        if len(words) == limit:
            break
    return words


def _title_case(text: str) -> str:
    out = []
    for index, word in enumerate(text.split()):
        if word.isupper() or any(ch.isdigit() for ch in word):
            out.append(word)
        elif index and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def deck_title(prompt: str) -> str:
    """A title from the first line of the prompt, without the "make me a deck about" lead-in."""
    line = prompt.strip().split("\n", 1)[0]
    line = re.split(r"[.!?;:](?:\s|$)", line, maxsplit=1)[0]
    subject = _LEAD_IN.sub("", " " + line.strip()).strip(" ,.-") or line.strip()
    words = subject.split()
    if len(words) > 9:
        subject = " ".join(words[:9])
    return _title_case(subject)[:80] or "Demo Deck"


# --- writing slides -----------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"${value / 1e6:.2f}M"
    if abs(value) >= 1e3:
        return f"${value / 1e3:.0f}K"
    return f"${value:,.0f}"


def _label(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _split_columns(table: ToolTable) -> tuple[int, list[int]]:
    """The label column and the numeric columns of a table."""
    numeric = [
        i
        for i in range(len(table.columns))
        if table.rows and all(_number(row[i]) is not None for row in table.rows)
    ]
    label = next((i for i in range(len(table.columns)) if i not in numeric), 0)
    return label, numeric


def chart_config(
    kind: str,
    labels: Sequence[str],
    datasets: list[dict[str, Any]],
    axis_title: str,
    *,
    font_size: int | None = None,
) -> dict[str, Any]:
    """The Chart.js configuration of a demo chart (drawn at once, filling its box, a legend
    except on bars, the first series' name on the y axis); `font_size` sets the ticks' and the
    axis title's, where the slide's theme does not."""
    y: dict[str, Any] = {"beginAtZero": kind == "bar"}
    title: dict[str, Any] = {"display": True, "text": axis_title}
    scales: dict[str, Any] = {"y": y}
    if font_size is not None:
        y["ticks"] = {"font": {"size": font_size}}
        title["font"] = {"size": font_size}
        scales["x"] = {"ticks": {"font": {"size": font_size}}}
    y["title"] = title
    return {
        "type": kind,
        "data": {"labels": list(labels), "datasets": datasets},
        "options": {
            "animation": False,
            "responsive": True,
            "maintainAspectRatio": False,
            "plugins": {"legend": {"display": kind != "bar"}},
            "scales": scales,
        },
    }


def _chart_script(canvas: str, kind: str, labels: Sequence[str], series: dict[str, list]) -> str:
    datasets = []
    for index, (name, values) in enumerate(series.items()):
        colour = _COLOURS[index % len(_COLOURS)]
        dataset: dict = {"label": name, "data": values}
        if kind == "bar":
            dataset["backgroundColor"] = [_COLOURS[i % len(_COLOURS)] for i in range(len(values))]
            dataset["borderRadius"] = 6
        else:
            dataset.update(
                borderColor=colour,
                backgroundColor=colour + "33",
                fill=True,
                tension=0.3,
                pointRadius=4,
            )
        datasets.append(dataset)
    config = chart_config(kind, labels, datasets, next(iter(series), ""), font_size=16)
    return f"new Chart(document.getElementById('{canvas}'), {json.dumps(config)});"


def _slide(body: str, css_class: str = "slide", script: str = "") -> str:
    tail = f"<script>{script}</script>" if script else ""
    return f'<div class="{css_class}">{body}{tail}</div>'


def table_rows(table: ToolTable, limit: int = 8, num_class: str = "num") -> tuple[str, str]:
    """The `<tr>` of a table's header and the `<tr>`s of its body (at most `limit` rows, then a
    total row when the table has figures), money formatted, numbers in `num_class` cells."""
    label, numeric = _split_columns(table)
    order = [label, *numeric]
    head = "".join(
        f'<th class="{num_class if i in numeric else ""}">{_esc(_label(table.columns[i]))}</th>'
        for i in order
    )
    body = []
    for row in table.rows[:limit]:
        cells = []
        for i in order:
            value = _number(row[i]) if i in numeric else None
            shown = (
                _money(value)
                if value is not None and "revenue" in table.columns[i].lower()
                else (f"{value:,.0f}" if value is not None else row[i])
            )
            cells.append(f'<td class="{num_class if i in numeric else ""}">{_esc(shown)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    if numeric and len(table.rows) > 1:
        totals = []
        for i in order:
            if i == label:
                totals.append("<td>Total</td>")
                continue
            total = sum(_number(row[i]) or 0 for row in table.rows)
            shown = _money(total) if "revenue" in table.columns[i].lower() else f"{total:,.0f}"
            totals.append(f'<td class="{num_class}">{_esc(shown)}</td>')
        body.append('<tr class="total">' + "".join(totals) + "</tr>")
    return f"<tr>{head}</tr>", "".join(body)


def _table_slide(table: ToolTable, title: str) -> str:
    head, body = table_rows(table)
    return _slide(
        f"<h2>{_esc(title)}</h2><table><thead>{head}</thead>"
        f"<tbody>{body}</tbody></table>"
        '<p class="source">Source: demo Genie space, 2024 sales</p>'
    )


def chart_series(table: ToolTable) -> tuple[list[str], dict[str, list[float]]]:
    """A chart's labels (the label column) and its one series (the first numeric column)."""
    label, numeric = _split_columns(table)
    labels = [row[label] for row in table.rows]
    series = {}
    for i in numeric[:1]:
        values = [_number(row[i]) or 0.0 for row in table.rows]
        name = _label(table.columns[i])
        if "revenue" in table.columns[i].lower() and max(values, default=0) >= 1e6:
            # Axis ticks in millions read better than 4,500,000 (the rows stay the source).
            values, name = [round(v / 1e6, 2) for v in values], f"{name} ($M)"
        series[name] = values
    return labels, series


def _chart_slide(table: ToolTable, title: str, canvas: str, kind: str) -> str:
    labels, series = chart_series(table)
    return _slide(
        f'<h2>{_esc(title)}</h2><div class="chart"><canvas id="{canvas}"></canvas></div>'
        '<p class="source">Source: demo Genie space, 2024 sales</p>',
        script=_chart_script(canvas, kind, labels, series),
    )


def _insights(tables: list[ToolTable]) -> list[str]:
    points: list[str] = []
    for table in tables:
        label, numeric = _split_columns(table)
        if not numeric or not table.rows:
            continue
        values = [(_number(row[numeric[0]]) or 0.0, row[label]) for row in table.rows]
        total = sum(v for v, _ in values) or 1.0
        what = _label(table.columns[numeric[0]]).lower()
        if re.search(r"month|date|week|quarter|year", table.columns[label], re.I):
            first, last = values[0], values[-1]
            best = max(values)
            change = (last[0] - first[0]) / first[0] * 100 if first[0] else 0.0
            points.append(
                f"{_label(what)} went from {_money(first[0])} in {first[1]} to "
                f"{_money(last[0])} in {last[1]} ({change:+.0f}%)."
            )
            points.append(f"The strongest month was {best[1]}, with {_money(best[0])}.")
        else:
            ranked = sorted(values, reverse=True)
            top, low = ranked[0], ranked[-1]
            points.append(
                f"{top[1]} leads with {_money(top[0])}, {top[0] / total:.0%} of total {what}."
            )
            if len(ranked) > 2:
                top_two = (ranked[0][0] + ranked[1][0]) / total
                points.append(f"{ranked[0][1]} and {ranked[1][1]} bring in {top_two:.0%}.")
            points.append(f"{low[1]} is the smallest at {_money(low[0])}: room to grow.")
    return points[:5]


def _new_deck(prompt: str, tables: list[ToolTable], errors: list[str]) -> str:
    title = deck_title(prompt)
    words = topic_words(title) or topic_words(prompt) or ["the topic"]
    focus = " ".join(words[:2])
    slides = [
        _slide(
            '<p class="kicker">Demo workspace</p>'
            f"<h1>{_esc(title)}</h1>"
            f'<p class="subtitle">{_esc(_title_case(focus))}: where we stand and what comes '
            "next</p>",
            "slide title-slide",
        ),
        _slide(
            "<h2>Agenda</h2><ol>"
            f"<li>Why {_esc(focus)} matters now</li>"
            + ("<li>The figures: revenue by region and month</li>" if tables else "")
            + "<li>What the numbers tell us</li><li>Next steps</li></ol>"
        ),
    ]
    by_region = next((t for t in tables if not _is_series(t)), None)
    by_month = next((t for t in tables if _is_series(t)), None)
    if by_region is not None:
        slides.append(_table_slide(by_region, "Key figures by region"))
        slides.append(_chart_slide(by_region, "Revenue by region", "chart-by-region", "bar"))
    if by_month is not None:
        slides.append(_chart_slide(by_month, "Monthly revenue trend", "chart-by-month", "line"))
    points = _insights(tables)
    if points:
        slides.append(
            "".join(
                [
                    '<div class="slide"><h2>What the data says</h2><ul>',
                    *(f"<li>{_esc(p)}</li>" for p in points),
                    "</ul></div>",
                ]
            )
        )
    if errors or not tables:
        slides.append(
            _slide(
                '<h2>Data</h2><p class="lead">The figures for this deck were not available '
                "from Genie, so this deck shows none rather than made-up numbers.</p>"
            )
        )
    slides.append(
        _slide(
            "<h2>Next steps</h2><ul>"
            f"<li>Agree on the priorities for {_esc(focus)}</li>"
            + (
                f"<li>Double down where {_esc(_top_label(by_region))} leads</li>"
                if by_region is not None
                else ""
            )
            + "<li>Name an owner and a date for each action</li>"
            "<li>Review the figures again next quarter</li></ul>"
        )
    )
    slides = _fit_count(slides, requested_slide_count(prompt), focus)
    return f"<title>{_esc(title)}</title>\n<style>\n{STYLE}\n</style>\n" + "\n".join(slides)


_NUMBER_WORDS = {"five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT_RE = re.compile(
    r"\b(\d{1,2}|five|six|seven|eight|nine|ten)[\s-]*(?:slides?|pages?)\b", re.IGNORECASE
)
MIN_SLIDES, MAX_SLIDES = 5, 8


def requested_slide_count(prompt: str) -> int | None:
    """The slide count the prompt asks for ("a 6-slide review", "six slides"), kept within the
    demo's 5-8; None when it names none."""
    found = _COUNT_RE.search(prompt)
    if not found:
        return None
    word = found.group(1).lower()
    count = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    return max(MIN_SLIDES, min(MAX_SLIDES, count))


def _fit_count(slides: list[str], wanted: int | None, focus: str) -> list[str]:
    """Drop the least essential slides (agenda, then the data summary) or add discussion slides
    before the closing one until the deck has `wanted` slides."""
    if wanted is None:
        return slides
    slides = list(slides)
    for marker in ("<h2>Agenda</h2>", "<h2>What the data says</h2>", "<h2>Data</h2>"):
        if len(slides) <= wanted:
            break
        slides = [s for s in slides if marker not in s]
    extras = [
        _slide(
            "<h2>Risks to watch</h2><ul>"
            f"<li>Assumptions behind {_esc(focus)} that the data does not yet confirm</li>"
            "<li>Dependencies on other teams and their timelines</li>"
            "<li>Signals that would make us change course</li></ul>"
        ),
        _slide(
            "<h2>Questions for discussion</h2><ul>"
            f"<li>Where should {_esc(focus)} get more investment?</li>"
            "<li>Which figures do we need to see next time?</li>"
            "<li>Who else should be in this conversation?</li></ul>"
        ),
    ]
    while len(slides) < wanted and extras:
        slides.insert(len(slides) - 1, extras.pop(0))
    return slides


def _is_series(table: ToolTable) -> bool:
    label, _ = _split_columns(table)
    return bool(table.columns) and bool(
        re.search(r"month|date|week|quarter|year", table.columns[label], re.I)
    )


def _top_label(table: ToolTable | None) -> str:
    if table is None:
        return ""
    label, numeric = _split_columns(table)
    if not numeric:
        return table.rows[0][label] if table.rows else ""
    return max(table.rows, key=lambda row: _number(row[numeric[0]]) or 0.0)[label]


# --- edits and follow-ups -------------------------------------------------------------------


def _slides_in(prompt: str) -> list[tuple[HtmlElement, list[HtmlElement]]]:
    """Each slide container of the prompt with the scripts that follow it."""
    root = lxml.html.fromstring(f"<div>{prompt}</div>")
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.get("data-slide-id") is None:
            continue
        scripts = []
        for sibling in element.itersiblings():
            if sibling.tag != "script":
                break
            scripts.append(sibling)
        found.append((element, scripts))
    return found


def _serialise(element: HtmlElement, scripts: list[HtmlElement]) -> str:
    for script in scripts:  # the scripts go inside the container, as the system prompt asks
        script.tail = None
        element.append(script)
    element.tail = None
    return lxml.html.tostring(element, encoding="unicode")


def _quoted(text: str) -> str | None:
    match = re.search(r"[\"“']([^\"”']{2,80})[\"”']", text)
    return match.group(1).strip() if match else None


def _revise(element: HtmlElement, instruction: str) -> None:
    lower = instruction.lower()
    changed = False
    if re.search(r"\b(shorter|concise|fewer|less text|trim|tighten|simplif)", lower):
        for items in element.iter("ul", "ol"):
            for extra in list(items)[3:]:
                items.remove(extra)
        changed = True
    new_title = _quoted(instruction)
    heading = next(element.iter("h1", "h2"), None)
    if new_title and heading is not None and re.search(r"\b(title|heading|rename|call)", lower):
        heading.text = new_title
        for child in list(heading):
            heading.remove(child)
        changed = True
    if re.search(r"\b(add|include|mention)\b", lower) and not changed:
        lists = list(element.iter("ul", "ol"))
        point = (
            re.sub(
                r"^.*?\b(?:add|include|mention)\b\s*(?:a\s+point\s+(?:on|about)\s+)?",
                "",
                instruction,
                flags=re.I,
            ).strip(" .")
            or instruction
        )
        if lists:
            item = lxml.html.Element("li")
            item.text = point[:1].upper() + point[1:120]
            lists[-1].append(item)
            changed = True
    for old in element.find_class("note"):
        old.getparent().remove(old)
    if not changed:
        note = lxml.html.Element("p", {"class": "note"})
        note.text = f"Revised as asked: {instruction.strip()[:160]}"
        element.append(note)


def _edit_reply(prompt: str) -> str:
    instruction = _between(prompt, "Instruction from the user:", "The deck's shared CSS")
    revised = []
    for element, scripts in _slides_in(prompt):
        _revise(element, instruction or "revise")
        revised.append(_serialise(element, scripts))
    return "\n".join(revised)


def added_subject(instruction: str) -> tuple[str, str]:
    """What a follow-up asks a new slide to be about ("add a slide on churn" -> "churn"; the
    whole instruction when it names none), and the new slide's heading from it."""
    subject = re.sub(
        r"^.*?\b(?:add|include|insert)\b\s*(?:a|an|one|another|new)?\s*(?:slide|section)?\s*"
        r"(?:on|about|for|with|covering)?\s*",
        "",
        instruction,
        flags=re.I,
    ).strip(" .") or instruction.strip(" .")
    return subject, _title_case(subject[:60]) or "More"


def _follow_up_reply(prompt: str) -> str:
    instruction = _between(prompt, "and asks:", "Here is the deck as it stands")
    slides = _slides_in(prompt)
    remove = {
        int(n) for n in re.findall(r"\b(?:remove|delete|drop)\s+slide\s+(\d+)", instruction, re.I)
    }
    kept = [_serialise(el, sc) for i, (el, sc) in enumerate(slides, 1) if i not in remove]
    if not remove or re.search(r"\b(add|new|another|include|more)\b", instruction, re.I):
        subject, heading = added_subject(instruction)
        words = topic_words(subject) or [heading]
        points = [
            f"What {_esc(' '.join(words[:2]))} means for us",
            "What we know today, and what we still need to find out",
            "The decision we need, and by when",
        ]
        new_slide = _slide(
            f"<h2>{_esc(heading)}</h2><ul>" + "".join(f"<li>{p}</li>" for p in points) + "</ul>"
        )
        position = len(kept) - 1 if len(kept) > 2 else len(kept)  # before the closing slide
        kept.insert(position, new_slide)
    styles = _between(prompt, "<style>", "</style>")
    return (f"<style>\n{styles}\n</style>\n" if styles else "") + "\n".join(kept)


def _between(text: str, start: str, end: str) -> str:
    _, found, rest = text.partition(start)
    if not found:
        return ""
    return rest.split(end, 1)[0].strip()


# --- the model --------------------------------------------------------------------------------


_NEW_DECK = re.compile(
    r"^\s*(?:please\s+)?(?:create|make|build|write|generate|prepare|draft)\b.*\b"
    r"(?:deck|presentation|slides|slideshow)\b",
    re.I,
)


def demo_reply(request: ChatRequest) -> ModelReply:
    """One turn of the demo model (see the module docstring)."""
    prompt = request.last_user_text
    if "data-slide-id" in prompt and "Instruction from the user:" in prompt:
        return ModelReply(text=_edit_reply(prompt))
    if "data-slide-id" in prompt and "and asks:" in prompt:
        instruction = _between(prompt, "and asks:", "Here is the deck as it stands")
        if not _NEW_DECK.search(instruction):
            return ModelReply(text=_follow_up_reply(prompt))
        prompt = instruction  # "make a deck about …" on a deck with slides: a new deck
    results = request.tool_results()
    if request.offers_tool(GENIE_TOOL) and not results:
        topic = deck_title(prompt)
        return ModelReply(
            text="I'll look up the figures in Genie first.\n",
            tool_calls=(
                ToolCall(GENIE_TOOL, {"question": f"Total revenue by region in 2024 ({topic})"}),
                ToolCall(GENIE_TOOL, {"question": f"Monthly revenue trend in 2024 ({topic})"}),
            ),
        )
    parsed = [parse_tool_result(r) for r in results]
    tables = [t for t in parsed if t.rows]
    errors = [t.error for t in parsed if t.error]
    deck = _new_deck(prompt, tables, errors)
    count = deck.count('<div class="slide')
    source = " with figures from the demo Genie space" if tables else ""
    return ModelReply(text=f"{deck}\nHere is a {count}-slide deck{source}.")
