"""The MCP endpoint in process: the official client (`mcp` package) over the real ASGI endpoint,
the deck service on a real SQLite store, and a scripted turn service standing in for the agent.

Covers argument validation and its wording, identity (403 without a user in production), access
(another user's deck reads as missing), the UI's limits (prompt size, rate limit, slide cap),
progress notifications, exports as embedded resources, import, and that an unexpected failure
answers a short message instead of a trace.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client

from slidegen.agent import Failed, SlidePlanned, SlideReady, ToolCallStarted
from slidegen.deck import parse_deck_html
from slidegen.mcp import TOOLS, DeckTools, build_mcp_endpoint
from slidegen.mcp.tools import (
    CreateDeckArguments,
    EditSlidesArguments,
    ToolRefusal,
    parse_arguments,
)
from slidegen.prompt_limit import MAX_PROMPT_CHARS
from slidegen.service import VIEW_ONLY_MESSAGE, Access, DeckService, TurnSaved
from slidegen.service.themes import ThemeService

_LOOP_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mcp-tests")
ADA = {"X-Forwarded-User": "ada@example.com", "X-Forwarded-Email": "ada@example.com"}
BOB = {"X-Forwarded-User": "bob@example.com", "X-Forwarded-Email": "bob@example.com"}
CAT = {"X-Forwarded-User": "cat@example.com", "X-Forwarded-Email": "cat@example.com"}
GROUPS = {"cat@example.com": frozenset({"analysts"})}
DECK_HTML = "\n".join(
    f'<div class="slide"><h1>Slide {i}</h1><p>Point {i}</p></div>' for i in range(1, 4)
)


def _decks(store: Any) -> DeckService:
    """The deck service on `store`, with workspace groups from `GROUPS`."""
    return DeckService(lambda: store, access=Access(lambda u: GROUPS.get(u.email, frozenset())))


def _slides() -> Any:
    return parse_deck_html(DECK_HTML).slides


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run `coro` on a loop of its own in a worker thread (a session-wide Playwright may hold a
    loop on the main thread)."""
    return _LOOP_THREAD.submit(asyncio.run, coro).result()


class ScriptedTurns:
    """A turn service whose turns yield `script`'s events, then save what a real turn would."""

    def __init__(self, decks: DeckService) -> None:
        self.decks = decks
        self.script: list[Any] = []
        self.fail_with: str | None = None
        self.calls: list[tuple[str, Any]] = []
        self.closed = 0

    async def generate(self, user: Any, prompt: str, **options: Any) -> AsyncIterator[Any]:
        self.calls.append(("generate", {"prompt": prompt, **options}))
        try:
            for event in self.script:
                yield event
            if self.fail_with:
                yield Failed(self.fail_with)
                return
            record = await self.decks.create(user, f"About {prompt[:20]}", slides=_slides())
            yield TurnSaved(record, "Here is your deck.")
        finally:
            self.closed += 1

    async def edit(
        self, user: Any, deck_id: str, slide_ids: Any, instruction: str, **_: Any
    ) -> AsyncIterator[Any]:
        self.calls.append(("edit", {"deck_id": deck_id, "slide_ids": list(slide_ids)}))
        record = await self.decks.open(user, deck_id)
        assert record is not None
        yield TurnSaved(record, "Edited.")


@pytest.fixture
def store(tmp_path) -> Iterator[Any]:
    from slidegen.config import load_settings
    from slidegen.store import open_store

    st = open_store(load_settings(SLIDEGEN_DATA_DIR=str(tmp_path)))
    yield st
    st.dispose()


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    from slidegen.server import ratelimit

    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("RATE_LIMIT_TURNS", "3")
    monkeypatch.setattr(ratelimit, "_limiters", {})  # a fresh count for each test


@pytest.fixture
def setup(store: Any, production: None) -> tuple[DeckTools, ScriptedTurns, Any]:
    decks = _decks(store)
    turns = ScriptedTurns(decks)
    tools = DeckTools(decks, turns, ThemeService(decks, lambda: store))  # type: ignore[arg-type]
    return tools, turns, build_mcp_endpoint(tools)


Scenario = Callable[[ClientSession], Awaitable[Any]]


