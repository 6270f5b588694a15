"""How the emulated endpoint tells the agent's calls apart, picks their replies, and counts them."""

from __future__ import annotations

import json

import pytest

from slidegen.emulator.endpoints import EndpointStats
from slidegen.emulator.replies import ChatRequest, ModelFailure, ModelReply
from slidegen.emulator.sample_decks import sample_deck
from slidegen.emulator.scripts import ModelScript, outline_text

SPEC = {"slide": 3, "of": 5, "deck_title": "D", "title": "T", "intent": "i", "layout": "chart"}
DATA = (
    "<<<GENIE_DATA ab12>>>\nQuestion: a\nColumns: x | y\nRows (1):\n1 | 2\n"
    "<<<END GENIE_DATA ab12>>>\n\n<<<GENIE_DATA cd34>>>\nQuestion: b\n<<<END GENIE_DATA cd34>>>"
)


def request(system: str, *users: str, assistant: str | None = None) -> ChatRequest:
    messages = [{"role": "system", "content": system}, {"role": "user", "content": users[0]}]
    if assistant is not None:
        messages.append({"role": "assistant", "content": assistant})
    messages += [{"role": "user", "content": text} for text in users[1:]]
    return ChatRequest("ep", messages, [], True)


def slide_request(*later: str) -> ChatRequest:
    first = f"Write it.\n```json\n{json.dumps(SPEC)}\n```\nData:\n{DATA}"
    return request("Write exactly one slide. Use the theme.", first, *later, assistant="<x/>")


def test_call_kinds_and_what_they_carry() -> None:
    outline = request(
        "Plan the deck as an outline.",
        "Add a slide on risks.\n\nCurrent deck:\n1. Intro\n2. Sales\n",
    )
    assert outline.kind == "outline"
    assert outline.request_text == "Add a slide on risks."
    assert outline.current_deck == [(1, "Intro"), (2, "Sales")]
    assert outline.current_deck_title == ""
    titled = request("Plan the deck as an outline.", "More.\n\nCurrent deck: Q3 Review\n1. Intro")
    assert titled.current_deck_title == "Q3 Review" and titled.current_deck == [(1, "Intro")]
    slide = slide_request()
    assert slide.kind == "slide" and slide.slide_number == 3 and slide.slide_spec == SPEC
    assert [t.split("\n")[1] for t in slide.data_texts()] == ["Question: a", "Question: b"]
    fit = slide_request("The slide does not fit: the table ends 180 px below the slide")
    assert fit.kind == "fit" and fit.slide_number == 3
    assert fit.fit_measurement == "the table ends 180 px below the slide"
    assert request("You write decks.", "hi").kind == "chat"


def test_a_broken_spec_block_reads_as_no_spec() -> None:
    broken = request("Write exactly one slide.", "```json\n{not json\n```")
    assert broken.slide_spec == {} and broken.slide_number is None
    assert request("Write exactly one slide.", "Data:\nnone").data_texts() == []


def test_replies_by_kind_and_slide_then_kind_then_queue_then_default() -> None:
    model = ModelScript(default=lambda r: ModelReply(text="default"))
    model.script("slide", "for slide 3", slide=3)
    model.script("slide", "any slide")
    model.script("fit", ModelFailure(503), slide=3, times=2)
    model.replies.append(ModelReply(text="queued"))
    assert model.next_reply(slide_request()).text == "for slide 3"
    assert model.next_reply(slide_request()).text == "any slide"
    assert model.next_reply(slide_request()).text == "queued"
    assert model.next_reply(slide_request()).text == "default"
    fit = slide_request("The slide does not fit: too tall")
    assert model.next_reply(fit) == ModelFailure(503)
    assert model.pending("fit", 3) == 1
    with pytest.raises(ValueError):
        model.script("slide", "x", times=0)


def test_pace_per_endpoint_falls_back_to_the_script() -> None:
    model = ModelScript()
    model.pace(tokens_per_s=60, ttft_s=0.8)
    model.pace("capped", max_concurrent=2, retry_after_s=3, tokens_per_s=30)
    capped, other = model.settings_for("capped"), model.settings_for("other")
    assert (capped.tokens_per_s, capped.ttft_s, capped.max_concurrent) == (30, 0.8, 2)
    assert (other.tokens_per_s, other.max_concurrent, other.retry_after_s) == (60, None, None)
    model.stats("capped").rejected = 3
    model.reset_stats()
    assert model.stats("capped").rejected == 0
    model.pace("capped", tokens_per_s=None)
    assert model.settings_for("capped").tokens_per_s == 60
    with pytest.raises(ValueError):
        model.pace(ttft_s=-1)


def test_stats_admit_up_to_the_cap() -> None:
    stats = EndpointStats("ep")
    first = stats.admit("slide", 1, True, cap=2)
    second = stats.admit("slide", 2, True, cap=2)
    assert first is not None and second is not None
    assert stats.admit("slide", 3, True, cap=2) is None
    stats.finish(first, "ok")
    stats.finish(first, "failed")  # a second finish changes nothing
    assert first.status == "ok" and stats.active == 1
    assert stats.admit("slide", 3, True, cap=2) is not None
    assert (stats.peak_concurrent, stats.rejected, len(stats.of_kind("slide"))) == (2, 1, 4)


def test_outline_text_is_json_lines() -> None:
    text = outline_text("Deck", [{"title": "A", "layout": "text"}, 2])
    assert [json.loads(line) for line in text.splitlines()] == [
        {"title": "Deck"},
        {"title": "A", "layout": "text"},
        {"keep": 2},
    ]


def test_sample_deck_has_the_size_asked_for_and_scripts_itself() -> None:
    deck = sample_deck(10, 900, overflowing={2, 5, 8}, stubborn={9})
    sizes = {s.number: deck.tokens(s.html) for s in deck.slides}
    assert all(abs(sizes[n] - 900) <= 2 for n in sizes if n not in {2, 5, 8, 9})
    assert deck.overflowing == [2, 5, 8, 9]
    assert deck.slides[8].fit_html == deck.slides[8].html  # stubborn: the retry is as tall
    assert deck.tokens(deck.one_stream_text()) >= deck.slide_tokens
    assert deck.one_stream_s(60, 0.8) == pytest.approx(
        0.8 + (deck.tokens(deck.one_stream_text()) - 1) / 60
    )
    lines = [json.loads(line) for line in deck.outline().splitlines()]
    assert len(lines) == 11 and lines[0] == {"title": deck.title}
    model = ModelScript()
    deck.script(model)
    assert model.pending("outline") == 1
    assert all(model.pending("slide", n) == 1 for n in range(1, 11))
    assert [n for n in range(1, 11) if model.pending("fit", n)] == [2, 5, 8, 9]
