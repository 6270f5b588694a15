"""Generation through the real ChatDatabricks / WorkspaceClient against the emulator."""

from __future__ import annotations

import asyncio
import json
import re

from slidegen.agent import Failed, SlideReady, ToolCallStarted, ToolResult
from slidegen.emulator.scripts import (
    ChatRequest,
    GenieAnswer,
    ModelReply,
    ModelScript,
    ToolCall,
    genie_space,
)
from slidegen.prompt_limit import MAX_PROMPT_CHARS, prompt_problem
from slidegen.service import TurnSaved
from slidegen.store import ChangeKind
from tests.support.turns import editing, generation

from .conftest import APP_TOKEN, ENDPOINT, SPACE, USER_TOKEN, collect, deck_html, run


def test_a_prompt_becomes_a_stored_deck_with_chat(model, store, settings, alice, emulator):
    model.replies.append(
        ModelReply(
            text="Sure! Here it is:\n```html\n"
            + deck_html(
                "<h1>Q3 review</h1>",
                "<h2>Wins</h2><ul><li>A</li></ul>",
                "<h2>Asks</h2>",
                title="Q3 board review",
            )
            + "\n```"
        )
    )
    events = run(generation(store, settings, alice, "Q3 review for the board", genie_space_id=""))

    finished = events[-1]
    assert isinstance(finished, TurnSaved), events[-1]
    record = store.get_deck("alice", finished.record.deck.id)
    assert [s.title for s in record.deck.slides] == ["Q3 review", "Wins", "Asks"]
    assert record.deck.title == "Q3 board review"
    assert "color:#123" in record.deck.styles
    assert record.version == 1
    previews = [e.slide.id for e in events if isinstance(e, SlideReady)]
    assert previews == list(record.deck.slide_ids)  # the previews' ids are the saved ids
    chat = store.list_chat_messages("alice", record.deck.id)
    assert [(m.role, m.content) for m in chat] == [
        ("user", "Q3 review for the board"),
        ("assistant", "Created a deck of 3 slides: Q3 board review."),
    ]
    (sent,) = emulator.emulator.requests("POST", "/serving-endpoints/chat/completions")
    body = sent.json()
    assert body["model"] == ENDPOINT and body["stream"] is True
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "1280 \u00d7 720" in body["messages"][0]["content"]
    assert "tools" not in body  # no Genie space: no tool offered
    assert sent.token == APP_TOKEN


def test_regenerating_an_existing_deck_saves_one_generate_version(model, store, settings, alice):
    created = store.create_deck("alice", "Old")
    model.replies.append(ModelReply(text=deck_html("<h2>New one</h2>", "<h2>New two</h2>")))
    events = run(
        generation(store, settings, alice, "redo it", deck_id=created.deck.id, genie_space_id="")
    )
    assert isinstance(events[-1], TurnSaved)
    versions = store.list_versions("alice", created.deck.id)
    assert max(versions, key=lambda v: v.version).kind == ChangeKind.GENERATE
    assert len(versions) == 2
    assert store.get_deck("alice", created.deck.id).deck.slides[1].title == "New two"


def test_a_follow_up_on_a_deck_shows_the_model_that_deck_and_keeps_slide_ids(
    model, store, settings, alice
):
    model.replies.append(ModelReply(text=deck_html("<h2>Intro</h2>", "<h2>Revenue</h2>")))
    first = run(generation(store, settings, alice, "a deck", genie_space_id=""))
    deck = first[-1].record.deck
    kept_id = deck.slides[1].id

    def revised(request: ChatRequest) -> ModelReply:
        asked = request.last_user_text
        assert "add a slide on risks" in asked
        assert "Revenue" in asked and f'data-slide-id="{kept_id}"' in asked
        return ModelReply(
            text='<div class="slide"><h2>Intro</h2></div>'
            f'<div class="slide" data-slide-id="{kept_id}"><h2>Revenue</h2></div>'
            '<div class="slide"><h2>Risks</h2></div>'
        )

    model.replies.append(revised)
    events = run(
        generation(
            store, settings, alice, "add a slide on risks", deck_id=deck.id, genie_space_id=""
        )
    )
    assert isinstance(events[-1], TurnSaved), events[-1]
    slides = store.get_deck("alice", deck.id).deck.slides
    assert [s.title for s in slides] == ["Intro", "Revenue", "Risks"]
    assert slides[1].id == kept_id


def _rows_from_tool_result(text: str) -> list[list[str]]:
    body = text.split("Rows", 1)[1].split("\n", 1)[1]
    lines = [line for line in body.splitlines() if " | " in line]
    return [line.split(" | ") for line in lines]