async def _with_client(endpoint: Any, headers: dict[str, str], scenario: Scenario) -> Any:
    async with endpoint.lifespan():
        transport = httpx.ASGITransport(app=endpoint)
        async with (
            httpx.AsyncClient(
                transport=transport, base_url="http://slides.example", headers=headers
            ) as http,
            streamable_http_client("http://slides.example/mcp", http_client=http) as (
                read,
                write,
                _,
            ),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await scenario(session)


def _call(endpoint: Any, headers: dict[str, str], scenario: Scenario) -> Any:
    return _run(_with_client(endpoint, headers, scenario))


def _data(result: types.CallToolResult) -> dict[str, Any]:
    assert not result.isError, result.content
    assert result.structuredContent is not None
    return result.structuredContent


def _error(result: types.CallToolResult) -> str:
    assert result.isError
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


# ------------------------------------------------------------------------------ arguments
def test_bad_arguments_are_named_without_echoing_them() -> None:
    with pytest.raises(ToolRefusal, match=r"deck_id: Field required"):
        parse_arguments(EditSlidesArguments, {"slide_numbers": [1], "instruction": "x"})
    zero = {"deck_id": "d", "slide_numbers": [0], "instruction": "x"}
    with pytest.raises(ToolRefusal, match=r"slide_numbers\.0: Input should be greater"):
        parse_arguments(EditSlidesArguments, zero)
    with pytest.raises(ToolRefusal, match=r"colour: Extra inputs are not permitted"):
        parse_arguments(CreateDeckArguments, {"prompt": "p", "colour": "red"})
    secret = "do-not-echo-" * 50
    bad = {"deck_id": secret, "slide_numbers": [1], "instruction": 5}
    with pytest.raises(ToolRefusal) as refused:
        parse_arguments(EditSlidesArguments, bad)
    assert "do-not-echo" not in str(refused.value)
    assert "deck_id" in str(refused.value) and "instruction" in str(refused.value)


def test_deck_urls_use_the_origin_the_caller_reached() -> None:
    from slidegen.mcp.server import request_origin

    assert request_origin({"host": "127.0.0.1:8000"}) == "http://127.0.0.1:8000"
    proxied = {"host": "10.0.0.5:8000", "x-forwarded-host": "slides-1.aws.databricksapps.com"}
    assert request_origin(proxied) == "https://slides-1.aws.databricksapps.com"
    assert request_origin({**proxied, "x-forwarded-proto": "http"}).startswith("http://slides")
    assert request_origin({"host": "evil.example/path?x"}) == ""
    assert request_origin({}) == ""


def test_tools_list_names_every_tool_with_its_schema(setup) -> None:
    _, _, endpoint = setup
    listed = _call(endpoint, ADA, lambda s: s.list_tools())
    by_name = {tool.name: tool for tool in listed.tools}
    names = {"list_decks", "create_deck", "get_deck", "edit_slides", "export_deck", "import_deck"}
    assert set(by_name) == {spec.name for spec in TOOLS} == names
    create = by_name["create_deck"].inputSchema
    assert create["required"] == ["prompt"]
    assert create["properties"]["prompt"]["maxLength"] == MAX_PROMPT_CHARS
    export = by_name["export_deck"].inputSchema
    assert export["properties"]["format"]["enum"] == ["html", "pptx", "pdf"]
    assert by_name["get_deck"].annotations.readOnlyHint is True
    assert by_name["edit_slides"].annotations.readOnlyHint is False


def test_a_call_with_bad_arguments_is_a_tool_error(setup) -> None:
    _, _, endpoint = setup
    result = _call(endpoint, ADA, lambda s: s.call_tool("get_deck", {}))
    assert _error(result) == "Invalid arguments: deck_id: Field required."
    unknown = _call(endpoint, ADA, lambda s: s.call_tool("delete_everything", {}))
    assert "no tool 'delete_everything'" in _error(unknown)


# ------------------------------------------------------------------------------- identity
def test_production_refuses_a_request_without_a_user_before_mcp(setup) -> None:
    _, _, endpoint = setup

    async def post() -> httpx.Response:
        async with endpoint.lifespan():
            transport = httpx.ASGITransport(app=endpoint)
            async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
                body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
                return await http.post(
                    "/mcp",
                    json=body,
                    headers={"Accept": "application/json, text/event-stream"},
                )

    answer = _run(post())
    assert answer.status_code == 403
    assert answer.json()["error"] == "not_signed_in"


def test_a_stopped_endpoint_answers_503(setup) -> None:
    _, _, endpoint = setup

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=endpoint)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
            return await http.post("/mcp", json={}, headers=ADA)

    assert _run(post()).status_code == 503


