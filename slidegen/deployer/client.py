"""The `WorkspaceClient` factory and the readable form of everything that can go wrong with it.

Auth is the SDK's unified auth: environment variables (`DATABRICKS_HOST` + `DATABRICKS_TOKEN`,
or `DATABRICKS_CLIENT_ID`/`_SECRET`, ...) or a profile of `~/.databrickscfg` (`--profile`, or
`DATABRICKS_CONFIG_PROFILE`). Nothing here reads or prints a token: requests that leave the SDK
(health check, log stream) take their headers from `auth_headers`, which asks the SDK.
"""

from __future__ import annotations

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError

from slidegen.workspace import workspace_client

__all__ = ["AUTH_HELP", "AuthNotConfigured", "auth_headers", "describe_error", "make_client"]

AUTH_HELP = """\
No Databricks authentication is configured. Set it up in one of these ways:
  - a profile: run `databricks auth login --host https://<your-workspace>` (OAuth, recommended)
    or add a [NAME] section with host and token to ~/.databrickscfg, then pass --profile NAME
    (or export DATABRICKS_CONFIG_PROFILE=NAME);
  - environment variables: DATABRICKS_HOST=https://<your-workspace> together with
    DATABRICKS_TOKEN=<personal access token>, or with DATABRICKS_CLIENT_ID and
    DATABRICKS_CLIENT_SECRET for a service principal (OAuth M2M)."""


class AuthNotConfigured(RuntimeError):
    """The SDK found no usable credentials; the message says how to provide them."""


def make_client(profile: str | None = None) -> WorkspaceClient:
    """A client from `--profile` or the environment; `AuthNotConfigured` when there is none."""
    try:
        # A developer's machine, not an App: with a token and client credentials both set,
        # the token wins (slidegen.workspace resolves the SDK's refusal to choose).
        config = {"profile": profile} if profile else {}
        client = workspace_client(inside_app=False, **config)
    except ValueError as error:
        # The SDK raises ValueError for every resolution failure: no credentials, an unknown
        # profile, or two competing methods. Its message names which; keep it after the help.
        raise AuthNotConfigured(
            f"{AUTH_HELP}\n\nDetails from the Databricks SDK: {error}"
        ) from None
    return client


def auth_headers(client: WorkspaceClient) -> dict[str, str]:
    """The caller's Authorization header(s), for requests to the app's own URL."""
    return dict(client.config.authenticate())


def describe_error(error: BaseException) -> str:
    """`ERROR_CODE: message` for API errors; the exception text otherwise."""
    if isinstance(error, DatabricksError):
        code = error.error_code or type(error).__name__
        return f"{code}: {error}"
    return str(error) or type(error).__name__
