"""The MCP tools: each one checks its arguments, then makes one call into the service layer.

Arguments are pydantic models: their JSON schema is what `tools/list` shows, and validating a
call against them gives a message naming the argument, never echoing a long value. A tool that
cannot do what was asked raises `ToolRefusal` with a sentence for the caller; the server turns it
into a tool error (`isError`). Access is the service's: a deck the caller may not reach reads as
missing, exactly as in the UI.

Generations and edits keep the UI's limits: the prompt-size limit (`prompt_limit`), the per-user
turn rate limit (`server.ratelimit.turn_limiter`) and the slide cap (a generation streaming more
than `MAX_SLIDES_PER_DECK` slides is stopped, which saves nothing). A turn saves one version or
nothing (`TurnService`), so a failed or cancelled call leaves every deck as it was.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from slidegen.deck.model import MAX_SLIDES_PER_DECK, Deck
from slidegen.deck.themes import BUILTIN_THEMES
from slidegen.prompt_limit import MAX_PROMPT_CHARS, prompt_problem
from slidegen.server.identity import UserContext
from slidegen.server.ratelimit import turn_limiter
from slidegen.service import VIEW_ONLY_MESSAGE, DeckService, TurnSaved, TurnService
from slidegen.service.themes import ThemeService

__all__ = [
    "MEDIA_TYPES",
    "TOOLS",
    "DeckTools",
    "Progress",
    "ToolRefusal",
    "ToolSpec",
    "parse_arguments",
]

log = logging.getLogger("slidegen.mcp")

MEDIA_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# The largest HTML `import_deck` takes, in characters (the UI's file limit is 5 MB of bytes).
MAX_IMPORT_CHARS = 5_000_000

# Progress(message, slides written so far, slides planned or None): what a running turn does.
Progress = Callable[[str, int, int | None], Awaitable[None]]


class ToolRefusal(Exception):
    """The tool could not do what was asked; the message says why, for the caller."""


# ------------------------------------------------------------------------------- arguments
DeckId = Annotated[
    str, Field(min_length=1, max_length=100, description="The deck's id, as list_decks gives it.")
]


class _Arguments(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class NoArguments(_Arguments):
    pass


class CreateDeckArguments(_Arguments):
    # The length limit is checked by `prompt_problem` for the UI's wording; the schema says it.
    prompt: str = Field(
        min_length=1,
        description="What the deck should be about and show.",
        json_schema_extra={"maxLength": MAX_PROMPT_CHARS},
    )
    genie_space_id: str | None = Field(
        default=None,
        max_length=100,
        description="Genie space to query for data; omit for the app's default space, "
        'or "" for no data.',
    )
    theme: str | None = Field(
        default=None,
        max_length=60,
        description="The look the slides are written for: a built-in theme ("
        + ", ".join(BUILTIN_THEMES)
        + ") or the id of one of your saved themes; omit for the default.",
    )


class DeckArguments(_Arguments):
    deck_id: DeckId


class EditSlidesArguments(_Arguments):
    deck_id: DeckId
    slide_numbers: list[Annotated[int, Field(ge=1, le=MAX_SLIDES_PER_DECK)]] = Field(
        min_length=1,
        max_length=MAX_SLIDES_PER_DECK,
        description="The slides to revise, numbered from 1 as get_deck shows them.",
    )
    instruction: str = Field(
        min_length=1,
        description="How to change those slides.",
        json_schema_extra={"maxLength": MAX_PROMPT_CHARS},
    )


class ExportDeckArguments(_Arguments):
    deck_id: DeckId
    format: Literal["html", "pptx", "pdf"] = Field(description="The file format.")


class ImportDeckArguments(_Arguments):
    html: str = Field(
        min_length=1,
        description="A whole HTML slide deck (for example a reveal.js file), up to 5 MB.",
        json_schema_extra={"maxLength": MAX_IMPORT_CHARS},
    )


def parse_arguments(model: type[_Arguments], arguments: dict[str, Any] | None) -> Any:
    """`arguments` checked against `model`; ToolRefusal naming each bad argument otherwise."""
    try:
        return model.model_validate(arguments or {})
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False, include_input=False):
            where = ".".join(str(part) for part in item["loc"]) or "arguments"
            problems.append(f"{where}: {item['msg']}")
        raise ToolRefusal("Invalid arguments: " + "; ".join(problems) + ".") from None


# ----------------------------------------------------------------------------------- tools
@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    arguments: type[_Arguments]
    read_only: bool


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "list_decks",
        "List the decks you can open: your own and those shared with you, newest first.",
        NoArguments,
        True,
    ),
    ToolSpec(
        "create_deck",
        "Generate a new slide deck from a prompt (the app's model, with data from Genie). "
        "Reports progress while slides are written; returns the deck's id, title, slide count "
        "and its URL in the app.",
        CreateDeckArguments,
        False,
    ),
    ToolSpec(
        "get_deck",
        "Read a deck: its title, theme, and per slide its number, title, HTML and notes.",
        DeckArguments,
        True,
    ),
    ToolSpec(
        "edit_slides",
        "Revise some slides of a deck following an instruction; the other slides stay as "
        "they are. Saves one new version.",
        EditSlidesArguments,
        False,
    ),
    ToolSpec(
        "export_deck",
        "Export a deck as a standalone HTML file, a PowerPoint (pptx) or a PDF; the file comes "
        "back base64-encoded as an embedded resource with its media type.",
        ExportDeckArguments,
        True,
    ),
    ToolSpec(
        "import_deck",
        "Import an HTML slide deck as a new deck of yours; returns what was kept and removed.",
        ImportDeckArguments,
        False,
    ),
)


def _not_found(deck_id: str) -> ToolRefusal:
    return ToolRefusal(
        f"No deck {deck_id!r} is open to you: it does not exist, was deleted, or is not "
        "shared with you. list_decks shows the decks you can use."
    )


class DeckTools:
    """The tool implementations over the deck, turn and theme services.

    `origin` in each call is the app's origin as the caller reached it (for deck URLs)."""

    def __init__(self, decks: DeckService, turns: TurnService, themes: ThemeService) -> None:
        self.decks = decks
        self.turns = turns
        self.themes = themes

    async def call(
        self, name: str, arguments: dict[str, Any] | None, user: UserContext, origin: str,
        progress: Progress,
    ) -> Any:  # fmt: skip
        spec = next((tool for tool in TOOLS if tool.name == name), None)
        if spec is None:
            raise ToolRefusal(f"There is no tool {name!r}; tools/list names them.")
        args = parse_arguments(spec.arguments, arguments)
        method = getattr(self, f"_{name}")
        return await method(args, user, origin, progress)

    # ---------------------------------------------------------------------------- reading
    async def _list_decks(
        self, _: NoArguments, user: UserContext, origin: str, __: Progress
    ) -> dict[str, Any]:
        own = await self.decks.list_decks(user)
        shared = await self.decks.shared_decks(user)
        decks = [_summary(item, origin, "owner", user.email) for item in own]
        decks += [
            _summary(item.summary, origin, str(item.level), item.owner_name) for item in shared
        ]
        decks.sort(key=lambda deck: deck["updated_at"], reverse=True)
        return {"decks": decks}

    async def _open(self, user: UserContext, deck_id: str) -> Any:
        record = await self.decks.open(user, deck_id)
        if record is None:
            raise _not_found(deck_id)
        return record

    async def _get_deck(
        self, args: DeckArguments, user: UserContext, origin: str, _: Progress
    ) -> dict[str, Any]:
        record = await self._open(user, args.deck_id)
        deck: Deck = record.deck
        theme = deck.theme
        return {
            **_deck_fields(record, origin),
            "theme": {"id": theme.id, "name": theme.name} if theme is not None else None,
            "slides": [
                {
                    "number": number,
                    "id": slide.id,
                    "title": slide.title,
                    "html": slide.html,
                    "scripts": list(slide.scripts),
                    "notes": slide.notes,
                }
                for number, slide in enumerate(deck.slides, start=1)
            ],
        }

    # ----------------------------------------------------------------------------- turns
    async def _create_deck(
        self, args: CreateDeckArguments, user: UserContext, origin: str, progress: Progress
    ) -> dict[str, Any]:
        if too_long := prompt_problem(args.prompt, "prompt"):
            raise ToolRefusal(too_long)
        theme = None
        if args.theme:
            theme = await self.themes.find(user.user_id, args.theme)
            if theme is None:
                raise ToolRefusal(
                    f"There is no theme {args.theme!r}: use one of {', '.join(BUILTIN_THEMES)} "
                    "or the id of a theme you saved in the app."
                )
        await _rate_limited(user)
        events = self.turns.generate(
            user, args.prompt, genie_space_id=args.genie_space_id, theme=theme
        )
        saved = await _drive(events, progress, cap=MAX_SLIDES_PER_DECK)
        return {**_deck_fields(saved.record, origin), "message": saved.message}

    async def _edit_slides(
        self, args: EditSlidesArguments, user: UserContext, origin: str, progress: Progress
    ) -> dict[str, Any]:
        if too_long := prompt_problem(args.instruction, "instruction"):
            raise ToolRefusal(too_long)
        record = await self._open(user, args.deck_id)
        # A viewer may read the deck but not change it: refused before the model runs.
        if await self.decks.access(user, args.deck_id) == "viewer":
            raise ToolRefusal(VIEW_ONLY_MESSAGE)
        slides = record.deck.slides
        numbers = list(dict.fromkeys(args.slide_numbers))
        if missing := [n for n in numbers if n > len(slides)]:
            raise ToolRefusal(
                f"Slide {missing[0]} does not exist: the deck has {len(slides)} "
                f"slide{'s' if len(slides) != 1 else ''}."
            )
        await _rate_limited(user)
        ids = [slides[n - 1].id for n in numbers]
        events = self.turns.edit(user, args.deck_id, ids, args.instruction)
        saved = await _drive(events, progress, cap=None, editing=True)
        return {
            **_deck_fields(saved.record, origin),
            "edited_slides": numbers,
            "message": saved.message,
        }

    # ----------------------------------------------------------------------- whole decks
    async def _export_deck(
        self, args: ExportDeckArguments, user: UserContext, origin: str, _: Progress
    ) -> list[Any]:
        from mcp import types

        record = await self._open(user, args.deck_id)
        deck: Deck = record.deck
        body = await _export(deck, args.format)
        filename = _filename(deck.title, args.format)
        uri = f"{origin or 'https://slidegen.invalid'}/api/export/{deck.id}.{args.format}"
        return [
            types.TextContent(
                type="text",
                text=f"{filename}: {len(body):,} bytes of {MEDIA_TYPES[args.format]} "
                f"({len(deck.slides)} slides, version {record.version}).",
            ),
            types.EmbeddedResource(
                type="resource",
                resource=types.BlobResourceContents(
                    uri=uri,  # type: ignore[arg-type]  # pydantic parses the URL
                    mimeType=MEDIA_TYPES[args.format],
                    blob=base64.b64encode(body).decode("ascii"),
                ),
            ),
        ]

    async def _import_deck(
        self, args: ImportDeckArguments, user: UserContext, origin: str, _: Progress
    ) -> dict[str, Any]:
        from slidegen.deck.importing import DeckImportError, read_pasted_deck
        from slidegen.service import run_blocking

        if len(args.html) > MAX_IMPORT_CHARS:
            raise ToolRefusal(
                f"The HTML is {len(args.html):,} characters long; decks up to "
                f"{MAX_IMPORT_CHARS:,} characters can be imported."
            )
        try:
            imported = await run_blocking(read_pasted_deck, args.html)
        except DeckImportError as error:
            raise ToolRefusal(str(error)) from None
        try:
            record = await self.decks.create(
                user,
                imported.title,
                styles=imported.styles,
                slides=imported.slides,
                imported_from="MCP import",
            )
        except ValueError as error:  # a deck limit the parser does not know of
            raise ToolRefusal(str(error)) from None
        log.info("deck imported over MCP", extra={"deck_id": record.deck.id})
        return {
            **_deck_fields(record, origin),
            "kept": list(imported.kept),
            "removed": list(imported.removed),
        }


