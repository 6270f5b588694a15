"""Genie spaces as a user sees them: the ones they may use, one space's details, and what to say
when a space cannot be read.

Plain `databricks-sdk` calls on a `WorkspaceClient` the caller built (with the user's forwarded
token, or the app's identity), synchronous like the SDK: `slidegen.service.data_sources` runs
them off the event loop. `w.genie.list_spaces` is not paginated by the SDK (it returns one
`GenieListSpacesResponse`), so `list_spaces` follows `next_page_token` itself, up to a bound.

`genie_access_problem` turns an SDK error about a space into one sentence for the user and the
model (a 403 on a space, a 404, bad credentials, rate limits), never a stack trace. It lives
here, below both the service and the agent, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import (
    DatabricksError,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
)
from databricks.sdk.service.dashboards import GenieSpace

__all__ = [
    "MAX_LISTED_SPACES",
    "GenieSpaceInfo",
    "genie_access_problem",
    "get_space",
    "list_spaces",
]

PAGE_SIZE = 100
# A picker of more than this is no use; the rest are left out rather than paged for minutes.
MAX_LISTED_SPACES = 500


@dataclass(frozen=True)
class GenieSpaceInfo:
    """One Genie space as a picker shows it."""

    id: str
    title: str
    description: str = ""

    @classmethod
    def of(cls, space: GenieSpace) -> GenieSpaceInfo:
        title = " ".join((space.title or "").split()) or space.space_id
        return cls(space.space_id, title, " ".join((space.description or "").split()))


def list_spaces(
    workspace: WorkspaceClient, *, limit: int = MAX_LISTED_SPACES
) -> list[GenieSpaceInfo]:
    """Every Genie space the client's identity may use (at most `limit`), sorted by title.

    Raises the SDK's `DatabricksError` (describe it with `genie_access_problem`).
    """
    found: dict[str, GenieSpaceInfo] = {}
    token: str | None = None
    while len(found) < limit:
        page = workspace.genie.list_spaces(page_size=PAGE_SIZE, page_token=token)
        for space in page.spaces or []:
            if space.space_id and len(found) < limit:
                found.setdefault(space.space_id, GenieSpaceInfo.of(space))
        token = page.next_page_token
        if not token or not page.spaces:
            break
    return sorted(found.values(), key=lambda s: (s.title.lower(), s.id))


def get_space(workspace: WorkspaceClient, space_id: str) -> GenieSpaceInfo:
    """One space's title and description; raises `DatabricksError` (403, 404, ...)."""
    return GenieSpaceInfo.of(workspace.genie.get_space(space_id))


def genie_access_problem(error: BaseException, space_id: str = "") -> str:
    """One sentence saying why a Genie space could not be used, fit for the user and the model."""
    space = f"the Genie space `{space_id}`" if space_id else "the Genie space"
    text = " ".join(str(error).split())
    if isinstance(error, Unauthenticated) or (
        isinstance(error, PermissionDenied) and "invalid access token" in text.lower()
    ):
        return (
            "The workspace did not accept the credentials used for Genie; sign in again or "
            "ask the app's owner to check its authorization."
        )
    if isinstance(error, PermissionDenied) and not space_id:
        return (
            "The workspace would not list your Genie spaces: the app's user authorization may "
            "lack the dashboards.genie scope, or you may not use Genie in this workspace."
        )
    if isinstance(error, PermissionDenied):
        return (
            f"You may not use {space}: ask its owner for CAN VIEW (to list it) and CAN RUN (to "
            "ask it) permission, or pick another space."
        )
    if isinstance(error, NotFound):
        return (
            f"{space[0].upper()}{space[1:]} was not found in this workspace (it may have been "
            "deleted, or you may not see it); pick another space."
        )
    if isinstance(error, TooManyRequests):
        return "Genie is rate-limited right now; try again in a minute."
    if isinstance(error, DatabricksError):
        return f"Genie could not be reached: {text[:200]}"
    if isinstance(error, (OSError, TimeoutError)):
        return f"Genie could not be reached ({type(error).__name__}); try again in a moment."
    return f"Genie could not be used ({type(error).__name__})."
