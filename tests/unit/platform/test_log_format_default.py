"""Without LOG_FORMAT, logs are text lines in development and JSON in production."""

from __future__ import annotations

import pytest

from slidegen.config import load_settings


@pytest.mark.parametrize(
    ("environment", "expected"), [("development", "text"), ("production", "json")]
)
def test_the_default_log_format_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: str, expected: str
) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("ENVIRONMENT", environment)
    assert load_settings().log_format == expected


def test_an_explicit_log_format_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert load_settings().log_format == "json"
    monkeypatch.setenv("LOG_FORMAT", " ")
    assert load_settings().log_format == "text"
