"""Fixtures for the UI state tests: a real SQLite store and Reflex state trees per "tab".

States run in plain pytest: a root `rx.State` holds every substate; `RouterData` carries the
headers a websocket handshake would have; handlers are awaited directly. Nothing is faked but the
transport: the store, the deck domain and the guard middleware are the real ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from slidegen.config import load_settings
    from slidegen.server import services
    from slidegen.store import open_store

    st = open_store(load_settings(SLIDEGEN_DATA_DIR=str(tmp_path_factory.mktemp("data"))))
    services.set_store(st)
    yield st
    services.set_store(None)
    st.dispose()


def deck_html(n: int, tag: str = "") -> str:
    return "\n".join(
        f'<div class="slide"><h1>{tag}Slide {i + 1}</h1><p>Body {i + 1}</p></div>' for i in range(n)
    )


def make_deck(store: Any, owner: str, n: int = 4, title: str = "Test deck") -> Any:
    from slidegen.deck import parse_deck_html

    parsed = parse_deck_html(deck_html(n))
    return store.create_deck(owner, title, styles=parsed.styles, slides=parsed.slides)


_LOOP_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="state-tests")


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine to completion on its own loop (in a worker thread: a session-wide
    Playwright, when the browser tests ran first, keeps a loop running on the main thread)."""
    return _LOOP_THREAD.submit(asyncio.run, coro).result()


class Tab:
    """One browser tab: a root state whose router carries the connection's headers."""

    def __init__(self, headers: dict[str, str], path: str = "/", query: str = "") -> None:
        import reflex as rx

        import slidegen.slidegen  # noqa: F401  (registers the pages and their states)

        self.root = rx.State(_reflex_internal_init=True)
        self.connect(headers, path, query)

    def connect(self, headers: dict[str, str], path: str = "/", query: str = "") -> None:
        from reflex.istate.data import RouterData

        asurl = path + (f"?{query}" if query else "")
        self.root.router = RouterData.from_router_data(
            {"headers": headers, "pathname": path, "asPath": asurl, "query": {}}
        )

    def state(self, cls: Any) -> Any:
        return run(self.root.get_state(cls))

    def run(self, coro: Any) -> Any:
        return run(coro)

    def guard(self) -> None:
        from slidegen.web.guard import OwnerGuard

        run(OwnerGuard().preprocess(app=None, state=self.root, event=None))


def alice_headers() -> dict[str, str]:
    return {
        "x-forwarded-user": "alice",
        "x-forwarded-email": "alice@example.com",
        "origin": "http://testserver",
    }


def bob_headers() -> dict[str, str]:
    return {
        "x-forwarded-user": "bob",
        "x-forwarded-email": "bob@example.com",
        "origin": "http://testserver",
    }
