"""Measuring slides for fit in the user's own browser, for a turn running on the server.

The Databricks Apps container has no Chromium, but the tab that shows the deck is a browser.
`measure_in_browser(state, deck, slides)` (awaited by a running turn, e.g. ChatState's
background task, while it does *not* hold the state lock) adds a request — an id and each
slide's fit document (`slidegen.export.fit.fit_document`) — to `FitBridgeState.requests`. The
page's `FitMeasurer` hook measures every new request's documents in invisible sandboxed frames
and answers each with the `measured` event, which resolves that call's future; several calls
may wait at once (`browser_fit_check(state, deck)` gives the per-slide check a turn awaits for
slides written in parallel). Each answer is checked like any
browser input (`parse_fit_report`); a document that did not answer becomes an unmeasured
report.

The future lives in this process. With several workers the answer reaches the worker that owns
the tab's websocket, which is the one running the turn; if it still does not come within
`timeout_s` (a closed tab, a busy browser), the server's Chromium measures instead when there is
one (`fallback=True`), else the call returns None: the slides are unmeasured.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import reflex as rx

from slidegen.deck import Deck, Slide
from slidegen.export.fit import (
    FitReport,
    FitReportError,
    FitUnavailable,
    fit_document,
    measure_fit,
    parse_fit_report,
)
from slidegen.web.auth import asset_base

__all__ = ["DEFAULT_TIMEOUT_S", "FitBridgeState", "browser_fit_check", "measure_in_browser"]

log = logging.getLogger("slidegen.web.fit_bridge")

DEFAULT_TIMEOUT_S = 10.0
# Requests waiting for their tab's answer in this process: id -> (tab's client token, future).
_WAITING: dict[str, tuple[str, asyncio.Future[list[Any]]]] = {}


class FitBridgeState(rx.State):
    # Measurements the page's hook should run: [{"id": str, "docs": [str, ...]}, ...], one per
    # waiting call (several slides of a turn are checked at once).
    requests: list[dict[str, Any]] = []

    @rx.event
    def measured(self, request_id: str, reports: list[Any]) -> None:
        """The browser's answer to `request_id` (raw reports, one per document, or nulls)."""
        waiting = _WAITING.get(str(request_id))
        if waiting is None:
            return  # timed out already, or a request of another process
        token, future = waiting
        if token != self.router.session.client_token or future.done():
            return
        future.set_result(list(reports) if isinstance(reports, list) else [])


def browser_fit_check(
    state: rx.State, deck: Deck, *, timeout_s: float = DEFAULT_TIMEOUT_S, fallback: bool = True
) -> Callable[[Slide], Awaitable[FitReport | None]]:
    """`check(slide)`: one slide measured by the tab's browser, rendered with `deck`'s CSS
    (`measure_in_browser`; None when unmeasured). Safe to await for several slides at once."""

    async def check(slide: Slide) -> FitReport | None:
        reports = await measure_in_browser(
            state, deck, [slide], timeout_s=timeout_s, fallback=fallback
        )
        return reports[0] if reports else None

    return check


def _reports(raw: list[Any], count: int) -> list[FitReport]:
    out: list[FitReport] = []
    for index in range(count):
        item = raw[index] if index < len(raw) else None
        try:
            out.append(parse_fit_report(item, measured_by="browser"))
        except FitReportError as error:
            why = "the browser did not answer" if item is None else str(error)
            out.append(
                FitReport(
                    fits=False,
                    problems=(f"The slide could not be measured: {why}",),
                    measured=False,
                )
            )
    return out


async def measure_in_browser(
    state: rx.State,
    deck: Deck,
    slides: Sequence[Slide],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    fallback: bool = True,
) -> list[FitReport] | None:
    """One `FitReport` per slide of `slides`, measured by the browser of `state`'s tab.

    `state` is any state of the tab; call this outside `async with state` (the request is
    pushed inside one here, and the browser's answer needs the lock free). Returns None when
    neither the browser (within `timeout_s`) nor the server's Chromium measured the slides.
    """
    if not slides:
        return []
    loop = asyncio.get_running_loop()
    request_id = secrets.token_urlsafe(12)
    future: asyncio.Future[list[Any]] = loop.create_future()
    async with state:
        token = state.router.session.client_token
        base = asset_base(state)
        bridge = await state.get_state(FitBridgeState)
        docs = [fit_document(deck, slide, asset_base=base) for slide in slides]
        _WAITING[request_id] = (token, future)
        bridge.requests = [*bridge.requests, {"id": request_id, "docs": docs}]
    try:
        raw = await asyncio.wait_for(future, timeout_s)
    except TimeoutError:
        raw = None
    finally:
        _WAITING.pop(request_id, None)
        async with state:  # the documents are not kept in the tab's state
            bridge = await state.get_state(FitBridgeState)
            bridge.requests = [r for r in bridge.requests if r.get("id") != request_id]
    if raw is not None:
        return _reports(raw, len(slides))
    if not fallback:
        return None
    log.info(
        "the browser did not measure %d slides in %g s; trying Chromium", len(slides), timeout_s
    )
    try:
        return await measure_fit(slides, deck)
    except FitUnavailable as error:
        log.info("slides left unmeasured: %s", error)
        return None
