"""Outline first, then one call per slide in parallel: through the real ChatDatabricks and
WorkspaceClient against the emulator, whose serving endpoint paces each stream, caps concurrent
streams with 429s and answers outline and slide calls as scripted."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from slidegen.agent import Failed, SlideNotWritten, SlidePlanned, SlideReady, ToolCallStarted
from slidegen.deck import Deck, Slide
from slidegen.deck.placeholders import FAILED, placeholder_info
from slidegen.emulator.replies import ModelFailure
from slidegen.emulator.scripts import genie_space, outline_text
from slidegen.service import TurnSaved, TurnStarted
from slidegen.store import ChangeKind
from tests.support.turns import generation, last_chat_becomes, turns

from .conftest import ENDPOINT, SPACE, collect, run


@pytest.fixture
def outlined(settings):
    return settings.model_copy(update={"generation_mode": "outline", "slide_concurrency": 4})


def plan(n: int, *, data: bool = False) -> str:
    return outline_text(
        "Q3 review",
        [
            {
                "title": f"Point {i}",
                "intent": f"what point {i} shows",
                "layout": "text",
                "data": [f"Revenue for point {i}"] if data and i % 2 else [],
            }
            for i in range(1, n + 1)
        ],
    )


def slide(title: str, body: str = "<p>text</p>") -> str:
    return f'<section class="slide sg-slide"><h2>{title}</h2>{body}</section>'


def test_the_outline_shows_placeholders_then_each_slide_replaces_its_own(
    model, store, outlined, alice
):
    model.script("outline", plan(5))
    for n in range(1, 6):
        model.script("slide", slide(f"Written {n}"), slide=n)
    model.pace(ENDPOINT, tokens_per_s=400)
    events = run(generation(store, outlined, alice, "A Q3 review", genie_space_id=""))

    assert isinstance(events[0], TurnStarted) and events[0].theme is not None
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    planned = [e for e in events if isinstance(e, SlidePlanned)]
    ready = [e for e in events if isinstance(e, SlideReady)]
    assert [p.slide.title for p in planned] == [f"Point {n}" for n in range(1, 6)]
    assert all(placeholder_info(p.slide) is not None for p in planned)
    # Each slide replaces a placeholder already on screen (slides start while the outline
    # still streams, so slide 1 may be written before placeholder 5 appears).
    for done in ready:
        mine = next(p for p in planned if p.slide.id == done.slide.id)
        assert events.index(done) > events.index(mine)
    assert {r.slide.id: r.index for r in ready} == {p.slide.id: p.index for p in planned}
    deck = store.get_deck("alice", saved.record.deck.id)
    assert deck.version == 1
    assert [s.title for s in deck.deck.slides] == [f"Written {n}" for n in range(1, 6)]
    assert list(deck.deck.slide_ids) == [p.slide.id for p in planned]
    assert deck.deck.theme is not None and deck.deck.theme.id == "light"
    assert deck.deck.title == "Q3 review"
    stats = model.stats(ENDPOINT)
    assert len(stats.of_kind("outline")) == 1 and len(stats.of_kind("slide")) == 5
    assert saved.meta["slide_calls"] == 5
    # Each slide call saw its own spec and the whole outline.
    specs = [r.slide_spec for r in model.requests if r.kind == "slide"]
    assert sorted(s["slide"] for s in specs) == [1, 2, 3, 4, 5]
    # A call that starts while the outline still streams sees the outline so far, and says so.
    full = [f"Point {n}" for n in range(1, 6)]
    for spec in specs:
        assert spec["outline"] == full[: len(spec["outline"])]
        assert spec["slide"] <= len(spec["outline"])
        if len(spec["outline"]) < len(full):
            assert spec["outline_complete"] is False
    assert all(s["deck_title"] == "Q3 review" for s in specs)


def test_slides_are_written_in_parallel_within_the_bound(model, store, outlined, alice):
    bound = outlined.model_copy(update={"slide_concurrency": 2})
    model.script("outline", plan(6))
    model.script("slide", slide("S", "<p>" + "word " * 60 + "</p>"), times=6)
    model.pace(ENDPOINT, tokens_per_s=150, ttft_s=0.2)
    events = run(generation(store, bound, alice, "six slides", genie_space_id=""))
    assert isinstance(events[-1], TurnSaved), events[-1]
    slides = model.stats(ENDPOINT).of_kind("slide")
    assert len(slides) == 6
    # Never more than the bound at once, and the bound is used: calls overlap.
    peak = 0
    for call in slides:
        at_once = sum(1 for c in slides if c.started <= call.started < (c.ended or 0))
        peak = max(peak, at_once)
    assert peak == 2
    assert events[-1].meta["concurrency_peak"] == 2


def test_a_429_backs_off_and_lowers_the_concurrency_for_the_run(model, store, outlined, alice):
    model.script("outline", plan(6))
    model.script("slide", slide("S", "<p>" + "word " * 40 + "</p>"), times=6)
    model.pace(ENDPOINT, tokens_per_s=200, max_concurrent=2, retry_after_s=0)
    events = run(generation(store, outlined, alice, "six slides", genie_space_id=""))
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    assert len(saved.record.deck.slides) == 6
    stats = model.stats(ENDPOINT)
    assert stats.rejected >= 1  # the endpoint refused some calls beyond its cap …
    assert saved.meta["throttled"] >= 1  # … and the run backed off and lowered its bound
    assert stats.peak_concurrent <= 2
    ok = [c for c in stats.of_kind("slide") if c.status == "ok"]
    assert len(ok) == 6


def test_a_slide_failing_twice_stays_a_placeholder_and_the_chat_says_which(
    model, store, outlined, alice
):
    model.script("outline", plan(4))
    for n in (1, 2, 4):
        model.script("slide", slide(f"Written {n}"), slide=n)
    model.script("slide", ModelFailure(500, message="boom"), slide=3, times=2)
    events = run(generation(store, outlined, alice, "four slides", genie_space_id=""))
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    (missing,) = [e for e in events if isinstance(e, SlideNotWritten)]
    assert missing.index == 2
    deck = saved.record.deck
    info = placeholder_info(deck.slides[2])
    assert info is not None and info.state == FAILED and info.title == "Point 3"
    assert [s.title for s in deck.slides] == ["Written 1", "Written 2", "Point 3", "Written 4"]
    assert "Slide 3 could not be written" in saved.message and "Retry" in saved.message
    assert saved.meta["failed_slides"] == [3]
    calls = [c for c in model.stats(ENDPOINT).of_kind("slide") if c.slide == 3]
    assert len(calls) == 2  # retried once, then given up
    chat = store.list_chat_messages("alice", deck.id)
    assert chat[-1].content == saved.message


def test_a_slide_failing_once_is_retried_and_written(model, store, outlined, alice):
    model.script("outline", plan(2))
    model.script("slide", ModelFailure(503, error_code="TEMPORARILY_UNAVAILABLE"), slide=2)
    model.script("slide", slide("Second"), slide=2)
    model.script("slide", slide("First"), slide=1)
    events = run(generation(store, outlined, alice, "two", genie_space_id=""))
    assert isinstance(events[-1], TurnSaved), events[-1]
    assert [s.title for s in events[-1].record.deck.slides] == ["First", "Second"]


def test_every_slide_failing_fails_the_generation_and_saves_nothing(model, store, outlined, alice):
    existing = store.create_deck("alice", "Keep me")
    model.script("outline", plan(2))
    model.script("slide", ModelFailure(500), times=4)
    events = run(
        generation(store, outlined, alice, "two", deck_id=existing.deck.id, genie_space_id="")
    )
    assert isinstance(events[-1], Failed), events[-1]
    assert "No slide could be written" in events[-1].message
    assert store.get_deck("alice", existing.deck.id).version == 1


def test_stop_mid_way_saves_nothing_and_closes_every_call(model, store, outlined, alice):
    existing = store.create_deck("alice", "Before")
    model.script("outline", plan(4))
    model.script("slide", slide("S", "<p>" + "word " * 400 + "</p>"), times=4)
    model.pace(ENDPOINT, tokens_per_s=50)

    async def scenario() -> list:
        seen: list = []

        async def consume() -> None:
            async for event in generation(
                store, outlined, alice, "x", deck_id=existing.deck.id, genie_space_id=""
            ):
                seen.append(event)

        task = asyncio.create_task(consume())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if len([c for c in model.stats(ENDPOINT).of_kind("slide") if c.ended is None]) >= 4:
                break
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return seen

    seen = asyncio.run(scenario())
    assert not any(isinstance(e, TurnSaved | Failed) for e in seen)
    assert store.get_deck("alice", existing.deck.id).version == 1
    # The endpoint sees every slide stream end (the client closed them), none left running.
    deadline = time.monotonic() + 5
    while model.stats(ENDPOINT).active and time.monotonic() < deadline:
        time.sleep(0.05)
    assert model.stats(ENDPOINT).active == 0
    slides = model.stats(ENDPOINT).of_kind("slide")
    assert slides and all(c.status == "cancelled" for c in slides)
    last_chat_becomes(
        store, "alice", existing.deck.id, "The generate was cancelled; the deck is unchanged."
    )


def test_a_follow_up_keeps_the_slides_it_does_not_change(model, store, outlined, alice):
    kept = [
        Slide(id=f"s_00000000{n:02d}", html=f'<div class="slide"><h2>Old {n}</h2></div>')
        for n in range(1, 4)
    ]
    created = store.create_deck("alice", "Deck", slides=tuple(kept))
    model.script(
        "outline",
        outline_text(
            "Deck",
            [1, {"title": "Risks", "intent": "the risks", "layout": "text", "data": []}, 3],
        ),
    )
    model.script("slide", slide("Risks"))
    events = run(
        generation(
            store,
            outlined,
            alice,
            "replace slide 2 with risks",
            deck_id=created.deck.id,
            genie_space_id="",
        )
    )
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    deck = saved.record.deck
    assert [s.title for s in deck.slides] == ["Old 1", "Risks", "Old 3"]
    assert deck.slides[0].id == kept[0].id and deck.slides[2].id == kept[2].id
    assert len(model.stats(ENDPOINT).of_kind("slide")) == 1  # only the changed slide
    outline_call = next(r for r in model.requests if r.kind == "outline")
    assert outline_call.current_deck == [(1, "Old 1"), (2, "Old 2"), (3, "Old 3")]
    assert saved.record.version == 2
    assert store.list_versions("alice", deck.id)[0].kind == ChangeKind.GENERATE


def test_the_data_questions_go_to_genie_first_and_reach_their_slides(
    model, store, outlined, alice, emulator
):
    space = genie_space(emulator.emulator, SPACE)
    model.script("outline", plan(4, data=True))
    events = run(generation(store, outlined, alice, "Q3 with data"))
    assert isinstance(events[-1], TurnSaved), events[-1]
    asked = [e.question for e in events if isinstance(e, ToolCallStarted)]
    assert sorted(asked) == ["Revenue for point 1", "Revenue for point 3"]
    assert sorted(space.questions) == sorted(asked)
    first_ready = next(i for i, e in enumerate(events) if isinstance(e, SlideReady))
    assert all(events.index(e) < first_ready for e in events if isinstance(e, ToolCallStarted))
    by_slide = {r.slide_spec["slide"]: r.data_texts() for r in model.requests if r.kind == "slide"}
    assert by_slide[1] and "Revenue for point 1" in by_slide[1][0]
    assert "GENIE_DATA" not in "".join(by_slide[2])  # slide 2 asked for no data
    assert events[-1].meta.get("genie_space_id") == SPACE
    assert events[-1].meta.get("genie_conversation_id")


def test_a_slide_that_does_not_fit_is_rewritten_once_then_scaled(model, store, outlined, alice):
    from slidegen.export.fit import measure_fit_available

    if not measure_fit_available():
        pytest.skip("needs Chromium")
    fitting = outlined.model_copy(update={"auto_fit": "auto", "agent_timeout_s": 120.0})
    rows = "".join(f"<tr><td>row {i}</td><td>{i}</td></tr>" for i in range(40))
    tall = slide("Tall table", f"<table>{rows}</table>")
    model.script("outline", plan(2))
    model.script("slide", slide("Fits"), slide=1)
    model.script("slide", tall, slide=2)
    model.script("fit", tall)  # the rewrite still does not fit: the slide is scaled
    events = run(generation(store, fitting, alice, "two", genie_space_id=""))
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    fit_calls = [r for r in model.requests if r.kind == "fit"]
    assert len(fit_calls) == 1 and "below the slide" in fit_calls[0].fit_measurement
    assert saved.meta["fit_passes"] == 1 and saved.meta["scaled_to_fit"] == 1
    from slidegen.deck.fitting import is_scaled_to_fit

    assert is_scaled_to_fit(saved.record.deck.slides[1])
    assert not is_scaled_to_fit(saved.record.deck.slides[0])
    from slidegen.export.fit import measure_fit

    (again,) = asyncio.run(measure_fit([saved.record.deck.slides[1]], saved.record.deck))
    assert again.fits, again.problems  # measured again, the scaled slide fits its box


def test_the_outline_call_and_the_slide_calls_carry_the_protocol(model, store, outlined, alice):
    model.script("outline", "```json\n" + plan(1) + "```\n")  # a fenced outline still reads
    model.script("slide", slide("One"))
    events = run(generation(store, outlined, alice, "one slide", genie_space_id=""))
    assert isinstance(events[-1], TurnSaved), events[-1]
    outline_call, slide_call = model.requests[0], model.requests[1]
    assert "Plan the deck as an outline." in outline_call.system_text
    assert "Write exactly one slide." in slide_call.system_text
    assert "--sg-accent" in slide_call.system_text  # the theme's vocabulary
    assert not outline_call.offers_tool("query_genie_space")
    assert json.loads(json.dumps(slide_call.slide_spec))["of"] == 1


def test_an_outline_without_slides_fails_clearly(model, store, outlined, alice):
    model.script("outline", "I cannot help with that.")
    events = asyncio.run(collect(generation(store, outlined, alice, "x", genie_space_id="")))
    assert isinstance(events[-1], Failed)
    assert "outline could not be used" in events[-1].message
    assert turns(store, outlined) is not None
    assert store.list_decks("alice") == []  # no empty deck left behind
    assert Deck  # the value type stays importable for callers


def test_retry_writes_a_failed_slide_from_its_plan_as_one_version(
    model, store, outlined, alice, emulator
):
    space = genie_space(emulator.emulator, SPACE)
    model.script("outline", plan(3, data=True))
    model.script("slide", slide("Written 1"), slide=1)
    model.script("slide", slide("Written 2"), slide=2)
    model.script("slide", ModelFailure(500), slide=3, times=2)
    first = run(generation(store, outlined, alice, "three"))[-1]
    assert isinstance(first, TurnSaved), first
    deck = first.record.deck
    failed = deck.slides[2]
    assert placeholder_info(failed).questions == ("Revenue for point 3",)
    asked_before = len(space.questions)

    model.script("slide", slide("Written 3 at last"), slide=3)
    events = run(turns(store, outlined).regenerate(alice, deck.id, failed.id))
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    after = saved.record.deck
    assert [s.title for s in after.slides] == ["Written 1", "Written 2", "Written 3 at last"]
    assert after.slides[2].id == failed.id and after.slides[:2] == deck.slides[:2]
    assert saved.record.version == first.record.version + 1
    assert store.list_versions("alice", deck.id)[0].kind == ChangeKind.CHAT_EDIT
    assert space.questions[asked_before:] == ["Revenue for point 3"]  # its data asked again
    spec = [r for r in model.requests if r.kind == "slide"][-1].slide_spec
    assert spec["title"] == "Point 3" and spec["slide"] == 3 and spec["of"] == 3


def test_regenerate_rewrites_any_slide_in_place_and_a_failure_changes_nothing(
    model, store, outlined, alice
):
    kept = [
        Slide(id=f"s_00000000{n:02d}", html=f'<div class="slide"><h2>Old {n}</h2><p>t</p></div>')
        for n in range(1, 3)
    ]
    created = store.create_deck("alice", "Deck", slides=tuple(kept))
    model.script("slide", slide("Old 2, better"))
    events = run(turns(store, outlined).regenerate(alice, created.deck.id, kept[1].id, "punchier"))
    assert isinstance(events[-1], TurnSaved), events[-1]
    assert [s.title for s in events[-1].record.deck.slides] == ["Old 1", "Old 2, better"]
    request = [r for r in model.requests if r.kind == "slide"][-1]
    assert "punchier" in request.slide_spec["intent"] and "Old 2" in request.slide_spec["intent"]

    model.script("slide", ModelFailure(500), times=2)
    failed = run(turns(store, outlined).regenerate(alice, created.deck.id, kept[0].id))
    assert isinstance(failed[-1], Failed) and "could not be written" in failed[-1].message
    assert store.get_deck("alice", created.deck.id).version == 2
    gone = run(turns(store, outlined).regenerate(alice, created.deck.id, "s_99999999ff"))
    assert isinstance(gone[-1], Failed) and "not in the deck" in gone[-1].message


def test_a_reviewed_outline_is_written_as_the_user_edited_it(model, store, outlined, alice):
    from slidegen.agent import Outline, OutlineEntry, OutlineReady

    created = store.create_deck("alice", "Empty")
    deck_id = created.deck.id
    model.script("outline", plan(3))
    review = run(
        turns(store, outlined).generate(
            alice, "three", deck_id=deck_id, genie_space_id="", review_outline=True
        )
    )
    ready = review[-1]
    assert isinstance(ready, OutlineReady), ready
    assert [e.title for e in ready.outline.entries] == ["Point 1", "Point 2", "Point 3"]
    assert model.stats(ENDPOINT).of_kind("slide") == []  # nothing written before the review
    assert store.get_deck("alice", deck_id).version == 1
    chat = store.list_chat_messages("alice", deck_id)
    assert [m.role for m in chat] == ["user", "assistant"] and "Review" in chat[-1].content

    entries = ready.outline.entries
    edited = Outline(
        "Edited deck",
        (
            entries[2],  # reordered first
            OutlineEntry(title="Renamed 1", intent=entries[0].intent, layout="text"),
            OutlineEntry(title="Added", intent="a new slide", layout="quote"),
        ),  # Point 2 removed
    )
    model.script("slide", slide("W"), times=3)
    events = run(
        turns(store, outlined).generate(
            alice, "three", deck_id=deck_id, genie_space_id="", outline=edited
        )
    )
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    assert saved.record.version == 2 and saved.record.deck.title == "Edited deck"
    written = sorted(
        (r.slide_spec["slide"], r.slide_spec["title"]) for r in model.requests if r.kind == "slide"
    )
    assert written == [(1, "Point 3"), (2, "Renamed 1"), (3, "Added")]
    assert len(model.stats(ENDPOINT).of_kind("outline")) == 1  # not planned again
    chat = store.list_chat_messages("alice", deck_id)
    assert [m.role for m in chat].count("user") == 1  # the request is recorded once


def test_a_model_answering_the_outline_with_a_whole_deck_gets_that_deck(
    model, store, outlined, alice
):
    deck_html = "<title>Straight to slides</title><style>h2{color:#123}</style>" + "".join(
        f'<div class="slide"><h2>Direct {n}</h2></div>' for n in range(1, 4)
    )
    model.script("outline", deck_html)
    events = run(generation(store, outlined, alice, "a deck", genie_space_id=""))
    saved = events[-1]
    assert isinstance(saved, TurnSaved), saved
    previews = [e for e in events if isinstance(e, SlideReady)]
    assert [p.slide.title for p in previews] == ["Direct 1", "Direct 2", "Direct 3"]
    assert [s.id for s in saved.record.deck.slides] == [p.slide.id for p in previews]
    assert saved.record.deck.title == "Straight to slides"
    assert model.stats(ENDPOINT).of_kind("slide") == []  # no slide calls were needed
    assert saved.meta["deck_in_outline_answer"] is True
