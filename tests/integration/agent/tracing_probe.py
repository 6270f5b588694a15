"""Run one generation against a fresh emulator and report tracing facts as JSON on stdout.

Run in a subprocess by test_tracing.py: MLflow's autolog patches LangChain process-wide, so the
traced run must not share a process with the rest of the suite.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from slidegen.agent import Agent
from slidegen.config import load_settings
from slidegen.emulator import running_emulator
from slidegen.emulator.scripts import ModelReply, model_script
from slidegen.server.identity import UserContext
from slidegen.service import DeckService, TurnSaved, TurnService
from slidegen.store import open_store


def main() -> None:
    with running_emulator() as server:
        os.environ["DATABRICKS_HOST"] = server.url
        os.environ["DATABRICKS_TOKEN"] = "app-token"
        model_script(server.emulator).replies.append(
            ModelReply(text='<title>Traced</title><div class="slide"><h2>One</h2></div>')
        )
        settings = load_settings(data_dir=sys.argv[1], genie_space_id="", llm_max_retries=0)
        store = open_store(settings)
        user = UserContext("alice", "alice@example.com", "Alice", "r1")

        async def go() -> TurnSaved:
            events = [
                e
                async for e in TurnService(
                    DeckService(lambda: store), lambda: Agent(settings), lambda: settings
                ).generate(user, "a deck")
            ]
            assert isinstance(events[-1], TurnSaved), events[-1]
            return events[-1]

        finished = asyncio.run(go())
        deck_id = finished.record.deck.id
        report: dict[str, object] = {
            "trace_id": finished.trace_id,
            "chat_trace_ids": [m.trace_id for m in store.list_chat_messages("alice", deck_id)],
            "deck_id": deck_id,
        }
        if "mlflow" in sys.modules:  # databricks-langchain imports it; tracing must stay idle
            import mlflow

            report["last_trace_in_process"] = mlflow.get_last_active_trace_id()
        if finished.trace_id:
            import mlflow

            mlflow.flush_trace_async_logging()
            trace = mlflow.get_trace(finished.trace_id)
            report["tags"] = dict(trace.info.tags)
            report["spans"] = [span.name for span in trace.data.spans]
        store.dispose()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
