"""Genie conversations as `WorkspaceClient.genie` calls them (databricks-sdk 0.162 shapes).

- `POST /api/2.0/genie/spaces/{s}/start-conversation` {content} → {conversation_id, message_id,
  conversation, message}
- `POST /api/2.0/genie/spaces/{s}/conversations/{c}/messages` {content} → the GenieMessage
- `GET  …/conversations/{c}/messages/{m}` → GenieMessage whose `status` advances one step per
  poll through the answer's scripted `statuses`; once COMPLETED it carries `attachments`: a
  `query` attachment (query, description, statement_id, query_result_metadata) and a `text`
  attachment; FAILED carries `error`.
- `GET  …/messages/{m}/attachments/{a}/query-result` → {statement_response: {statement_id,
  status, manifest.schema.columns, result.data_array}}; values are strings, as the real API
  sends them. An expired result answers 400 like a real expired statement.

- `GET  /api/2.0/genie/spaces?page_size&page_token` → {spaces: [{space_id, title, description,
  warehouse_id, …}], next_page_token}: the spaces the caller may read, a page at a time (the
  list leaves out `serialized_space`, as the real one does).
- `GET  /api/2.0/genie/spaces/{s}` → the GenieSpace; 403 PERMISSION_DENIED for one the caller
  may not read.

Answers come from `scripts.GenieSpace` (a conversation in any space id makes it exist; scripted
answers per space). `publish_space` gives a space a description and, optionally, the bearer
tokens that may read it: any other token gets 403 PERMISSION_DENIED on it (conversations
included) and does not see it listed. Every message remembers the bearer token that created
it, so tests can prove whose token a question ran with.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator, error_response
from slidegen.emulator.scripts import GenieAnswer, GenieSpace, genie_space, genie_spaces

__all__ = ["SpaceListing", "publish_space", "routes"]

# The real API's page size bounds (list spaces answers at most 100 a page).
_DEFAULT_PAGE_SIZE = 50
_MAX_PAGE_SIZE = 100

_SQL_TYPES = {
    "STRING",
    "DOUBLE",
    "FLOAT",
    "INT",
    "LONG",
    "BIGINT",
    "DECIMAL",
    "DATE",
    "TIMESTAMP",
    "BOOLEAN",
    "SHORT",
    "BYTE",
}


@dataclass
class _Message:
    space_id: str
    conversation_id: str
    message_id: str
    content: str
    answer: GenieAnswer
    token: str | None
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    polls: int = 0
    attachment_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    statement_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def status(self) -> str:
        statuses = self.answer.statuses or ("COMPLETED",)
        return statuses[min(self.polls, len(statuses) - 1)]

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.message_id,
            "message_id": self.message_id,
            "space_id": self.space_id,
            "conversation_id": self.conversation_id,
            "content": self.content,
            "status": self.status,
            "created_timestamp": self.created_ms,
            "last_updated_timestamp": int(time.time() * 1000),
            "user_id": 1,
        }
        if self.status in ("COMPLETED", "QUERY_RESULT_EXPIRED"):
            body["attachments"] = self._attachments()
        elif self.status == "FAILED":
            body["error"] = {
                "error": self.answer.error,
                "type": "GENERIC_CHAT_COMPLETION_EXCEPTION",
            }
        return body

    def _attachments(self) -> list[dict[str, Any]]:
        attachments: list[dict[str, Any]] = []
        if self.answer.sql:
            attachments.append(
                {
                    "attachment_id": self.attachment_id,
                    "query": {
                        "id": self.attachment_id,
                        "query": self.answer.sql,
                        "description": self.answer.description,
                        "title": self.answer.description[:60],
                        "statement_id": self.statement_id,
                        "query_result_metadata": {
                            "row_count": len(self.answer.rows),
                            "is_truncated": False,
                        },
                    },
                }
            )
        if self.answer.text:
            text_id = uuid.uuid5(uuid.NAMESPACE_OID, self.attachment_id).hex
            attachments.append(
                {"attachment_id": text_id, "text": {"id": text_id, "content": self.answer.text}}
            )
        return attachments

    def statement_response(self) -> dict[str, Any]:
        columns = [
            {
                "name": name,
                "position": i,
                "type_text": kind,
                "type_name": kind if kind in _SQL_TYPES else "STRING",
            }
            for i, (name, kind) in enumerate(self.answer.columns)
        ]
        data = [[None if v is None else str(v) for v in row] for row in self.answer.rows]
        return {
            "statement_id": self.statement_id,
            "status": {"state": "SUCCEEDED"},
            "manifest": {
                "format": "JSON_ARRAY",
                "schema": {"column_count": len(columns), "columns": columns},
                "total_row_count": len(data),
                "total_chunk_count": 1,
                "truncated": False,
                "chunks": [{"chunk_index": 0, "row_offset": 0, "row_count": len(data)}],
            },
            "result": {
                "chunk_index": 0,
                "row_offset": 0,
                "row_count": len(data),
                "data_array": data,
            },
        }


@dataclass
class SpaceListing:
    """What the workspace says about a space besides its scripted answers: its description and
    who may read it (`readers`: bearer tokens; None lets every token in)."""

    description: str = ""
    readers: frozenset[str] | None = None
    warehouse_id: str = "emulated-warehouse"
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    def may_read(self, token: str | None) -> bool:
        return self.readers is None or (token is not None and token in self.readers)


def _listings(emu: Emulator) -> dict[str, SpaceListing]:
    return emu.state("genie.listings", dict)


def publish_space(
    emu: Emulator,
    space_id: str,
    *,
    title: str,
    description: str = "",
    readers: Iterable[str] | None = None,
) -> GenieSpace:
    """Make `space_id` a listed space with this title and description; with `readers`, only
    those bearer tokens may read it (list, get, ask)."""
    space = genie_space(emu, space_id)
    with emu.lock:
        space.title = title
        _listings(emu)[space_id] = SpaceListing(
            description, frozenset(readers) if readers is not None else None
        )
    return space


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def _space_body(space: GenieSpace, listing: SpaceListing) -> dict[str, Any]:
    return {
        "space_id": space.space_id,
        "title": space.title,
        "description": listing.description,
        "warehouse_id": listing.warehouse_id,
        "create_time": _iso(listing.created_ms),
        "update_time": _iso(listing.created_ms),
        "etag": uuid.uuid5(uuid.NAMESPACE_OID, space.space_id).hex,
    }


def _denied(space_id: str) -> Response:
    return error_response(
        403,
        "PERMISSION_DENIED",
        f"You need at least CAN VIEW permission on Genie space {space_id} to do this.",
    )


@dataclass
class _GenieState:
    conversations: dict[str, str] = field(default_factory=dict)  # conversation id -> space id
    messages: dict[str, _Message] = field(default_factory=dict)


def _token(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth.removeprefix("Bearer ").strip() or None


async def _content(request: Request) -> str | Response:
    try:
        body = await request.json()
    except ValueError:
        return error_response(400, "BAD_REQUEST", "request body is not valid JSON")
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, str) or not content.strip():
        return error_response(
            400, "INVALID_PARAMETER_VALUE", "'content' must be a non-empty string"
        )
    return content


def routes(emu: Emulator) -> list[BaseRoute]:
    state: _GenieState = emu.state("genie.state", _GenieState)
    prefix = "/api/2.0/genie/spaces/{space_id}"

    listings = _listings(emu)

    def listing(space_id: str) -> SpaceListing:
        with emu.lock:
            return listings.get(space_id) or SpaceListing()

    def refused(request: Request, space_id: str) -> Response | None:
        """403 when the caller's token may not read the space, else None."""
        return None if listing(space_id).may_read(_token(request)) else _denied(space_id)

    async def list_spaces(request: Request) -> Response:
        query = request.query_params
        try:
            size = int(query.get("page_size") or _DEFAULT_PAGE_SIZE)
            start = (
                int(base64.urlsafe_b64decode(query["page_token"])) if query.get("page_token") else 0
            )
        except (ValueError, binascii.Error):
            return error_response(
                400, "INVALID_PARAMETER_VALUE", "page_size or page_token is not valid"
            )
        if not 1 <= size <= _MAX_PAGE_SIZE or start < 0:
            return error_response(
                400, "INVALID_PARAMETER_VALUE", f"page_size must be between 1 and {_MAX_PAGE_SIZE}"
            )
        token = _token(request)
        with emu.lock:
            readable = sorted(
                (
                    (space, listing(space_id))
                    for space_id, space in genie_spaces(emu).items()
                    if listing(space_id).may_read(token)
                ),
                key=lambda pair: (pair[0].title.lower(), pair[0].space_id),
            )
        page = readable[start : start + size]
        body: dict[str, Any] = {"spaces": [_space_body(space, info) for space, info in page]}
        if start + size < len(readable):
            body["next_page_token"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return JSONResponse(body)

    async def get_space(request: Request) -> Response:
        space_id = request.path_params["space_id"]
        denied = refused(request, space_id)
        # like a conversation, a read makes the space exist (a test makes one missing with a
        # 404 fault, the real answer for a deleted space)
        return denied or JSONResponse(_space_body(genie_space(emu, space_id), listing(space_id)))

    def new_message(
        request: Request, space_id: str, conversation_id: str, content: str
    ) -> _Message:
        message = _Message(
            space_id,
            conversation_id,
            uuid.uuid4().hex,
            content,
            genie_space(emu, space_id).answer(content),
            _token(request),
        )
        with emu.lock:
            state.messages[message.message_id] = message
        return message

    def find(
        space_id: str, conversation_id: str, message_id: str | None = None
    ) -> _Message | Response | None:
        with emu.lock:
            if state.conversations.get(conversation_id) != space_id:
                return error_response(
                    404,
                    "RESOURCE_DOES_NOT_EXIST",
                    f"Conversation {conversation_id} does not exist.",
                )
            if message_id is None:
                return None
            message = state.messages.get(message_id)
        if message is None or message.conversation_id != conversation_id:
            return error_response(
                404, "RESOURCE_DOES_NOT_EXIST", f"Message {message_id} does not exist."
            )
        return message

    async def start_conversation(request: Request) -> Response:
        space_id = request.path_params["space_id"]
        denied = refused(request, space_id)
        if denied is not None:
            return denied
        content = await _content(request)
        if isinstance(content, Response):
            return content
        conversation_id = uuid.uuid4().hex
        with emu.lock:
            state.conversations[conversation_id] = space_id
        message = new_message(request, space_id, conversation_id, content)
        conversation = {
            "id": conversation_id,
            "conversation_id": conversation_id,
            "space_id": space_id,
            "title": content[:80],
            "created_timestamp": message.created_ms,
        }
        return JSONResponse(
            {
                "conversation_id": conversation_id,
                "message_id": message.message_id,
                "conversation": conversation,
                "message": message.to_dict(),
            }
        )

    async def create_message(request: Request) -> Response:
        p = request.path_params
        denied = refused(request, p["space_id"])
        if denied is not None:
            return denied
        missing = find(p["space_id"], p["conversation_id"])
        if isinstance(missing, Response):
            return missing
        content = await _content(request)
        if isinstance(content, Response):
            return content
        message = new_message(request, p["space_id"], p["conversation_id"], content)
        return JSONResponse(message.to_dict())

    def named_message(request: Request) -> _Message | Response:
        """The message the path names, or the refusal or 404 to answer instead."""
        p = request.path_params
        denied = refused(request, p["space_id"])
        if denied is not None:
            return denied
        message = find(p["space_id"], p["conversation_id"], p["message_id"])
        assert message is not None  # a message id was given
        return message

    async def get_message(request: Request) -> Response:
        message = named_message(request)
        if isinstance(message, Response):
            return message
        body = message.to_dict()
        with emu.lock:
            message.polls += 1
        return JSONResponse(body)

    async def query_result(request: Request) -> Response:
        p = request.path_params
        message = named_message(request)
        if isinstance(message, Response):
            return message
        if p["attachment_id"] != message.attachment_id or not message.answer.sql:
            return error_response(
                404, "RESOURCE_DOES_NOT_EXIST", f"Attachment {p['attachment_id']} does not exist."
            )
        if message.status == "QUERY_RESULT_EXPIRED":
            return error_response(
                400, "BAD_REQUEST", "Query result has expired. Please re-execute the query."
            )
        if message.status not in ("COMPLETED", "EXECUTING_QUERY"):
            return error_response(
                400, "INVALID_STATE", f"Message is in status {message.status}; no query result."
            )
        return JSONResponse({"statement_response": message.statement_response()})

    return [
        Route("/api/2.0/genie/spaces", list_spaces, methods=["GET"]),
        Route(prefix, get_space, methods=["GET"]),
        Route(f"{prefix}/start-conversation", start_conversation, methods=["POST"]),
        Route(
            f"{prefix}/conversations/{{conversation_id}}/messages", create_message, methods=["POST"]
        ),
        Route(
            f"{prefix}/conversations/{{conversation_id}}/messages/{{message_id}}",
            get_message,
            methods=["GET"],
        ),
        Route(
            f"{prefix}/conversations/{{conversation_id}}/messages/{{message_id}}"
            "/attachments/{attachment_id}/query-result",
            query_result,
            methods=["GET"],
        ),
    ]
