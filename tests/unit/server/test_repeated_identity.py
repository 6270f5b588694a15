"""A repeated identity header names no one: every reader of identity refuses it.

The request carries the proxy's copy and a second one someone else added. Whichever way the
headers are read (an ASGI scope, Starlette's `request.headers`, Reflex's router data of a
socket), there is no user; the HTTP answers say why (400), the socket is not signed in, and a
single header is read as before in both environments.
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from reflex.app import _decode_asgi_headers
from reflex.istate.data import RouterData
from starlette.datastructures import Headers
from starlette.requests import Request

from slidegen.config import load_settings
from slidegen.server.headers import scope_headers
from slidegen.server.identity import (
    AMBIGUOUS_IDENTITY,
    IDENTITY_HEADERS,
    ambiguous_identity,
    identity_from_headers,
)

PROXY = [
    (b"x-forwarded-user", b"mallory@example.com"),
    (b"x-forwarded-email", b"mallory@example.com"),
    (b"x-forwarded-preferred-username", b"mallory"),
    (b"x-forwarded-access-token", b"eyJ.mallory.token"),
]


def _with_copy(name: str, value: bytes = b"victim@example.com") -> list[tuple[bytes, bytes]]:
    """The proxy's headers, then a second copy of `name` (as a caller would add it)."""
    return [*PROXY, (name.encode(), value)]


@pytest.fixture(params=["production", "development"])
def settings(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ENVIRONMENT", request.param)
    return load_settings()


def _readings(pairs: list[tuple[bytes, bytes]]) -> list[Any]:
    """The same request's headers as each reader sees them."""
    reflex = {"headers": _decode_asgi_headers(pairs)}
    return [
        scope_headers({"headers": pairs}),  # middlewares, /mcp
        Headers(raw=pairs),  # Starlette's request.headers (every copy in items())
        reflex["headers"],  # an event's router data
        RouterData.from_router_data(reflex).headers.raw_headers,  # a state's router
    ]


@pytest.mark.parametrize("name", sorted(IDENTITY_HEADERS))
def test_each_identity_header_sent_twice_names_no_user(settings: Any, name: str) -> None:
    for headers in _readings(_with_copy(name)):
        assert identity_from_headers(headers, settings) is None, (name, headers)
        why = ambiguous_identity(headers)
        assert why is not None and IDENTITY_HEADERS[name] in why and "more than once" in why
    # Even an empty second copy, and one an intermediary merged into a single line.
    assert (
        identity_from_headers(scope_headers({"headers": _with_copy(name, b"")}), settings) is None
    )
    merged = {"x-forwarded-user": "mallory", name: "mallory@example.com, victim@example.com"}
    assert identity_from_headers(merged, settings) is None


def test_a_single_copy_of_each_is_read_as_before(settings: Any) -> None:
    for headers in _readings(PROXY):
        user = identity_from_headers(headers, settings)
        assert user is not None and not user.is_dev_fallback
        assert (user.user_id, user.email, user.display_name, user.access_token) == (
            "mallory@example.com",
            "mallory@example.com",
            "mallory",
            "eyJ.mallory.token",
        )
        assert ambiguous_identity(headers) is None
    # Other headers may repeat as they always could.
    other = [*PROXY, (b"accept", b"a"), (b"accept", b"b"), (b"x-request-id", b"r1")]
    assert identity_from_headers(scope_headers({"headers": other}), settings) is not None


def test_development_falls_back_only_without_identity_headers(monkeypatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "development")
    dev = load_settings()
    fallback = identity_from_headers({}, dev)
    assert fallback is not None and fallback.is_dev_fallback
    # A repeat is refused, not replaced by the development user.
    doubled = [(b"x-forwarded-user", b"a"), (b"x-forwarded-user", b"b")]
    assert identity_from_headers(scope_headers({"headers": doubled}), dev) is None


def _request(pairs: list[tuple[bytes, bytes]]) -> Request:
    params = {"fmt": "html", "deck_id": "d_x"}
    return Request({"type": "http", "method": "GET", "path": "/api/export/d_x.html",
                    "headers": pairs, "query_string": b"", "path_params": params})  # fmt: skip


def test_api_routes_answer_400_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from slidegen.config import get_settings
    from slidegen.server.api import require_user
    from slidegen.server.downloads import export_deck

    monkeypatch.setenv("ENVIRONMENT", "production")
    get_settings.cache_clear()
    try:
        doubled = _request(_with_copy("x-forwarded-user"))
        for answer in (require_user(doubled), asyncio.run(export_deck(doubled))):
            assert answer.status_code == 400  # type: ignore[union-attr]
            body = json.loads(answer.body)  # type: ignore[union-attr]
            assert body["error"] == AMBIGUOUS_IDENTITY
            assert "X-Forwarded-User more than once" in body["message"]
            assert "victim" not in answer.body.decode()  # type: ignore[union-attr]
        missing = require_user(_request([]))
        assert missing.status_code == 403  # type: ignore[union-attr]
        assert json.loads(missing.body)["error"] == "not_signed_in"  # type: ignore[union-attr]
        user = require_user(_request(PROXY))
        assert getattr(user, "user_id", None) == "mallory@example.com"
    finally:
        get_settings.cache_clear()


def test_over_the_socket_a_repeat_is_not_signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from slidegen.config import get_settings
    from slidegen.server.tokens import UserBoundTokens, user_token
    from slidegen.web.auth import connection_user

    monkeypatch.setenv("ENVIRONMENT", "production")
    get_settings.cache_clear()
    try:
        doubled = _with_copy("x-forwarded-user")
        router = RouterData.from_router_data({"headers": _decode_asgi_headers(doubled)})
        assert connection_user(SimpleNamespace(router=router)) is None
        seen: list[bytes] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope["query_string"])

        scope = {"type": "websocket", "path": "/_event/", "headers": doubled,
                 "query_string": b"token=tab-1"}  # fmt: skip
        asyncio.run(UserBoundTokens(app)(scope, None, None))  # type: ignore[arg-type]
        # The state reached is the one of a connection with no user, never either user's.
        assert seen == [f"token={user_token('', 'tab-1')}".encode()]
    finally:
        get_settings.cache_clear()
