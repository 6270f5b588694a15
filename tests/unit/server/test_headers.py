"""`slidegen.server.headers`: every shape of headers read to the same lower-case dict, and the
scope's decoded exactly as Reflex decodes the same handshake for the states."""

from __future__ import annotations

from types import SimpleNamespace

from reflex.app import _decode_asgi_headers
from reflex.istate.data import RouterData

from slidegen.server.headers import (
    forwarded_host,
    lower_keys,
    reflex_headers,
    scope_headers,
    single_value,
)

PAIRS = [
    (b"Host", b"app.example.com"),
    (b"X-Forwarded-User", b"ana@example.com"),
    (b"x-forwarded-email", "zoë@example.com".encode()),  # UTF-8
    (b"x-forwarded-preferred-username", "Zo\xeb".encode("latin-1")),  # not UTF-8
    (b"accept", b"text/html"),
    (b"Accept", b"application/json"),  # repeated: joined
    (b"cookie", b"a=1"),
    (b"cookie", b"b=2"),
]


def test_scope_headers_are_lower_case_and_joined_like_reflex_decodes_them() -> None:
    headers = scope_headers({"type": "websocket", "headers": PAIRS})
    assert headers == {
        "host": "app.example.com",
        "x-forwarded-user": "ana@example.com",
        "x-forwarded-email": "zoë@example.com",
        "x-forwarded-preferred-username": "Zoë",
        "accept": "text/html, application/json",
        "cookie": "a=1; b=2",
    }
    # ASGI servers send lower-case names; for those, the states (Reflex's decoding) see the same.
    lower = [(name.lower(), value) for name, value in PAIRS]
    assert scope_headers({"headers": lower}) == _decode_asgi_headers(lower)
    assert scope_headers({}) == {}


def test_router_data_of_an_event_and_the_router_of_a_state_read_the_same() -> None:
    raw = {"x-forwarded-user": "ana@example.com", "host": "app.example.com"}
    router_data = {"headers": raw, "pathname": "/"}
    state_router = RouterData.from_router_data(router_data)
    assert reflex_headers(router_data) == raw
    assert reflex_headers(state_router) == raw
    assert reflex_headers(None) == {}
    assert reflex_headers({"headers": "not a mapping"}) == {}
    assert reflex_headers(SimpleNamespace(headers=None)) == {}


def test_names_are_lower_cased_never_rewritten() -> None:
    # A proxy strips a client's X-Forwarded-User; X_Forwarded_User is another header, not it.
    assert lower_keys({"X_Forwarded_User": "mallory"}) == {"x_forwarded_user": "mallory"}
    assert reflex_headers({"headers": {"X_Forwarded_User": "mallory"}}) == {
        "x_forwarded_user": "mallory"
    }


def test_forwarded_host_prefers_the_proxys_first_value() -> None:
    assert forwarded_host({"x-forwarded-host": " a.example.com, b.example.com", "host": "h"}) == (
        "a.example.com"
    )
    assert forwarded_host({"x-forwarded-host": "", "host": " h:8000 "}) == "h:8000"
    assert forwarded_host({}) == ""


def test_a_mapping_with_a_name_repeated_is_joined_as_the_scope_is() -> None:
    from starlette.datastructures import Headers

    pairs = [(b"x-forwarded-user", b"ana@example.com"), (b"x-forwarded-user", b"bob@example.com")]
    # Starlette's items() lists every copy; a dict can hold one name differently cased.
    assert (
        lower_keys(Headers(raw=pairs))
        == scope_headers({"headers": pairs})
        == {"x-forwarded-user": "ana@example.com, bob@example.com"}
    )
    cased = {"X-Forwarded-User": "ana", "x-forwarded-user": "bob", "Cookie": "a", "cookie": "b"}
    assert lower_keys(cased) == {"x-forwarded-user": "ana, bob", "cookie": "a; b"}


def test_single_value_is_none_for_a_header_sent_more_than_once() -> None:
    once = scope_headers({"headers": [(b"x-forwarded-user", b" ana@example.com ")]})
    twice = scope_headers({"headers": [(b"x-forwarded-user", b"ana"), (b"x-forwarded-user", b"")]})
    assert single_value(once, "x-forwarded-user") == "ana@example.com"
    assert single_value(once, "x-forwarded-email") == ""  # absent
    assert single_value(twice, "x-forwarded-user") is None  # an empty second copy too
    # An intermediary may merge copies into one line (RFC 9110 5.3): the same thing.
    assert single_value({"x-forwarded-user": "ana,bob"}, "x-forwarded-user") is None
