"""The demo workspace's model through the real agent, `ChatDatabricks` and the Genie client.

A new deck asks Genie (the real tool round trip), then holds a title from the prompt, 5-8
slides, bullets, a table and Chart.js charts whose data are the demo rows; the raw tool output is
never on a slide. Edits of chosen slides and follow-ups on the whole deck work too.
"""

from __future__ import annotations

import json
import re

import lxml.html

from slidegen.emulator.demo_data import MONTHLY_REVENUE, REGION_REVENUE
from slidegen.emulator.scripts import ModelReply, genie_space
from slidegen.service import TurnSaved
from tests.integration.agent.conftest import SPACE, run
from tests.support.turns import editing, generation

PROMPT = "Create a deck about our Q3 sales review for the board"


def _chart_configs(slide_html: str, scripts: tuple[str, ...]) -> list[dict]:
    configs = []
    for script in scripts:
        match = re.search(r"new Chart\([^,]+,\s*(\{.*\})\);", script, re.S)
        if match:
            configs.append(json.loads(match.group(1)))
    return configs


def _generate(store, settings, alice):
    events = run(generation(store, settings, alice, PROMPT))
    assert isinstance(events[-1], TurnSaved), events[-1]
    return events[-1].record.deck


def test_the_demo_model_writes_a_styled_deck_from_the_prompt_and_genies_rows(
    store, settings, alice, emulator
):
    deck = _generate(store, settings, alice)

    assert deck.title == "Our Q3 Sales Review for the Board"
    assert 5 <= len(deck.slides) <= 8
    assert ".slide h2" in deck.styles and ".slide table" in deck.styles
    questions = genie_space(emulator.emulator, SPACE).questions
    assert len(questions) == 2 and all("Q3 Sales Review" in q for q in questions)

    everything = "\n".join(s.html + "".join(s.scripts) for s in deck.slides)
    assert "GENIE_DATA" not in everything and "<<<" not in everything
    assert "untrusted" not in everything and "SELECT" not in everything

    documents = [lxml.html.fromstring(s.html) for s in deck.slides]
    assert documents[0].xpath("string(//h1)") == deck.title
    assert any(d.xpath("//li") for d in documents)
    tables = [d for d in documents if d.xpath("//table")]
    assert len(tables) == 1
    cells = tables[0].xpath("//td/text()")
    assert "North America" in cells and "$4.82M" in cells

    charts = [c for s in deck.slides for c in _chart_configs(s.html, s.scripts)]
    assert {c["type"] for c in charts} == {"bar", "line"}
    bar = next(c for c in charts if c["type"] == "bar")
    assert bar["data"]["labels"] == [r[0] for r in REGION_REVENUE]
    assert bar["data"]["datasets"][0]["data"] == [round(r[1] / 1e6, 2) for r in REGION_REVENUE]
    assert bar["data"]["datasets"][0]["label"] == "Revenue ($M)"
    line = next(c for c in charts if c["type"] == "line")
    assert line["data"]["datasets"][0]["data"] == [round(r[1] / 1e6, 2) for r in MONTHLY_REVENUE]
    for slide in deck.slides:
        for canvas in lxml.html.fromstring(slide.html).xpath("//canvas/@id"):
            assert any(canvas in script for script in slide.scripts)


def test_a_slide_count_in_the_prompt_is_honoured_within_the_demos_range(store, settings, alice):
    counts = {}
    for prompt in ("A 5-slide Q3 sales review", "Eight slides on our Q3 sales", "A 30-slide deck"):
        events = run(generation(store, settings, alice, prompt))

        assert isinstance(events[-1], TurnSaved), events[-1]
        counts[prompt] = len(events[-1].record.deck.slides)
    assert list(counts.values()) == [5, 8, 8]


def test_a_genie_failure_gives_a_slide_saying_so_instead_of_figures(
    store, settings, alice, emulator
):
    from slidegen.emulator.scripts import GenieAnswer

    space = genie_space(emulator.emulator, SPACE)
    space.default = lambda q: GenieAnswer(statuses=("FAILED",), error="warehouse stopped")
    deck = _generate(store, settings, alice)

    everything = "\n".join(s.html + "".join(s.scripts) for s in deck.slides)
    assert "not available" in everything and "new Chart" not in everything
    assert "warehouse stopped" not in everything and "Genie could not answer" not in everything
    assert 4 <= len(deck.slides) <= 8


def test_demo_edits_change_the_chosen_slides_and_keep_their_ids_and_charts(store, settings, alice):
    deck = _generate(store, settings, alice)
    agenda = deck.slides[1]
    chart = next(s for s in deck.slides if s.scripts)
    events = run(
        editing(
            store, settings, alice, deck.id, (agenda.id, chart.id), 'make it shorter, title "Plan"'
        )
    )
    assert isinstance(events[-1], TurnSaved), events[-1]
    after = events[-1].record.deck
    assert after.slide_ids == deck.slide_ids
    new_agenda = lxml.html.fromstring(after.slide(agenda.id).html)
    assert new_agenda.xpath("string(//h2)") == "Plan"
    assert len(new_agenda.xpath("//li")) == 3
    assert after.slide(chart.id).scripts == chart.scripts


def test_a_demo_follow_up_keeps_the_deck_and_adds_the_slide_asked_for(store, settings, alice):
    deck = _generate(store, settings, alice)
    events = run(generation(store, settings, alice, "Add a slide on risks", deck_id=deck.id))
    assert isinstance(events[-1], TurnSaved), events[-1]
    after = events[-1].record.deck
    assert len(after.slides) == len(deck.slides) + 1
    assert set(deck.slide_ids) <= set(after.slide_ids)
    titles = [s.title for s in after.slides]
    assert "Risks" in titles and titles[-1] == deck.slides[-1].title


def test_a_follow_up_keeps_the_decks_css(store, settings, alice):
    deck = _generate(store, settings, alice)
    events = run(generation(store, settings, alice, "Add a slide on hiring", deck_id=deck.id))
    assert events[-1].record.deck.styles == deck.styles


def test_a_revision_without_a_style_block_keeps_the_decks_css(store, settings, alice, model):
    deck = _generate(store, settings, alice)
    model.replies.append(ModelReply(text='<div class="slide"><h2>Only this</h2></div>'))
    events = run(
        generation(store, settings, alice, "Keep one slide", deck_id=deck.id, genie_space_id="")
    )
    after = events[-1].record.deck
    assert [s.title for s in after.slides] == ["Only this"]
    assert after.styles == deck.styles


def test_asking_for_a_new_deck_on_a_deck_with_slides_writes_a_new_deck(store, settings, alice):
    deck = _generate(store, settings, alice)
    events = run(
        generation(
            store, settings, alice, "Make a presentation about customer churn", deck_id=deck.id
        )
    )
    after = events[-1].record.deck
    assert after.id == deck.id
    assert after.title == "Customer Churn"
    assert len(after.slides) == len(deck.slides)
    assert after.slides[0].title == "Customer Churn"
