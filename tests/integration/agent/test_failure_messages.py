"""Each way a workspace fails reaches the chat as one sentence to act on; details go to the log.

The emulator fails the way a workspace does (`slidegen.emulator.failures`: real statuses, error
bodies, Retry-After, no answer at all), and the real `ChatDatabricks`/OpenAI and Databricks SDK
clients raise what they raise in front of a real endpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from slidegen.agent import Failed, ToolResult
from slidegen.emulator import failures
from slidegen.emulator.scripts import GenieAnswer, genie_space
from tests.integration.agent.conftest import APP_TOKEN, ENDPOINT, SPACE, run
from tests.support.turns import generation

BAD_CREDENTIALS = (
    "The workspace did not accept the app's credentials; set a valid DATABRICKS_TOKEN, or sign "
    "in again with `databricks auth login`."
)

CASES: dict[str, tuple[Callable, str, str]] = {
    "401": (
        lambda emu: failures.serving_unauthenticated(emu),
        BAD_CREDENTIALS,
        "Credential was not sent",
    ),
    "invalid token": (
        lambda emu: failures.invalid_token(emu),
        BAD_CREDENTIALS,
        "Invalid access token.",
    ),
    "403": (
        lambda emu: failures.serving_permission_denied(emu, ENDPOINT),
        f"You may not query the serving endpoint `{ENDPOINT}`; ask a workspace admin for CAN "
        "QUERY on it, or set SERVING_ENDPOINT to one you can use.",
        "PERMISSION_DENIED",
    ),
    "404": (
        lambda emu: failures.serving_not_found(emu),
        f"The serving endpoint `{ENDPOINT}` was not found in this workspace; set SERVING_ENDPOINT.",
        "The given endpoint does not exist",
    ),
    "429": (
        lambda emu: failures.serving_rate_limited(emu, retry_after_s=2),
        f"The serving endpoint `{ENDPOINT}` is rate-limited (HTTP 429); try again in 2 s.",
        "REQUEST_LIMIT_EXCEEDED",
    ),
    "timeout": (
        lambda emu: failures.serving_timeout(emu),
        f"The serving endpoint `{ENDPOINT}` did not answer within 0.5 s; try again, or raise "
        "LLM_TIMEOUT_S.",
        "APITimeoutError",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_failure_is_one_clear_sentence_with_the_details_in_the_log(
    case: str, store, settings, alice, emulator, caplog: pytest.LogCaptureFixture
) -> None:
    script_failure, sentence, detail = CASES[case]
    script_failure(emulator.emulator)
    fast = settings.model_copy(update={"llm_timeout_s": 0.5, "llm_max_retries": 0})
    with caplog.at_level(logging.WARNING):
        events = run(generation(store, fast, alice, "Sales review", genie_space_id=""))
    assert events[-1] == Failed(f"{sentence} The deck is unchanged."), events[-1]
    logged = "\n".join(
        r.getMessage() + (r.exc_text or "") for r in caplog.records if r.name.startswith("slidegen")
    )
    assert detail in logged
    assert APP_TOKEN not in logged
    assert store.list_decks("alice") == []


def test_a_genie_space_the_user_may_not_use_is_named_and_the_deck_says_so(
    store, settings, alice, emulator
) -> None:
    failures.genie_permission_denied(emulator.emulator, SPACE)
    events = run(generation(store, settings, alice, "Sales review"))
    errors = [e.error for e in events if isinstance(e, ToolResult)]
    assert errors and all(
        f"you may not use the Genie space `{SPACE}`; ask for CAN RUN on it" in e for e in errors
    )
    deck = events[-1].record.deck
    assert "not available" in "".join(s.html for s in deck.slides)


def test_a_missing_genie_space_says_which_setting_to_fix(store, settings, alice, emulator) -> None:
    genie_space(emulator.emulator, SPACE).default = lambda q: GenieAnswer()
    emulator.emulator.add_fault(
        rf"^POST /api/2.0/genie/spaces/{SPACE}/",
        status=404,
        error_code="RESOURCE_DOES_NOT_EXIST",
        message=f"Genie space {SPACE} does not exist.",
        times=-1,
    )
    events = run(generation(store, settings, alice, "Sales review"))
    errors = [e.error for e in events if isinstance(e, ToolResult)]
    assert errors and all(
        f"the Genie space `{SPACE}` was not found in this workspace; pick another data space "
        "for the deck, or set GENIE_SPACE_ID" in e
        for e in errors
    )
