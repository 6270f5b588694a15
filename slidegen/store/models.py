"""The store's value types and errors: what callers get back and what they must catch.

Plain frozen dataclasses (not ORM objects), so that nothing a caller holds is tied to a database
session or can lazily load another user's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from slidegen.deck import Deck

__all__ = [
    "ChangeKind",
    "ChatMessage",
    "ChatRole",
    "DeckNotFoundError",
    "DeckRecord",
    "DeckSummary",
    "NothingToRedoError",
    "NothingToUndoError",
    "StaleVersionError",
    "StoreError",
    "VersionInfo",
]


class ChangeKind(StrEnum):
    """What kind of change made a version (shown in the history panel)."""

    CREATE = "create"
    IMPORT = "import"  # a new deck made from an uploaded or pasted HTML file
    GENERATE = "generate"
    CHAT_EDIT = "chat_edit"
    MANUAL_EDIT = "manual_edit"
    REORDER = "reorder"
    DUPLICATE_SLIDE = "duplicate_slide"
    DELETE_SLIDE = "delete_slide"
    INSERT = "insert"
    RENAME = "rename"
    NOTES = "notes"
    DATA_SOURCE = "data_source"  # the deck's Genie space changed
    THEME = "theme"  # the deck's theme changed (every slide re-rendered, no model call)
    RESTORE = "restore"
    UNDO = "undo"
    REDO = "redo"


class ChatRole(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    ERROR = "error"
    SYSTEM = "system"
    TOOL = "tool"


class StoreError(Exception):
    """Base of the store's own errors."""


class DeckNotFoundError(StoreError, LookupError):
    """No such deck *for this owner* (another user's deck is indistinguishable from none)."""


class StaleVersionError(StoreError):
    """The change was based on a version that is no longer the newest one."""

    def __init__(self, message: str, *, base_version: int = 0, head_version: int = 0) -> None:
        super().__init__(message)
        self.base_version = base_version
        self.head_version = head_version


class NothingToUndoError(StoreError, ValueError):
    """The deck is at the start of its undo history."""


class NothingToRedoError(StoreError, ValueError):
    """No undone change is waiting to be redone."""


@dataclass(frozen=True)
class DeckRecord:
    """A deck as stored at one version, with what the editor needs around it."""

    deck: Deck
    version: int  # the version this content is (the head unless an older one was asked for)
    head_version: int
    created_at: datetime
    updated_at: datetime  # when the deck last changed (any version)
    deleted: bool = False
    can_undo: bool = False  # meaningful at the head: undo() would succeed
    can_redo: bool = False


@dataclass(frozen=True)
class DeckSummary:
    id: str
    title: str
    slide_count: int
    updated_at: datetime
    version: int
    created_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_at: datetime
    actor: str
    kind: ChangeKind
    summary: str
    slide_count: int
    title: str = ""


@dataclass(frozen=True)
class ChatMessage:
    id: int
    deck_id: str
    role: str
    content: str
    created_at: datetime
    trace_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
