"""Which workspace the app talks to: the configured one, or the built-in demo workspace.

In development, when the Databricks SDK's own config resolution finds no workspace credentials
(no `DATABRICKS_HOST`/token, no usable `~/.databrickscfg` profile), the app runs against the
emulator (`slidegen.emulator`) as a *demo workspace*: an in-process server on a free loopback
port, started before the first request and stopped with the app (`workspace_lifespan`, a Reflex
lifespan task). The agent's clients then point at it (`current_demo()`, read by
`slidegen.agent.model`), Genie answers from its demo space, and the UI shows a banner.
Production never falls back to the demo: missing credentials there are an error the chat names.

`DEMO_WORKSPACE` overrides the decision in development: `on` always uses the demo, `off` never.
The check is bounded (`CHECK_TIMEOUT_S`): the SDK may probe a configured host over the network
or run a CLI for a token, and an app must not hang at start for that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from slidegen.config import Settings, get_settings
from slidegen.workspace import app_workspace_client

__all__ = [
    "CHECK_TIMEOUT_S",
    "DEMO_GENIE_SPACE",
    "DemoWorkspace",
    "WorkspaceCheck",
    "check_workspace",
    "current_demo",
    "start_demo",
    "stop_demo",
    "workspace_lifespan",
]

log = logging.getLogger("slidegen.workspace")

CHECK_TIMEOUT_S = 8.0
# Per request while checking: the SDK's host-metadata probe otherwise retries for 300 s.
_PROBE_TIMEOUT_S = 3
DEMO_GENIE_SPACE = "demo-sales"
DEMO_TOKENS_PER_S = 800


@dataclass(frozen=True)
class WorkspaceCheck:
    """What the SDK's config resolution found: a workspace (host, auth type) or why not."""

    configured: bool
    host: str | None = None
    auth_type: str | None = None
    reason: str = ""


def _resolve(settings: Settings) -> WorkspaceCheck:
    try:
        client = app_workspace_client(
            settings,
            http_timeout_seconds=_PROBE_TIMEOUT_S,
            retry_timeout_seconds=_PROBE_TIMEOUT_S,
        )
    except ValueError as error:  # the SDK found no usable credentials
        return WorkspaceCheck(False, reason=" ".join(str(error).split()))
    return WorkspaceCheck(True, client.config.host, client.config.auth_type)


def check_workspace(settings: Settings, timeout_s: float = CHECK_TIMEOUT_S) -> WorkspaceCheck:
    """Resolve the SDK's config (env vars, profile) in a daemon thread, for at most `timeout_s`.

    A resolution that does not finish in time means something *is* configured (a host to probe,
    a CLI to ask): that counts as a workspace, whose calls will then report what is wrong.
    """
    outcome: list[WorkspaceCheck] = []

    def work() -> None:
        try:
            outcome.append(_resolve(settings))
        except Exception as error:  # never let a check kill start-up
            outcome.append(WorkspaceCheck(True, reason=f"{type(error).__name__}: {error}"))

    thread = threading.Thread(target=work, name="workspace-check", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if outcome:
        return outcome[0]
    return WorkspaceCheck(
        True, reason=f"the SDK's config resolution did not finish within {timeout_s:g} s"
    )


@dataclass
class DemoWorkspace:
    """The running demo workspace: its URL, the token the app uses, its Genie space."""

    url: str
    token: str
    genie_space_id: str
    server: Any  # slidegen.emulator.EmulatorServer


_lock = threading.Lock()
_demo: DemoWorkspace | None = None


def current_demo() -> DemoWorkspace | None:
    """The demo workspace when this process runs against it, else None."""
    return _demo


def start_demo() -> DemoWorkspace:
    """Start the emulator on a free loopback port as this process's workspace (idempotent)."""
    global _demo
    with _lock:
        if _demo is not None:
            return _demo
        from slidegen.emulator import EmulatorServer
        from slidegen.emulator.api_genie import publish_space
        from slidegen.emulator.scripts import model_script

        server = EmulatorServer().start()
        publish_space(
            server.emulator,
            DEMO_GENIE_SPACE,
            title="Demo sales data",
            description="Revenue by region and the monthly trend of a demo company",
        )
        # Paced like a fast model, so slides visibly arrive one by one (a deck in a few seconds).
        model_script(server.emulator).tokens_per_s = DEMO_TOKENS_PER_S
        _demo = DemoWorkspace(server.url, f"demo-{secrets.token_hex(8)}", DEMO_GENIE_SPACE, server)
        return _demo


def stop_demo() -> None:
    global _demo
    with _lock:
        demo, _demo = _demo, None
    if demo is not None:
        demo.server.stop()


def _wants_demo(settings: Settings) -> tuple[bool, WorkspaceCheck | None]:
    if settings.is_production or settings.demo_workspace == "off":
        return False, None
    if settings.demo_workspace == "on":
        return True, None
    check = check_workspace(settings)
    return not check.configured, check


def _log_configured(settings: Settings, check: WorkspaceCheck | None) -> None:
    host = (check.host if check else None) or settings.databricks_host
    space = settings.genie_space_id or "none (GENIE_SPACE_ID is not set: decks use no data)"
    log.info(
        "workspace %s; serving endpoint %s; Genie space %s",
        host or "not set (DATABRICKS_HOST)",
        settings.serving_endpoint,
        space,
        extra={
            "databricks_host": host,
            "auth_type": check.auth_type if check else None,
            "serving_endpoint": settings.serving_endpoint,
            "genie_space_id": settings.genie_space_id,
        },
    )
    if check is not None and check.reason:
        log.warning("workspace check: %s", check.reason)


@contextlib.asynccontextmanager
async def workspace_lifespan() -> AsyncIterator[None]:
    """Reflex lifespan task: decide the workspace before serving; stop the demo on shutdown."""
    settings = get_settings()
    use_demo, check = await asyncio.to_thread(_wants_demo, settings)
    started = False
    if use_demo:
        if check is not None and check.reason:
            log.debug("workspace check: %s", check.reason)
        try:
            demo = await asyncio.to_thread(start_demo)
        except ImportError:  # a deployable package leaves the emulator out
            log.error("no workspace credentials found and this package has no demo workspace")
        else:
            started = True
            log.info(
                "demo workspace on %s: no workspace credentials found; set DATABRICKS_HOST or "
                "a profile to use your workspace",
                demo.url,
                extra={"demo_workspace": demo.url},
            )
    else:
        _log_configured(settings, check)
    try:
        yield
    finally:
        if started:
            await asyncio.to_thread(stop_demo)
