"""The emulator's serving routes answer the SDK's own calls with the real shapes."""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, NotFound
from databricks.sdk.service.serving import ChatMessage, ChatMessageRole

from slidegen.emulator.scripts import ModelReply, ToolCall


def test_invocations_answer_a_chat_completion(emulator, model) -> None:
    model.replies.append(ModelReply(text="hello"))
    model.replies.append(ModelReply(tool_calls=(ToolCall("f", {"a": 1}),)))
    w = WorkspaceClient()
    messages = [ChatMessage(role=ChatMessageRole.USER, content="hi")]
    first = w.serving_endpoints.query("my-endpoint", messages=messages)
    assert first.choices[0].message.content == "hello"
    assert first.usage.total_tokens >= 1
    # OpenAI shape on the wire (the SDK's dataclass only knows a camel-case finishReason).
    second = w.api_client.do(
        "POST",
        "/serving-endpoints/my-endpoint/invocations",
        body={"messages": [{"role": "user", "content": "hi"}]},
    )
    assert second["choices"][0]["finish_reason"] == "tool_calls"
    assert second["choices"][0]["message"]["tool_calls"][0]["function"] == {
        "name": "f",
        "arguments": '{"a": 1}',
    }
    assert model.requests[0].endpoint == "my-endpoint"


def test_unknown_endpoints_and_bad_bodies_get_databricks_errors(emulator, model) -> None:
    model.endpoints = {"known"}
    w = WorkspaceClient()
    with pytest.raises(NotFound, match="does not exist: 'unknown'"):
        w.serving_endpoints.query(
            "unknown", messages=[ChatMessage(role=ChatMessageRole.USER, content="x")]
        )
    with pytest.raises(BadRequest, match="'messages' must be a list"):
        w.api_client.do("POST", "/serving-endpoints/known/invocations", body={"input": "x"})
