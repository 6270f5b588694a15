"""Who is asking: the `UserContext` built from the headers the Databricks Apps proxy adds.

Identity is taken only from the headers of an HTTP request or of the Reflex websocket handshake,
never from an event payload. In production a request without `X-Forwarded-User` has no identity
(`None`): the API answers 403 and the UI shows "not signed in". In development the configured
`DEV_USER_*` fallback stands in, so `reflex run` works without a proxy; a development request
that does carry the headers still uses them (so two local "users" can be tested).

The forwarded access token is kept on the context for server-side calls made on the user's
behalf (Genie) and is excluded from `repr`, logging and serialisation.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from slidegen.config import Settings, get_settings
from slidegen.server.headers import lower_keys
from slidegen.users import UserContext

__all__ = ["HEADER_NAMES", "UserContext", "identity_from_headers", "request_id_from_headers"]

HEADER_NAMES = {
    "user": "x-forwarded-user",
    "email": "x-forwarded-email",
    "username": "x-forwarded-preferred-username",
    "request_id": "x-request-id",
    "real_ip": "x-real-ip",
    "access_token": "x-forwarded-access-token",
}


def request_id_from_headers(headers: Mapping[str, str]) -> str:
    """The proxy's `X-Request-Id`, else a fresh one."""
    value = lower_keys(headers).get(HEADER_NAMES["request_id"], "").strip()
    return value[:128] if value else uuid.uuid4().hex


def identity_from_headers(
    headers: Mapping[str, str], settings: Settings | None = None
) -> UserContext | None:
    """The user named by the forwarded headers, the dev fallback, or None (not signed in)."""
    settings = settings or get_settings()
    h = lower_keys(headers)
    request_id = request_id_from_headers(h)
    user = h.get(HEADER_NAMES["user"], "").strip()
    token = h.get(HEADER_NAMES["access_token"], "").strip() or None
    real_ip = h.get(HEADER_NAMES["real_ip"], "").strip() or None
    if user:
        email = h.get(HEADER_NAMES["email"], "").strip() or user
        name = h.get(HEADER_NAMES["username"], "").strip() or email.split("@")[0]
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
