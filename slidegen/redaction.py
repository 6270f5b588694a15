"""Removing secrets from log output: the one redaction every log path uses.

`redact` replaces bearer/basic credentials, values of secret-looking keys (`token=`,
`"access_token": ...`, `X-Forwarded-Access-Token`, `Authorization`, `client_secret`, ...),
Databricks personal access tokens, JWTs, and every secret handed to `remember_secret` (such as a
freshly minted Lakebase token), with `[REDACTED]`. `RedactionFilter` applies it to a whole log
record: message, extra fields, traceback and stack. The logging setup puts it on every handler it
installs; `install_redaction` also puts it on a library's logger, so that logger's records are
scrubbed whichever handler receives them (a filter on a logger runs before any handler).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

__all__ = ["MARK", "RedactionFilter", "install_redaction", "redact", "remember_secret"]

MARK = "[REDACTED]"

_SECRET_KEYS = re.compile(
    r"(authorization|access[_-]?token|x-forwarded-access-token|token|secret|"
    r"password|client[_-]?secret|api[_-]?key)",
    re.I,
)
_SECRET_PATTERNS = [
    # "Bearer xyz", "Authorization: Basic abc"
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"), rf"\1 {MARK}"),
    # key=value / key: value / "key": "value" for secret-looking keys
    (
        re.compile(r"""(?ix)
        (["']?(?:x-forwarded-access-token|authorization|access_token|client_secret|password|
               token|api_key|secret)["']?\s*[:=]\s*["']?)
        ([^"'\s,;}&]{4,})"""),
        rf"\1{MARK}",
    ),
    # Databricks personal access tokens and OAuth-looking JWTs wherever they appear
    (re.compile(r"\bdapi[0-9a-f]{16,}\b"), MARK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}"), MARK),
]

# Libraries truncate long strings in their dumps; a prefix this long of a secret is still one.
_PREFIX = 24
_MIN_SECRET = 8  # shorter values would scrub ordinary words
_secrets: deque[str] = deque(maxlen=16)
_lock = threading.Lock()


def remember_secret(secret: str) -> None:
    """Scrub `secret` (and its leading characters) from every later log line."""
    if len(secret) >= _MIN_SECRET:
        with _lock:
            _secrets.append(secret)


def redact(value: Any) -> Any:
    """A copy of `value` with secrets replaced by [REDACTED] (strings, mappings, sequences)."""
    if isinstance(value, str):
        for pattern, replacement in _SECRET_PATTERNS:
            value = pattern.sub(replacement, value)
        for secret in list(_secrets):
            value = value.replace(secret, MARK).replace(secret[:_PREFIX], MARK)
        return value
    if isinstance(value, Mapping):
        return {
            k: MARK
            if isinstance(k, str) and _SECRET_KEYS.fullmatch(k.strip().lower())
            else redact(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(redact(v) for v in value)
    return value


STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class RedactionFilter(logging.Filter):
    """Scrubs secrets from the whole record: message, extra fields, traceback, stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        for key, val in list(record.__dict__.items()):
            if key in STANDARD_ATTRS:
                continue
            if isinstance(key, str) and _SECRET_KEYS.fullmatch(key.lower()):
                record.__dict__[key] = MARK
            else:
                record.__dict__[key] = redact(val)
        # Another handler may already have cached the unredacted traceback in exc_text.
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_install_lock = threading.Lock()


def install_redaction(logger_name: str) -> RedactionFilter:
    """Put the redaction filter on the logger `logger_name` (once)."""
    logger = logging.getLogger(logger_name)
    with _install_lock:
        for existing in logger.filters:
            if isinstance(existing, RedactionFilter):
                return existing
        installed = RedactionFilter()
        logger.addFilter(installed)
        return installed
