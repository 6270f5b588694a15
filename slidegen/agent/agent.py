"""`Agent`: the agent's entry points, holding its settings and the app's workspace client.

    agent = Agent(settings)
    async for event in agent.generate(GenerateRequest(user, "Q3 review for the board")):
        ...  # TextDelta, ToolCallStarted, ToolResult, SlideReady…, then DeckWritten or Failed

Each call runs in its own task (`runs.event_stream`): cancelling the consumer, or closing the
iterator, cancels the run, stops Genie polling and closes the model stream. The agent persists
nothing; `slidegen.service.turns` saves what a `DeckWritten` carries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from databricks.sdk import WorkspaceClient

from slidegen.agent.events import AgentEvent
from slidegen.agent.generation import generate_deck
from slidegen.agent.model import app_workspace_client
from slidegen.agent.outline_first import generate_outline_first
from slidegen.agent.requests import EditRequest, GenerateRequest, RegenerateRequest
from slidegen.agent.runs import RunFrame, event_stream
from slidegen.agent.slide_edit import edit_slides
from slidegen.agent.slide_regeneration import regenerate_slide
from slidegen.config import Settings, get_settings

__all__ = ["Agent"]


class Agent:
    """The agent with its settings and (made on first use) the app's workspace client."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        workspace: WorkspaceClient | None = None,
        profile: str | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self._workspace = workspace
        self._profile = profile
        self._frame = RunFrame(self.settings, lambda: self.workspace)

    @property
    def workspace(self) -> WorkspaceClient:
        if self._workspace is None:
            self._workspace = app_workspace_client(self.settings, profile=self._profile)
        return self._workspace

    def generate(self, request: GenerateRequest) -> AsyncIterator[AgentEvent]:
        """Write a deck (see `requests.GenerateRequest`): outline first and slides in parallel,
        or the whole deck in one answer when GENERATION_MODE is "single"."""
        job = (
            generate_outline_first if self.settings.generation_mode == "outline" else generate_deck
        )
        return event_stream(lambda emit: job(self._frame, request, emit))

    def regenerate(self, request: RegenerateRequest) -> AsyncIterator[AgentEvent]:
        """Write one slide again (see `requests.RegenerateRequest`)."""
        return event_stream(lambda emit: regenerate_slide(self._frame, request, emit))

    def edit(self, request: EditRequest) -> AsyncIterator[AgentEvent]:
        """Revise chosen slides (see `requests.EditRequest`)."""
        return event_stream(lambda emit: edit_slides(self._frame, request, emit))
