"""`build_package`: the deployable folder for Databricks Apps (what `slidegen build` writes).

Contents of the package (`build/<env>` by default):
- `slidegen/` (the app's code, without the emulator, tests or caches), `rxconfig.py`, `assets/`;
- `frontend/`: the static frontend exported once here with `reflex export --frontend-only`
  (needs bun, which exists on the developer's machine, not in the Apps container);
- `app.yaml` with the environment's `env` entries merged in;
- `requirements.txt`: the exact pins of `requirements.lock` (the container pip-installs it over
  its preinstalled, older packages);
- `DEPLOYMENT_INFO`: JSON with version, git commit and branch, and the UTC build time.
No file may exceed the platform's 10 MB limit: the build fails naming the file.

The exported frontend has the backend's URLs baked in as `http://localhost:8000`; the server
rewrites that port to the page's own at request time (`slidegen.server.asgi.SameOriginEnv`), so
one package runs on any port and behind any proxy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

import slidegen

__all__ = [
    "MAX_FILE_BYTES",
    "BuildError",
    "BuildResult",
    "PackageTooLargeError",
    "build_package",
    "check_file_sizes",
    "project_root",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
_EXCLUDED_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}
_EXCLUDED_PACKAGES = ("slidegen/emulator",)


class BuildError(RuntimeError):
    """The package could not be built; the message says which step failed and why."""


class PackageTooLargeError(BuildError, ValueError):
    """A file is over the Databricks Apps limit of 10 MB."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: list[Path]  # relative to out_dir, sorted
    info: dict[str, str]


def project_root() -> Path:
    """The repository root (where rxconfig.py lives)."""
    here = Path(slidegen.__file__).resolve().parent.parent
    if (here / "rxconfig.py").is_file():
        return here
    cwd = Path.cwd()
    if (cwd / "rxconfig.py").is_file():
        return cwd
    raise BuildError("cannot find the project root (no rxconfig.py next to the slidegen package)")


def _git(root: Path, *args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "unknown"


def deployment_info(root: Path) -> dict[str, str]:
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {
        "version": slidegen.__version__,
        "git_commit": _git(root, "rev-parse", "HEAD"),
        "git_branch": _git(root, "rev-parse", "--abbrev-ref", "HEAD"),
        "git_dirty": "true" if dirty not in ("", "unknown") else "false",
        "built_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _copy_tree(src: Path, dst: Path, *, skip_prefixes: tuple[str, ...] = ()) -> None:
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src.parent)
        if _EXCLUDED_PARTS.intersection(rel.parts) or path.suffix in (".pyc", ".pyo"):
            continue
        if any(rel.as_posix().startswith(p) for p in skip_prefixes):
            continue
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


@contextlib.contextmanager
def _export_lock(root: Path) -> Iterator[None]:
    with (root / ".web-export.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_frontend_export(root: Path) -> Path:
    """Run `reflex export --frontend-only` and return the exported static folder."""
    env = dict(os.environ)
    env.update(
        {
            # Rewritten per request to the page's own port (slidegen.server.asgi.SameOriginEnv).
            "REFLEX_API_URL": "http://localhost:8000",
            "REFLEX_CHECK_LATEST_VERSION": "0",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_USE_SYSTEM_BUN": env.get("REFLEX_USE_SYSTEM_BUN", "1"),
        }
    )
    tools_bin = root / "tools" / "node_modules" / ".bin"
    if tools_bin.is_dir():
        env["PATH"] = f"{tools_bin}{os.pathsep}{env.get('PATH', '')}"
    cmd = [
        sys.executable,
        "-m",
        "reflex",
        "export",
        "--frontend-only",
        "--no-zip",
        "--loglevel",
        "warning",
    ]
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=900)
    client = root / ".web" / "build" / "client"
    if done.returncode != 0 or not (client / "index.html").is_file():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise BuildError(f"frontend export failed (reflex export exit {done.returncode}):\n{tail}")
    return client


def _app_yaml(root: Path, env_overrides: Mapping[str, str | Mapping[str, str]] | None) -> str:
    manifest = yaml.safe_load((root / "app.yaml").read_text())
    unknown = set(manifest) - {"command", "env"}
    if unknown:
        raise BuildError(f"app.yaml may only have `command` and `env`, not {sorted(unknown)}")
    entries: list[dict[str, str]] = list(manifest.get("env") or [])
    for name, value in (env_overrides or {}).items():
        entry: dict[str, str] = {"name": name}
        if isinstance(value, Mapping):
            entry.update({str(k): str(v) for k, v in value.items()})
        else:
            entry["value"] = str(value)
        entries = [e for e in entries if e.get("name") != name] + [entry]
    manifest["env"] = entries
    header = "# Generated by `slidegen build`; edit app.yaml and deploy/<env>.yaml instead.\n"
    return header + yaml.safe_dump(manifest, sort_keys=False)


def check_file_sizes(out_dir: Path) -> list[Path]:
    """All files, relative and sorted; raises PackageTooLargeError naming any file over 10 MB."""
    files = sorted(p.relative_to(out_dir) for p in out_dir.rglob("*") if p.is_file())
    for rel in files:
        size = (out_dir / rel).stat().st_size
        if size > MAX_FILE_BYTES:
            raise PackageTooLargeError(
                f"{rel} is {size / 1024 / 1024:.1f} MB; Databricks Apps refuses files over 10 MB"
            )
    return files


def build_package(
    env: str,
    out_dir: Path | None = None,
    *,
    app_yaml_env: Mapping[str, str | Mapping[str, str]] | None = None,
    export_frontend: bool = True,
) -> BuildResult:
    """Assemble the deployable package for `env` and return what it holds.

    `export_frontend=False` skips the frontend export (for tests of the deploy flow that don't serve
    pages); the package is otherwise complete.
    """
    root = project_root()
    out = (out_dir or root / "build" / env).resolve()
    protected = {root, *root.parents, *(root / name for name in ("slidegen", "assets", "tests"))}
    if out in protected or any(p in out.parents for p in protected - {root, *root.parents}):
        raise BuildError(f"refusing to build into {out}: it would overwrite the project")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    _copy_tree(root / "slidegen", out / "slidegen", skip_prefixes=_EXCLUDED_PACKAGES)
    if (root / "assets").is_dir():
        _copy_tree(root / "assets", out / "assets")
    shutil.copy2(root / "rxconfig.py", out / "rxconfig.py")
    if export_frontend:
        # `.web/` is one folder per checkout: two builds at once (parallel test sessions) would
        # overwrite each other's output, so the export and the copy of its result take turns.
        with _export_lock(root):
            _copy_tree(run_frontend_export(root), out / "frontend")
    (out / "app.yaml").write_text(_app_yaml(root, app_yaml_env))
    lock = root / "requirements.lock"
    if not lock.is_file():
        raise BuildError("requirements.lock is missing: run scripts/lock.sh")
    pins = [
        line
        for line in lock.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    (out / "requirements.txt").write_text(
        "# Exact pins from requirements.lock (generated by `slidegen build`).\n"
        + "\n".join(pins)
        + "\n"
    )
    info = {**deployment_info(root), "environment": env}
    (out / "DEPLOYMENT_INFO").write_text(json.dumps(info, indent=2) + "\n")
    return BuildResult(out_dir=out, files=check_file_sizes(out), info=info)