def _table_slide(request: ChatRequest) -> ModelReply:
    (result,) = request.tool_results()
    rows = _rows_from_tool_result(result)
    cells = "".join(f"<tr><td>{r}</td><td>{v}</td></tr>" for r, v in rows)
    return ModelReply(text=deck_html("<h1>Sales</h1>", f"<h2>By region</h2><table>{cells}</table>"))


def test_a_tool_call_reaches_genie_with_the_users_token_and_rows_reach_the_slides(
    model, store, settings, alice, emulator
):
    genie_space(emulator.emulator, SPACE).answers.append(
        GenieAnswer(
            text="Nordics lead.",
            sql="SELECT region, revenue FROM sales",
            columns=[("region", "STRING"), ("revenue", "DOUBLE")],
            rows=[("Nordics", 4242.5), ("Iberia", 1717.0)],
        )
    )
    model.replies.append(
        ModelReply(tool_calls=(ToolCall("query_genie_space", {"question": "Revenue by region?"}),))
    )
    model.replies.append(_table_slide)
    events = run(generation(store, settings, alice, "Sales deck with data"))

    assert isinstance(events[-1], TurnSaved), events[-1]
    started = next(e for e in events if isinstance(e, ToolCallStarted))
    result = next(e for e in events if isinstance(e, ToolResult))
    assert started.question == "Revenue by region?"
    assert result.sql == "SELECT region, revenue FROM sales"
    assert result.columns == ("region", "revenue")
    assert result.rows == (("Nordics", "4242.5"), ("Iberia", "1717.0"))
    deck = store.get_deck("alice", events[-1].record.deck.id).deck
    assert "<td>Nordics</td><td>4242.5</td>" in deck.slides[1].html

    emu = emulator.emulator
    (start,) = emu.requests("POST", r"/genie/spaces/space-sales/start-conversation")
    assert start.json() == {"content": "Revenue by region?"}
    assert {r.token for r in emu.requests(path_regex="/genie/")} == {USER_TOKEN}
    assert {r.token for r in emu.requests(path_regex="/serving-endpoints/")} == {APP_TOKEN}
    # The model got the result as delimited, untrusted data after offering it the tool.
    first, second = (r.json() for r in emu.requests("POST", "chat/completions"))
    assert first["tools"][0]["function"]["name"] == "query_genie_space"
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool"
    assert re.search(
        r"<<<GENIE_DATA ([0-9a-f]+)>>>.*untrusted.*<<<END GENIE_DATA \1>>>",
        tool_message["content"],
        re.S,
    )
    meta = store.list_chat_messages("alice", deck.id)[-1].meta
    assert meta["genie_space_id"] == SPACE and meta["genie_conversation_id"]


def test_without_a_user_token_genie_runs_with_the_apps_credentials(
    model, store, settings, alice, emulator
):
    from dataclasses import replace

    model.replies.append(ModelReply(tool_calls=(ToolCall("query_genie_space", {"question": "q"}),)))
    model.replies.append(ModelReply(text=deck_html("<h2>x</h2>")))
    events = run(generation(store, settings, replace(alice, access_token=None), "data deck"))
    assert isinstance(events[-1], TurnSaved)
    assert {r.token for r in emulator.emulator.requests(path_regex="/genie/")} == {APP_TOKEN}


def test_the_genie_conversation_is_continued_across_turns_of_a_deck(
    model, store, settings, alice, emulator
):
    ask = ModelReply(tool_calls=(ToolCall("query_genie_space", {"question": "revenue?"}),))
    model.replies.extend([ask, ModelReply(text=deck_html("<h2>one</h2>"))])
    first = run(generation(store, settings, alice, "deck"))
    deck_id = first[-1].record.deck.id
    conversation = first[-1].meta["genie_conversation_id"]

    model.replies.extend([ask, ModelReply(text=deck_html("<h2>two</h2>"))])
    second = run(generation(store, settings, alice, "again", deck_id=deck_id))
    assert isinstance(second[-1], TurnSaved)
    emu = emulator.emulator
    assert len(emu.requests("POST", "start-conversation")) == 1
    (follow_up,) = emu.requests("POST", rf"/conversations/{conversation}/messages$")
    assert follow_up.json() == {"content": "revenue?"}
    assert second[-1].meta["genie_conversation_id"] == conversation


