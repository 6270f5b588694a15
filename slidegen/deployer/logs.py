"""The app's logs, read the way the Databricks CLI's `apps logs` reads them.

The CLI opens a websocket to `<app url>/logz/stream` (https → wss) with the caller's bearer
token, an `Origin` of the app's URL and its own User-Agent, sends the search term as the first
text frame, then receives frames: JSON `{"source", "timestamp", "message"}`, or a single NUL byte
meaning "no logs yet". Without `--follow` it prints what arrives until the stream goes quiet
(6 s for the first frame, then 1.5 s idle) and keeps the last `tail` lines; with it, it keeps
printing until interrupted or `timeout_s`.

The app proxy only accepts OAuth tokens there: a personal access token, a workspace where the
log stream is disabled, or a missing permission is refused during the handshake (HTTP 401/403),
which becomes `LogsUnavailable` with what to do about it.

`websockets` is imported when logs are read, not with this module: every `slidegen` command
loads it (for `LogsUnavailable`), and the import costs about 0.1 s of each start.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from databricks.sdk import WorkspaceClient

from slidegen.deployer import apps
from slidegen.deployer.client import auth_headers

__all__ = ["LogsUnavailable", "format_frame", "logs_url", "stream_logs"]

FIRST_FRAME_S = 6.0
IDLE_S = 1.5


class LogsUnavailable(RuntimeError):
    """The workspace would not stream this app's logs; the message says why and what to do."""


def logs_url(app_url: str) -> str:
    parts = urlsplit(app_url)
    scheme = {"https": "wss", "http": "ws", "wss": "wss", "ws": "ws"}.get(parts.scheme.lower())
    if scheme is None:
        raise LogsUnavailable(f"unsupported app URL scheme: {parts.scheme!r}")
    path = parts.path.rstrip("/") + "/logz/stream"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def format_frame(frame: str | bytes) -> str | None:
    """One printable line for a frame; None for the NUL keep-alive."""
    text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
    if text == "\x00":
        return None
    try:
        entry = json.loads(text)
        stamp = float(entry.get("timestamp") or 0)
        when = (
            datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            if stamp > 0
            else "----------"
        )
        return (
            f"{when} [{str(entry.get('source', '')).upper()}] "
            f"{str(entry.get('message', '')).rstrip()}"
        )
    except (ValueError, AttributeError, TypeError):
        return text.rstrip("\r\n")


def _refusal(status: int, app: str) -> LogsUnavailable:
    if status in (401, 403):
        return LogsUnavailable(
            f"the workspace refused to stream the logs of {app} (HTTP {status}). App log "
            "streaming needs an OAuth login with CAN_MANAGE on the app: run `databricks auth "
            "login` and pass its --profile (personal access tokens are not accepted there), or "
            "read the logs in the workspace UI (Compute → Apps → the app → Logs)."
        )
    return LogsUnavailable(
        f"the log stream of {app} answered HTTP {status}: this workspace "
        "does not offer app log streaming here; use the workspace UI."
    )


def stream_logs(
    w: WorkspaceClient,
    app_name: str,
    out: Callable[[str], None],
    *,
    follow: bool = False,
    search: str = "",
    tail: int = 200,
    timeout_s: float | None = None,
    first_frame_s: float = FIRST_FRAME_S,
    idle_s: float = IDLE_S,
) -> int:
    """Print the app's logs through `out`; returns the number of lines printed."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI
    from websockets.sync.client import connect

    app = apps.get_app(w, app_name)
    if app is None:
        raise LogsUnavailable(f"app {app_name} does not exist")
    if not app.url:
        raise LogsUnavailable(f"app {app_name} has no URL yet; deploy and start it first")
    origin = urlunsplit(urlsplit(app.url)._replace(path="", query="", fragment=""))
    headers = {**auth_headers(w), "Origin": origin, "User-Agent": "slidegen logs"}
    deadline = time.monotonic() + timeout_s if timeout_s else None
    kept: deque[str] = deque(maxlen=tail or None)
    printed = 0
    try:
        with connect(
            logs_url(app.url), additional_headers=headers, open_timeout=30, close_timeout=2
        ) as ws:
            ws.send(search)
            first = True
            while True:
                wait = first_frame_s if first else idle_s
                if follow:
                    wait = 1.0
                if deadline is not None:
                    wait = min(wait, max(deadline - time.monotonic(), 0.0))
                try:
                    frame = ws.recv(timeout=wait)
                except TimeoutError:
                    if deadline is not None and time.monotonic() >= deadline:
                        break
                    if follow:
                        continue
                    break
                first = False
                line = format_frame(frame)
                if line is None:
                    continue
                if follow:
                    out(line)
                    printed += 1
                else:
                    kept.append(line)
    except InvalidStatus as error:
        raise _refusal(error.response.status_code, app_name) from None
    except (InvalidURI, OSError) as error:
        raise LogsUnavailable(f"cannot reach the log stream of {app_name}: {error}") from None
    except ConnectionClosed:
        pass  # the server ended the stream; what arrived is printed below
    for line in kept:
        out(line)
        printed += 1
    return printed
