"""Model Serving as `ChatDatabricks` and `w.serving_endpoints.query` call it.

- `POST /serving-endpoints/chat/completions` with `"model": <endpoint>`: the OpenAI
  chat-completions API. Non-streaming answers a `chat.completion` object; with `"stream": true`
  it answers Server-Sent Events, one `chat.completion.chunk` per token with `choices[0].delta`
  (role first, then `content` pieces or `tool_calls` deltas: id, name and empty arguments first,
  then argument fragments), a final chunk with `finish_reason`, a usage chunk with empty
  `choices`, and `data: [DONE]`.
- `POST /serving-endpoints/{name}/invocations`: the same chat body without `model`, answered
  non-streaming.

What the model says comes from `scripts.ModelScript`; how each endpoint serves, from its
`EndpointSettings` (`endpoints`). Every call is served on its own, so N concurrent streams each
run at the full pace: the first token comes `ttft_s` after the request, then one token every
`1 / tokens_per_s` on an absolute schedule, so a stream's raw duration is known and benchmarks
can compare against it (a non-streaming call answers when its stream would have ended). With
`max_concurrent` set, a call beyond that many in flight gets the 429 REQUEST_LIMIT_EXCEEDED a
real endpoint answers (with Retry-After when `retry_after_s` is set) and the reply it would
have had stays queued. Each call is recorded on the endpoint's `EndpointStats`, closed when the
answer ends, fails, or the client goes away (a stream stops writing then). A scripted
`ModelFailure` answers an error, or cuts the stream after some chunks; a `drop_stream` fault
(scope state `drop_after_chunks`, set by `core`) cuts the connection after that many chunks
without finishing the response.
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
from slidegen.emulator.endpoints import CallRecord, EndpointSettings, EndpointStats
from slidegen.emulator.scripts import (
    ChatRequest,
    ModelFailure,
    ModelReply,
    ModelScript,
    StreamRecord,
    ToolCall,
    dumps,
    model_script,
    now,
)

__all__ = ["routes"]


def _completion_tokens(script: ModelScript, reply: ModelReply) -> int:
    return len(script.tokens(reply.text)) + sum(
        len(script.tokens(json.dumps(c.arguments))) for c in reply.tool_calls
    )


def _usage(script: ModelScript, request: ChatRequest, reply: ModelReply) -> dict[str, int]:
    prompt = sum(len(ChatRequest._text(m.get("content"))) for m in request.messages) // 4
    completion = _completion_tokens(script, reply)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _call_id(call: ToolCall, index: int) -> str:
    return call.id or f"call_{index}_{uuid.uuid4().hex[:12]}"


def _completion(script: ModelScript, request: ChatRequest, reply: ModelReply) -> dict[str, Any]:
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
        "usage": _usage(script, request, reply),
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


def _offset(index: int, pace: EndpointSettings) -> float:
    """When delta `index` is due, in seconds after the request: the role and the first token
    at the time to first token, then one token per 1 / tokens_per_s."""
    rate = pace.tokens_per_s or 0.0
    return (pace.ttft_s or 0.0) + (max(0, index - 1) / rate if rate > 0 else 0.0)


class _EventStream(Response):
    """SSE written straight to ASGI so that a scripted drop can cut it mid-body, and a client
    that goes away ends the stream (and frees its place under the endpoint's cap) at once."""

    media_type = "text/event-stream"

    def __init__(
        self,
        script: ModelScript,
        request: ChatRequest,
        reply: ModelReply,
        drop_after: int | None,
        call: tuple[EndpointSettings, EndpointStats, CallRecord],
    ) -> None:
        super().__init__(
            content=b"", media_type=self.media_type, headers={"cache-control": "no-cache"}
        )
        self.script, self.request, self.reply, self.drop_after = script, request, reply, drop_after
        self.pace, self.stats, self.record = call

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        gone = asyncio.Event()

        async def watch() -> None:
            while True:
                message = await receive()
                if message.get("type") == "http.disconnect":
                    gone.set()
                    return

        watcher = asyncio.create_task(watch())
        status = "cancelled"
        try:
            status = await self._write(send, gone)
        finally:
            watcher.cancel()
            self.stats.finish(self.record, status)

    async def _pause(self, delay: float, gone: asyncio.Event) -> bool:
        """Wait `delay` seconds; True when the client went away meanwhile."""
        if gone.is_set():
            return True
        if delay <= 0:
            return False
        try:
            await asyncio.wait_for(gone.wait(), delay)
        except TimeoutError:
            return False
        return True

    async def _write(self, send: Callable, gone: asyncio.Event) -> str:
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
        usage = _usage(self.script, self.request, self.reply)
        events.append(dumps({**base, "choices": [], "usage": usage}))
        events.append("[DONE]")
        record = StreamRecord(self.request.endpoint)
        with self.script.lock:
            self.script.streams.append(record)

        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        start = time.monotonic() - (time.perf_counter() - self.record.started)
        for index, event in enumerate(events):
            if self.drop_after is not None and index >= self.drop_after:
                return "dropped"  # the server returns mid-body: the client sees it incomplete
            if index == self.script.hold_after_chunks:
                held_until = time.monotonic() + 30  # never hold a stream forever
                while not self.script.release.is_set() and time.monotonic() < held_until:
                    if await self._pause(0.005, gone):
                        return "cancelled"
                start = time.monotonic() - _offset(index, self.pace)
            if index < len(deltas):
                if await self._pause(start + _offset(index, self.pace) - time.monotonic(), gone):
                    return "cancelled"
            elif gone.is_set():
                return "cancelled"
            await send(
                {
                    "type": "http.response.body",
                    "body": f"data: {event}\n\n".encode(),
                    "more_body": True,
                }
            )
            if 0 < index < len(deltas):
                sent = now()
                if self.record.first_token_at is None:
                    self.record.first_token_at = sent
                self.record.completion_tokens += 1
            if index < len(deltas):
                record.chunks.append(deltas[index].get("content") or "")
                record.sent_at.append(now())
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        record.completed = True
        return "ok"


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


def _rate_limited(endpoint: str, pace: EndpointSettings) -> Response:
    """The 429 a serving endpoint answers beyond its limit, as the workspace words it."""
    headers = {"Retry-After": str(pace.retry_after_s)} if pace.retry_after_s else {}
    return error_response(
        429,
        "REQUEST_LIMIT_EXCEEDED",
        f"REQUEST_LIMIT_EXCEEDED: Exceeded the limit of {pace.max_concurrent} concurrent "
        f"requests for endpoint '{endpoint}'. Please reduce your request rate or ask your "
        "workspace admin to raise the limit.",
        **headers,
    )


def routes(emu: Emulator) -> list[BaseRoute]:
    def check_endpoint(script: ModelScript, name: str) -> Response | None:
        if script.endpoints is not None and name not in script.endpoints:
            return error_response(
                404, "RESOURCE_DOES_NOT_EXIST", f"The given endpoint does not exist: '{name}'"
            )
        return None

    async def serve(request: Request, chat: ChatRequest, stream: bool) -> Response:
        script = model_script(emu)
        missing = check_endpoint(script, chat.endpoint)
        if missing is not None:
            return missing
        pace = script.settings_for(chat.endpoint)
        stats = script.stats(chat.endpoint)
        record = stats.admit(chat.kind, chat.slide_number, stream, pace.max_concurrent)
        if record is None:
            return _rate_limited(chat.endpoint, pace)
        try:
            reply = script.next_reply(chat)
        except BaseException:
            stats.finish(record, "failed")
            raise
        drop = request.scope.get("state", {}).get("drop_after_chunks")
        if isinstance(reply, ModelFailure):
            if reply.after_chunks is None or not stream:
                stats.finish(record, "rejected" if reply.status == 429 else "failed")
                retry = {"Retry-After": str(reply.retry_after_s)} if reply.retry_after_s else {}
                return error_response(reply.status, reply.error_code, reply.message, **retry)
            drop = reply.after_chunks if drop is None else min(drop, reply.after_chunks)
            reply = reply.reply
        if stream:
            return _EventStream(script, chat, reply, drop, (pace, stats, record))
        try:
            tokens = _completion_tokens(script, reply)
            await asyncio.sleep(max(0.0, _offset(tokens, pace) - (now() - record.started)))
            record.first_token_at, record.completion_tokens = now(), tokens
            return JSONResponse(_completion(script, chat, reply))
        except BaseException:
            stats.finish(record, "cancelled")
            raise
        finally:
            stats.finish(record, "ok")

    async def chat_completions(request: Request) -> Response:
        chat = await _read_request(request, None)
        if isinstance(chat, Response):
            return chat
        return await serve(request, chat, chat.stream)

    async def invocations(request: Request) -> Response:
        chat = await _read_request(request, request.path_params["name"])
        if isinstance(chat, Response):
            return chat
        return await serve(request, chat, False)

    return [
        Route("/serving-endpoints/chat/completions", chat_completions, methods=["POST"]),
        Route("/serving-endpoints/{name}/invocations", invocations, methods=["POST"]),
    ]
