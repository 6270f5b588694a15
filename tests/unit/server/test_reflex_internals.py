"""Pins the Reflex internals the security layer relies on; an upgrade that changes them fails
here, loudly, instead of silently reopening a hole.

- `slidegen.server.tokens` rewrites the handshake's `?token=` in the ASGI scope: Reflex must
  read the client token from the environ's QUERY_STRING at connect, and engine.io must build
  that QUERY_STRING from the scope's `query_string`.
- `slidegen.server.origins` refuses other origins before Reflex: Reflex's own CORS stays wide
  open (so the guard must stay in front of it).
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

from engineio.async_drivers import asgi as engineio_asgi
from reflex.app import App, EventNamespace

CHECKED_VERSION = "0.10.1"


def test_reflex_is_the_version_these_checks_were_written_for() -> None:
    installed = version("reflex")
    assert installed == CHECKED_VERSION, (
        f"Reflex is {installed}: re-check slidegen/server/tokens.py and origins.py "
        "against its EventNamespace.on_connect / emit_update and CORS set-up, then update "
        "CHECKED_VERSION"
    )


def test_the_client_token_comes_from_the_handshake_query_string() -> None:
    source = inspect.getsource(EventNamespace.on_connect)
    assert 'environ.get("QUERY_STRING"' in source and 'get("token"' in source, (
        "Reflex no longer reads the tab token from the handshake query: UserBoundTokens would "
        "no longer bind states to users"
    )
    assert "link_token_to_sid" in source


def test_engineio_builds_query_string_from_the_asgi_scope() -> None:
    source = inspect.getsource(engineio_asgi.translate_request)
    assert "scope['query_string']" in source or 'scope["query_string"]' in source


def test_pushes_go_to_the_socket_linked_to_the_token() -> None:
    # A running background task pushes by token; binding tokens to users binds pushes.
    source = inspect.getsource(EventNamespace.emit_update)
    assert "token_to_socket.get(token)" in source


def test_reflex_cors_is_still_wide_open_so_the_origin_guard_is_needed() -> None:
    source = inspect.getsource(App._add_cors)
    assert "allow_credentials=True" in source
