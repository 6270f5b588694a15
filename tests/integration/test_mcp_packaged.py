"""The MCP server of the built package, run as Databricks Apps runs it (production mode), with the
emulator as the workspace, driven by the official `mcp` client over Streamable HTTP.

`tools/list`; `create_deck` runs a real generation (the emulator's demo model asking a Genie
space) with progress notifications, and the new deck then shows in the same user's UI (the
Reflex websocket, as the browser reads it); another user's unshared deck is refused; a PPTX
export opens in python-pptx; `edit_slides` revises only the slide named; a request without
`X-Forwarded-User`, or from another web origin, is refused before MCP; with Redis and two
workers one client session is answered by both.
"""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from mcp import ClientSession, types
from mcp.client.streamable_http import streamable_http_client

from tests.support.app_server import PackagedApp, PackagedBuild, start_packaged_app
from tests.support.reflex_client import ReflexSocket, event_name

pytestmark = pytest.mark.slow

HYDRATE = "reflex___state____state.hydrate"
ADA = {
    "X-Forwarded-User": "ada-mcp@example.com",
    "X-Forwarded-Email": "ada-mcp@example.com",
    "X-Forwarded-Preferred-Username": "Ada",
}
EVE = {"X-Forwarded-User": "eve-mcp@example.com", "X-Forwarded-Email": "eve-mcp@example.com"}
SPACE = "space-mcp"
_LOOP_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mcp-packaged")


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Its own loop in a thread: a session-wide Playwright may keep one on the main thread."""
    return _LOOP_THREAD.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def emulator() -> Iterator[Any]:
    from slidegen.emulator import running_emulator
    from slidegen.emulator.scripts import genie_space

    with running_emulator() as server:
        genie_space(server.emulator, SPACE, title="Sales")
        yield server


@pytest.fixture(scope="module")
def app(
    packaged_build: PackagedBuild, emulator: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PackagedApp]:
    started = start_packaged_app(
        packaged_build,
        tmp_path_factory.mktemp("mcp-run"),
        {
            "ENVIRONMENT": "production",
            "DATABRICKS_HOST": emulator.url,
            "DATABRICKS_TOKEN": "app-token",
            "SERVING_ENDPOINT": "slides-endpoint",
            "GENIE_SPACE_ID": SPACE,
        },
    )
    yield started
    started.terminate()


Scenario = Callable[[ClientSession], Awaitable[Any]]


def _mcp(app: PackagedApp, headers: dict[str, str], scenario: Scenario) -> Any:
    async def run() -> Any:
        async with (
            httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(120, read=300)) as http,
            streamable_http_client(f"{app.url}/mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await scenario(session)

    return _run(run())


def _data(result: types.CallToolResult) -> dict[str, Any]:
    assert not result.isError, result.content
    assert result.structuredContent is not None
    return result.structuredContent


@pytest.fixture(scope="module")
def created(app: PackagedApp) -> dict[str, Any]:
    """One deck generated over MCP for ADA, with the progress messages seen while it ran."""
    progress: list[str] = []

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    result = _mcp(
        app,
        ADA,
        lambda s: s.call_tool(
            "create_deck", {"prompt": "Quarterly sales review by region"},
            progress_callback=on_progress,
        ),
    )  # fmt: skip
    return {**_data(result), "progress": progress}


def test_tools_list_names_the_six_tools(app: PackagedApp) -> None:
    listed = _mcp(app, ADA, lambda s: s.list_tools())
    assert sorted(tool.name for tool in listed.tools) == [
        "create_deck", "edit_slides", "export_deck", "get_deck", "import_deck", "list_decks"
    ]  # fmt: skip


def test_create_deck_streams_progress_and_returns_the_deck(
    app: PackagedApp, created: dict[str, Any]
) -> None:
    assert created["slide_count"] >= 3 and created["title"]
    assert created["url"] == f"{app.url}/?deck={created['id']}"
    assert any(message.startswith("Asking Genie") for message in created["progress"])
    # Slides may be written in parallel, in any order: each one is reported.
    written = {
        int(m.split()[2].rstrip(":")) for m in created["progress"] if m.startswith("Wrote slide")
    }
    assert written == set(range(1, created["slide_count"] + 1))
    deck = _data(_mcp(app, ADA, lambda s: s.call_tool("get_deck", {"deck_id": created["id"]})))
    assert [s["number"] for s in deck["slides"]] == list(range(1, created["slide_count"] + 1))
    assert all(s["html"].startswith(("<div", "<section")) for s in deck["slides"])


def _listed_decks(update: dict[str, Any]) -> list[str] | None:
    """The deck ids of the deck switcher's list in a state update, or None if it has none."""
    for delta in (update.get("delta") or {}).values():
        decks = delta.get("decks_rx_state_") if isinstance(delta, dict) else None
        if decks:
            return [deck["id"] for deck in decks]
    return None


def test_the_created_deck_shows_in_that_users_ui(app: PackagedApp, created: dict[str, Any]) -> None:
    from slidegen.web.states import SessionState

    async def deck_list(headers: dict[str, str]) -> list[str]:
        """The deck ids the UI's deck switcher lists for `headers`' user after a page load."""
        lowered = {k.lower(): v for k, v in headers.items()}
        socket = await ReflexSocket(app.url, headers={**lowered, "origin": app.url}).connect()
        try:
            await socket.send(HYDRATE)
            await socket.send(event_name(SessionState, "on_load"))
            update = await socket.wait_for(lambda u: _listed_decks(u) is not None, timeout=15)
            return _listed_decks(update) or []
        finally:
            await socket.close()

    assert created["id"] in _run(deck_list(ADA))
    # A user with no deck gets a new empty one on load, never this one.
    assert created["id"] not in _run(deck_list(EVE))


