"""`slidegen.polling`: the pauses, the deadline, the timeout message, cancellation.

A fake clock that the pauses advance keeps these exact and instant; one test uses real time to
show a cancel ends the wait at once.
"""

from __future__ import annotations

import threading
import time

import pytest

from slidegen.polling import Backoff, WaitCancelled, WaitTimeout, poll


class FakeTime:
    """A clock the waits advance: `sleep` records the pause instead of sleeping."""

    def __init__(self) -> None:
        self.now = 100.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr("slidegen.polling.time.sleep", fake.sleep)
    return fake


def test_pauses_grow_by_the_factor_up_to_the_cap() -> None:
    pauses = Backoff(first_s=1.0, max_s=5.0, factor=1.5).pauses()
    assert [next(pauses) for _ in range(7)] == [1.0, 1.5, 2.25, 3.375, 5.0, 5.0, 5.0]


def test_returns_the_value_once_done(fake: FakeTime) -> None:
    states = iter(["PENDING", "PENDING", "DONE"])

    def check() -> tuple[bool, str, str]:
        state = next(states)
        return state == "DONE", f"value at {state}", state

    value = poll(check, timeout_s=60, backoff=Backoff(0.1, 2.0), what="the job", clock=fake.clock)
    assert value == "value at DONE"
    assert fake.pauses == [0.1, 0.2]


def test_the_last_check_runs_at_the_deadline_then_the_timeout_names_what_and_the_state(
    fake: FakeTime,
) -> None:
    calls: list[float] = []

    def check() -> tuple[bool, None, str]:
        calls.append(fake.now)
        return False, None, f"STARTING#{len(calls)}"

    with pytest.raises(WaitTimeout) as caught:
        poll(check, timeout_s=10, backoff=Backoff(1.0, 4.0), what="app x", clock=fake.clock)
    # 1 + 2 + 4 = 7 s, then only the 3 s left: no pause runs past the deadline.
    assert fake.pauses == [1.0, 2.0, 4.0, 3.0]
    assert calls[-1] == pytest.approx(110.0)
    assert str(caught.value) == "timed out after 10 s waiting for app x (last state: STARTING#5)"
    assert (caught.value.what, caught.value.timeout_s, caught.value.last_state) == (
        "app x",
        10,
        "STARTING#5",
    )
    assert isinstance(caught.value, TimeoutError)


def test_started_counts_time_spent_before_the_first_check(fake: FakeTime) -> None:
    started = fake.now - 9.5  # the request that began the work took 9.5 s of a 10 s budget
    with pytest.raises(WaitTimeout):
        poll(
            lambda: (False, None, "RUNNING"),
            timeout_s=10,
            backoff=Backoff(1.0, 4.0),
            what="an answer",
            clock=fake.clock,
            started=started,
        )
    assert fake.pauses == [0.5]


def test_an_error_raised_by_the_check_goes_through_at_once(fake: FakeTime) -> None:
    def check() -> tuple[bool, None, str]:
        raise RuntimeError("deployment FAILED: boom")

    with pytest.raises(RuntimeError, match="FAILED: boom"):
        poll(check, timeout_s=10, backoff=Backoff(1.0, 4.0), what="x", clock=fake.clock)
    assert fake.pauses == []


def test_a_set_cancel_event_ends_the_wait_without_waiting_the_pause() -> None:
    cancel = threading.Event()
    threading.Timer(0.05, cancel.set).start()
    began = time.monotonic()
    with pytest.raises(WaitCancelled):
        poll(
            lambda: (False, None, "RUNNING"),
            timeout_s=30,
            backoff=Backoff(first_s=10.0, max_s=10.0),
            what="Genie's answer",
            cancel=cancel,
        )
    assert time.monotonic() - began < 2.0
