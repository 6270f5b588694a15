"""Attacks on `/mcp` in process: posing as another user (a repeated identity header, refused
with 400; a respelled one, a tool argument, a reused session id), oversized requests and
prompts, and export names.

Each request is a raw JSON-RPC POST (the transport is stateless: no `initialize` is needed), so
the headers are exactly what an attacker sends. The endpoint, deck service and SQLite store are
the real ones (`test_mcp_tools` has the fixtures' building blocks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from slidegen.mcp import DeckTools, build_mcp_endpoint
from slidegen.mcp.endpoint import MAX_REQUEST_BYTES
from slidegen.prompt_limit import MAX_PROMPT_CHARS
from slidegen.service.themes import ThemeService
from tests.unit.mcp.test_mcp_tools import ScriptedTurns, _decks, _run, _slides

VICTIM = "victim@example.com"
MALLORY = "mallory@example.com"
ACCEPT = ("accept", "application/json, text/event-stream")


@pytest.fixture
def endpoint(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any]]:
    from slidegen.config import load_settings
    from slidegen.server import ratelimit
    from slidegen.store import open_store

    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setattr(ratelimit, "_limiters", {})
    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(tmp_path)))
    decks = _decks(store)
    turns = ScriptedTurns(decks)
    tools = DeckTools(decks, turns, ThemeService(decks, lambda: store))  # type: ignore[arg-type]
    mcp = build_mcp_endpoint(tools)
    mcp.turns = turns  # type: ignore[attr-defined]  # the scripted agent, for the tests to set
    yield mcp, store
    store.dispose()


def _post(endpoint: Any, headers: list[tuple[str, str]], body: bytes | dict[str, Any]) -> Any:
    """One POST to `/mcp` with exactly `headers` (repeats kept): (status, JSON-RPC answer)."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()

    async def post() -> httpx.Response:
        async with endpoint.lifespan():
            transport = httpx.ASGITransport(app=endpoint)
            async with httpx.AsyncClient(transport=transport, base_url="http://x") as http:
                return await http.post(
                    "/mcp",
                    content=content,
                    headers=[ACCEPT, ("content-type", "application/json"), *headers],
                )

    answer = _run(post())
    if answer.status_code != 200:
        return answer.status_code, answer.text
    data = [line[5:] for line in answer.text.splitlines() if line.startswith("data:")]
    _post.stream = answer.text  # type: ignore[attr-defined]  # progress included
    return 200, json.loads(data[-1]) if data else answer.json()


def _tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


def _as(user: str) -> list[tuple[str, str]]:
    return [("x-forwarded-user", user), ("x-forwarded-email", user)]


def _text(answer: dict[str, Any]) -> str:
    return answer["result"]["content"][0]["text"]


@pytest.mark.parametrize(
    "repeat",
    [
        [("x-forwarded-user", VICTIM), ("x-forwarded-email", VICTIM)],
        [("x-forwarded-user", VICTIM)],
        [("x-forwarded-email", VICTIM)],
        [("x-forwarded-preferred-username", "victim")],
        [("x-forwarded-access-token", "victim-token")],
        [("X-Forwarded-User", "")],  # an empty copy, cased otherwise
    ],
)
def test_a_repeated_identity_header_is_refused_saying_why(endpoint, repeat) -> None:
    mcp, store = endpoint
    secret = store.create_deck(VICTIM, "Victim's plans", slides=_slides()).deck.id
    # The proxy's headers first, the caller's own copy after them.
    proxy = [
        *_as(MALLORY),
        ("x-forwarded-preferred-username", "mallory"),
        ("x-forwarded-access-token", "mallory-token"),
    ]
    headers = [*proxy, *repeat]
    for call in (_tool("list_decks", {}), _tool("get_deck", {"deck_id": secret})):
        status, body = _post(mcp, headers, call)
        answer = json.loads(body)
        assert status == 400 and answer["error"] == "ambiguous_identity", body
        assert "more than once" in answer["message"]
        assert "Victim's plans" not in body and secret not in body
    # The proxy's headers alone still sign Mallory in (to her own, empty, list).
    status, listed = _post(mcp, proxy, _tool("list_decks", {}))
    assert status == 200 and listed["result"]["structuredContent"] == {"decks": []}
    # The victim, signed in alone, still sees the deck (the test would pass on a broken store).
    status, own = _post(mcp, _as(VICTIM), _tool("list_decks", {}))
    assert [d["id"] for d in own["result"]["structuredContent"]["decks"]] == [secret]


