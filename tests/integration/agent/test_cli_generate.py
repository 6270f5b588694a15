"""`slidegen generate` end to end against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from slidegen.cli.main import app
from slidegen.emulator.scripts import GenieAnswer, ModelReply, ToolCall, genie_space

from .conftest import SPACE, deck_html


@pytest.fixture
def cli_env(emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLM_MAX_RETRIES", "0")
    monkeypatch.setenv("GENIE_POLL_MAX_S", "0.05")
    return tmp_path


def test_generate_writes_a_standalone_html_deck_with_genie_data(cli_env, model, emulator):
    genie_space(emulator.emulator, SPACE).answers.append(
        GenieAnswer(sql="SELECT 1", columns=[("n", "INT")], rows=[("7",)])
    )
    model.replies.append(
        ModelReply(tool_calls=(ToolCall("query_genie_space", {"question": "n?"}),))
    )
    model.replies.append(
        ModelReply(text=deck_html("<h1>Numbers</h1>", "<h2>Seven</h2>", title="Numbers"))
    )
    out = cli_env / "decks" / "n.html"
    result = CliRunner().invoke(
        app, ["generate", "numbers please", "--genie-space", SPACE, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<h2>Seven</h2>" in html and "<title>Numbers</title>" in html
    assert "asking Genie: n?" in result.output and "slide 2: Seven" in result.output
    assert emulator.emulator.requests("POST", "start-conversation")


def test_generate_pptx_uses_the_export(cli_env, model):
    model.replies.append(ModelReply(text=deck_html("<h1>Hello</h1>", title="Hello deck")))
    result = CliRunner().invoke(app, ["generate", "hi", "--format", "pptx", "-q"])
    assert result.exit_code == 0, result.output
    written = cli_env / "hello-deck.pptx"
    assert written.read_bytes()[:2] == b"PK"


def test_generate_fails_with_a_clear_message_and_writes_nothing(cli_env, model, emulator):
    emulator.emulator.add_fault("chat/completions", status=503, message="overloaded", times=-1)
    result = CliRunner().invoke(app, ["generate", "hi", "-o", "x.html"])
    assert result.exit_code == 1
    assert (
        "error: The serving endpoint" in result.output and "HTTP 503: overloaded" in result.output
    )
    assert not (cli_env / "x.html").exists()