def test_development_refuses_a_rebound_host_name(store: Any, monkeypatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "development")
    decks = _decks(store)
    themes = ThemeService(decks, lambda: store)
    endpoint = build_mcp_endpoint(DeckTools(decks, ScriptedTurns(decks), themes))  # type: ignore[arg-type]

    async def post(host: str) -> int:
        async with endpoint.lifespan():
            transport = httpx.ASGITransport(app=endpoint)
            async with httpx.AsyncClient(transport=transport, base_url=f"http://{host}") as http:
                body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
                answer = await http.post(
                    "/mcp", json=body, headers={"Accept": "application/json, text/event-stream"}
                )
                return answer.status_code

    assert _run(post("evil.example:8000")) == 421
    assert _run(post("localhost:8000")) == 200


# ---------------------------------------------------------------------------------- access
def test_list_and_get_show_only_what_the_caller_may_open(setup, store: Any) -> None:
    _, _, endpoint = setup
    mine = store.create_deck("ada@example.com", "Ada's deck", slides=_slides())
    theirs = store.create_deck("bob@example.com", "Bob's deck")

    listed = _data(_call(endpoint, ADA, lambda s: s.call_tool("list_decks", {})))
    assert [d["id"] for d in listed["decks"]] == [mine.deck.id]
    assert listed["decks"][0]["url"] == f"http://slides.example/?deck={mine.deck.id}"

    deck = _data(_call(endpoint, ADA, lambda s: s.call_tool("get_deck", {"deck_id": mine.deck.id})))
    assert deck["title"] == "Ada's deck" and deck["slide_count"] == 3
    numbered = [(s["number"], s["title"]) for s in deck["slides"]]
    assert numbered == [(1, "Slide 1"), (2, "Slide 2"), (3, "Slide 3")]
    assert "<p>Point 2</p>" in deck["slides"][1]["html"] and deck["slides"][0]["notes"] == ""

    refused = _call(endpoint, ADA, lambda s: s.call_tool("get_deck", {"deck_id": theirs.deck.id}))
    assert "is open to you" in _error(refused) and "Bob" not in _error(refused)
    args = {"deck_id": theirs.deck.id, "format": "html"}
    export = _call(endpoint, ADA, lambda s: s.call_tool("export_deck", args))
    assert _error(export).startswith("No deck")


def test_decks_shared_with_the_caller_are_listed_and_readable_not_writable(setup, store) -> None:
    tools, turns, endpoint = setup
    record = store.create_deck("ada@example.com", "Plan", slides=_slides())
    deck_id = record.deck.id
    assert _run(tools.decks.share("ada@example.com", deck_id, "group", "analysts", "viewer")).done

    listed = _data(_call(endpoint, CAT, lambda s: s.call_tool("list_decks", {})))["decks"]
    assert [(d["id"], d["access"], d["owner"]) for d in listed] == [
        (deck_id, "viewer", "ada@example.com")
    ]
    deck = _data(_call(endpoint, CAT, lambda s: s.call_tool("get_deck", {"deck_id": deck_id})))
    assert deck["slide_count"] == 3
    args = {"deck_id": deck_id, "slide_numbers": [1], "instruction": "Shorter"}
    refused = _call(endpoint, CAT, lambda s: s.call_tool("edit_slides", args))
    assert _error(refused) == VIEW_ONLY_MESSAGE
    assert turns.calls == []  # refused before the model was asked
    own = _data(_call(endpoint, ADA, lambda s: s.call_tool("list_decks", {})))["decks"]
    assert [(d["id"], d["access"]) for d in own] == [(deck_id, "owner")]
    assert _call(endpoint, BOB, lambda s: s.call_tool("get_deck", {"deck_id": deck_id})).isError


