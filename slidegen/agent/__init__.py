"""The agent: writes and revises decks with a Databricks serving endpoint, using Genie for data.

It is pure: it reads what the request gives it, yields events and hands back the finished deck;
it saves nothing and imports neither the store nor the server nor the web app. Saving one
version per run, the chat rows and access checks are `slidegen.service.turns`'s job.

    agent = Agent(settings)
    agent.generate(GenerateRequest(user, prompt, deck=None, genie_space_id=None)) -> events
    agent.edit(EditRequest(user, deck, slide_ids, instruction)) -> events

`user` is the `UserContext` of the connection (its `access_token`, when the Apps proxy forwarded
one, is used for Genie so users only see their own data). Cancel the consuming task (or close
the iterator) to stop a run.

Events (`slidegen.agent.events`), in the order they can occur:
- `TextDelta(text, in_slide)`: the model's text as it streams (slide HTML arrives as
  `SlideReady`, so a UI need not render these);
- `ToolCallStarted(call_id, question)` / `ToolResult(call_id, question, sql, columns, rows,
  total_rows, text, error)`: a Genie query and its (capped) table, or its error;
- `SlidePlanned(index, slide)`: an outline entry is complete; `slide` is its placeholder (or a
  slide a follow-up keeps), replaced later by the `SlideReady` with the same id;
- `SlideReady(index, slide)`: a slide is written; for a generation `index` is its position in
  the new deck, for an edit or a regeneration the position of the slide it replaces;
- `SlideNotWritten(index, slide, reason)`: a slide failed twice; `slide` is its placeholder
  marked failed, kept in the deck;
- `Retrying(reason)`: an edit answer was unusable; the model is asked once more;
- `OutlineReady(outline)`: the result of a planning run (outline review) instead of a deck;
- exactly one of `DeckWritten(deck, message, summary, trace_id, meta)` or `Failed(message,
  trace_id)` (`message` is for the user).

Modules, by job: `agent` (entry points), `requests` (what a caller asks), `outline_first` (a
deck planned as an outline, then each slide by its own call in parallel: `outline`, `facts` for
the Genie phase, `slide_writer`, `pacing` for concurrency and 429s), `generation` (a whole deck
in one answer, GENERATION_MODE=single), `slide_edit` (revising chosen slides),
`slide_regeneration` (one slide written again: Retry / Regenerate), `runs` (the run's task,
model, Genie session, trace and deadline), `converse` (the model/tool loop), `prompting` and
`prompts/` (the messages), `genie` (the Genie tool), `genie_memory` (which conversation a run
continues), `stream` (incremental slide splitter), `model` (workspace clients,
`ChatDatabricks`), `failures` (one-sentence errors), `tracing` (MLflow).
"""

from slidegen.agent.agent import Agent
from slidegen.agent.events import (
    AgentEvent,
    DeckWritten,
    Failed,
    OutlineReady,
    Retrying,
    SlideNotWritten,
    SlidePlanned,
    SlideReady,
    TextDelta,
    ToolCallStarted,
    ToolResult,
)
from slidegen.agent.genie_memory import remembered_conversation
from slidegen.agent.outline import Outline, OutlineEntry
from slidegen.agent.requests import EditRequest, GenerateRequest, RegenerateRequest
from slidegen.agent.slide_edit import edit_input_problem, edit_request_problem

__all__ = [
    "Agent",
    "AgentEvent",
    "DeckWritten",
    "EditRequest",
    "Failed",
    "GenerateRequest",
    "Outline",
    "OutlineEntry",
    "OutlineReady",
    "RegenerateRequest",
    "Retrying",
    "SlideNotWritten",
    "SlidePlanned",
    "SlideReady",
    "TextDelta",
    "ToolCallStarted",
    "ToolResult",
    "edit_input_problem",
    "edit_request_problem",
    "remembered_conversation",
]
