"""Outline, slide and fit calls scripted by kind on the emulated endpoint, and the demo model's
answers to them, through the real `ChatDatabricks` client.

The messages follow the agent's call protocol (`slidegen.emulator.replies`): the outline call's
system message says `Plan the deck as an outline.`, a slide call's `Write exactly one slide.` with
the slide's JSON block and a `Data:` section of Genie tool results, a fit retry starts
`The slide does not fit:`.
"""

from __future__ import annotations

import json

import httpx
import lxml.html
import openai
import pytest
from databricks.sdk import WorkspaceClient
from databricks_langchain import ChatDatabricks
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from slidegen.agent.genie import GenieResult, format_for_model
from slidegen.deck.parse import parse_single_slide
from slidegen.emulator.demo_data import MONTHLY_REVENUE, REGION_REVENUE
from slidegen.emulator.demo_slides import LAYOUTS
from slidegen.emulator.scripts import ModelFailure, ModelReply, ModelScript, outline_text

from .conftest import ENDPOINT

OUTLINE_SYSTEM = "You write slide decks. Plan the deck as an outline. Answer in JSON Lines."
SLIDE_SYSTEM = "You write slide decks. Write exactly one slide. Use the theme's CSS variables."
OUTLINE = ["Q3 Sales", "Revenue by region", "Key figures", "Monthly trend", "Next steps"]


def llm() -> ChatDatabricks:
    return ChatDatabricks(model=ENDPOINT, workspace_client=WorkspaceClient(), max_retries=0)


def outline_call(request: str) -> list[BaseMessage]:
    return [SystemMessage(OUTLINE_SYSTEM), HumanMessage(request)]


def slide_call(number: int, layout: str, title: str, data: list[str] = ()) -> list[BaseMessage]:
    spec = {
        "slide": number,
        "of": len(OUTLINE),
        "deck_title": "Q3 Sales",
        "title": title,
        "intent": f"what {title.lower()} shows",
        "layout": layout,
        "outline": OUTLINE,
    }
    body = f"Write slide {number}.\n```json\n{json.dumps(spec)}\n```\n\nData:\n" + "\n\n".join(data)
    return [SystemMessage(SLIDE_SYSTEM), HumanMessage(body)]


def fit_call(first: list[BaseMessage], slide_html: str) -> list[BaseMessage]:
    measurement = "The slide does not fit: the table ends 180 px below the slide (900 px tall)."
    return [*first, AIMessage(slide_html), HumanMessage(measurement)]


def genie_text(question: str, columns: tuple[str, ...], rows) -> str:
    result = GenieResult(
        question=question,
        conversation_id="c1",
        sql="SELECT 1",
        text="Here are the figures.",
        columns=columns,
        rows=tuple(tuple(str(v) for v in row) for row in rows),
        total_rows=len(rows),
    )
    return format_for_model(result, max_chars=20_000)


REGIONS = genie_text("Revenue by region", ("region", "revenue", "deals_won"), REGION_REVENUE)
MONTHS = genie_text("Monthly revenue trend", ("month", "revenue"), MONTHLY_REVENUE)


def text_of(messages: list[BaseMessage]) -> str:
    return str(llm().invoke(messages).content)


def streamed(messages: list[BaseMessage]) -> str:
    return "".join(str(chunk.content) for chunk in llm().stream(messages))


