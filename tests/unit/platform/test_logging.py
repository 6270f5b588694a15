"""Log format (JSON fields, stdout/stderr split), context ids, and redaction of secrets."""

from __future__ import annotations

import json
import logging

import pytest

from slidegen.config import load_settings
from slidegen.redaction import RedactionFilter, install_redaction, remember_secret
from slidegen.server.logs import configure_logging, log_context, redact

TOKEN = "dapi0123456789abcdef0123456789abcdef"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlc2lnbmF0dXJl"


@pytest.fixture(autouse=True)
def _restore_logging():
    """configure_logging changes the root handlers and library levels: undo it after each test."""
    names = ["", *logging.root.manager.loggerDict]
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_slidegen", False):
            root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def json_logs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    configure_logging(load_settings())

    def parse(text: str) -> list[dict]:
        return [json.loads(line) for line in text.splitlines() if line.startswith("{")]

    def read() -> tuple[list[dict], list[dict]]:
        captured = capsys.readouterr()
        return parse(captured.out), parse(captured.err)

    return read


def test_info_goes_to_stdout_and_warning_to_stderr_as_json(json_logs) -> None:
    log = logging.getLogger("slidegen.test")
    with log_context(user_id="u-1", request_id="r-1"):
        log.info("hello %s", "world", extra={"deck_id": "d1"})
        log.warning("careful")
    out, err = json_logs()
    assert [r["message"] for r in out] == ["hello world"]
    assert [r["message"] for r in err] == ["careful"]
    record = out[0]
    for key in ("timestamp", "level", "logger", "message", "user_id", "request_id"):
        assert key in record
    assert (record["level"], record["logger"]) == ("INFO", "slidegen.test")
    assert (record["user_id"], record["request_id"], record["deck_id"]) == ("u-1", "r-1", "d1")
    assert err[0]["level"] == "WARNING"


def test_context_ids_are_absent_outside_a_context(json_logs) -> None:
    logging.getLogger("x").info("plain")
    out, _ = json_logs()
    assert out[0]["user_id"] is None and out[0]["request_id"] is None


@pytest.mark.parametrize(
    "text",
    [
        f"Authorization: Bearer {TOKEN}",
        f"headers={{'x-forwarded-access-token': '{JWT}'}}",
        f"calling with token={TOKEN}",
        f"the user's token is {JWT} ok",
        f'{{"access_token": "{TOKEN}"}}',
        f"client_secret={TOKEN}",
    ],
)
def test_secrets_never_reach_a_log_line(json_logs, text: str) -> None:
    log = logging.getLogger("slidegen.test")
    log.info(text)
    log.error("failed: %s", text)
    log.info(
        "with fields",
        extra={
            "authorization": f"Bearer {TOKEN}",
            "detail": text,
            "headers": {"X-Forwarded-Access-Token": JWT},
        },
    )
    try:
        raise RuntimeError(text)
    except RuntimeError:
        log.exception("boom")
    out, err = json_logs()
    everything = json.dumps(out + err)
    assert TOKEN not in everything
    assert JWT not in everything
    assert "[REDACTED]" in everything


def test_other_libraries_logs_are_redacted_too(json_logs) -> None:
    logging.getLogger("urllib3.connectionpool").warning("sent Authorization: Bearer %s", TOKEN)
    _, err = json_logs()
    assert TOKEN not in json.dumps(err)


def test_redact_keeps_ordinary_text() -> None:
    assert redact("GET /api/health 200 in 3 ms") == "GET /api/health 200 in 3 ms"
    assert redact({"user_id": "ada", "token": "abc12345"}) == {
        "user_id": "ada",
        "token": "[REDACTED]",
    }


def test_text_format_is_one_line_with_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_FORMAT", "text")
    configure_logging(load_settings())
    logging.getLogger("slidegen.t").info("done", extra={"duration_ms": 3})
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert "INFO" in out and "slidegen.t: done" in out and "duration_ms=3" in out


def test_a_remembered_secret_and_its_prefix_are_redacted() -> None:
    secret = "opaque-credential-0123456789abcdefghij"
    assert redact(f"minted {secret[:30]}...") == f"minted {secret[:30]}..."  # unknown so far
    remember_secret(secret)
    assert secret[:24] not in redact(f"minted {secret[:30]}... (9 more bytes)")
    assert redact(f"x {secret} y") == "x [REDACTED] y"


def test_a_librarys_logger_is_redacted_whatever_handler_receives_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_redaction("slidegen.test.library")
    install_redaction("slidegen.test.library")  # once only
    logger = logging.getLogger("slidegen.test.library")
    assert sum(isinstance(f, RedactionFilter) for f in logger.filters) == 1
    with caplog.at_level(logging.DEBUG, logger="slidegen.test.library"):
        logger.debug("response %s", {"token": TOKEN})
    assert TOKEN not in caplog.text and "[REDACTED]" in caplog.text
