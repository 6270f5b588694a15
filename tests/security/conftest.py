"""The attack suite's fixtures: the packaged app in production mode, its workspace emulator, a
listener on 127.0.0.1 that an attack would reach, and the store the app reads.

The app runs from the real `slidegen build` package with ENVIRONMENT=production (identity only
from the proxy's headers) and small limits so the limit tests stay short. Browser tests take
`chromium` (module scope: Playwright's sync API must be closed before the e2e suite opens its
own); socket tests drive the Reflex protocol with `tests.support.reflex_client`.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from slidegen.export.pdf import CHROMIUM_ARGS, DEFAULT_CHROMIUM
from tests.support.require import missing

RATE_LIMIT_TURNS = 3
PDF_EXPORT_TIMEOUT_S = 12
TURN_MAX_PUSH_BYTES = 1024 * 1024


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/security/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.slow)


@dataclass
class Listener:
    """An HTTP and a UDP socket on 127.0.0.1 that record whatever reaches them."""

    http_port: int = 0
    udp_port: int = 0
    hits: list[str] = field(default_factory=list)
    packets: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def seen(self) -> list[str]:
        return [*self.hits, *(f"udp:{len(p)} bytes" for p in self.packets)]

    def clear(self) -> None:
        self.hits.clear()
        self.packets.clear()


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    record = Listener()

    class Handler(BaseHTTPRequestHandler):
        def _hit(self) -> None:
            record.hits.append(f"{self.command} {self.path}")
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_POST = do_PUT = do_OPTIONS = _hit

        def log_message(self, *_: Any) -> None:
            return None

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.2)
    record.http_port, record.udp_port = http.server_address[1], udp.getsockname()[1]
    stop = threading.Event()

    def receive() -> None:
        while not stop.is_set():
            try:
                data, _ = udp.recvfrom(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            record.packets.append(data)

    threads = [
        threading.Thread(target=http.serve_forever, daemon=True),
        threading.Thread(target=receive, daemon=True),
    ]
    for thread in threads:
        thread.start()
    yield record
    stop.set()
    http.shutdown()
    udp.close()


@pytest.fixture(scope="session")
def workspace() -> Iterator[Any]:
    from slidegen.emulator import running_emulator

    with running_emulator() as server:
        yield server


def start_app(build: Any, run_dir: Path, workspace: Any, **env: str) -> Any:
    from tests.support.app_server import start_packaged_app

    return start_packaged_app(
        build,
        run_dir,
        env={
            "ENVIRONMENT": "production",
            "DATABRICKS_HOST": workspace.url,
            "DATABRICKS_TOKEN": "app-token",
            "SERVING_ENDPOINT": "slides-endpoint",
            "RATE_LIMIT_TURNS": str(RATE_LIMIT_TURNS),
            "RATE_LIMIT_WINDOW_S": "600",
            "PDF_EXPORT_TIMEOUT_S": str(PDF_EXPORT_TIMEOUT_S),
            "TURN_MAX_PUSH_BYTES": str(TURN_MAX_PUSH_BYTES),
            # The socket clients here are not browsers and never measure a turn's slides: the
            # server's Chromium does, after this wait (the default waits 10 s a turn).
            "FIT_BROWSER_TIMEOUT_S": "1",
            **env,
        },
    )


@pytest.fixture(scope="session")
def app(packaged_build: Any, workspace: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    running = start_app(packaged_build, tmp_path_factory.mktemp("security-run"), workspace)
    yield running
    running.terminate()


@pytest.fixture(scope="session")
def store(app: Any) -> Iterator[Any]:
    """The app's own store (its SQLite file), to set up decks and check what was saved."""
    from slidegen.config import load_settings
    from slidegen.store import open_store

    opened = open_store(load_settings(SLIDEGEN_DATA_DIR=str(Path(app.stdout_path).parent / "data")))
    yield opened
    opened.dispose()


@pytest.fixture
def model(workspace: Any) -> Iterator[Any]:
    """The emulated serving endpoint's script, reset after each test."""
    from slidegen.emulator.scripts import model_script

    script = model_script(workspace.emulator)
    yield script
    script.replies.clear()
    script.tokens_per_s = 0
    script.hold_after_chunks = None
    script.release.set()
    script.release = threading.Event()


def user_headers(user: str, app: Any) -> dict[str, str]:
    return {
        "x-forwarded-user": user,
        "x-forwarded-email": f"{user}@example.com",
        "x-forwarded-preferred-username": user,
        "origin": app.url,
    }


def new_user(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(DEFAULT_CHROMIUM).exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=DEFAULT_CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def signed_in(chromium: Any) -> Iterator[Callable[..., Any]]:
    """`signed_in(user)`: a page whose requests (websocket included) carry `user`'s headers."""
    contexts: list[Any] = []

    def make(user: str, viewport: tuple[int, int] = (1440, 900)) -> Any:
        context = chromium.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            extra_http_headers={
                "X-Forwarded-User": user,
                "X-Forwarded-Email": f"{user}@example.com",
                "X-Forwarded-Preferred-Username": user,
            },
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
