"""End-to-end fixtures: the packaged app served as in production, the emulator as the workspace,
and a headless Chromium (Debian's, never downloaded) for each module.

The app runs from the real `slidegen build` package with ENVIRONMENT=production, so identity
comes only from the forwarded headers; each browser context sends its user's headers with
`extra_http_headers`, which Chromium also applies to the websocket handshake.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from slidegen.export.pdf import CHROMIUM_ARGS, DEFAULT_CHROMIUM
from tests.support.require import missing

CHROMIUM = DEFAULT_CHROMIUM
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Any]:
    from slidegen.emulator import running_emulator

    with running_emulator() as server:
        yield server


@pytest.fixture(scope="session")
def app(
    packaged_build: Any, emulator: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    from tests.support.app_server import start_packaged_app

    if not Path(CHROMIUM).exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    running = start_packaged_app(
        packaged_build,
        tmp_path_factory.mktemp("e2e-run"),
        env={
            "ENVIRONMENT": "production",
            "DATABRICKS_HOST": emulator.url,
            "DATABRICKS_TOKEN": "app-token",
            "SERVING_ENDPOINT": "slides-endpoint",
            "GENIE_SPACE_ID": "space-e2e",
        },
    )
    yield running
    running.terminate()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium a module. Playwright's sync API runs an event loop in the main thread while
    it is open, so it is closed at the end of each module: a worker that runs an asyncio test
    file after a browser file (pytest-xdist) must not find a loop still running."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def new_page(app: Any, browser: Any) -> Iterator[Callable[..., Any]]:
    """`new_page(user)`: a page of a fresh browser context signed in as `user` via headers."""
    contexts: list[Any] = []

    def make(user: str | None = None) -> Any:
        user = user or f"user-{uuid.uuid4().hex[:8]}"
        context = browser.new_context(
            viewport={"width": 1440, "height": 900},
            accept_downloads=True,
            extra_http_headers={
                "X-Forwarded-User": user,
                "X-Forwarded-Email": f"{user}@example.com",
                "X-Forwarded-Preferred-Username": user,
            },
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.user = user  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
