"""Identity from the proxy's headers: production, development fallback, missing header."""

from __future__ import annotations

import pytest

from slidegen.config import load_settings
from slidegen.server.identity import identity_from_headers

PROXY = {
    "X-Forwarded-User": "1234567890@example",
    "X-Forwarded-Email": "ada@example.com",
    "X-Forwarded-Preferred-Username": "Ada Lovelace",
    "X-Request-Id": "req-1",
    "X-Real-Ip": "10.1.2.3",
    "X-Forwarded-Access-Token": "eyJhbGciOiJIUzI1NiJ9.payloadpayload.signature",
}


@pytest.fixture
def prod(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    return load_settings()


@pytest.fixture
def dev(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("DEV_USER_ID", "dev-42")
    monkeypatch.setenv("DEV_USER_EMAIL", "dev42@example.com")
    monkeypatch.setenv("DEV_USERNAME", "Dev Forty-Two")
    return load_settings()


def test_production_user_comes_from_the_forwarded_headers(prod) -> None:
    user = identity_from_headers(PROXY, prod)
    assert user is not None
    assert (user.user_id, user.email, user.display_name) == (
        "1234567890@example",
        "ada@example.com",
        "Ada Lovelace",
    )
    assert (user.request_id, user.real_ip) == ("req-1", "10.1.2.3")
    assert user.access_token == PROXY["X-Forwarded-Access-Token"]
    assert not user.is_dev_fallback


def test_header_names_are_case_insensitive(prod) -> None:
    user = identity_from_headers({k.lower(): v for k, v in PROXY.items()}, prod)
    assert user is not None and user.email == "ada@example.com"


def test_production_without_forwarded_user_has_no_identity(prod) -> None:
    headers = {k: v for k, v in PROXY.items() if k != "X-Forwarded-User"}
    assert identity_from_headers(headers, prod) is None
    assert identity_from_headers({}, prod) is None


def test_production_ignores_the_dev_fallback(prod, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEV_USER_ID", "someone")
    assert identity_from_headers({}, load_settings()) is None


def test_development_falls_back_to_the_dev_user(dev) -> None:
    user = identity_from_headers({"X-Request-Id": "r"}, dev)
    assert user is not None and user.is_dev_fallback
    assert (user.user_id, user.email, user.display_name) == (
        "dev-42",
        "dev42@example.com",
        "Dev Forty-Two",
    )


def test_development_still_honours_real_headers(dev) -> None:
    user = identity_from_headers(PROXY, dev)
    assert user is not None and user.user_id == "1234567890@example"


def test_request_id_is_generated_when_missing(prod) -> None:
    a = identity_from_headers({"X-Forwarded-User": "u"}, prod)
    b = identity_from_headers({"X-Forwarded-User": "u"}, prod)
    assert a and b and a.request_id and a.request_id != b.request_id


def test_the_token_never_shows_in_repr_or_public_dict(prod) -> None:
    user = identity_from_headers(PROXY, prod)
    assert user is not None
    token = PROXY["X-Forwarded-Access-Token"]
    assert token not in repr(user)
    assert token not in str(user.public_dict())