def test_another_users_unshared_deck_is_refused(app: PackagedApp, created: dict[str, Any]) -> None:
    result = _mcp(app, EVE, lambda s: s.call_tool("get_deck", {"deck_id": created["id"]}))
    assert result.isError
    assert "is open to you" in result.content[0].text  # type: ignore[union-attr]
    listed = _data(_mcp(app, EVE, lambda s: s.call_tool("list_decks", {})))
    assert created["id"] not in [deck["id"] for deck in listed["decks"]]


def test_export_pptx_opens_in_python_pptx(app: PackagedApp, created: dict[str, Any]) -> None:
    from pptx import Presentation

    args = {"deck_id": created["id"], "format": "pptx"}
    result = _mcp(app, ADA, lambda s: s.call_tool("export_deck", args))
    assert not result.isError, result.content
    resource = result.content[1]
    assert isinstance(resource, types.EmbeddedResource)
    blob = resource.resource
    assert isinstance(blob, types.BlobResourceContents)
    assert blob.mimeType.endswith("presentationml.presentation")
    presentation = Presentation(io.BytesIO(base64.b64decode(blob.blob)))
    assert len(presentation.slides) == created["slide_count"]


def test_edit_slides_revises_only_the_slides_named(
    app: PackagedApp, created: dict[str, Any]
) -> None:
    before = _data(_mcp(app, ADA, lambda s: s.call_tool("get_deck", {"deck_id": created["id"]})))
    args = {"deck_id": created["id"], "slide_numbers": [2], "instruction": "Make it shorter"}
    edited = _data(_mcp(app, ADA, lambda s: s.call_tool("edit_slides", args)))
    assert edited["edited_slides"] == [2] and edited["version"] == before["version"] + 1
    after = _data(_mcp(app, ADA, lambda s: s.call_tool("get_deck", {"deck_id": created["id"]})))
    assert [s["id"] for s in after["slides"]] == [s["id"] for s in before["slides"]]
    unchanged = [n for n in range(len(after["slides"])) if n != 1]
    assert all(after["slides"][n]["html"] == before["slides"][n]["html"] for n in unchanged)
    refused = _mcp(app, EVE, lambda s: s.call_tool("edit_slides", args))
    assert refused.isError


def test_a_request_without_a_user_is_refused_before_mcp(app: PackagedApp) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    answer = httpx.post(
        f"{app.url}/mcp", json=body, headers={"Accept": "application/json, text/event-stream"}
    )
    assert answer.status_code == 403
    assert answer.json()["error"] == "not_signed_in"

    async def initialize() -> None:
        async with (
            streamable_http_client(f"{app.url}/mcp") as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()

    # The official client raises the HTTP 403 out of its task group.
    with pytest.raises(ExceptionGroup) as refused:
        _run(asyncio.wait_for(initialize(), 30))
    status = refused.value.subgroup(httpx.HTTPStatusError)
    assert status is not None and status.exceptions[0].response.status_code == 403


def test_a_browser_page_of_another_origin_is_refused(app: PackagedApp) -> None:
    """A page elsewhere cannot drive the user's MCP session from their browser: the app's
    origin check answers before MCP, as for every other path."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {
        **ADA,
        "Origin": "https://evil.example",
        "Accept": "application/json, text/event-stream",
    }
    answer = httpx.post(f"{app.url}/mcp", json=body, headers=headers)
    assert answer.status_code == 403
    assert answer.json()["error"] == "origin_not_allowed"


@pytest.fixture(scope="module")
def two_workers(
    packaged_build: PackagedBuild, redis_url: str, emulator: Any, tmp_path_factory: Any
) -> Iterator[PackagedApp]:
    """The package with Redis and two Granian workers on one port, as production scales."""
    base = redis_url.rsplit("/", 1)[0] if redis_url.count("/") > 2 else redis_url
    started = start_packaged_app(
        packaged_build,
        tmp_path_factory.mktemp("mcp-workers"),
        {
            "ENVIRONMENT": "production",
            "REDIS_URL": f"{base}/12",  # a database of its own
            "SLIDEGEN_WORKERS": "2",
            "DATABRICKS_HOST": emulator.url,
            "DATABRICKS_TOKEN": "app-token",
        },
    )
    yield started
    started.terminate()


def test_one_client_session_works_across_workers(two_workers: PackagedApp) -> None:
    """Each request on a new connection, so the kernel spreads them over both workers: with
    per-worker MCP sessions most would answer 404; the stateless transport answers them all."""
    page = "".join(f'<div class="slide"><h1>Part {i}</h1></div>' for i in range(1, 4))

    async def run() -> list[bool]:
        fresh = httpx.Limits(max_keepalive_connections=0)
        async with (
            httpx.AsyncClient(headers=ADA, limits=fresh, timeout=60) as http,
            streamable_http_client(f"{two_workers.url}/mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            made = await session.call_tool("import_deck", {"html": page})
            deck_id = _data(made)["id"]
            calls = [session.call_tool("get_deck", {"deck_id": deck_id}) for _ in range(12)]
            return [not (await call).isError for call in calls]

    assert _run(run()) == [True] * 12
