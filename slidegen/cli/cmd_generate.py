"""`slidegen generate "PROMPT"`: the agent, headless, writing the deck to a file.

Runs the same agent as the app (serving endpoint, Genie tool, streaming) against the configured
workspace: SDK unified auth from environment variables or `--profile`. Progress goes to stderr
(one line per Genie query and per finished slide); the deck is written as standalone HTML
(default), PPTX or PDF, in the theme `--theme` names (a built-in theme's id, or a theme's JSON
file as `Theme.to_dict` writes it; the default theme otherwise). The run is the app's own turn
(`slidegen.service.turns`) over a throw-away store, so nothing reaches the app's database: this
is a one-off run. Exit status 1 with a one-line reason on any failure; nothing is written then.
"""

from __future__ import annotations

import asyncio
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


class Format(StrEnum):
    HTML = "html"
    PPTX = "pptx"
    PDF = "pdf"


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _default_path(title: str, fmt: Format) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "deck"
    return Path(f"{slug}.{fmt.value}")


def _export(deck: object, fmt: Format) -> bytes:
    from slidegen.export import deck_to_html, deck_to_pdf

    if fmt is Format.PPTX:  # laid out by Chromium when present, else the flow layout
        from slidegen.export.pptx_export import deck_to_pptx_measured

        return deck_to_pptx_measured(deck)  # type: ignore[arg-type]
    if fmt is Format.PDF:
        return deck_to_pdf(deck)  # type: ignore[arg-type]
    return deck_to_html(deck)  # type: ignore[arg-type]


def _theme(value: str | None) -> object:
    """The theme `--theme` names: a built-in id, or a JSON file of a theme (validated)."""
    import json

    from slidegen.deck.themes import BUILTIN_THEMES, ThemeError, parse_theme

    if value is None:
        return None
    if value in BUILTIN_THEMES:
        return BUILTIN_THEMES[value]
    path = Path(value)
    if path.suffix != ".json":
        raise _fail(
            f"no theme {value!r}: use one of {', '.join(BUILTIN_THEMES)} or a theme's .json file"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return parse_theme({"id": "file", **data} if isinstance(data, dict) else data)
    except OSError as error:
        raise _fail(f"cannot read {path}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise _fail(f"{path} is not JSON: {error.msg} (line {error.lineno})") from None
    except ThemeError as error:
        raise _fail(f"{path}: {error}") from None


async def _run(
    prompt: str,
    genie_space: str | None,
    endpoint: str | None,
    profile: str | None,
    quiet: bool,
    theme: object = None,
) -> object:
    from slidegen.agent import Agent, Failed, SlideReady, ToolCallStarted, ToolResult
    from slidegen.config import get_settings
    from slidegen.service import TurnSaved
    from slidegen.service.scratch import scratch_turns
    from slidegen.users import UserContext

    settings = get_settings()
    user = UserContext(
        user_id="cli", email="cli@localhost", display_name="slidegen CLI", request_id="cli"
    )

    def say(text: str) -> None:
        if not quiet:
            typer.echo(text, err=True)

    # The same turn as the app's, over a throw-away store: the deck is checked and versioned
    # exactly as in the app, and nothing reaches the app's database.
    with scratch_turns(settings, lambda: Agent(settings, profile=profile)) as turns:
        events = turns.generate(
            user,
            prompt,
            genie_space_id=genie_space,
            endpoint=endpoint,
            theme=theme,  # type: ignore[arg-type]
        )
        async for event in events:
            if isinstance(event, ToolCallStarted):
                say(f"asking Genie: {event.question}")
            elif isinstance(event, ToolResult):
                say(
                    f"  Genie: {event.error}"
                    if event.error
                    else f"  Genie returned {event.total_rows} rows"
                )
            elif isinstance(event, SlideReady):
                say(f"slide {event.index + 1}: {event.slide.title or '(untitled)'}")
            elif isinstance(event, Failed):
                raise _fail(event.message)
            elif isinstance(event, TurnSaved):
                say(event.message)
                return event.record.deck
    raise _fail("the agent stopped without a result")


def generate(
    prompt: Annotated[str, typer.Argument(help="What the deck should be about.")],
    genie_space: Annotated[
        str | None,
        typer.Option("--genie-space", help="Genie space id for data questions [$GENIE_SPACE_ID]."),
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option(help="Model serving endpoint [$SERVING_ENDPOINT].")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write [a name made from the deck title]."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.HTML,
    profile: Annotated[
        str | None,
        typer.Option(help="Databricks config profile (~/.databrickscfg) [SDK unified auth]."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")] = False,
    theme: Annotated[
        str | None,
        typer.Option(
            help="Theme: light, dark, databricks, contrast, sunset, forest, paper, "
            "or a theme's .json file [light]."
        ),
    ] = None,
) -> None:
    """Generate a deck from PROMPT with the agent and write it to a file."""
    from slidegen.config import SettingsError

    if not prompt.strip():
        raise _fail("the prompt is empty")
    if out is not None and out.exists() and out.is_dir():
        raise _fail(f"{out} is a directory")
    look = _theme(theme)
    try:
        deck = asyncio.run(_run(prompt, genie_space, endpoint, profile, quiet, look))
    except SettingsError as error:
        raise _fail(str(error)) from None
    except KeyboardInterrupt:
        raise _fail("interrupted; nothing written") from None
    try:
        data = _export(deck, fmt)
    except Exception as error:  # an export failure is reported, not a traceback
        raise _fail(f"could not export the deck as {fmt.value}: {error}") from None
    path = out or _default_path(deck.title, fmt)  # type: ignore[attr-defined]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as error:
        raise _fail(f"cannot write {path}: {error.strerror or error}") from None
    typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.command("generate")(generate)
