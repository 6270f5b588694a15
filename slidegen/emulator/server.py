"""Run the emulator on 127.0.0.1 in a background thread (tests) or in the foreground (by hand)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

from slidegen.emulator.core import Emulator, create_app

__all__ = ["EmulatorServer", "free_port", "running_emulator"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmulatorServer:
    """A uvicorn server for the emulator app in a daemon thread."""

    def __init__(self, emulator: Emulator | None = None, port: int | None = None) -> None:
        self.emulator = emulator or Emulator()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.emulator.base_url = self.url
        config = uvicorn.Config(
            create_app(self.emulator),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, name="databricks-emulator", daemon=True
        )

    def start(self) -> EmulatorServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the Databricks emulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)


@contextlib.contextmanager
def running_emulator(emulator: Emulator | None = None) -> Iterator[EmulatorServer]:
    """`with running_emulator() as emu:`: `emu.url` is the host, `emu.emulator` the state."""
    server = EmulatorServer(emulator).start()
    try:
        yield server
    finally:
        server.stop()
