"""Logging: JSON (python-json-logger) or text lines, DEBUG/INFO to stdout and WARNING+ to stderr.

Every record carries `user_id` and `request_id` when known: they live in context variables set by
the request middleware and the event-handler wrapper (`log_context`). The redaction filter of
`slidegen.redaction` removes bearer tokens, `X-Forwarded-Access-Token`/`Authorization` values and
other secrets from every message and field, whatever logger they come from (our code, Reflex, the
SDK, urllib3).

`LOG_LEVEL=DEBUG` is for our own code: the libraries that log what passes through them (the
socket.io layers log every websocket packet, i.e. prompts and deck HTML; the OpenAI client and
the Databricks SDK log request and response bodies, i.e. prompts, slides and Genie results) stay
at WARNING whatever the level, and a filter on every handler drops their records below WARNING
even if something lowers their level later.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from collections.abc import Iterator

from pythonjsonlogger.json import JsonFormatter

from slidegen.config import Settings
from slidegen.redaction import STANDARD_ATTRS, RedactionFilter, redact

__all__ = ["configure_logging", "current_context", "log_context", "redact"]

_user_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("user_id", default=None)
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class _ContextAndRedaction(RedactionFilter):
    """Adds user_id/request_id from context, then scrubs secrets from the whole record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "user_id", None) is None:
            record.user_id = _user_id.get()
        if getattr(record, "request_id", None) is None:
            record.request_id = _request_id.get()
        return super().filter(record)


# Loggers whose DEBUG/INFO records carry payloads (websocket packets, HTTP bodies).
PAYLOAD_LOGGERS = (
    "engineio",
    "socketio",
    "openai",
    "httpx",
    "httpcore",
    "urllib3",
    "databricks.sdk",
    "websockets",
    "langchain",
    "langchain_core",
    "langsmith",
    "mlflow",
    "granian.access",
)


class _NoPayloadRecords(logging.Filter):
    """Drops records below WARNING from the payload-carrying libraries."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        name = record.name
        return not any(name == p or name.startswith(p + ".") for p in PAYLOAD_LOGGERS)


class _MaxLevel(logging.Filter):
    def __init__(self, below: int) -> None:
        super().__init__()
        self.below = below

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < self.below


class _StdStreamHandler(logging.StreamHandler):
    """Writes to whatever `sys.stdout`/`sys.stderr` is at emit time (servers and test
    harnesses swap them after logging is configured)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    @property  # type: ignore[override]
    def stream(self):
        return getattr(sys, self._name)

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extras = {
            k: v
            for k, v in record.__dict__.items()
            if k not in STANDARD_ATTRS and v is not None and not k.startswith("_")
        }
        if not extras:
            return base
        return base + " " + " ".join(f"{k}={v}" for k, v in sorted(extras.items()))


def _formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "timestamp", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            json_ensure_ascii=False,
        )
    return _TextFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")


def configure_logging(settings: Settings) -> None:
    """Install the root handlers (idempotent): stdout below WARNING, stderr from WARNING."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_slidegen", False):
            root.removeHandler(handler)
    formatter = _formatter(settings.log_format)
    context = _ContextAndRedaction()

    out = _StdStreamHandler("stdout")
    out.addFilter(_MaxLevel(logging.WARNING))
    err = _StdStreamHandler("stderr")
    err.setLevel(logging.WARNING)
    for handler in (out, err):
        handler.addFilter(_NoPayloadRecords())
        handler.addFilter(context)
        handler.setFormatter(formatter)
        handler._slidegen = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(settings.log_level)
    # Chatty libraries stay at WARNING, payload carriers even when we debug (see above).
    for name in (*PAYLOAD_LOGGERS, "alembic.runtime.migration"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))


@contextlib.contextmanager
def log_context(*, user_id: str | None = None, request_id: str | None = None) -> Iterator[None]:
    """Within the block, every log record carries these ids."""
    t1 = _user_id.set(user_id)
    t2 = _request_id.set(request_id)
    try:
        yield
    finally:
        _user_id.reset(t1)
        _request_id.reset(t2)


def current_context() -> dict[str, str | None]:
    return {"user_id": _user_id.get(), "request_id": _request_id.get()}
