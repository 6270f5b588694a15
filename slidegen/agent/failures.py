"""Why a run failed, in one sentence the user can act on; the details go to the log.

`describe_failure` maps what the clients really raise to that sentence:
- the OpenAI client under `ChatDatabricks` (the model endpoint): `AuthenticationError` (401),
  `PermissionDeniedError` (403; Databricks also answers 403 "Invalid access token" for a bad or
  expired token), `NotFoundError` (404, no such endpoint), `RateLimitError` (429 after the
  client's own retries, which honour Retry-After), `APITimeoutError`, `APIConnectionError`;
- the Databricks SDK (workspace and Genie calls): `Unauthenticated`, `PermissionDenied`,
  `NotFound`, `TooManyRequests`, and its `TimeoutError` when its retry window runs out;
- `AgentConfigError` (no workspace configured) and `AgentFailure` (a sentence already).
The runner logs the exception with its traceback next to the sentence.
"""

from __future__ import annotations

import httpx
import openai
from databricks.sdk import errors as sdk_errors

from slidegen.agent.model import AgentConfigError

__all__ = ["AgentFailure", "describe_failure", "is_invalid_token", "retry_after_s"]

BAD_CREDENTIALS = (
    "The workspace did not accept the app's credentials; set a valid DATABRICKS_TOKEN, or sign "
    "in again with `databricks auth login`."
)


class AgentFailure(RuntimeError):
    """A run cannot go on; `str()` is the message for the user."""


def is_invalid_token(error: BaseException) -> bool:
    """A 403 that is about the token itself (bad or expired), not about a permission."""
    text = str(getattr(error, "body", None) or "") + " " + str(error)
    return "invalid access token" in text.lower() or "token is expired" in text.lower()


def retry_after_s(error: BaseException) -> float | None:
    """The Retry-After of a 429, in seconds, when the server sent one."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _wait_hint(error: BaseException) -> str:
    seconds = retry_after_s(error)
    if seconds is None or seconds <= 0:
        return "try again in a minute"
    if seconds < 90:
        return f"try again in {seconds:.0f} s"
    return f"try again in {seconds / 60:.0f} minutes"


def describe_failure(error: BaseException, *, endpoint: str, timeout_s: float) -> str:
    """One sentence for the user about why the run failed (no secrets, no traceback)."""
    if isinstance(error, AgentFailure | AgentConfigError):
        return str(error)
    name = f"`{endpoint}`"
    if isinstance(error, openai.APITimeoutError):
        return (
            f"The serving endpoint {name} did not answer within {timeout_s:g} s; try again, or "
            "raise LLM_TIMEOUT_S."
        )
    if isinstance(error, openai.RateLimitError | sdk_errors.TooManyRequests):
        return f"The serving endpoint {name} is rate-limited (HTTP 429); {_wait_hint(error)}."
    if isinstance(error, openai.NotFoundError):
        return f"The serving endpoint {name} was not found in this workspace; set SERVING_ENDPOINT."
    if isinstance(error, openai.AuthenticationError | sdk_errors.Unauthenticated):
        return BAD_CREDENTIALS
    if isinstance(error, openai.PermissionDeniedError | sdk_errors.PermissionDenied):
        if is_invalid_token(error):
            return BAD_CREDENTIALS
        return (
            f"You may not query the serving endpoint {name}; ask a workspace admin for CAN QUERY "
            "on it, or set SERVING_ENDPOINT to one you can use."
        )
    if isinstance(error, openai.APIStatusError):
        return f"The serving endpoint {name} failed (HTTP {error.status_code}: {_short(error)})."
    if isinstance(error, openai.APIConnectionError):
        return (
            f"The serving endpoint {name} could not be reached ({_short(error)}); check "
            "DATABRICKS_HOST and the network."
        )
    if isinstance(error, httpx.HTTPError):
        cause = f"{type(error).__name__}: {_short(error)}"
        return f"The model's answer was cut off ({cause}); try again."
    if isinstance(error, sdk_errors.NotFound):
        return f"The workspace answered 404 ({_short(error)}); check DATABRICKS_HOST."
    if isinstance(error, sdk_errors.DatabricksError):
        return f"The workspace refused the request ({_short(error)})."
    if isinstance(error, TimeoutError):
        return f"The model did not finish within {timeout_s:g} s; try again."
    return f"The model call failed unexpectedly ({type(error).__name__}); see the app's log."


def _short(error: BaseException) -> str:
    body = getattr(error, "body", None)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        text = body["message"]
    else:
        text = str(error) or type(error).__name__
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"