def test_slides_stream_in_order_while_the_model_is_still_writing(
    model: ModelScript, store, settings, alice
):
    bodies = [f"<h2>Slide {i}</h2><p>{'text ' * 40}</p>" for i in range(1, 6)]
    text = deck_html(*bodies)
    model.replies.append(ModelReply(text=text))
    model.chars_per_token = 8
    second_end = text.index("</div>", text.index("Slide 2")) + len("</div>")
    # Hold the stream just after slide 2 closed (+1: the first chunk only carries the role).
    model.hold_after_chunks = second_end // 8 + 2
    seen_while_held: list[int] = []

    async def scenario() -> list:
        events = []
        async for event in generation(store, settings, alice, "five", genie_space_id=""):
            events.append(event)
            if isinstance(event, SlideReady):
                stream = model.streams[-1]
                if not model.release.is_set():
                    seen_while_held.append(event.index)
                    assert not stream.completed
                if len(seen_while_held) == 2:
                    model.release.set()
        return events

    events = asyncio.run(scenario())
    assert isinstance(events[-1], TurnSaved)
    assert [e.index for e in events if isinstance(e, SlideReady)] == [0, 1, 2, 3, 4]
    assert seen_while_held == [0, 1]
    assert [s.title for s in events[-1].record.deck.slides] == [f"Slide {i}" for i in range(1, 6)]


def test_genie_failures_end_with_a_clear_tool_message_and_the_deck_still_gets_written(
    model, store, settings, alice, emulator
):
    space = genie_space(emulator.emulator, SPACE)
    cases = {
        "FAILED": "Genie failed to answer: no such table",
        "CANCELLED": "the Genie request was cancelled",
        "QUERY_RESULT_EXPIRED": "the Genie query result expired",
        "SUBMITTED": "Genie did not answer within 2 s (last status: SUBMITTED)",  # never ends
    }
    for status, expected in cases.items():
        space.answers.append(
            GenieAnswer(sql="SELECT 1", statuses=("SUBMITTED", status), error="no such table")
        )
        model.replies.append(
            ModelReply(tool_calls=(ToolCall("query_genie_space", {"question": status}),))
        )
        model.replies.append(
            lambda r: ModelReply(text=deck_html(f"<h2>{r.tool_results()[0]}</h2>"))
        )
        events = run(generation(store, settings, alice, "deck"))
        result = next(e for e in events if isinstance(e, ToolResult))
        assert result.error == expected, status
        assert isinstance(events[-1], TurnSaved), status
        assert "Genie could not answer" in events[-1].record.deck.slides[0].html


def test_a_missing_endpoint_fails_clearly_and_creates_nothing(model, store, settings, alice):
    model.endpoints = {"some-other-endpoint"}
    events = run(generation(store, settings, alice, "deck", genie_space_id=""))
    assert events == [
        Failed(
            f"The serving endpoint `{ENDPOINT}` was not found in this workspace; set "
            "SERVING_ENDPOINT. The deck is unchanged."
        )
    ]
    assert store.list_decks("alice") == []


def test_bad_requests_are_refused_before_any_call(model, store, settings, alice, emulator):
    empty = run(generation(store, settings, alice, "  "))
    other = run(generation(store, settings, alice, "x", deck_id="d_0000000000000000"))
    long = "x" * (MAX_PROMPT_CHARS + 1)
    too_long = run(generation(store, settings, alice, long))
    long_edit = run(editing(store, settings, alice, "d_0000000000000000", ("s1",), long))
    assert isinstance(empty[0], Failed) and "empty" in empty[0].message
    assert other == [Failed("Deck d_0000000000000000 was not found.")]
    assert too_long == [Failed(prompt_problem(long, "prompt") or "")]
    assert long_edit == [Failed(prompt_problem(long, "instruction") or "")]
    assert "20001 characters long; the limit is 20000" in too_long[0].message
    assert emulator.emulator.requests("POST", "chat/completions") == []


def test_the_tool_budget_is_bounded(model, store, settings, alice, emulator):
    ask = ModelReply(tool_calls=(ToolCall("query_genie_space", {"question": "again"}),))
    model.replies.extend([ask] * 3 + [ModelReply(text=deck_html("<h2>done</h2>"))])
    events = asyncio.run(
        collect(
            generation(
                store, settings.model_copy(update={"agent_max_tool_calls": 2}), alice, "deck"
            )
        )
    )
    assert isinstance(events[-1], TurnSaved)
    assert len([e for e in events if isinstance(e, ToolCallStarted)]) == 2
    requests = [r.json() for r in emulator.emulator.requests("POST", "chat/completions")]
    assert "tools" not in requests[-1]  # budget used up: the last turn is offered no tool
    assert json.dumps(requests[-1]["messages"]).count("budget for this request is used up") == 1
