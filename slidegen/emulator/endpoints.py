"""Per-endpoint behaviour of the emulated Model Serving: pace, time to first token, a cap on
concurrent calls, and the figures tests and benchmarks read afterwards.

A real endpoint serves every request on its own: N concurrent streams each arrive at the full
token rate after the time to first token, until the endpoint's concurrency limit, beyond which it
answers 429 REQUEST_LIMIT_EXCEEDED. `EndpointSettings` holds those knobs for one endpoint (unset
fields fall back to the script-wide values on `ModelScript`); `EndpointStats` counts what
happened on it: calls in flight and their peak, 429s, and one `CallRecord` per call.

Times are `time.perf_counter()` values, the clock `StreamRecord.sent_at` uses.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

__all__ = ["CallRecord", "EndpointSettings", "EndpointStats"]


@dataclass
class EndpointSettings:
    """Overrides for one endpoint; None means "as the script says for every endpoint"."""

    tokens_per_s: float | None = None
    ttft_s: float | None = None
    max_concurrent: int | None = None
    retry_after_s: int | None = None


@dataclass
class CallRecord:
    """One call to an endpoint, as the endpoint saw it.

    `status`: "ok" (answered in full), "rejected" (a 429: at the cap, or scripted), "failed"
    (another scripted error answer), "dropped" (the stream was cut), "cancelled" (the client
    went away first).
    """

    endpoint: str
    kind: str
    slide: int | None
    stream: bool
    started: float
    first_token_at: float | None = None
    ended: float | None = None
    completion_tokens: int = 0
    status: str = "ok"

    @property
    def ttft_s(self) -> float | None:
        return None if self.first_token_at is None else self.first_token_at - self.started

    @property
    def duration_s(self) -> float | None:
        return None if self.ended is None else self.ended - self.started


@dataclass
class EndpointStats:
    """What one endpoint served. Guarded by its own lock: streams update it concurrently."""

    endpoint: str
    active: int = 0
    peak_concurrent: int = 0
    rejected: int = 0
    calls: list[CallRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def admit(
        self, kind: str, slide: int | None, stream: bool, cap: int | None
    ) -> CallRecord | None:
        """Start a call, or None (a 429 recorded) when `cap` calls are already in flight."""
        record = CallRecord(self.endpoint, kind, slide, stream, time.perf_counter())
        with self.lock:
            self.calls.append(record)
            if cap is not None and self.active >= cap:
                self.rejected += 1
                record.status, record.ended = "rejected", record.started
                return None
            self.active += 1
            self.peak_concurrent = max(self.peak_concurrent, self.active)
        return record

    def finish(self, record: CallRecord, status: str | None = None) -> None:
        """End an admitted call (once; a second call changes nothing)."""
        with self.lock:
            if record.ended is not None:
                return
            record.ended = time.perf_counter()
            if status is not None:
                record.status = status
            if status == "rejected":  # a scripted 429
                self.rejected += 1
            self.active -= 1

    def summary(self) -> dict[str, float | int | None]:
        """Plain figures for a benchmark's report: calls, peak, 429s, completion tokens, and
        the seconds from the first call's start to the first and the last slide call ending
        well (None when there is none)."""
        with self.lock:
            calls = list(self.calls)
            peak, rejected = self.peak_concurrent, self.rejected
        start = min((c.started for c in calls), default=0.0)
        ends = sorted(c.ended for c in calls if c.kind == "slide" and c.status == "ok" and c.ended)
        return {
            "calls": len(calls),
            "peak_concurrent": peak,
            "rejected": rejected,
            "completion_tokens": sum(c.completion_tokens for c in calls),
            "first_slide_s": round(ends[0] - start, 3) if ends else None,
            "last_slide_s": round(ends[-1] - start, 3) if ends else None,
        }

    def of_kind(self, kind: str) -> list[CallRecord]:
        with self.lock:
            return [c for c in self.calls if c.kind == kind]

    @property
    def completion_tokens(self) -> int:
        with self.lock:
            return sum(c.completion_tokens for c in self.calls)