@pytest.mark.parametrize(
    "header",
    ["x_forwarded_user", "x-forwarded-user-id", "forwarded-user", "x-forwarded-email", "x-user"],
)
def test_an_identity_under_another_header_name_is_not_signed_in(endpoint, header: str) -> None:
    mcp, store = endpoint
    store.create_deck(VICTIM, "Victim's plans", slides=_slides())
    status, text = _post(mcp, [(header, VICTIM)], _tool("list_decks", {}))
    assert status == 403 and "not_signed_in" in text


def test_an_empty_or_blank_user_header_is_not_signed_in(endpoint) -> None:
    mcp, _ = endpoint
    for value in ("", "   ", "\t"):
        status, body = _post(mcp, [("x-forwarded-user", value)], _tool("list_decks", {}))
        assert status == 403 and "not_signed_in" in body


def test_a_tool_argument_cannot_name_another_user(endpoint) -> None:
    mcp, store = endpoint
    secret = store.create_deck(VICTIM, "Victim's plans", slides=_slides()).deck.id
    for extra in ({"user": VICTIM}, {"user_id": VICTIM}, {"owner": VICTIM}):
        _, answer = _post(mcp, _as(MALLORY), _tool("get_deck", {"deck_id": secret, **extra}))
        assert answer["result"]["isError"]
        assert "Extra inputs are not permitted" in _text(answer)
    _, meta = _post(
        mcp,
        _as(MALLORY),
        {**_tool("get_deck", {"deck_id": secret}), "params": {
            "name": "get_deck", "arguments": {"deck_id": secret}, "_meta": {"user": VICTIM}}},
    )  # fmt: skip
    assert meta["result"]["isError"] and "is open to you" in _text(meta)


def test_a_session_id_from_another_user_gives_no_access(endpoint) -> None:
    mcp, store = endpoint
    secret = store.create_deck(VICTIM, "Victim's plans", slides=_slides()).deck.id
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "victim", "version": "1"},
        },
    }
    status, _ = _post(mcp, _as(VICTIM), init)
    assert status == 200
    # Stateless: no session id is handed out, and one the caller makes up changes nothing.
    for session in ("victim-session", "0" * 32):
        _, answer = _post(
            mcp,
            [*_as(MALLORY), ("mcp-session-id", session)],
            _tool("get_deck", {"deck_id": secret}),
        )
        assert answer["result"]["isError"] and "is open to you" in _text(answer)


def test_a_body_past_the_request_limit_is_refused_unread(endpoint) -> None:
    mcp, _ = endpoint
    huge = json.dumps(_tool("import_deck", {"html": "x" * (MAX_REQUEST_BYTES + 10)})).encode()
    status, _ = _post(mcp, _as(MALLORY), huge)
    assert status == 413


def test_a_huge_prompt_is_refused_by_length_without_being_echoed(endpoint) -> None:
    mcp, _ = endpoint
    prompt = "marker-" + "y" * (MAX_PROMPT_CHARS * 3)
    _, answer = _post(mcp, _as(MALLORY), _tool("create_deck", {"prompt": prompt}))
    assert answer["result"]["isError"]
    assert "marker-" not in _text(answer) and len(_text(answer)) < 400
    instruction = {"deck_id": "d_x", "slide_numbers": [1], "instruction": prompt}
    _, edit = _post(mcp, _as(MALLORY), _tool("edit_slides", instruction))
    assert edit["result"]["isError"] and "marker-" not in _text(edit)


