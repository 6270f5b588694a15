"""Where a deck's data comes from: the Genie spaces a user may pick, and the deck's choice.

`list_genie_spaces(user)` lists the spaces through `databricks-sdk` as the user, with the token
the Apps proxy forwarded (`UserContext.access_token`, present when user authorization is on),
so a user only sees spaces they may use; without one, as the app's own identity. The SDK is
synchronous: its calls run in a worker thread, never on the event loop. Every failure is a
`DataSourceError` whose message is one sentence for the user (`genie_access_problem`).

`set_deck_genie_space` saves a deck's choice as one version (`ChangeKind.DATA_SOURCE`) through
`DeckService.apply`, so undo takes it back. The deck stores `GENIE_DEFAULT` (the app's
`GENIE_SPACE_ID`), `GENIE_NONE`, or a space id (`Deck.genie_space`); `space_for_deck` says which
space a generation for the deck asks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError

from slidegen.agent.model import AgentConfigError, app_workspace_client, user_workspace_client
from slidegen.config import Settings, get_settings
from slidegen.deck import Deck
from slidegen.deck.data_source import genie_space_for, normalise_genie_space, set_genie_space
from slidegen.deck.model import GENIE_DEFAULT, GENIE_NONE
from slidegen.demo_workspace import current_demo
from slidegen.genie_spaces import GenieSpaceInfo, genie_access_problem, get_space, list_spaces
from slidegen.service.access import User
from slidegen.service.decks import DeckService, Outcome, Status
from slidegen.store import ChangeKind

if TYPE_CHECKING:
    from slidegen.users import UserContext

    ClientFactory = Callable[[UserContext | None, Settings], WorkspaceClient]

__all__ = [
    "DATA_SOURCE_FIELD",
    "DataSourceError",
    "GenieSpaceInfo",
    "default_genie_space",
    "describe_genie_space",
    "genie_space_label",
    "list_genie_spaces",
    "set_deck_genie_space",
    "space_for_deck",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

# The deck field that holds the choice (`Deck.genie_space`).
DATA_SOURCE_FIELD = "genie_space"
# Listing spaces is one or a few quick calls: a picker must not spin for the SDK's full window.
LIST_TIMEOUT_S = 20.0


class DataSourceError(RuntimeError):
    """Genie spaces could not be listed or read; the message is for the user as it is."""


def default_genie_space(settings: Settings | None = None) -> str | None:
    """The app's default space: GENIE_SPACE_ID, else the demo workspace's space, else None."""
    settings = settings or get_settings()
    if settings.genie_space_id:
        return settings.genie_space_id
    demo = current_demo()
    return demo.genie_space_id if demo else None


def space_for_deck(deck: Deck, settings: Settings | None = None) -> str | None:
    """The space a generation for `deck` asks (None: no data)."""
    return genie_space_for(deck, default_genie_space(settings))


def _client(user: UserContext | None, settings: Settings) -> WorkspaceClient:
    """As the user when the proxy forwarded their token, else as the app."""
    app = app_workspace_client(settings)
    token = user.access_token if user is not None else None
    return user_workspace_client(app, token, settings) if token else app


async def _call(work: Callable[[], T], space_id: str = "") -> T:
    try:
        return await asyncio.wait_for(asyncio.to_thread(work), LIST_TIMEOUT_S)
    except AgentConfigError as error:
        raise DataSourceError(str(error)) from None
    except TimeoutError:
        raise DataSourceError(
            f"Genie did not answer within {LIST_TIMEOUT_S:g} s; try again in a moment."
        ) from None
    except (DatabricksError, OSError) as error:
        log.warning("Genie space lookup failed: %s", error)
        raise DataSourceError(genie_access_problem(error, space_id)) from None


async def list_genie_spaces(
    user: UserContext | None,
    *,
    settings: Settings | None = None,
    client: ClientFactory = _client,
) -> list[GenieSpaceInfo]:
    """The Genie spaces `user` may use, sorted by title; `DataSourceError` when they cannot be
    listed (bad credentials, no workspace, Genie down)."""
    settings = settings or get_settings()
    return await _call(lambda: list_spaces(client(user, settings)))


async def describe_genie_space(
    user: UserContext | None,
    space_id: str,
    *,
    settings: Settings | None = None,
    client: ClientFactory = _client,
) -> GenieSpaceInfo:
    """One space as `user` sees it; `DataSourceError` (403: they may not read it, 404: gone)."""
    settings = settings or get_settings()
    return await _call(lambda: get_space(client(user, settings), space_id), space_id)


def genie_space_label(choice: str, spaces: list[GenieSpaceInfo], default_id: str | None) -> str:
    """How the chat names a deck's data source ("Sales (default)", "No data", a title)."""
    titles = {s.id: s.title for s in spaces}
    if choice == GENIE_NONE:
        return "No data"
    if choice == GENIE_DEFAULT:
        if not default_id:
            return "No data (no default Genie space is configured)"
        return f"{titles.get(default_id, default_id)} (default)"
    return titles.get(choice, choice)


async def set_deck_genie_space(
    decks: DeckService, owner: User, deck_id: str, base_version: int, choice: str, label: str = ""
) -> Outcome:
    """Save the deck's data source (`GENIE_DEFAULT`, `GENIE_NONE` or a space id) as a new
    version; a bad id is REFUSED with its message, nothing saved."""
    try:
        space = normalise_genie_space(choice)
    except ValueError as error:
        return Outcome(Status.REFUSED, message=str(error), error=True)
    name = label or {GENIE_DEFAULT: "the default Genie space", GENIE_NONE: "no data"}.get(
        space, space
    )
    return await decks.apply(
        owner,
        deck_id,
        base_version,
        lambda deck: set_genie_space(deck, space),
        ChangeKind.DATA_SOURCE,
        f"Data from {name[:80]}",
    )
