"""The agent: writes and revises decks with a Databricks serving endpoint, using Genie for data.

Entry points (async generators of events; run them in a background task and cancel the task to
stop a run; nothing is saved then):

    run_generation(GenerateRequest(user, prompt, deck_id=None, genie_space_id=None,
                                   endpoint=None), store=store) -> AsyncIterator[AgentEvent]
    run_edit(EditRequest(user, deck_id, slide_ids, instruction), store=store)
        -> AsyncIterator[AgentEvent]

`user` is the `UserContext` of the connection (its `access_token`, when the Apps proxy forwarded
one, is used for Genie so users only see their own data). `Agent(store, settings, workspace=…)`
holds the same two methods for callers that reuse a workspace client.

Events (`slidegen.agent.events`), in the order they can occur:
- `TextDelta(text, in_slide)`: the model's text as it streams (for a progress indicator; slide
  HTML arrives as `SlideReady`, so a UI need not render these);
- `ToolCallStarted(call_id, question)` / `ToolResult(call_id, question, sql, columns, rows,
  total_rows, text, error)`: a Genie query and its (capped) table, or its error;
- `SlideReady(index, slide)`: a slide container has closed in the stream; for a generation
  `index` is its position in the new deck, for an edit the position of the slide it replaces.
  Previews only: a UI shows them at once but must not save them;
- `Retrying(reason)`: an edit answer was unusable; the model is asked once more;
- exactly one of `Finished(record, message, trace_id, meta)` (one new version was saved;
  `record.deck` is the truth, with the same slide ids as the previews) or `Failed(message,
  trace_id)` (the deck is unchanged; `message` is for the user and is also in the chat).

Modules: `runner` (the runs), `converse` (model/tool loop, error messages), `stream` (incremental
slide splitter), `genie` (the Genie tool), `model` (workspace clients, `ChatDatabricks`),
`tracing` (MLflow), `prompts/` (the prompt texts).
"""

from slidegen.agent.events import (
    AgentEvent,
    Failed,
    Finished,
    Retrying,
    SlideReady,
    TextDelta,
    ToolCallStarted,
    ToolResult,
)
from slidegen.agent.runner import (
    Agent,
    AgentStore,
    EditRequest,
    GenerateRequest,
    run_edit,
    run_generation,
)

__all__ = [
    "Agent",
    "AgentEvent",
    "AgentStore",
    "EditRequest",
    "Failed",
    "Finished",
    "GenerateRequest",
    "Retrying",
    "SlideReady",
    "TextDelta",
    "ToolCallStarted",
    "ToolResult",
    "run_edit",
    "run_generation",
]
