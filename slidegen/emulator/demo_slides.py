"""The demo model's answers to the agent's outline-first calls (protocol in `replies`):

- `outline_reply`: an outline as JSON Lines from the request (a title from the prompt, the
  slide count it asks for, a table, KPI cards and charts on the demo Genie data, the questions
  each slide needs; text slides only when the system message says no data space is
  connected); for a follow-up on an existing deck, `{"keep": N}` for the slides it does not
  touch, none for a slide it is told to remove, a rewritten entry for a slide it is told to
  change, and a new entry for what it is told to add.
- `slide_reply`: one `<section class="slide sg-slide">` for one outline entry, in its layout,
  from the Genie answers in the call's `Data:` section (tables and Chart.js charts through the
  same builders as the whole-deck demo, `demo_model`), written in the theme's layout vocabulary
  (`sg-title`, `sg-two-col`, `sg-kpis`, `sg-chart-text`, `sg-table`, `sg-quote`; see
  `slidegen.deck.themes`) so the theme gives it its colours and fonts; a chart's canvas id is
  unique per slide and its colours come from the theme's palette when it is drawn.
- `fit_reply`: the slide written earlier in the conversation, shorter (half the table rows,
  three points per list, no source line), for a `The slide does not fit:` retry.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

import lxml.html

from slidegen.emulator.demo_model import (
    ToolTable,
    _insights,
    _is_series,
    _label,
    _money,
    _number,
    _split_columns,
    _title_case,
    added_subject,
    chart_config,
    chart_series,
    deck_title,
    parse_tool_result,
    table_rows,
    topic_words,
)
from slidegen.emulator.replies import ChatRequest, ModelReply

__all__ = ["LAYOUTS", "fit_reply", "outline_reply", "slide_reply"]

LAYOUTS = ("title", "two-column", "kpi", "chart", "table", "quote", "text")
MIN_SLIDES, MAX_SLIDES, DEFAULT_SLIDES = 3, 12, 8

_NUMBER_WORDS = {
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_COUNT = re.compile(
    r"\b(\d{1,2}|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]*(?:slides?|pages?)\b",
    re.I,
)
_NEW_DECK = re.compile(
    r"^\s*(?:please\s+)?(?:create|make|build|write|generate|prepare|draft)\b.*\b"
    r"(?:deck|presentation|slides|slideshow)\b",
    re.I,
)
_SOURCE = "Source: demo Genie space, 2024 sales"
# How the agent's outline prompt says that no Genie space answers data questions.
_NO_DATA = "no data space is connected"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def slide_count(prompt: str) -> int:
    """The slide count the prompt asks for, within 3-12; 8 when it names none."""
    found = _COUNT.search(prompt)
    if not found:
        return DEFAULT_SLIDES
    word = found.group(1).lower()
    count = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    return max(MIN_SLIDES, min(MAX_SLIDES, count))


# --- the outline --------------------------------------------------------------------------


def _entry(title: str, intent: str, layout: str, data: Sequence[str] = ()) -> dict[str, Any]:
    return {"title": title, "intent": intent, "layout": layout, "data": list(data)}


def _jsonl(lines: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def _questions(title: str) -> tuple[str, str]:
    return (
        f"Total revenue by region in 2024 ({title})",
        f"Monthly revenue trend in 2024 ({title})",
    )


def _new_outline(prompt: str, with_data: bool = True) -> str:
    title = deck_title(prompt)
    focus = " ".join(topic_words(title)[:2] or topic_words(prompt)[:2]) or "the topic"
    regions, months = _questions(title)
    # (priority, entry): the lowest priorities go first when the deck must be shorter.
    core = [
        (9, _entry(title, f"{_title_case(focus)}: where we stand and what comes next", "title")),
        (2, _entry("Agenda", "What this deck covers, in order", "text")),
        (5, _entry("Headline numbers", "The three figures to remember", "kpi", [regions])),
        (7, _entry("Revenue by region", "Which regions bring in the revenue", "chart", [regions])),
        (
            6,
            _entry("Key figures by region", "Revenue and deals won per region", "table", [regions]),
        ),
        (7, _entry("Monthly revenue trend", "How revenue moved through 2024", "chart", [months])),
        (
            4,
            _entry(
                "What the data says",
                "The insights the figures support",
                "two-column",
                [regions, months],
            ),
        ),
        (8, _entry("Next steps", f"The actions that follow for {focus}", "text")),
    ]
    extras = [
        _entry("Risks to watch", f"What could change the picture for {focus}", "text"),
        _entry("In their words", "What customers tell us", "quote"),
        _entry("Questions for discussion", "What we need to decide together", "text"),
        _entry("Appendix: the figures", "The full figures behind the charts", "table", [regions]),
    ]
    wanted = slide_count(prompt)
    entries = list(core)
    while len(entries) > wanted:
        entries.remove(min(entries, key=lambda pair: pair[0]))
    slides = [entry for _, entry in entries]
    if not with_data:  # told there is no data space: no questions, so no figures either
        for entry in slides:
            if entry["data"]:
                entry.update(layout="text", data=[])
    while len(slides) < wanted and extras:
        slides.insert(len(slides) - 1, extras.pop(0))
    return _jsonl([{"title": title}, *slides])


def _follow_up_outline(instruction: str, deck: list[tuple[int, str]], deck_name: str) -> str:
    lower = instruction.lower()
    remove = {int(n) for n in re.findall(r"\b(?:remove|delete|drop)\s+slide\s+(\d+)", lower)}
    change = {
        int(n)
        for n in re.findall(
            r"\b(?:change|revise|update|rewrite|edit|shorten|fix|improve|redo)\s+slide\s+(\d+)",
            lower,
        )
    }
    title = deck_name or (deck[0][1] if deck else deck_title(instruction))
    lines: list[dict[str, Any]] = [{"title": title}]
    for number, slide_title in deck:
        if number in remove:
            continue
        if number in change:
            lines.append(_entry(slide_title, instruction.strip()[:160], "text"))
        else:
            lines.append({"keep": number})
    adds = re.search(r"\b(add|new|another|include|more)\b", lower)
    if adds or not (remove or change):
        subject, heading = added_subject(instruction)
        regions, months = _questions(title)
        if re.search(r"\b(trend|month|over time|growth)\b", lower):
            entry = _entry(heading, f"What the trend says about {subject[:80]}", "chart", [months])
        elif re.search(r"\b(chart|region|revenue|figures|numbers)\b", lower):
            entry = _entry(heading, f"The figures on {subject[:80]}", "chart", [regions])
        else:
            entry = _entry(heading, f"What {subject[:80]} means for us", "text")
        position = len(lines) - 1 if len(lines) > 3 else len(lines)  # before the closing slide
        lines.insert(position, entry)
    return _jsonl(lines)


def outline_reply(request: ChatRequest) -> ModelReply:
    """The outline of a new deck, or of a follow-up on the `Current deck:` it lists."""
    prompt = request.request_text
    deck = request.current_deck
    if deck and not _NEW_DECK.search(prompt):
        return ModelReply(text=_follow_up_outline(prompt, deck, request.current_deck_title))
    with_data = _NO_DATA not in request.system_text.lower()
    return ModelReply(text=_new_outline(prompt, with_data))


# --- one slide ----------------------------------------------------------------------------
# The theme's layout vocabulary (`slidegen.deck.themes`): the theme styles these classes from
# its CSS custom properties, so a slide carries no colours or fonts of its own.


def _section(layout: str, body: str, classes: str = "") -> str:
    extra = f" {classes}" if classes else ""
    return f'<section class="slide sg-slide{extra}" data-layout="{layout}">{body}</section>'


def _heading(title: str) -> str:
    return f"<h2>{_esc(title)}</h2>"


def _source() -> str:
    return f'<p class="sg-small sg-muted">{_SOURCE}</p>'


def _bullets(points: Sequence[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{_esc(p)}</li>" for p in points) + f"</{tag}>"


def _chart_script(canvas: str, kind: str, labels: Sequence[str], series: dict) -> str:
    """Chart.js code whose colours come from the theme: `window.SG_THEME.palette`, else the
    `--sg-chart-1` / `--sg-accent` custom properties (the theme sets Chart.js's text colour,
    grid and font itself)."""
    datasets = [{"label": name, "data": values} for name, values in series.items()]
    config = chart_config(kind, labels, datasets, next(iter(series), ""))
    return (
        "(function () {\n"
        f"  const canvas = document.getElementById('{canvas}');\n"
        "  const css = getComputedStyle(canvas);\n"
        "  const pick = (name, fallback) => css.getPropertyValue(name).trim() || fallback;\n"
        "  const accent = pick('--sg-chart-1', pick('--sg-accent', '#1d6fa5'));\n"
        "  const palette = (window.SG_THEME && window.SG_THEME.palette) || [accent];\n"
        f"  const config = {json.dumps(config)};\n"
        "  for (const dataset of config.data.datasets) {\n"
        "    if (config.type === 'bar') {\n"
        "      dataset.backgroundColor = dataset.data.map((_, i) => palette[i % palette.length]);\n"
        "    } else {\n"
        "      dataset.borderColor = palette[0];\n"
        "      dataset.backgroundColor = palette[0] + '33';\n"
        "      dataset.fill = true;\n"
        "      dataset.tension = 0.3;\n"
        "    }\n"
        "  }\n"
        "  new Chart(canvas, config);\n"
        "})();"
    )


def _no_data(title: str, errors: list[str]) -> str:
    why = "Genie could not answer the question for this slide" if errors else "no data was given"
    return _section(
        "text",
        f"{_heading(title)}<p>The figures for this slide are not available ({why}), so it "
        "shows none rather than made-up numbers.</p>",
    )


def _table_section(title: str, table: ToolTable) -> str:
    head, body = table_rows(table, num_class="sg-num")
    return _section(
        "table",
        f'{_heading(title)}<table class="sg-table"><thead>{head}</thead><tbody>{body}</tbody>'
        f"</table>{_source()}",
    )


def _chart_section(number: int, title: str, table: ToolTable, intent: str) -> str:
    canvas = f"sg-chart-{number}"
    labels, series = chart_series(table)
    kind = "line" if _is_series(table) else "bar"
    points = _insights([table])[:2] or [intent]
    text = "".join(f"<p>{_esc(p)}</p>" for p in points)
    section = _section(
        "chart",
        f'{_heading(title)}<div class="sg-chart-text" style="flex:1;min-height:0">'
        f'<div class="sg-chart" style="position:relative;min-height:0">'
        f'<canvas id="{canvas}"></canvas></div><div class="sg-text">{text}</div></div>'
        f"{_source()}",
    )
    return f"{section}\n<script>\n{_chart_script(canvas, kind, labels, series)}\n</script>"


def _kpi_section(title: str, table: ToolTable) -> str:
    label, numeric = _split_columns(table)
    cards: list[tuple[str, str]] = []
    if numeric:
        first = numeric[0]
        values = [(_number(row[first]) or 0.0, row[label]) for row in table.rows]
        money = "revenue" in table.columns[first].lower()
        total = sum(v for v, _ in values)
        top = max(values)
        what = _label(table.columns[first]).lower()
        cards.append((_money(total) if money else f"{total:,.0f}", f"total {what}"))
        cards.append((_money(top[0]) if money else f"{top[0]:,.0f}", f"{top[1]}, the largest"))
        if len(numeric) > 1:
            second = sum(_number(row[numeric[1]]) or 0 for row in table.rows)
            cards.append((f"{second:,.0f}", _label(table.columns[numeric[1]]).lower()))
        else:
            cards.append((str(len(values)), f"{_label(table.columns[label]).lower()}s"))
    body = "".join(
        f'<div class="sg-kpi"><div class="sg-kpi-value">{_esc(value)}</div>'
        f'<div class="sg-kpi-label">{_esc(caption)}</div></div>'
        for value, caption in cards
    )
    return _section("kpi", f'{_heading(title)}<div class="sg-kpis">{body}</div>{_source()}')


def _title_section(spec: dict[str, Any]) -> str:
    title = str(spec.get("deck_title") or spec.get("title") or "Demo Deck")
    subtitle = str(spec.get("intent") or "")
    return _section(
        "title",
        f'<p class="sg-kicker">Demo workspace</p><h1>{_esc(title)}</h1>'
        f'<p class="sg-subtitle">{_esc(subtitle)}</p>',
        "sg-title",
    )


def _text_points(spec: dict[str, Any], tables: list[ToolTable]) -> tuple[list[str], bool]:
    """The points of a text slide, and whether they are a numbered list."""
    title = str(spec.get("title") or "")
    intent = str(spec.get("intent") or "")
    number = spec.get("slide")
    if re.search(r"\bagenda\b", title, re.I):
        outline = [str(t) for t in spec.get("outline") or []]
        skip = {0, (number - 1) if isinstance(number, int) else -1}
        return [t for i, t in enumerate(outline) if i not in skip][:6] or [intent], True
    if re.search(r"\bnext steps?\b", title, re.I):
        return [
            f"Agree on the priorities for {spec.get('deck_title') or 'the quarter'}",
            "Name an owner and a date for each action",
            "Review the figures again next quarter",
        ], False
    points = _insights(tables)
    if points:
        return points[:4], False
    words = " ".join(topic_words(title)[:2]) or title.lower()
    return [
        intent or f"Why {words} matters now",
        "What we know today, and what we still need to find out",
        "The decision we need, and by when",
    ], False


def slide_reply(request: ChatRequest) -> ModelReply:
    """One slide for the outline entry in the call's JSON block, from the data it was given."""
    spec = request.slide_spec
    number = spec.get("slide") if isinstance(spec.get("slide"), int) else 1
    title = str(spec.get("title") or f"Slide {number}")
    layout = spec.get("layout") if spec.get("layout") in LAYOUTS else "text"
    parsed = [parse_tool_result(text) for text in request.data_texts()]
    tables = [t for t in parsed if t.rows]
    errors = [t.error for t in parsed if t.error]
    if layout == "title":
        return ModelReply(text=_title_section(spec))
    if layout in ("table", "chart", "kpi"):
        if not tables:
            return ModelReply(text=_no_data(title, errors))
        if layout == "table":
            return ModelReply(text=_table_section(title, tables[0]))
        if layout == "chart":
            series = next((t for t in tables if _is_series(t)), None)
            wants_trend = re.search(r"month|trend|time|growth", title, re.I)
            table = series if wants_trend and series is not None else tables[0]
            intent = str(spec.get("intent") or "")
            return ModelReply(text=_chart_section(number, title, table, intent))
        return ModelReply(text=_kpi_section(title, tables[0]))
    if layout == "quote":
        quote = str(spec.get("intent") or title)
        body = (
            f'<blockquote class="sg-quote">{_esc(quote)}</blockquote>'
            f'<p class="sg-cite">{_esc(str(spec.get("deck_title") or ""))}</p>'
        )
        return ModelReply(text=_section("quote", f"{_heading(title)}{body}"))
    points, ordered = _text_points(spec, tables)
    if layout == "two-column":
        half = (len(points) + 1) // 2
        right = points[half:] or [str(spec.get("intent") or title)]
        body = (
            f'<div class="sg-two-col"><div>{_bullets(points[:half])}</div>'
            f"<div>{_bullets(right)}</div></div>"
        )
        return ModelReply(text=_section("two-column", f"{_heading(title)}{body}"))
    if errors and not tables and spec.get("data"):
        points.append("Some figures were not available from Genie and are left out.")
    return ModelReply(text=_section("text", f"{_heading(title)}{_bullets(points, ordered)}"))


