"""The emulator's slides measured in Chromium: the demo model's slides fit 1280x720 in every
layout, and the benchmark decks overflow exactly where they say (B10 relies on both)."""

from __future__ import annotations

import asyncio
import json

import pytest

from slidegen.agent.genie import GenieResult, format_for_model
from slidegen.deck.model import Deck
from slidegen.deck.parse import parse_single_slide
from slidegen.deck.themes import builtin_theme
from slidegen.emulator.demo_data import demo_genie_answer
from slidegen.emulator.demo_slides import fit_reply, outline_reply, slide_reply
from slidegen.emulator.replies import ChatRequest
from slidegen.emulator.sample_decks import sample_deck
from slidegen.export.fit import measure_fit, measure_fit_available

pytestmark = pytest.mark.skipif(not measure_fit_available(), reason="needs Chromium")


def genie(question: str) -> str:
    answer = demo_genie_answer(question)
    result = GenieResult(
        question=question,
        conversation_id="c1",
        sql=answer.sql,
        text=answer.text,
        columns=tuple(name for name, _ in answer.columns),
        rows=tuple(tuple(str(v) for v in row) for row in answer.rows),
        total_rows=len(answer.rows),
    )
    return format_for_model(result, max_chars=20_000)


def call(system: str, *messages: tuple[str, str]) -> ChatRequest:
    body = [{"role": "system", "content": system}]
    body += [{"role": role, "content": text} for role, text in messages]
    return ChatRequest("ep", body, [], True)


def fits(htmls: list[str], theme: str = "light") -> list[bool]:
    slides = tuple(parse_single_slide(h) for h in htmls)
    deck = Deck(id="d", owner="o", title="T", slides=slides, theme=builtin_theme(theme))
    return [report.fits for report in asyncio.run(measure_fit(slides, deck))]


def test_demo_slides_fit_in_every_layout() -> None:
    request = "Make a 12-slide deck about our Q3 sales results"
    outline = outline_reply(call("Plan the deck as an outline.", ("user", request))).text
    head, *entries = [json.loads(line) for line in outline.splitlines()]
    titles = [entry["title"] for entry in entries]
    htmls = []
    for number, entry in enumerate(entries, 1):
        spec = {"slide": number, "of": len(entries), "deck_title": head["title"], **entry}
        spec["outline"] = titles
        data = "\n\n".join(genie(q) for q in entry["data"])
        user = f"```json\n{json.dumps(spec)}\n```\nData:\n{data}"
        htmls.append(slide_reply(call("Write exactly one slide.", ("user", user))).text)
    assert {e["layout"] for e in entries} >= {"title", "kpi", "chart", "table", "two-column"}
    for theme in ("light", "dark"):
        assert fits(htmls, theme) == [True] * len(htmls), theme


def test_sample_decks_overflow_where_they_say_and_their_retries_fit() -> None:
    deck = sample_deck(8, 900, overflowing={2, 4, 6}, stubborn={8})
    first = fits([s.html for s in deck.slides])
    assert [n for n, ok in enumerate(first, 1) if not ok] == [2, 4, 6, 8]
    retries = fits([s.fit_html for s in deck.slides if s.fit_html is not None])
    assert retries == [True, True, True, False]  # slide 8 stays too tall: only scaling helps


def test_the_demo_fit_retry_of_a_tall_slide_fits() -> None:
    tall = (
        '<section class="slide sg-slide"><h2>Accounts</h2><table class="sg-table"><tbody>'
        + "".join(f"<tr><td>Account {i}</td><td>{i}</td></tr>" for i in range(14))
        + "</tbody></table></section>"
    )
    spec = '```json\n{"slide": 1, "of": 1, "title": "Accounts", "layout": "table"}\n```\nData:\n'
    retry = call(
        "Write exactly one slide.",
        ("user", spec),
        ("assistant", tall),
        ("user", "The slide does not fit: the table ends 160 px below the slide"),
    )
    shorter = fit_reply(retry).text
    assert fits([tall, shorter]) == [False, True]