def test_replies_are_scripted_per_kind_and_slide(emulator, model: ModelScript) -> None:
    planned = outline_text(
        "Q3 Sales",
        [{"title": t, "intent": "x", "layout": "text", "data": []} for t in OUTLINE],
    )
    tall = (
        '<section class="slide"><h2>Key figures</h2><ul>' + "<li>row</li>" * 30 + "</ul></section>"
    )
    short = '<section class="slide"><h2>Key figures</h2><ul><li>row</li></ul></section>'
    model.script("outline", planned)
    model.script("slide", '<section class="slide"><h2>Three</h2></section>', slide=3)
    model.script("slide", ModelFailure(500), slide=4, times=2)
    model.script("slide", tall, slide=2)
    model.script("fit", short, slide=2)

    assert streamed(outline_call("Make a deck about Q3 sales")) == planned
    # Slide calls run in any order; each gets the reply scripted for its number.
    assert streamed(slide_call(3, "text", "Monthly trend")) == (
        '<section class="slide"><h2>Three</h2></section>'
    )
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            streamed(slide_call(4, "text", "Next steps"))
    third_try = streamed(slide_call(4, "text", "Next steps"))
    assert "Next steps" in third_try and 'class="slide' in third_try  # the demo model again
    first_call = slide_call(2, "table", "Key figures")
    assert streamed(first_call) == tall
    assert streamed(fit_call(first_call, tall)) == short
    # A second fit retry has nothing scripted: the plain queue answers, then the demo model.
    model.replies.append(ModelReply(text="from the plain queue"))
    assert streamed(fit_call(first_call, tall)) == "from the plain queue"
    shorter = streamed(fit_call(first_call, tall))
    assert shorter.count("<li") == 3
    assert model.pending("slide", 4) == 0 and model.pending("fit", 2) == 0

    calls = model.stats(ENDPOINT).calls
    assert [(c.kind, c.slide, c.status) for c in calls] == [
        ("outline", None, "ok"),
        ("slide", 3, "ok"),
        ("slide", 4, "failed"),
        ("slide", 4, "failed"),
        ("slide", 4, "ok"),
        ("slide", 2, "ok"),
        ("fit", 2, "ok"),
        ("fit", 2, "ok"),
        ("fit", 2, "ok"),
    ]
    for call in calls:
        assert call.ended is not None and call.ended >= call.started
        if call.status == "ok":
            assert call.first_token_at is not None and call.completion_tokens > 0


def test_a_scripted_stream_can_be_cut_after_some_chunks(emulator, model: ModelScript) -> None:
    model.script("slide", ModelFailure(after_chunks=3), slide=1)
    # A stream cut mid-way is not an OpenAI error: httpx raises it while the chunks are read.
    with pytest.raises(httpx.RemoteProtocolError):
        streamed(slide_call(1, "text", "Q3 Sales"))
    (call,) = model.stats(ENDPOINT).calls
    assert call.status == "dropped" and call.completion_tokens == 2


def test_a_scripted_429_is_what_the_cap_answers(emulator, model: ModelScript) -> None:
    model.script("slide", ModelFailure.rate_limited(retry_after_s=2), slide=5)
    with pytest.raises(openai.RateLimitError) as raised:
        streamed(slide_call(5, "text", "Next steps"))
    assert raised.value.response.headers["retry-after"] == "2"
    assert isinstance(raised.value.body, dict)
    assert raised.value.body["error_code"] == "REQUEST_LIMIT_EXCEEDED"
    assert "Next steps" in streamed(slide_call(5, "text", "Next steps"))  # the demo model
    stats = model.stats(ENDPOINT)
    assert stats.rejected == 1 and [c.status for c in stats.calls] == ["rejected", "ok"]
    summary = stats.summary()
    assert summary["calls"] == 2 and summary["rejected"] == 1 and summary["peak_concurrent"] == 1
    assert summary["completion_tokens"] == stats.calls[1].completion_tokens > 0
    assert summary["first_slide_s"] == summary["last_slide_s"] > 0


def test_script_rejects_unknown_kinds(model: ModelScript) -> None:
    with pytest.raises(ValueError, match="unknown call kind"):
        model.script("deck", "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_concurrent"):
        model.pace(max_concurrent=0)


def test_the_demo_outline_is_json_lines(emulator, model: ModelScript) -> None:
    text = streamed(outline_call("Make a 10-slide deck about our Q3 sales results"))
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert lines[0] == {"title": "Our Q3 Sales Results"}
    slides = lines[1:]
    assert len(slides) == 10
    for slide in slides:
        assert set(slide) == {"title", "intent", "layout", "data"}
        assert slide["layout"] in LAYOUTS and slide["title"] and slide["intent"]
        if slide["layout"] in ("chart", "table", "kpi"):
            assert slide["data"] and all(isinstance(q, str) for q in slide["data"])
    assert slides[0]["layout"] == "title"
    assert len({s["title"] for s in slides}) == 10
    (call,) = model.stats(ENDPOINT).calls
    assert call.kind == "outline"


