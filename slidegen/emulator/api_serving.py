"""Model Serving as `ChatDatabricks` and `w.serving_endpoints.query` call it.

- `POST /serving-endpoints/chat/completions` with `"model": <endpoint>`: the OpenAI
  chat-completions API. Non-streaming answers a `chat.completion` object; with `"stream": true`
  it answers Server-Sent Events, one `chat.completion.chunk` per token with `choices[0].delta`
  (role first, then `content` pieces or `tool_calls` deltas: id, name and empty arguments first,
  then argument fragments), a final chunk with `finish_reason`, a usage chunk with empty
  `choices`, and `data: [DONE]`.
- `POST /serving-endpoints/{name}/invocations`: the same chat body without `model`, answered
  non-streaming.

What the model says comes from `scripts.ModelScript`. Tokens are paced on an absolute schedule
(`tokens_per_s`), so a stream's raw duration is known and benchmarks can compare against it. A
`drop_stream` fault (scope state `drop_after_chunks`, set by `core`) cuts the connection after
that many chunks without finishing the response.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator, error_response
from slidegen.emulator.scripts import (
    ChatRequest,
    ModelReply,
    ModelScript,
    StreamRecord,
    ToolCall,
    dumps,
    model_script,
    now,
)

__all__ = ["routes"]


def _usage(request: ChatRequest, reply: ModelReply) -> dict[str, int]:
    prompt = sum(len(ChatRequest._text(m.get("content"))) for m in request.messages) // 4
    completion = (
        len(reply.text) + sum(len(json.dumps(c.arguments)) for c in reply.tool_calls)
    ) // 4
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _call_id(call: ToolCall, index: int) -> str:
    return call.id or f"call_{index}_{uuid.uuid4().hex[:12]}"


def _completion(request: ChatRequest, reply: ModelReply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": _call_id(c, i),
                "type": "function",
                "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
            }
            for i, c in enumerate(reply.tool_calls)
        ]
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.endpoint,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if reply.tool_calls else "stop",
            }
        ],
        "usage": _usage(request, reply),
    }


def _deltas(script: ModelScript, reply: ModelReply) -> list[dict[str, Any]]:
    """The `delta` objects of a streamed reply, in order (first one carries the role)."""
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas += [{"content": piece} for piece in script.tokens(reply.text)]
    for index, call in enumerate(reply.tool_calls):
        deltas.append(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": _call_id(call, index),
                        "type": "function",
                        "function": {"name": call.name, "arguments": ""},
                    }
                ]
            }
        )
        for piece in script.tokens(json.dumps(call.arguments)):
            deltas.append({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    return deltas


class _EventStream(Response):
    """SSE written straight to ASGI so that a scripted drop can cut it mid-body."""

    media_type = "text/event-stream"

    def __init__(
        self, script: ModelScript, request: ChatRequest, reply: ModelReply, drop_after: int | None
    ) -> None:
        super().__init__(
            content=b"", media_type=self.media_type, headers={"cache-control": "no-cache"}
        )
        self.script, self.request, self.reply, self.drop_after = script, request, reply, drop_after

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        base = {
            "id": f"chatcmpl-{uuid.uuid4().hex}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.request.endpoint,
        }
        deltas = _deltas(self.script, self.reply)
        finish = "tool_calls" if self.reply.tool_calls else "stop"
        events = [
            dumps({**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]})
            for d in deltas
        ]
        events.append(
            dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        )
        events.append(dumps({**base, "choices": [], "usage": _usage(self.request, self.reply)}))
        events.append("[DONE]")
        record = StreamRecord(self.request.endpoint)
        with self.script.lock:
            self.script.streams.append(record)

        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        rate = self.script.tokens_per_s
        start = time.monotonic()
        for index, event in enumerate(events):
            if self.drop_after is not None and index >= self.drop_after:
                return  # the server returns mid-body: the client sees an incomplete response
            if index == self.script.hold_after_chunks:
                held_until = time.monotonic() + 30  # never hold a stream forever
                while not self.script.release.is_set() and time.monotonic() < held_until:
                    await asyncio.sleep(0.005)
                start = time.monotonic() - index / rate if rate > 0 else start
            if rate > 0 and index < len(deltas):
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            await send(
                {
                    "type": "http.response.body",
                    "body": f"data: {event}\n\n".encode(),
                    "more_body": True,
                }
            )
            if index < len(deltas):
                record.chunks.append(deltas[index].get("content") or "")
                record.sent_at.append(now())
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        record.completed = True


async def _read_request(request: Request, endpoint: str | None) -> ChatRequest | Response:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return error_response(400, "BAD_REQUEST", "request body is not valid JSON")
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        return error_response(400, "INVALID_PARAMETER_VALUE", "'messages' must be a list")
    name = endpoint or body.get("model")
    if not isinstance(name, str) or not name:
        return error_response(400, "INVALID_PARAMETER_VALUE", "'model' must name an endpoint")
    return ChatRequest(
        endpoint=name,
        messages=body["messages"],
        tools=body.get("tools") or [],
        stream=bool(body.get("stream")),
    )


def routes(emu: Emulator) -> list[BaseRoute]:
    def check_endpoint(script: ModelScript, name: str) -> Response | None:
        if script.endpoints is not None and name not in script.endpoints:
            return error_response(
                404, "RESOURCE_DOES_NOT_EXIST", f"The given endpoint does not exist: '{name}'"
            )
        return None

    async def chat_completions(request: Request) -> Response:
        chat = await _read_request(request, None)
        if isinstance(chat, Response):
            return chat
        script = model_script(emu)
        missing = check_endpoint(script, chat.endpoint)
        if missing is not None:
            return missing
        reply = script.next_reply(chat)
        if not chat.stream:
            return JSONResponse(_completion(chat, reply))
        drop = request.scope.get("state", {}).get("drop_after_chunks")
        return _EventStream(script, chat, reply, drop)

    async def invocations(request: Request) -> Response:
        chat = await _read_request(request, request.path_params["name"])
        if isinstance(chat, Response):
            return chat
        script = model_script(emu)
        missing = check_endpoint(script, chat.endpoint)
        if missing is not None:
            return missing
        return JSONResponse(_completion(chat, script.next_reply(chat)))

    return [
        Route("/serving-endpoints/chat/completions", chat_completions, methods=["POST"]),
        Route("/serving-endpoints/{name}/invocations", invocations, methods=["POST"]),
    ]
