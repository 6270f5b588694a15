"""`build_package`: the deployable folder for Databricks Apps (what `slidegen build` writes).

Contents of the package (`build/<env>` by default):
- `slidegen/` (the app's code, without the emulator, tests or caches), `rxconfig.py`, `assets/`;
- `frontend/`: the static frontend exported here with `reflex export --frontend-only` (needs
  bun, which exists on the developer's machine, not in the Apps container), or taken from the
  export cache when nothing it is made from changed (`slidegen.deployer.export_cache`);
- `app.yaml` with the environment's `env` entries merged in;
- `requirements.txt`: the exact pins of `requirements.lock` (the container pip-installs it over
  its preinstalled, older packages);
- `DEPLOYMENT_INFO`: JSON with version, git commit and branch, and the UTC build time.
No file may exceed the platform's 10 MB limit: the build fails naming the file. What is copied
follows `slidegen.deployer.package_files` (no caches, bytecode, local data, `.env` or editor files).

Two builds of the same sources are byte-identical except DEPLOYMENT_INFO's `built_at`: the
export runs through `slidegen.deployer.reflex_export` (which keeps per-run values out of the bundle)
with a fixed environment (`PYTHONHASHSEED`, only `REFLEX_*` and system variables passed on).

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
from slidegen.deployer import export_cache
from slidegen.deployer.package_files import list_package

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
# Passed on to the export from the caller's environment (what bun needs to reach a registry,
# and Reflex's own settings); everything else (a shell's DATABASE_URL, SLIDEGEN_* ...) could
# change what the app compiles to. Only REFLEX_* values are part of the export cache key.
_EXPORT_ENV_PASSED = (
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LC_ALL",
    "TMPDIR",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)
_EXPORT_ENV_PREFIXES = ("REFLEX_", "BUN_", "NPM_CONFIG_", "npm_config_")


class BuildError(RuntimeError):
    """The package could not be built; the message says which step failed and why."""


class PackageTooLargeError(BuildError, ValueError):
    """A file is over the Databricks Apps limit of 10 MB."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: list[Path]  # relative to out_dir, sorted
    info: dict[str, str]
    frontend: str = "exported"  # exported | cached | skipped


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


def _copy_tree(src: Path, dst: Path, package_dir: str) -> None:
    """Copy `src` to `dst` (= `<package>/<package_dir>`), only what a package may hold."""
    prefix = f"{package_dir}/"
    files, _skipped = list_package(src, prefix)
    dst.mkdir(parents=True, exist_ok=True)
    for rel in files:
        inner = rel.removeprefix(prefix)
        target = dst / inner
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / inner, target)


@contextlib.contextmanager
def _export_lock(root: Path) -> Iterator[None]:
    with (root / ".web-export.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def export_environment(root: Path) -> dict[str, str]:
    """The environment `reflex export` runs with: fixed, so that the output (and the cache key)
    depends on the sources only."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k in _EXPORT_ENV_PASSED or k.startswith(_EXPORT_ENV_PREFIXES)
    }
    env.update(
        {
            # Rewritten per request to the page's own port (slidegen.server.asgi.SameOriginEnv).
            "REFLEX_API_URL": "http://localhost:8000",
            "REFLEX_CHECK_LATEST_VERSION": "0",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_USE_SYSTEM_BUN": env.get("REFLEX_USE_SYSTEM_BUN", "1"),
            # Compiled output must not follow set iteration order.
            "PYTHONHASHSEED": "0",
        }
    )
    tools_bin = root / "tools" / "node_modules" / ".bin"
    if tools_bin.is_dir():
        env["PATH"] = f"{tools_bin}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_frontend_export(root: Path, env: dict[str, str] | None = None) -> Path:
    """Run `reflex export --frontend-only` and return the exported static folder."""
    env = env if env is not None else export_environment(root)
    cmd = [
        sys.executable,
        "-m",
        "slidegen.deployer.reflex_export",
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


def _frontend(root: Path, target: Path, use_cache: bool) -> str:
    """Put the exported frontend into `target`, from the cache when its inputs are unchanged;
    returns `exported` or `cached`."""
    env = export_environment(root)
    if not use_cache:
        with _export_lock(root):
            _copy_tree(run_frontend_export(root, env), target, "frontend")
        return "exported"
    key = export_cache.export_key(root, env)
    if export_cache.restore(root, key, target):
        return "cached"
    with _export_lock(root):
        if export_cache.restore(root, key, target):  # made by another build meanwhile
            return "cached"
        exported = run_frontend_export(root, env)
        # Copied under the lock: the next export empties .web/build.
        _copy_tree(exported, target, "frontend")
        if export_cache.export_key(root, env) == key:  # no input changed while it ran
            export_cache.store(root, key, exported)
    return "exported"


def build_package(
    env: str,
    out_dir: Path | None = None,
    *,
    app_yaml_env: Mapping[str, str | Mapping[str, str]] | None = None,
    export_frontend: bool = True,
    use_cache: bool = True,
) -> BuildResult:
    """Assemble the deployable package for `env` and return what it holds.

    `export_frontend=False` skips the frontend export (for tests of the deploy flow that don't serve
    pages); the package is otherwise complete. `use_cache=False` exports even when the cache
    holds an export of the same inputs (and leaves the cache as it is).
    """
    root = project_root()
    out = (out_dir or root / "build" / env).resolve()
    protected = {root, *root.parents, *(root / name for name in ("slidegen", "assets", "tests"))}
    if out in protected or any(p in out.parents for p in protected - {root, *root.parents}):
        raise BuildError(f"refusing to build into {out}: it would overwrite the project")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    _copy_tree(root / "slidegen", out / "slidegen", "slidegen")
    if (root / "assets").is_dir():
        _copy_tree(root / "assets", out / "assets", "assets")
    shutil.copy2(root / "rxconfig.py", out / "rxconfig.py")
    frontend = "skipped"
    if export_frontend:
        # `.web/` is one folder per checkout: two builds at once (parallel test sessions) would
        # overwrite each other's output, so exports take turns (`_export_lock`).
        frontend = _frontend(root, out / "frontend", use_cache)
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
    return BuildResult(out_dir=out, files=check_file_sizes(out), info=info, frontend=frontend)
