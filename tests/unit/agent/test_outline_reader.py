"""The outline answer read as it streams: entries complete line by line, messy answers tolerated,
nothing usable refused; the concurrency bound that yields to 429s; placeholder slides."""

from __future__ import annotations

import asyncio
import json

import pytest

from slidegen.agent.outline import OutlineEntry, OutlineError, OutlineReader, outline_request
from slidegen.agent.pacing import CallLimit
from slidegen.deck import Deck, Slide, parse_single_slide
from slidegen.deck.model import new_slide_id
from slidegen.deck.placeholders import (
    FAILED,
    is_failed_placeholder,
    placeholder_info,
    placeholder_slide,
)


def lines(*objects: object) -> str:
    return "\n".join(json.dumps(o) for o in objects) + "\n"


def test_entries_complete_as_their_lines_end() -> None:
    reader = OutlineReader()
    text = lines({"title": "Deck"}, {"title": "A", "intent": "a", "layout": "chart", "data": ["q"]})
    assert reader.feed(text[:20]) == []
    done = reader.feed(text[20:])
    assert done == [OutlineEntry("A", "a", "chart", ("q",))]
    assert reader.close().title == "Deck"


def test_fences_chatter_trailing_commas_and_unknown_layouts_are_tolerated() -> None:
    reader = OutlineReader()
    reader.feed('Here is the plan:\n```json\n{"title": "T"}\n')
    reader.feed('{"title": "One", "intent": "x", "layout": "hero", "data": "a question",}\n')
    reader.feed("```\nnot json {\n")
    outline = reader.close()
    (entry,) = outline.entries
    assert entry.layout == "text" and entry.data == ("a question",)


def test_keep_lines_refer_to_existing_slides_only() -> None:
    reader = OutlineReader(existing_slides=2)
    reader.feed(lines({"title": "T"}, {"keep": 2}, {"keep": 3}, {"keep": True}))
    assert [e.keep for e in reader.close().entries] == [2]


def test_an_answer_without_slides_is_refused() -> None:
    reader = OutlineReader()
    reader.feed("I cannot do that.\n" + lines({"title": "Only a title"}))
    with pytest.raises(OutlineError):
        reader.close()


def test_questions_are_capped_and_flattened() -> None:
    reader = OutlineReader()
    reader.feed(lines({"title": "x", "intent": "i", "data": ["a\n b", "c", "d", "e", {"no": 1}]}))
    (entry,) = reader.close().entries
    assert entry.data == ("a b", "c", "d")


def test_a_follow_up_request_lists_the_current_deck() -> None:
    deck = Deck("d_1", "o", "Deck", slides=(Slide("s_0000000001", "<div><h2>One</h2></div>"),))
    assert outline_request("change it", deck).endswith("Current deck: Deck\n1. One")
    assert outline_request("new", None) == "new"


def test_the_call_limit_admits_at_most_its_limit_and_can_shrink() -> None:
    async def scenario() -> tuple[int, int]:
        limit = CallLimit(3)
        running = 0
        seen = 0

        async def call(lower: bool) -> None:
            nonlocal running, seen
            async with limit:
                running += 1
                seen = max(seen, running)
                if lower:
                    limit.lower()
                await asyncio.sleep(0.01)
                running -= 1

        await asyncio.gather(*(call(i == 0) for i in range(8)))
        return seen, limit.limit

    seen, final = asyncio.run(scenario())
    assert seen <= 3 and final == 2


def test_a_failed_placeholder_keeps_what_writing_it_again_needs() -> None:
    raw = placeholder_slide(
        new_slide_id(),
        "Q3 <revenue>",
        'by "region"',
        state=FAILED,
        reason="HTTP 500",
        layout="chart",
        questions=("Revenue by region",),
    )
    slide = parse_single_slide(raw.html, keep_id=raw.id)
    info = placeholder_info(slide)
    assert info is not None and info.title == "Q3 <revenue>" and info.intent == 'by "region"'
    assert info.questions == ("Revenue by region",) and info.layout == "chart"
    assert is_failed_placeholder(slide) and slide.title == "Q3 <revenue>"
    assert placeholder_info(Slide("s_0000000002", "<div><h2>Written</h2></div>")) is None


def test_the_call_limit_grows_back_after_successes_up_to_its_bound() -> None:
    limit = CallLimit(4)
    for _ in range(3):
        limit.lower()
    assert limit.limit == 1
    limit.succeeded()
    assert limit.limit == 2  # one success at 1 at once
    limit.succeeded()
    assert limit.limit == 2
    limit.succeeded()
    assert limit.limit == 3  # two more at 2 at once
    for _ in range(10):
        limit.succeeded()
    assert limit.limit == 4 and limit.ceiling == 4  # never past the configured bound
