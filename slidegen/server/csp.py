"""Content-Security-Policy headers: the app's pages, and documents that carry slide HTML.

The app page (`page_policy`): scripts and styles from the app itself, images only from the app
or inline (`data:`/`blob:`), connections only to the app and its websocket, frames only from the
app (the slide frames are `srcdoc`, which `frame-src` does not block, while a slide frame that
tries to navigate to another site is refused), no plugins, no `<base>`, and not framable by
other sites. Two allowances follow from how the page works: `script-src 'unsafe-inline'`
because a `srcdoc` frame inherits this policy and slide scripts are inline (they are held by the
frame's sandbox and its own stricter policy, see `slidegen/deck/render.py`), and `style-src
'unsafe-inline'` for the style tags and attributes the UI library writes at run time.

Slide documents served from the app origin (`export_policy`: HTML export, print view) are
sandboxed by the header itself, without `allow-same-origin`: their scripts run in an opaque
origin that cannot read the app's cookies or call its API, cannot connect anywhere and cannot
open windows. The print view (`print_wrapper_policy`) puts that document in a frame of a page
that runs no script and lets the frame navigate only within the app.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from slidegen.server.headers import forwarded_host, scope_headers
from slidegen.server.http import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "PagePolicy",
    "export_policy",
    "page_policy",
    "print_wrapper_policy",
]

_HOST = re.compile(r"^[A-Za-z0-9.\-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$")


def _own_host(headers: Mapping[str, str]) -> str | None:
    host = forwarded_host(headers)
    return host if _HOST.match(host) else None


def page_policy(headers: Mapping[str, str]) -> str:
    """The policy of the app's HTML pages, for a request with these headers."""
    host = _own_host(headers)
    sockets = f" ws://{host} wss://{host}" if host else ""
    return (
        "default-src 'self'; "
        "script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; "
        "font-src 'self' data:; "
        f"connect-src 'self'{sockets}; "
        "frame-src 'self'; "
        "worker-src 'self' blob:; "
        "object-src 'none'; "
        "base-uri 'none'; "
        "form-action 'self'; "
        "frame-ancestors 'self'"
    )


def export_policy() -> str:
    """The header policy of a deck document served from the app origin (sandboxed)."""
    return (
        "sandbox allow-scripts allow-modals; "
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; media-src data:; connect-src 'none'; "
        "frame-src 'none'; worker-src 'none'; object-src 'none'; "
        "form-action 'none'; base-uri 'none'; frame-ancestors 'self'"
    )


def print_wrapper_policy() -> str:
    """The policy of the print page that frames the sandboxed deck document."""
    return (
        "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


class PagePolicy:
    """Adds the page policy (and a few sibling headers) to every HTML response of `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = page_policy(scope_headers(scope)).encode("latin-1")

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                content_type = next(
                    (value for name, value in headers if name.lower() == b"content-type"), b""
                )
                if (
                    content_type.startswith(b"text/html")
                    and b"content-security-policy" not in names
                ):
                    headers.append((b"content-security-policy", policy))
                    headers.append((b"referrer-policy", b"same-origin"))
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_policy)
