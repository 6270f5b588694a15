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

Answers come from `scripts.GenieSpace` (any space id exists; scripted answers per space).
Every message remembers the bearer token that created it, so tests can prove whose token a
question ran with.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator, error_response
from slidegen.emulator.scripts import GenieAnswer, genie_space

__all__ = ["routes"]

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
        missing = find(p["space_id"], p["conversation_id"])
        if isinstance(missing, Response):
            return missing
        content = await _content(request)
        if isinstance(content, Response):
            return content
        message = new_message(request, p["space_id"], p["conversation_id"], content)
        return JSONResponse(message.to_dict())

    async def get_message(request: Request) -> Response:
        p = request.path_params
        message = find(p["space_id"], p["conversation_id"], p["message_id"])
        if isinstance(message, Response):
            return message
        assert message is not None
        body = message.to_dict()
        with emu.lock:
            message.polls += 1
        return JSONResponse(body)

    async def query_result(request: Request) -> Response:
        p = request.path_params
        message = find(p["space_id"], p["conversation_id"], p["message_id"])
        if isinstance(message, Response):
            return message
        assert message is not None
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
