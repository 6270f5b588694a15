"""Who a piece of work is for: `UserContext`, the signed-in user of a request, socket or CLI run.

A plain value shared by every layer (the server builds it from the forwarded headers in
`slidegen.server.identity`; the service checks access with it; the agent reads the user id for
tracing and the forwarded token for Genie), so the agent needs nothing from the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["UserContext"]


@dataclass(frozen=True)
class UserContext:
    """The signed-in user of one request or websocket connection."""

    user_id: str
    email: str
    display_name: str
    request_id: str
    real_ip: str | None = None
    access_token: str | None = field(default=None, repr=False, compare=False)
    is_dev_fallback: bool = False

    def public_dict(self) -> dict[str, str | None]:
        """What may be shown or logged: everything but the token."""
        return {
            "user_id": self.user_id,
            "email": self.email,
            "display_name": self.display_name,
            "request_id": self.request_id,
        }
