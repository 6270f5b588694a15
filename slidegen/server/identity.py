"""Who is asking: the `UserContext` built from the headers the Databricks Apps proxy adds.

Identity is taken only from the headers of an HTTP request or of the Reflex websocket handshake,
never from an event payload. In production a request without `X-Forwarded-User` has no identity
(`None`): the API answers 403 and the UI shows "not signed in". In development the configured
`DEV_USER_*` fallback stands in, so `reflex run` works without a proxy; a development request
that does carry the headers still uses them (so two local "users" can be tested).

An identity header sent more than once (`X-Forwarded-User`, `-Email`, `-Preferred-Username`,
`-Access-Token`) does not name one user: whichever copy came from the proxy, the others came
from someone else. Such a request has no identity in either environment (never the dev
fallback, never a joined or last copy); `ambiguous_identity` says why, for the HTTP answers
(400, `AMBIGUOUS_IDENTITY`). Over the socket it is simply not signed in.

The forwarded access token is kept on the context for server-side calls made on the user's
behalf (Genie) and is excluded from `repr`, logging and serialisation.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from slidegen.config import Settings, get_settings
from slidegen.server.headers import lower_keys, single_value
from slidegen.users import UserContext

__all__ = [
    "AMBIGUOUS_IDENTITY",
    "HEADER_NAMES",
    "IDENTITY_HEADERS",
    "UserContext",
    "ambiguous_identity",
    "identity_from_headers",
    "repeated_identity_headers",
    "request_id_from_headers",
]

HEADER_NAMES = {
    "user": "x-forwarded-user",
    "email": "x-forwarded-email",
    "username": "x-forwarded-preferred-username",
    "request_id": "x-request-id",
    "real_ip": "x-real-ip",
    "access_token": "x-forwarded-access-token",
}

# The headers that say who is asking, as the proxy spells them: each must come exactly once.
IDENTITY_HEADERS = {
    HEADER_NAMES["user"]: "X-Forwarded-User",
    HEADER_NAMES["email"]: "X-Forwarded-Email",
    HEADER_NAMES["username"]: "X-Forwarded-Preferred-Username",
    HEADER_NAMES["access_token"]: "X-Forwarded-Access-Token",
}
AMBIGUOUS_IDENTITY = "ambiguous_identity"


def request_id_from_headers(headers: Mapping[str, str]) -> str:
    """The proxy's `X-Request-Id`, else a fresh one."""
    value = lower_keys(headers).get(HEADER_NAMES["request_id"], "").strip()
    return value[:128] if value else uuid.uuid4().hex


def repeated_identity_headers(headers: Mapping[str, str]) -> list[str]:
    """The identity headers of `headers` sent more than once (as the proxy spells them)."""
    h = lower_keys(headers)
    return [shown for name, shown in IDENTITY_HEADERS.items() if single_value(h, name) is None]


def ambiguous_identity(headers: Mapping[str, str]) -> str | None:
    """Why a request whose identity headers repeat is refused; None when none repeats."""
    repeated = repeated_identity_headers(headers)
    if not repeated:
        return None
    return (
        f"This request carries {' and '.join(repeated)} more than once, so it does not name "
        "one user and is refused: call the app through Databricks Apps, which sends each once."
    )


def identity_from_headers(
    headers: Mapping[str, str], settings: Settings | None = None
) -> UserContext | None:
    """The user named by the forwarded headers, the dev fallback, or None (not signed in, or
    an identity header repeated: `ambiguous_identity`)."""
    settings = settings or get_settings()
    h = lower_keys(headers)
    if repeated_identity_headers(h):
        return None
    request_id = request_id_from_headers(h)
    user = single_value(h, HEADER_NAMES["user"]) or ""
    token = single_value(h, HEADER_NAMES["access_token"]) or None
    real_ip = h.get(HEADER_NAMES["real_ip"], "").strip() or None
    if user:
        email = single_value(h, HEADER_NAMES["email"]) or user
        name = single_value(h, HEADER_NAMES["username"]) or email.split("@")[0]
        return UserContext(user, email, name, request_id, real_ip, token)
    if settings.is_production:
        return None
    return UserContext(
        settings.dev_user_id,
        settings.dev_user_email,
        settings.dev_username,
        request_id,
        real_ip,
        token,
        is_dev_fallback=True,
    )
