"""Chat edits of chosen slides; faults, deadlines, cancellation and races leave the deck alone."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from slidegen.agent import Failed, Retrying, SlideReady
from slidegen.deck import parse_deck_html, set_slides
from slidegen.emulator.scripts import ChatRequest, ModelReply
from slidegen.service import TurnSaved
from slidegen.store import ChangeKind
from tests.support.turns import editing, generation, last_chat_becomes

from .conftest import ENDPOINT, deck_html, run

_ID = re.compile(r'data-slide-id="(s_[0-9a-f]{10})"')


@pytest.fixture
def deck(store):
    parsed = parse_deck_html(deck_html(*(f"<h2>Slide {i}</h2><p>v1</p>" for i in range(1, 5))))
    return store.create_deck("alice", "Four", styles=parsed.styles, slides=parsed.slides).deck


def _revise(request: ChatRequest) -> ModelReply:
    ids = _ID.findall(request.last_user_text)
    return ModelReply(
        text="\n".join(
            f'<div class="slide" data-slide-id="{i}"><h2>Revised {i}</h2></div>' for i in ids
        )
    )


def test_an_edit_replaces_exactly_the_chosen_slides(model, store, settings, alice, deck, emulator):
    chosen = (deck.slides[3].id, deck.slides[1].id)
    model.replies.append(_revise)
    events = run(editing(store, settings, alice, deck.id, chosen, "Make them punchier"))

    assert isinstance(events[-1], TurnSaved), events[-1]
    after = store.get_deck("alice", deck.id)
    assert after.version == 2
    assert after.deck.slide_ids == deck.slide_ids
    for before, now in zip(deck.slides, after.deck.slides, strict=True):
        if before.id in chosen:
            assert now.title == f"Revised {before.id}"
        else:
            assert now == before
    assert {(e.index, e.slide.id) for e in events if isinstance(e, SlideReady)} == {
        (3, chosen[0]),
        (1, chosen[1]),
    }
    latest = max(store.list_versions("alice", deck.id), key=lambda v: v.version)
    assert latest.kind == ChangeKind.CHAT_EDIT and latest.summary == "Edited slides 4, 2"
    # Only the chosen slides went to the model.
    prompt = ChatRequest._text(
        emulator.emulator.requests("POST", "chat/completions")[0].json()["messages"][-1]["content"]
    )
    assert set(_ID.findall(prompt)) == set(chosen)
    assert "Slide 1" not in prompt and "Slide 3" not in prompt
    chat = store.list_chat_messages("alice", deck.id)
    assert [(m.role, m.content) for m in chat] == [
        ("user", "Make them punchier"),
        ("assistant", "Revised slides 4, 2."),
    ]
    assert chat[0].meta == {"slide_ids": list(chosen), "author": "alice@example.com"}


def test_an_unusable_edit_is_retried_once_with_a_sharper_instruction(
    model, store, settings, alice, deck, emulator
):
    chosen = (deck.slides[0].id, deck.slides[2].id)
    model.replies.append(ModelReply(text='<div class="slide"><h2>only one, no id</h2></div>'))
    # The retry request ends with the sharper instruction; the slides are in the first prompt.
    model.replies.append(
        lambda r: _revise(ChatRequest(r.endpoint, r.messages[:2], r.tools, r.stream))
    )
    events = run(editing(store, settings, alice, deck.id, chosen, "shorter"))

    assert isinstance(events[-1], TurnSaved), events[-1]
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert "expected 2 slides" in retry.reason
    second = emulator.emulator.requests("POST", "chat/completions")[1].json()["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert f"using exactly these ids, each once, in this order: {', '.join(chosen)}" in second[-1][
        "content"
    ].replace("\n", " ")
    assert store.get_deck("alice", deck.id).deck.slides[2].title == f"Revised {chosen[1]}"


def test_an_edit_unusable_twice_leaves_the_deck_unchanged_and_says_why(
    model, store, settings, alice, deck
):
    model.replies.extend(
        [ModelReply(text="I cannot do that."), ModelReply(text="<p>still no slide</p>")]
    )
    events = run(editing(store, settings, alice, deck.id, (deck.slides[0].id,), "x"))
    assert isinstance(events[-1], Failed)
    assert events[-1].message.startswith("The model's revised slides could not be used (no slide")
    assert events[-1].message.endswith("The deck is unchanged.")
    assert store.get_deck("alice", deck.id).version == 1
    last = store.list_chat_messages("alice", deck.id)[-1]
    assert (last.role, last.content, last.meta) == (
        "assistant",
        events[-1].message,
        {"error": True},
    )


def test_edit_requests_are_checked_before_calling_the_model(
    model, store, settings, alice, deck, emulator
):
    unknown = run(editing(store, settings, alice, deck.id, ("s_0123456789",), "x"))
    none = run(editing(store, settings, alice, deck.id, (), "x"))
    bob = alice.__class__("bob", "bob@example.com", "Bob", "r")
    foreign = run(editing(store, settings, bob, deck.id, (deck.slides[0].id,), "x"))
    assert unknown == [Failed("These slides are not in the deck (any more): s_0123456789.")]
    assert none == [Failed("Select at least one slide to edit.")]
    assert foreign == [Failed(f"Deck {deck.id} was not found.")]
    assert emulator.emulator.requests("POST", "chat/completions") == []


def test_a_new_deck_past_the_users_limit_is_refused_before_calling_the_model(
    model, store, settings, alice, deck, emulator, monkeypatch
):
    monkeypatch.setenv("MAX_DECKS_PER_USER", "1")  # alice has `deck` already
    events = run(generation(store, settings, alice, "A deck on churn", genie_space_id=""))
    assert events == [
        Failed(
            "You already have 1 deck, the most one user may keep: delete one you no longer "
            "need, then try again."
        )
    ]
    assert emulator.emulator.requests("POST", "chat/completions") == []
    assert [d.id for d in store.list_decks("alice")] == [deck.id]
    # The deck alice has may still be rewritten.
    model.replies.append(ModelReply(text=deck_html("<h2>Churn</h2>")))
    rewritten = run(generation(store, settings, alice, "Churn", deck_id=deck.id, genie_space_id=""))
    assert isinstance(rewritten[-1], TurnSaved)


FAULTS = {
    "429": (
        dict(status=429, error_code="REQUEST_LIMIT_EXCEEDED", retry_after_s=1),
        f"The serving endpoint `{ENDPOINT}` is rate-limited (HTTP 429); try again in 1 s.",
    ),
    "500": (
        dict(status=500, message="boom"),
        f"The serving endpoint `{ENDPOINT}` failed (HTTP 500: boom)",
    ),
    "503": (
        dict(status=503, error_code="TEMPORARILY_UNAVAILABLE", message="overloaded"),
        f"The serving endpoint `{ENDPOINT}` failed (HTTP 503: overloaded)",
    ),
    "hang": (dict(kind="hang"), f"The serving endpoint `{ENDPOINT}` did not answer within 1 s"),
    "drop": (dict(kind="drop_stream", after_chunks=30), "The model's answer was cut off"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_leaves_the_deck_unchanged_with_a_clear_message(
    fault, model, store, settings, alice, deck, emulator
):
    kwargs, expected = FAULTS[fault]
    emulator.emulator.add_fault(r"^POST /serving-endpoints/chat/completions$", times=-1, **kwargs)
    model.default = lambda r: ModelReply(text=deck_html(*(f"<h2>new {i}</h2>" for i in range(9))))
    fast = settings.model_copy(update={"llm_timeout_s": 1.0})
    events = run(generation(store, fast, alice, "replace all", deck_id=deck.id, genie_space_id=""))

    assert isinstance(events[-1], Failed), events[-1]
    assert events[-1].message.startswith(expected), events[-1].message
    assert events[-1].message.endswith("The deck is unchanged.")
    record = store.get_deck("alice", deck.id)
    assert record.version == 1 and record.deck == deck
    assert store.list_chat_messages("alice", deck.id)[-1].content == events[-1].message
    if fault != "drop":  # a dropped stream is not retried: slides were already shown
        assert len(emulator.emulator.requests("POST", "chat/completions")) == 2  # 1 + 1 retry


def test_a_single_429_is_retried_after_retry_after_and_succeeds(
    model, store, settings, alice, emulator
):
    emulator.emulator.add_fault(
        "chat/completions", status=429, retry_after_s=1, error_code="REQUEST_LIMIT_EXCEEDED"
    )
    model.replies.append(ModelReply(text=deck_html("<h2>ok</h2>")))
    events = run(generation(store, settings, alice, "x", genie_space_id=""))
    assert isinstance(events[-1], TurnSaved)
    first, second = emulator.emulator.requests("POST", "chat/completions")
    assert first.body == second.body


def test_the_whole_run_has_a_deadline(model, store, settings, alice, deck):
    model.replies.append(ModelReply(text=deck_html(*(f"<h2>{i}</h2>" for i in range(50)))))
    model.tokens_per_s = 40  # far slower than the deadline allows
    short = settings.model_copy(update={"agent_timeout_s": 0.5})
    started = time.monotonic()
    events = run(generation(store, short, alice, "x", deck_id=deck.id, genie_space_id=""))
    assert time.monotonic() - started < 10
    assert events[-1] == Failed(
        "The request took longer than 0.5 s and was stopped. The deck is unchanged."
    )
    assert store.get_deck("alice", deck.id).version == 1


def test_cancelling_a_running_generation_saves_nothing(model, store, settings, alice, deck):
    model.replies.append(ModelReply(text=deck_html(*(f"<h2>new {i}</h2>" for i in range(6)))))
    model.hold_after_chunks = 40  # the stream stalls after the first slide (chunk 25 or so)

    async def scenario() -> list:
        seen: list = []

        async def consume() -> None:
            async for event in generation(
                store, settings, alice, "x", deck_id=deck.id, genie_space_id=""
            ):
                seen.append(event)

        task = asyncio.create_task(consume())
        deadline = time.monotonic() + 10
        while not any(isinstance(e, SlideReady) for e in seen):
            assert time.monotonic() < deadline and not task.done(), seen
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return seen

    seen = asyncio.run(scenario())
    model.release.set()
    assert not any(isinstance(e, TurnSaved | Failed) for e in seen)
    record = store.get_deck("alice", deck.id)
    assert record.version == 1 and record.deck == deck
    last_chat_becomes(store, "alice", deck.id, "The generate was cancelled; the deck is unchanged.")


def test_a_concurrent_change_wins_and_the_run_saves_nothing(model, store, settings, alice, deck):
    model.replies.append(ModelReply(text=deck_html("<h2>late</h2>", "<h2>late 2</h2>")))
    model.hold_after_chunks = 5

    async def scenario() -> list:
        events = []
        async for event in generation(
            store, settings, alice, "x", deck_id=deck.id, genie_space_id=""
        ):
            events.append(event)
            if len(events) == 1:  # the model is writing: someone else edits the deck now
                other = set_slides(deck, deck.slides[:1])
                store.save_deck(
                    "alice", other, base_version=1, kind=ChangeKind.MANUAL_EDIT, summary="other tab"
                )
                model.release.set()
        return events

    events = asyncio.run(scenario())
    assert events[-1] == Failed(
        "The deck was changed elsewhere while this ran; nothing was saved. Try again."
    )
    record = store.get_deck("alice", deck.id)
    assert record.version == 2 and len(record.deck.slides) == 1
