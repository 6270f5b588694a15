"""The one limit on what a user may ask the model in one turn: a prompt or an edit instruction.

The chat refuses an overlong message before it starts a turn (so nothing is sent and the text
stays in the box), and the agent refuses it again for every other caller (CLI, tests, MCP); both
use `prompt_problem`, so the limit and the wording are the same everywhere. It lives outside
`agent/` because importing the agent loads the model libraries, which the web states avoid.
"""

from __future__ import annotations

__all__ = ["MAX_PROMPT_CHARS", "prompt_problem"]

MAX_PROMPT_CHARS = 20_000


def prompt_problem(text: str, what: str = "prompt") -> str | None:
    """Why `text` (a prompt, an instruction, a message) is too long to send, or None."""
    if len(text) <= MAX_PROMPT_CHARS:
        return None
    return (
        f"The {what} is {len(text)} characters long; the limit is {MAX_PROMPT_CHARS}. "
        "Shorten it and send again."
    )
