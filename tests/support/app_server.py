"""Build the deployable package once and run it the way Databricks Apps does, for tests.

`PackagedBuild` is a package built by the real `build_package` (frontend exported with bun).
`start_packaged_app` runs its `app.yaml` command from the package folder, with a clean
environment whose PATH holds only a `python` shim: no bun, node or npm is reachable, exactly as
the Apps container must start. Its stdout/stderr go to files the tests read (JSON log lines).
"""

from __future__ import annotations

import json
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

__all__ = ["PackagedApp", "PackagedBuild", "build_once", "free_port", "start_packaged_app"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PackagedBuild:
    out_dir: Path


def build_once(tmp_root: Path, env: str = "test") -> PackagedBuild:
    from slidegen.deployer.packaging import build_package

    return PackagedBuild(build_package(env, tmp_root / f"package-{env}").out_dir)


@dataclass
class PackagedApp:
    build: PackagedBuild
    port: int
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path
    started_at: float
    healthy_after_s: float | None = None
    _closed: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[dict]:
        """The JSON log records written to stdout so far."""
        records = []
        for line in self.stdout_path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return records

    def all_output(self) -> str:
        return self.stdout_path.read_text(errors="replace") + self.stderr_path.read_text(
            errors="replace"
        )

    def terminate(self, timeout: float = 20) -> float:
        """SIGTERM, wait for exit; returns the seconds it took (raises if it didn't exit)."""
        if self._closed:
            return 0.0
        start = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        finally:
            self._closed = True
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)
        return time.monotonic() - start


def _python_only_path(tmp: Path) -> str:
    """A PATH with nothing but a `python` that runs this interpreter."""
    bin_dir = tmp / "python-only-bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    shim = bin_dir / "python"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
    shim.chmod(0o755)
    return str(bin_dir)


def start_packaged_app(
    build: PackagedBuild,
    run_dir: Path,
    env: dict[str, str] | None = None,
    *,
    wait_healthy: bool = True,
    timeout: float = 60,
) -> PackagedApp:
    """Start the app.yaml command of `build` and wait until /api/health answers 200."""
    port = free_port()
    manifest = yaml.safe_load((build.out_dir / "app.yaml").read_text())
    command = [str(part).replace("$DATABRICKS_APP_PORT", str(port)) for part in manifest["command"]]
    run_dir.mkdir(parents=True, exist_ok=True)
    child_env = {
        "PATH": _python_only_path(run_dir),
        "HOME": str(run_dir),
        "LANG": "C.UTF-8",
        "DATABRICKS_APP_PORT": str(port),
        "DATABRICKS_APP_NAME": "slidegen-test",
        "SLIDEGEN_DATA_DIR": str(run_dir / "data"),
    }
    for item in manifest.get("env") or []:
        if "value" in item:
            child_env[item["name"]] = str(item["value"])
    child_env.update(env or {})
    stdout_path, stderr_path = run_dir / "stdout.log", run_dir / "stderr.log"
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=build.out_dir,
        env=child_env,
        stdout=stdout_path.open("wb"),
        stderr=stderr_path.open("wb"),
        start_new_session=True,
    )
    app = PackagedApp(build, port, process, stdout_path, stderr_path, started)
    if wait_healthy:
        deadline = started + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"app exited with {process.returncode}:\n{app.all_output()}")
            try:
                if httpx.get(f"{app.url}/api/health", timeout=2).status_code == 200:
                    app.healthy_after_s = time.monotonic() - started
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                app.terminate()
                raise RuntimeError(f"app not healthy after {timeout} s:\n{app.all_output()}")
            time.sleep(0.1)
    return app
