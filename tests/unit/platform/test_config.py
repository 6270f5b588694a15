"""Settings: defaults, environment variables, .env, and one clear line for a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from slidegen.config import Environment, SettingsError, load_settings


def test_defaults_are_development_with_a_sqlite_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLIDEGEN_DATA_DIR", str(tmp_path / "d"))
    s = load_settings()
    assert s.environment is Environment.DEVELOPMENT
    assert not s.is_production
    assert s.database_url_or_default == f"sqlite:///{tmp_path / 'd' / 'slidegen.db'}"
    assert s.genie_space_id is None
    assert not s.tracing_enabled


def test_environment_variables_are_read_case_insensitively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "Production")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("LOG_FORMAT", "TEXT")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("GENIE_SPACE_ID", "01ef")
    monkeypatch.setenv("SERVING_ENDPOINT", "my-endpoint")
    s = load_settings()
    assert s.is_production
    assert (s.log_level, s.log_format) == ("DEBUG", "text")
    assert s.database_url_or_default == "postgresql://u@h/db"
    assert (s.genie_space_id, s.serving_endpoint) == ("01ef", "my-endpoint")


def test_dotenv_file_is_read_and_env_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("GENIE_SPACE_ID=from-file\nSERVING_ENDPOINT=file-ep\n")
    monkeypatch.setenv("SERVING_ENDPOINT", "env-ep")
    s = load_settings()
    assert s.genie_space_id == "from-file"
    assert s.serving_endpoint == "env-ep"


def test_blank_optional_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENIE_SPACE_ID", "  ")
    monkeypatch.setenv("DATABASE_URL", "")
    assert load_settings().genie_space_id is None
    assert load_settings().database_url is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ENVIRONMENT", "staging-ish"),
        ("LOG_LEVEL", "LOUD"),
        ("LOG_FORMAT", "xml"),
        ("LLM_TIMEOUT_S", "-1"),
    ],
)
def test_a_bad_value_names_the_setting_in_one_line(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert name in message
    assert "\n" not in message