def test_the_demo_outline_asks_no_questions_without_a_data_space(emulator) -> None:
    system = OUTLINE_SYSTEM + " No data space is connected: leave every `data` list empty."
    text = streamed([SystemMessage(system), HumanMessage("Make a deck about hiring")])
    slides = [json.loads(line) for line in text.splitlines()][1:]
    assert slides and all(s["data"] == [] for s in slides)
    assert {s["layout"] for s in slides} <= {"title", "text", "two-column", "quote"}


def test_the_demo_outline_of_a_follow_up_keeps_untouched_slides(emulator) -> None:
    request = (
        "Remove slide 2 and add a slide about hiring plans.\n\nCurrent deck: Q3 Review\n"
        + "\n".join(f"{i}. {t}" for i, t in enumerate(OUTLINE, 1))
    )
    lines = [json.loads(line) for line in streamed(outline_call(request)).splitlines()]
    assert lines[0] == {"title": "Q3 Review"}
    kept = [line["keep"] for line in lines[1:] if "keep" in line]
    assert kept == [1, 3, 4, 5]
    new = [line for line in lines[1:] if "keep" not in line]
    assert len(new) == 1 and "Hiring" in new[0]["title"]
    assert lines[-1] == {"keep": 5}  # the new slide comes before the closing one


def test_the_demo_slide_uses_the_data_and_the_theme(emulator) -> None:
    chart = streamed(slide_call(2, "chart", "Revenue by region", [REGIONS, MONTHS]))
    slide = parse_single_slide(chart)
    assert "sg-chart-2" in slide.html
    assert 'class="sg-chart-text"' in chart and "SG_THEME" in chart and "--sg-chart-1" in chart
    for region, revenue, _ in REGION_REVENUE:
        assert region in chart and str(round(revenue / 1e6, 2)) in chart
    trend = streamed(slide_call(4, "chart", "Monthly trend", [REGIONS, MONTHS]))
    assert "sg-chart-4" in trend and '"type": "line"' in trend and "2024-12" in trend

    table = streamed(slide_call(3, "table", "Key figures", [REGIONS]))
    rows = lxml.html.fromstring(table).xpath("//tbody/tr")
    assert len(rows) == len(REGION_REVENUE) + 1  # and a total
    assert "$13.50M" in table and 'class="sg-table"' in table and 'class="sg-num"' in table

    kpi = streamed(slide_call(3, "kpi", "Key figures", [REGIONS]))
    assert "$13.50M" in kpi and "North America" in kpi and kpi.count('class="sg-kpi"') == 3

    agenda = streamed(slide_call(2, "text", "Agenda"))
    assert all(title in agenda for title in OUTLINE[2:])

    missing = streamed(slide_call(3, "table", "Key figures", ["Genie failed: permission denied"]))
    assert "not available" in missing and "<table" not in missing


def test_the_demo_fit_retry_is_shorter(emulator) -> None:
    many = genie_text(
        "Revenue by month",
        ("month", "revenue"),
        [(f"2024-{m:02d}", m * 1000.0) for m in range(1, 13)],
    )
    first_call = slide_call(3, "table", "Key figures", [many])
    first = streamed(first_call)
    shorter = streamed(fit_call(first_call, first))
    before = lxml.html.fromstring(first).xpath("//tbody/tr")
    after = lxml.html.fromstring(shorter).xpath("//tbody/tr")
    assert len(before) == 9  # eight rows and the total
    assert len(after) == 5  # half the rows, the total kept
    assert "total" in (after[-1].get("class") or "")
    assert "Source:" not in shorter
    parse_single_slide(shorter)