# --- a shorter slide ----------------------------------------------------------------------


def _last_answer(request: ChatRequest) -> str:
    for message in reversed(request.messages):
        if message.get("role") == "assistant":
            text = ChatRequest._text(message.get("content"))
            if text.strip():
                return text
    return ""


def _is_source(element: Any) -> bool:
    classes = (element.get("class") or "").split()
    text = element.text_content() if element.tag == "p" else ""
    return "source" in classes or text.startswith("Source:")


def shorten(slide_html: str) -> str:
    """The slide with half its table rows (at least three, the total kept), three points per
    list (two when it had three or fewer), no source line, and long paragraphs cut."""
    parts = lxml.html.fragments_fromstring(slide_html)
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                out.append(html.escape(part))
            continue
        for body in part.iter("tbody"):
            rows = [r for r in body if r.tag == "tr" and "total" not in (r.get("class") or "")]
            keep = max(3, (len(rows) + 1) // 2)
            for row in rows[keep:]:
                body.remove(row)
        for items in part.iter("ul", "ol"):
            entries = [li for li in items if li.tag == "li"]
            keep = 3 if len(entries) > 3 else max(1, len(entries) - 1)
            for extra in entries[keep:]:
                items.remove(extra)
        for element in list(part.iter()):
            if element is not part and _is_source(element):
                element.drop_tree()
        for paragraph in part.iter("p"):
            text = paragraph.text_content()
            if len(text) > 160 and len(paragraph) == 0:
                paragraph.text = text[:157].rstrip() + "…"
        part.tail = None
        out.append(lxml.html.tostring(part, encoding="unicode"))
    return "\n".join(out)


def fit_reply(request: ChatRequest) -> ModelReply:
    """The slide written before in this conversation, shorter (a new one when there is none)."""
    previous = _last_answer(request)
    if not previous.strip():
        return slide_reply(request)
    return ModelReply(text=shorten(previous))
