"""Workspace clients and the chat model: who the agent talks to, and as whom.

- `app_workspace_client` is the app's own identity through the SDK's unified auth (env vars,
  `--profile`, the Apps runtime's service principal), with the token + client-secret trap
  resolved by `slidegen.workspace` (the service principal inside an App, the token elsewhere);
  when the process runs against the demo workspace (`slidegen.demo_workspace`), that one.
- `user_workspace_client` acts as the signed-in user with the token the Apps proxy forwarded
  (`X-Forwarded-Access-Token`), for Genie, so users only see data they may see.
- `chat_model` is `ChatDatabricks` on the configured serving endpoint with our timeout and
  retry budget (the OpenAI client retries 408/409/429/5xx with backoff, honouring Retry-After).

Both clients get bounded SDK timeouts: the SDK's default retry window is 300 s, far too long for
a user watching a spinner.
"""

from __future__ import annotations

import logging
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks_langchain import ChatDatabricks

from slidegen import workspace as clients
from slidegen.config import Settings
from slidegen.demo_workspace import current_demo

__all__ = [
    "NO_WORKSPACE",
    "AgentConfigError",
    "app_workspace_client",
    "chat_model",
    "user_workspace_client",
]

log = logging.getLogger(__name__)


class AgentConfigError(RuntimeError):
    """The workspace or model cannot be reached as configured; the message says what to fix."""


NO_WORKSPACE = (
    "No Databricks workspace is configured; set DATABRICKS_HOST and DATABRICKS_TOKEN, or a "
    "profile with DATABRICKS_CONFIG_PROFILE."
)


def _bounds(settings: Settings) -> dict[str, Any]:
    limit = max(settings.llm_timeout_s, settings.genie_timeout_s)
    return {"http_timeout_seconds": limit, "retry_timeout_seconds": max(1, int(limit))}


def app_workspace_client(settings: Settings, *, profile: str | None = None) -> WorkspaceClient:
    """The app's own workspace client (env vars, a config profile, or the App's principal)."""
    kwargs: dict[str, Any] = {**_bounds(settings)}
    demo = current_demo()
    if demo is not None and not profile:
        return clients.token_workspace_client(demo.url, demo.token, **kwargs)
    if profile:
        kwargs["profile"] = profile
    try:
        return clients.app_workspace_client(settings, **kwargs)
    except ValueError as error:
        log.warning("no usable Databricks workspace configuration: %s", error)
        raise AgentConfigError(NO_WORKSPACE) from None


def user_workspace_client(app: WorkspaceClient, token: str, settings: Settings) -> WorkspaceClient:
    """A client for the same workspace acting as the user who forwarded `token`."""
    return clients.user_workspace_client(app.config.host, token, **_bounds(settings))


def chat_model(
    settings: Settings,
    workspace: WorkspaceClient,
    endpoint: str | None = None,
    *,
    max_retries: int | None = None,
) -> ChatDatabricks:
    """`ChatDatabricks` on `endpoint` (default: the configured serving endpoint).
    `max_retries` 0 hands every 429 to the caller (the slide calls pace themselves)."""
    name = (endpoint or settings.serving_endpoint).strip()
    if not name:
        raise AgentConfigError("No serving endpoint is configured; set SERVING_ENDPOINT.")
    return ChatDatabricks(
        model=name,
        workspace_client=workspace,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries if max_retries is None else max_retries,
        temperature=0.2,
    )
