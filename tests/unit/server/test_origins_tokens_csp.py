"""The origin rule, user-bound tab tokens and the page CSP, as pure functions and middleware."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from slidegen.config import load_settings
from slidegen.server.csp import export_policy, page_policy
from slidegen.server.origins import OriginGuard, origin_allowed
from slidegen.server.tokens import UserBoundTokens, user_token

PROD = load_settings(ENVIRONMENT="production")
DEV = load_settings(ENVIRONMENT="development")


@pytest.mark.parametrize(
    ("origin", "headers", "settings", "allowed"),
    [
        ("http://127.0.0.1:8080", {"host": "127.0.0.1:8080"}, PROD, True),
        (
            "https://app.example.com",
            {"host": "10.0.0.5:8000", "x-forwarded-host": "app.example.com"},
            PROD,
            True,
        ),
        ("https://APP.example.com:443", {"host": "app.example.com"}, PROD, True),
        ("https://evil.example", {"host": "app.example.com"}, PROD, False),
        ("http://127.0.0.1:9999", {"host": "127.0.0.1:8080"}, PROD, False),
        ("null", {"host": "app.example.com"}, PROD, False),
        ("https://app.example.com.evil.example", {"host": "app.example.com"}, PROD, False),
        ("http://localhost:3000", {"host": "localhost:8000"}, DEV, True),
        ("http://localhost:3000", {"host": "localhost:8000"}, PROD, False),
    ],
)
def test_origin_rule(origin: str, headers: dict[str, str], settings: Any, allowed: bool) -> None:
    assert origin_allowed(origin, headers, settings) is allowed


def test_configured_origins_are_allowed() -> None:
    settings = load_settings(ENVIRONMENT="production", ALLOWED_ORIGINS="https://a.example, x")
    assert origin_allowed("https://a.example", {"host": "b.example"}, settings)
    assert not origin_allowed("https://c.example", {"host": "b.example"}, settings)


def _run(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


def test_origin_guard_refuses_handshake_and_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    reached: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope["type"])

    guard = OriginGuard(inner)
    evil = [(b"host", b"app.example"), (b"origin", b"https://evil.example")]
    assert _run(guard, {"type": "websocket", "path": "/_event", "headers": evil}) == [
        {"type": "websocket.close", "code": 1008}
    ]
    answer = _run(guard, {"type": "http", "method": "POST", "path": "/_upload", "headers": evil})
    assert answer[0]["status"] == 403
    own = [(b"host", b"app.example"), (b"origin", b"https://app.example")]
    _run(guard, {"type": "websocket", "path": "/_event", "headers": own})
    _run(guard, {"type": "http", "path": "/ping", "headers": [(b"host", b"app.example")]})
    assert reached == ["websocket", "http"]


def test_tokens_are_bound_to_the_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    assert user_token("alice", "t1") != user_token("bob", "t1")
    assert user_token("alice", "t1") == user_token("alice", "t1")
    seen: list[bytes] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["query_string"])

    bound = UserBoundTokens(inner)
    scope = {
        "type": "websocket",
        "path": "/_event/",
        "query_string": b"token=t1&EIO=4&transport=websocket",
        "headers": [(b"x-forwarded-user", b"alice")],
    }
    _run(bound, scope)
    _run(bound, {**scope, "headers": [(b"x-forwarded-user", b"bob")]})
    _run(bound, {**scope, "type": "http", "path": "/api/x"})
    alice, bob, untouched = seen
    assert alice == f"token={user_token('alice', 't1')}&EIO=4&transport=websocket".encode()
    assert bob != alice and b"t1" not in bob
    assert untouched == scope["query_string"]


def test_page_policy_directives() -> None:
    policy = page_policy({"host": "app.example:8080"})
    for directive in (
        "img-src 'self' data: blob:",
        "connect-src 'self' ws://app.example:8080 wss://app.example:8080",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
    ):
        assert directive in policy
    # A Host header that is not a host name is left out rather than written into the header.
    assert "evil" not in page_policy({"host": "a; script-src evil"})


def test_export_policy_is_a_sandbox_without_same_origin() -> None:
    policy = export_policy()
    assert policy.startswith("sandbox allow-scripts allow-modals;")
    assert "allow-same-origin" not in policy and "allow-popups" not in policy
    assert "connect-src 'none'" in policy