def test_deeply_nested_arguments_leak_nothing_and_the_endpoint_goes_on(endpoint) -> None:
    mcp, _ = endpoint
    nested = "[" * 100_000 + "]" * 100_000
    body = (
        '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_deck",'
        f'"arguments":{{"deck_id":{nested}}}}}}}'
    ).encode()
    # The SDK's own JSON parse gives up (RecursionError: a 500 it logs); the answer names
    # nothing of the server.
    status, answer = _post(mcp, _as(MALLORY), body)
    assert status in (400, 500)
    assert "Recursion" not in answer and "Traceback" not in answer and ".py" not in answer
    status, listed = _post(mcp, _as(MALLORY), _tool("list_decks", {}))
    assert status == 200 and listed["result"]["structuredContent"] == {"decks": []}


def test_export_names_come_from_the_title_without_paths_or_header_breaks(endpoint) -> None:
    mcp, store = endpoint
    title = '../../etc/passwd\r\nX-Injected: 1 <script>"'
    deck = store.create_deck(MALLORY, title, slides=_slides()).deck.id
    _, answer = _post(mcp, _as(MALLORY), _tool("export_deck", {"deck_id": deck, "format": "html"}))
    summary, resource = answer["result"]["content"]
    name = summary["text"].split(": ")[0]
    assert "/" not in name and "\r" not in name and "\n" not in name and '"' not in name
    assert name.endswith(".html")
    assert resource["resource"]["uri"] == f"http://x/api/export/{deck}.html"


def test_tokens_quoted_by_a_failure_or_a_progress_message_are_redacted(endpoint) -> None:
    from slidegen.agent import SlideNotWritten, SlidePlanned

    mcp, _ = endpoint
    pat = "dapi0123456789abcdef0123456789abcdef"
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJlLXBhcnQ"
    slides = _slides()
    mcp.turns.script = [
        SlidePlanned(0, slides[0]),
        SlideNotWritten(0, slides[0], f"the workspace said: invalid token {jwt}"),
    ]
    mcp.turns.fail_with = f"The workspace refused the request (Authorization: Bearer {pat})."
    call = _tool("create_deck", {"prompt": "Sales"})
    call["params"]["_meta"] = {"progressToken": "p1"}
    _, answer = _post(mcp, _as(MALLORY), call)
    assert answer["result"]["isError"] and "[REDACTED]" in _text(answer)
    stream = _post.stream  # type: ignore[attr-defined]
    assert "notifications/progress" in stream and "could not be written" in stream
    assert pat not in stream and jwt not in stream and pat[:24] not in stream


def test_another_users_saved_theme_cannot_be_used_or_probed(endpoint) -> None:
    from slidegen.deck.themes import parse_theme

    mcp, store = endpoint
    colors = {"bg": "#ffffff", "surface": "#eeeeee", "text": "#111111", "muted": "#666666",
              "accent": "#c81e1e"}  # fmt: skip
    theirs = store.save_user_theme(
        VICTIM, parse_theme({"name": "Victim brand", "colors": colors}, theme_id="u-new")
    )
    for theme in (theirs.id, "../" + theirs.id, theirs.id.upper()):
        _, answer = _post(mcp, _as(MALLORY), _tool("create_deck", {"prompt": "x", "theme": theme}))
        assert answer["result"]["isError"] and "There is no theme" in _text(answer)
        assert "Victim brand" not in _text(answer)
    assert mcp.turns.calls == []  # refused before the model was asked


def test_an_import_packing_attributes_into_one_element_is_refused_at_once(endpoint) -> None:
    # 20,000 attributes on one element: libxml2 alone spent 1.8 s on them (quadratic), and the
    # 5 MB a call may carry holds 60 times as many.
    mcp, store = endpoint
    names = " ".join(f"a{i}=x" for i in range(20_000))
    html = f'<div class="slide"><h1>T</h1><p {names}>x</p></div>'
    _, answer = _post(mcp, _as(MALLORY), _tool("import_deck", {"html": html}))
    assert answer["result"]["isError"] and "more than 256 attributes" in _text(answer)
    assert store.list_decks(MALLORY) == []
