"""`slidegen generate` end to end against the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from slidegen.cli.main import app
from slidegen.emulator.scripts import GenieAnswer, ModelReply, ToolCall, genie_space, outline_text

from .conftest import SPACE, deck_html


@pytest.fixture
def cli_env(emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLM_MAX_RETRIES", "0")
    monkeypatch.setenv("GENIE_POLL_MAX_S", "0.05")
    monkeypatch.setenv("AUTO_FIT", "off")
    return tmp_path


def test_generate_writes_a_standalone_html_deck_with_genie_data(cli_env, model, emulator):
    genie_space(emulator.emulator, SPACE).answers.append(
        GenieAnswer(sql="SELECT 1", columns=[("n", "INT")], rows=[("7",)])
    )
    model.script(
        "outline",
        outline_text(
            "Numbers",
            [
                {"title": "Numbers", "intent": "title", "layout": "title", "data": []},
                {"title": "Seven", "intent": "the figure", "layout": "kpi", "data": ["n?"]},
            ],
        ),
    )
    model.script("slide", '<section class="slide"><h1>Numbers</h1></section>', slide=1)
    model.script("slide", '<section class="slide"><h2>Seven</h2><p>7</p></section>', slide=2)
    out = cli_env / "decks" / "n.html"
    result = CliRunner().invoke(
        app, ["generate", "numbers please", "--genie-space", SPACE, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<h2>Seven</h2>" in html and "<title>Numbers</title>" in html
    assert "asking Genie: n?" in result.output and "slide 2: Seven" in result.output
    assert emulator.emulator.requests("POST", "start-conversation")
    slide_two = next(r for r in model.requests if r.kind == "slide" and r.slide_number == 2)
    assert "GENIE_DATA" in "".join(slide_two.data_texts())  # Genie's rows reached the slide


def test_generate_in_one_answer_uses_the_genie_tool(cli_env, model, emulator, monkeypatch):
    monkeypatch.setenv("GENERATION_MODE", "single")
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
    assert "<h2>Seven</h2>" in out.read_text()
    assert "asking Genie: n?" in result.output and "slide 2: Seven" in result.output


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


def test_generate_writes_the_deck_in_the_theme_asked_for(cli_env, model):
    import json

    from slidegen.deck.themes import BUILTIN_THEMES, theme_css

    model.replies.append(ModelReply(text=deck_html("<h1>Dark</h1>", title="Dark deck")))
    result = CliRunner().invoke(app, ["generate", "hi", "--theme", "dark", "-q", "-o", "d.html"])
    assert result.exit_code == 0, result.output
    assert theme_css(BUILTIN_THEMES["dark"]) in (cli_env / "d.html").read_text()

    brand = {**BUILTIN_THEMES["light"].to_dict(), "name": "Brand"}
    brand["colors"] = {**brand["colors"], "accent": "#b8002e"}
    (cli_env / "brand.json").write_text(json.dumps(brand))
    model.replies.append(ModelReply(text=deck_html("<h1>Brand</h1>", title="Brand deck")))
    result = CliRunner().invoke(app, ["generate", "hi", "--theme", "brand.json", "-o", "b.html"])
    assert result.exit_code == 0, result.output
    assert "--sg-accent:#b8002e" in (cli_env / "b.html").read_text()


def test_a_bad_theme_fails_before_the_model_is_called(cli_env, model, emulator):
    for value, why in [
        ("neon", "no theme 'neon': use one of light, dark"),
        ("missing.json", "cannot read missing.json"),
    ]:
        result = CliRunner().invoke(app, ["generate", "hi", "--theme", value, "-o", "x.html"])
        assert result.exit_code == 1 and why in result.output, result.output
    (cli_env / "evil.json").write_text(
        '{"name": "E", "colors": {"bg": "#fff", "surface": "#fff", "text": "#000", '
        '"muted": "#333", "accent": "#f00"}, "logo": "https://evil.example/logo.png"}'
    )
    result = CliRunner().invoke(app, ["generate", "hi", "--theme", "evil.json", "-o", "x.html"])
    assert result.exit_code == 1 and "logo: must be an image embedded" in result.output
    assert not (cli_env / "x.html").exists()
    assert not emulator.emulator.requests("POST", "chat/completions")