# ----------------------------------------------------------------------------------- turns
def test_create_deck_reports_progress_and_returns_the_saved_deck(setup, store: Any) -> None:
    _, turns, endpoint = setup
    slides = _slides()
    turns.script = [
        ToolCallStarted("c1", "revenue by region"),
        *(SlideReady(i, slide) for i, slide in enumerate(slides)),
    ]
    seen: list[tuple[float, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        seen.append((done, message))

    result = _call(
        endpoint,
        ADA,
        lambda s: s.call_tool(
            "create_deck",
            {"prompt": "Quarterly sales", "genie_space_id": "space-1"},
            progress_callback=on_progress,
        ),
    )
    data = _data(result)
    assert data["slide_count"] == 3 and data["title"] == "About Quarterly sales"
    assert data["url"] == f"http://slides.example/?deck={data['id']}"
    assert store.get_deck("ada@example.com", data["id"]).deck.title == "About Quarterly sales"
    options = {"prompt": "Quarterly sales", "genie_space_id": "space-1", "theme": None}
    assert turns.calls == [("generate", options)]
    assert seen[0] == (0.0, "Asking Genie: revenue by region")
    assert [done for done, _ in seen[1:]] == [1.0, 2.0, 3.0]
    assert seen[-1][1] == "Wrote slide 3: Slide 3"


def test_progress_counts_planned_slides_and_each_written_slide_once(setup) -> None:
    _, turns, endpoint = setup
    slides = _slides()
    turns.script = [
        *(SlidePlanned(i, slide) for i, slide in enumerate(slides)),
        SlideReady(2, slides[2]),
        SlideReady(0, slides[0]),
        SlideReady(0, slides[0]),  # rewritten to fit: still one slide
        SlideReady(1, slides[1]),
    ]
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        seen.append((done, total, message))

    def create(session: ClientSession) -> Any:
        return session.call_tool("create_deck", {"prompt": "Sales"}, progress_callback=on_progress)

    _data(_call(endpoint, ADA, create))
    assert [m for _, _, m in seen[:3]] == [
        "Planned slide 1: Slide 1",
        "Planned slide 2: Slide 2",
        "Planned slide 3: Slide 3",
    ]
    assert [(done, total) for done, total, _ in seen[3:]] == [(1, 3), (2, 3), (2, 3), (3, 3)]
    assert seen[3][2] == "Wrote slide 3: Slide 3"


def test_an_outline_past_the_slide_cap_is_stopped_before_slides_are_written(
    setup, store, monkeypatch
) -> None:
    from slidegen.mcp import tools

    _, turns, endpoint = setup
    monkeypatch.setattr(tools, "MAX_SLIDES_PER_DECK", 2)
    turns.script = [SlidePlanned(i, slide) for i, slide in enumerate(_slides())]
    result = _call(endpoint, ADA, lambda s: s.call_tool("create_deck", {"prompt": "Many"}))
    assert "ran past 2 slides" in _error(result)
    assert turns.closed == 1 and store.list_decks("ada@example.com") == []


def test_create_deck_writes_for_the_theme_asked_and_refuses_an_unknown_one(setup) -> None:
    _, turns, endpoint = setup
    args = {"prompt": "Sales", "theme": "dark"}
    assert not _call(endpoint, ADA, lambda s: s.call_tool("create_deck", args)).isError
    assert turns.calls[0][1]["theme"].id == "dark"
    unknown = {"prompt": "Sales", "theme": "neon"}
    refused = _call(endpoint, ADA, lambda s: s.call_tool("create_deck", unknown))
    assert _error(refused).startswith("There is no theme 'neon': use one of light, dark")
    assert len(turns.calls) == 1  # refused before a turn started


def test_a_failed_generation_is_a_tool_error_and_saves_nothing(setup, store: Any) -> None:
    _, turns, endpoint = setup
    turns.fail_with = "The serving endpoint slides-endpoint does not exist."
    result = _call(endpoint, ADA, lambda s: s.call_tool("create_deck", {"prompt": "Sales"}))
    assert _error(result) == "The serving endpoint slides-endpoint does not exist."
    assert store.list_decks("ada@example.com") == []


def test_a_generation_past_the_slide_cap_is_stopped(setup, store: Any, monkeypatch) -> None:
    from slidegen.mcp import tools

    _, turns, endpoint = setup
    four = parse_deck_html("".join(f'<div class="slide"><h1>{i}</h1></div>' for i in range(4)))
    turns.script = [SlideReady(i, slide) for i, slide in enumerate(four.slides)]
    monkeypatch.setattr(tools, "MAX_SLIDES_PER_DECK", 3)
    result = _call(endpoint, ADA, lambda s: s.call_tool("create_deck", {"prompt": "Many"}))
    assert "ran past 3 slides" in _error(result)
    assert turns.closed == 1  # the turn's stream was closed: the model stops, nothing saved
    assert store.list_decks("ada@example.com") == []


def test_the_prompt_limit_and_the_rate_limit_are_the_uis(setup) -> None:
    _, turns, endpoint = setup
    long_prompt = {"prompt": "x" * (MAX_PROMPT_CHARS + 1)}
    too_long = _call(endpoint, ADA, lambda s: s.call_tool("create_deck", long_prompt))
    assert f"the limit is {MAX_PROMPT_CHARS}" in _error(too_long)
    assert turns.calls == []  # refused before any turn started

    async def four(session: ClientSession) -> list[types.CallToolResult]:
        return [await session.call_tool("create_deck", {"prompt": f"deck {i}"}) for i in range(4)]

    results = _call(endpoint, ADA, four)
    assert [r.isError for r in results] == [False, False, False, True]
    assert "limit for one user" in _error(results[3])
    assert len(turns.calls) == 3
    other = _call(endpoint, BOB, lambda s: s.call_tool("create_deck", {"prompt": "mine"}))
    assert not other.isError  # the limit is per user


def test_edit_slides_maps_numbers_to_the_decks_slides(setup, store: Any) -> None:
    _, turns, endpoint = setup
    record = store.create_deck("ada@example.com", "Deck", slides=_slides())
    ids = record.deck.slide_ids
    args = {"deck_id": record.deck.id, "slide_numbers": [3, 1, 3], "instruction": "Shorter"}
    data = _data(_call(endpoint, ADA, lambda s: s.call_tool("edit_slides", args)))
    assert data["edited_slides"] == [3, 1]
    assert turns.calls == [("edit", {"deck_id": record.deck.id, "slide_ids": [ids[2], ids[0]]})]

    past = {**args, "slide_numbers": [4]}
    result = _call(endpoint, ADA, lambda s: s.call_tool("edit_slides", past))
    assert _error(result) == "Slide 4 does not exist: the deck has 3 slides."
    stranger = _call(endpoint, BOB, lambda s: s.call_tool("edit_slides", args))
    assert _error(stranger).startswith("No deck")
    assert len(turns.calls) == 1


# ------------------------------------------------------------------------- exports, import
def test_export_html_is_an_embedded_resource_with_its_media_type(setup, store: Any) -> None:
    _, _, endpoint = setup
    record = store.create_deck("ada@example.com", "Q3: review", slides=_slides())
    args = {"deck_id": record.deck.id, "format": "html"}
    result = _call(endpoint, ADA, lambda s: s.call_tool("export_deck", args))
    assert not result.isError
    summary, resource = result.content
    assert isinstance(summary, types.TextContent) and summary.text.startswith("Q3 - review.html")
    assert isinstance(resource, types.EmbeddedResource)
    blob = resource.resource
    assert isinstance(blob, types.BlobResourceContents) and blob.mimeType == "text/html"
    assert str(blob.uri) == f"http://slides.example/api/export/{record.deck.id}.html"
    html = base64.b64decode(blob.blob).decode()
    assert "<!DOCTYPE html>" in html[:200] and "Point 3" in html


def test_pdf_without_chromium_says_what_to_do(setup, store: Any, monkeypatch) -> None:
    from slidegen import export

    _, _, endpoint = setup
    monkeypatch.setattr(export, "pdf_available", lambda *a, **k: False)
    record = store.create_deck("ada@example.com", "D", slides=_slides())
    args = {"deck_id": record.deck.id, "format": "pdf"}
    result = _call(endpoint, ADA, lambda s: s.call_tool("export_deck", args))
    assert "PDF export needs Chromium" in _error(result) and "export pptx" in _error(result)


def test_import_deck_makes_a_new_deck_and_reports_what_was_kept(setup, store: Any) -> None:
    _, _, endpoint = setup
    page = f"<!DOCTYPE html><html><head><title>Imported</title></head><body>{DECK_HTML}</body>"
    data = _data(_call(endpoint, ADA, lambda s: s.call_tool("import_deck", {"html": page})))
    assert data["slide_count"] == 3 and data["kept"][0] == "3 slides"
    assert store.get_deck("ada@example.com", data["id"]).deck.slide_ids
    empty = _call(endpoint, ADA, lambda s: s.call_tool("import_deck", {"html": "just words"}))
    assert empty.isError and len(store.list_decks("ada@example.com")) == 1


def test_an_unexpected_failure_answers_a_short_message(setup, monkeypatch, caplog) -> None:
    tools, _, endpoint = setup

    async def broken(*_: Any) -> Any:
        raise RuntimeError("connection string postgres://secret@db")

    monkeypatch.setattr(tools.decks, "list_decks", broken)
    result = _call(endpoint, ADA, lambda s: s.call_tool("list_decks", {}))
    text = _error(result)
    assert text.startswith("The list_decks tool failed (RuntimeError)")
    assert "secret" not in text
    assert json.dumps(result.model_dump(mode="json")).count("Traceback") == 0
