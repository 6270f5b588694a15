"""An endless answer from the model: the agent stops reading (and closes the model's stream,
which ends the request) as soon as it passes the slide cap or the size cap, instead of reading
it to the end and refusing it afterwards. The byte bound on what reaches a tab is attacked
through the packaged app in `test_socket_attacks.py`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage

from slidegen.agent.converse import MAX_ANSWER_CHARS, AgentFailure, Conversation
from slidegen.deck.model import MAX_SLIDES_PER_DECK


class EndlessModel:
    """Streams `piece` up to `limit` times (a bound so a test of unfixed code ends)."""

    def __init__(self, piece: str, limit: int) -> None:
        self.piece, self.limit = piece, limit
        self.sent = 0
        self.closed = False

    def astream(self, _messages: Any) -> AsyncIterator[AIMessageChunk]:
        async def chunks() -> AsyncIterator[AIMessageChunk]:
            try:
                while self.sent < self.limit:
                    self.sent += 1
                    yield AIMessageChunk(content=self.piece)
            finally:
                self.closed = True

        return chunks()


def _turn(model: EndlessModel) -> tuple[list[Any], BaseException | None]:
    slides: list[Any] = []
    conversation = Conversation(model=model, emit=lambda _e: None, on_slide=slides.append)  # type: ignore[arg-type]
    try:
        asyncio.run(conversation.turn([HumanMessage("slides")]))
    except AgentFailure as error:
        return slides, error
    return slides, None


def test_the_slide_cap_applies_while_streaming() -> None:
    model = EndlessModel('<div class="slide"><h2>Again</h2></div>', limit=5000)
    slides, error = _turn(model)
    assert error is not None and f"more than {MAX_SLIDES_PER_DECK} slides" in str(error)
    assert len(slides) == MAX_SLIDES_PER_DECK
    assert model.sent == MAX_SLIDES_PER_DECK + 1, "the stream was read past the cap"
    assert model.closed, "the model's stream was not closed"


def test_an_answer_that_never_closes_a_slide_is_cut_off_by_size() -> None:
    model = EndlessModel('<div class="slide">' + "x" * 1_000_000, limit=40)
    slides, error = _turn(model)
    assert error is not None and "million characters" in str(error)
    assert slides == []
    assert model.sent == MAX_ANSWER_CHARS // len(model.piece) + 1
    assert model.closed


@pytest.mark.parametrize("count", [3, MAX_SLIDES_PER_DECK])
def test_answers_within_the_caps_pass(count: int) -> None:
    model = EndlessModel('<div class="slide"><h2>Fine</h2></div>', limit=count)
    slides, error = _turn(model)
    assert error is None and len(slides) == count
