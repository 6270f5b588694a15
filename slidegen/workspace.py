"""`WorkspaceClient` construction: the one factory for the app's, a user's and a token's client.

The agent, the Lakebase store, the demo-workspace check and the deploy tool build every client
here: `app_workspace_client` (the app's own identity, "inside an App" read from the settings),
`workspace_client` (the same with the caller saying whether it runs inside an App),
`user_workspace_client` (as the user whose forwarded token it is) and `token_workspace_client`
(a host and a personal access token, e.g. the local demo workspace).

Auth is the SDK's unified auth (environment variables, a `~/.databrickscfg` profile, or the App's
service principal). One trap is resolved here, once: when both a token and OAuth client
credentials are configured the SDK refuses to choose ("more than one authorization method").
Inside a Databricks App we then act as the app's service principal (oauth-m2m: a stray
DATABRICKS_TOKEN must not make the app act as that token's owner); elsewhere, as the developer's
token (pat). An explicit DATABRICKS_AUTH_TYPE (or `auth_type=`) is the SDK's and never overridden.
"""

from __future__ import annotations

import logging
from typing import Any

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from slidegen.config import Settings

__all__ = [
    "AMBIGUOUS_AUTH",
    "app_workspace_client",
    "token_workspace_client",
    "user_workspace_client",
    "workspace_client",
]

log = logging.getLogger(__name__)

AMBIGUOUS_AUTH = "more than one authorization method"


def workspace_client(*, inside_app: bool, **config: Any) -> WorkspaceClient:
    """A client from the SDK's unified auth; `config` holds `Config` attributes (profile, ...).

    Raises the SDK's ValueError when no usable credentials are configured.
    """
    try:
        return WorkspaceClient(config=Config(**config))
    except ValueError as error:
        if AMBIGUOUS_AUTH not in str(error) or "auth_type" in config:
            raise
    auth_type = "oauth-m2m" if inside_app else "pat"
    log.warning(
        "both a token and OAuth client credentials are configured; using auth_type=%s "
        "(set DATABRICKS_AUTH_TYPE to choose)",
        auth_type,
    )
    return WorkspaceClient(config=Config(auth_type=auth_type, **config))


def app_workspace_client(settings: Settings, **config: Any) -> WorkspaceClient:
    """The app's own client: `workspace_client`, inside an App when the settings name one."""
    return workspace_client(inside_app=bool(settings.databricks_app_name), **config)


def token_workspace_client(host: str, token: str, **config: Any) -> WorkspaceClient:
    """A client for `host` authenticated by `token` only.

    `auth_type="pat"` pins token auth even when the App's client id/secret are also set.
    """
    return WorkspaceClient(config=Config(host=host, token=token, auth_type="pat", **config))


def user_workspace_client(host: str, token: str, **config: Any) -> WorkspaceClient:
    """A client for `host` acting as the user whose forwarded access token this is."""
    if not token.strip():
        raise ValueError("the user's access token is empty")
    return token_workspace_client(host, token, **config)