# --------------------------------------------------------------------------------- helpers
def deck_url(origin: str, deck_id: str) -> str:
    """Where the deck opens in the app ("" origin: a path only)."""
    return f"{origin}/?deck={deck_id}"


def _summary(item: Any, origin: str, access: str, owner: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "slide_count": item.slide_count,
        "version": item.version,
        "updated_at": item.updated_at.isoformat(),
        "access": access,
        "owner": owner,
        "url": deck_url(origin, item.id),
    }


def _deck_fields(record: Any, origin: str) -> dict[str, Any]:
    deck = record.deck
    return {
        "id": deck.id,
        "title": deck.title,
        "slide_count": len(deck.slides),
        "version": record.version,
        "url": deck_url(origin, deck.id),
    }


async def _rate_limited(user: UserContext) -> None:
    refused = await turn_limiter().acquire(user.user_id)
    if refused is not None:
        raise ToolRefusal(refused.message())


async def _drive(
    events: AsyncIterator[Any], progress: Progress, *, cap: int | None, editing: bool = False
) -> TurnSaved:
    """Consume a turn's events, reporting progress; the saved turn, or ToolRefusal.

    Progress counts the distinct slides written (a slide rewritten to fit counts once) out of
    those planned, once an outline is known. Raising early (the slide cap) closes the stream,
    which stops the model and saves nothing.
    """
    from slidegen import agent

    planned: set[str] = set()
    written: set[str] = set()

    async def report(message: str) -> None:
        await progress(message, len(written), len(planned) or None)

    async with contextlib.aclosing(events):
        async for event in events:
            if isinstance(event, TurnSaved):
                return event
            if isinstance(event, agent.Failed):
                raise ToolRefusal(event.message)
            if isinstance(event, agent.SlidePlanned | agent.SlideReady | agent.SlideNotWritten):
                (planned if isinstance(event, agent.SlidePlanned) else written).add(event.slide.id)
                if cap is not None and max(len(planned), len(written)) > cap:
                    raise ToolRefusal(
                        f"The answer ran past {cap} slides, the most a deck may hold, and was "
                        "stopped. Nothing was saved; ask for fewer slides."
                    )
                number = event.index + 1
                title = f": {event.slide.title}" if event.slide.title else ""
            if isinstance(event, agent.SlidePlanned):
                await report(f"Planned slide {number}{title}")
            elif isinstance(event, agent.SlideReady):
                await report(f"{'Rewrote' if editing else 'Wrote'} slide {number}{title}")
            elif isinstance(event, agent.SlideNotWritten):
                await report(f"Slide {number} could not be written: {event.reason}")
            elif isinstance(event, agent.ToolCallStarted):
                await report(f"Asking Genie: {event.question[:200]}")
            elif isinstance(event, agent.ToolResult):
                answer = "Genie could not answer" if event.error else "Genie answered"
                await report(f"{answer}; writing slides")
            elif isinstance(event, agent.Retrying):
                await report("The answer was unusable; asking the model once more")
    raise ToolRefusal("The assistant stopped without finishing. Nothing was saved; try again.")


async def _export(deck: Deck, fmt: str) -> bytes:
    from slidegen import export
    from slidegen.export.pdf import PdfBusyError, PdfExportError
    from slidegen.export.pptx_export import export_pptx
    from slidegen.service import run_blocking

    if not deck.slides:
        raise ToolRefusal("The deck has no slides to export.")
    try:
        if fmt == "html":
            return await run_blocking(export.deck_to_html, deck)
        if fmt == "pptx":
            return await export_pptx(deck)
        if not export.pdf_available():
            raise ToolRefusal(
                "PDF export needs Chromium on the server, which this deployment does not have. "
                "Export html and print it to PDF from a browser, or export pptx."
            )
        return await export.deck_to_pdf_async(deck)
    except PdfBusyError as error:
        raise ToolRefusal(f"The PDF export cannot start: {error}.") from None
    except PdfExportError as error:
        raise ToolRefusal(f"The PDF export failed: {error}.") from None


def _filename(title: str, fmt: str) -> str:
    from slidegen.server.downloads import safe_filename

    return safe_filename(title, fmt)
