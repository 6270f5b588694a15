"""MLflow tracing of agent runs, on only when a tracking server is configured.

With `MLFLOW_TRACKING_URI` set (`databricks` in the App, with `MLFLOW_EXPERIMENT_ID` bound to an
experiment resource; any URI in tests), `mlflow.langchain.autolog` records the model and tool
calls, nested under one root span per generation or edit that carries the user and deck ids as
tags; the trace id goes into the chat message so a conversation can be matched to its trace.

Without it, MLflow is not even imported: MLflow's default would be a local `sqlite:///mlflow.db`
(an unwanted file on an ephemeral disk) and importing it costs about a second.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slidegen.config import Settings

__all__ = ["RunTrace", "configure_tracing", "traced_run"]

log = logging.getLogger(__name__)

_lock = threading.Lock()
_configured: tuple[str, str | None] | None = None


def configure_tracing(settings: Settings) -> bool:
    """Set MLflow up once per process for these settings; False when tracing is off."""
    global _configured
    if not settings.tracing_enabled:
        return False
    wanted = (str(settings.mlflow_tracking_uri), settings.mlflow_experiment_id)
    with _lock:
        if _configured == wanted:
            return True
        import mlflow

        mlflow.set_tracking_uri(wanted[0])
        if wanted[1]:
            mlflow.set_experiment(experiment_id=wanted[1])
        # Inline tracer: the autologged spans must nest under our root span in async code.
        mlflow.langchain.autolog(run_tracer_inline=True, silent=True)
        _configured = wanted
    return True


@dataclass
class RunTrace:
    """The trace of one run; `trace_id` is None when tracing is off."""

    trace_id: str | None = None
    _span: Any = None

    def tag(self, key: str, value: str) -> None:
        """Add a tag to the trace (inside the run's span context only)."""
        if self._span is None:
            return
        import mlflow

        mlflow.update_current_trace(tags={key: value})

    def finish(self, *, outputs: Any = None, error: str | None = None) -> None:
        if self._span is None:
            return
        if outputs is not None:
            self._span.set_outputs(outputs)
        if error:
            self._span.set_attribute("slidegen.error", error)


@contextlib.contextmanager
def traced_run(
    settings: Settings, name: str, *, user_id: str, deck_id: str, kind: str, inputs: dict[str, Any]
) -> Iterator[RunTrace]:
    """A root span for one run, tagged with user and deck; a no-op when tracing is off."""
    if not configure_tracing(settings):
        yield RunTrace()
        return
    import mlflow

    with mlflow.start_span(name=name, span_type="AGENT") as span:
        span.set_inputs(inputs)
        mlflow.update_current_trace(
            tags={"slidegen.user_id": user_id, "slidegen.deck_id": deck_id, "slidegen.kind": kind},
            user=user_id,
            session_id=deck_id,
        )
        yield RunTrace(trace_id=span.trace_id, _span=span)
