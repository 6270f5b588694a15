"""Reflex state classes: a per-tab *view* of the signed-in user's decks (the store is the truth).

`USER_STATES` lists every state that holds user data; `slidegen.web.guard.OwnerGuard` resets
them all when a connection's user differs from the user the view was built for.
"""

from slidegen.web.states.chat import ChatState
from slidegen.web.states.data_source import DataSourceState
from slidegen.web.states.deck import DeckState
from slidegen.web.states.editor import EditorState
from slidegen.web.states.history import HistoryState
from slidegen.web.states.importing import ImportState
from slidegen.web.states.present import PresentState
from slidegen.web.states.session import SessionState
from slidegen.web.states.sharing import ShareState
from slidegen.web.states.themes import ThemeState

USER_STATES = (
    SessionState,
    DeckState,
    ChatState,
    DataSourceState,
    EditorState,
    HistoryState,
    PresentState,
    ImportState,
    ThemeState,
    ShareState,
)

__all__ = [
    "USER_STATES",
    "ChatState",
    "DataSourceState",
    "DeckState",
    "EditorState",
    "HistoryState",
    "ImportState",
    "PresentState",
    "SessionState",
    "ShareState",
    "ThemeState",
]
