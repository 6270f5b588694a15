"""Which files a deployable package may hold: the layout `slidegen build` writes, minus what is
never shipped.

One rule for three places, so they cannot drift apart: the build copies only these files, a
`--package DIR` deploy uploads only these (and lists what it skipped), and a workspace manifest
naming anything else is not trusted.

A package holds `slidegen/`, `assets/`, `frontend/`, and the top-level files `app.yaml`,
`requirements.txt`, `rxconfig.py` and `DEPLOYMENT_INFO`. Never shipped, wherever they are:
bytecode and tool caches, local data (`data/`, SQLite files), `.env` files (secrets of a
developer's machine), version-control and editor files, and the emulator (a test double).
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from pathlib import Path

__all__ = [
    "PACKAGE_DIRS",
    "PACKAGE_FILES",
    "is_clean_relative",
    "list_package",
    "skip_reason",
]

PACKAGE_DIRS = frozenset({"slidegen", "assets", "frontend"})
PACKAGE_FILES = frozenset({"app.yaml", "requirements.txt", "rxconfig.py", "DEPLOYMENT_INFO"})
# Parts of the source tree the build leaves out (not needed to run the app).
_NOT_SHIPPED = ("slidegen/emulator",)
_SKIPPED_DIRS = {
    "__pycache__": "bytecode cache",
    ".pytest_cache": "tool cache",
    ".ruff_cache": "tool cache",
    ".mypy_cache": "tool cache",
    ".git": "version control",
    ".hg": "version control",
    ".idea": "editor settings",
    ".vscode": "editor settings",
    "node_modules": "node packages",
    ".venv": "virtual environment",
}
_SKIPPED_FILES = (
    ("*.pyc", "bytecode"),
    ("*.pyo", "bytecode"),
    (".env", "local environment (secrets)"),
    (".env.*", "local environment (secrets)"),
    ("*.db", "local database"),
    ("*.db-wal", "local database"),
    ("*.db-shm", "local database"),
    ("*.sqlite", "local database"),
    ("*.sqlite3", "local database"),
    ("*.swp", "editor file"),
    ("*.swo", "editor file"),
    ("*~", "editor file"),
    (".#*", "editor file"),
    ("#*#", "editor file"),
    (".DS_Store", "editor file"),
    ("Thumbs.db", "editor file"),
    ("*.orig", "editor file"),
    ("*.rej", "editor file"),
)


def is_clean_relative(rel: str) -> bool:
    """A relative POSIX path in normal form: no leading '/', no '.', '..' or empty parts."""
    if not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel:
        return False
    return posixpath.normpath(rel) == rel and not any(p in ("", ".", "..") for p in rel.split("/"))


def skip_reason(rel: str, *, is_dir: bool = False) -> str | None:
    """Why `rel` (relative to the package root) is not part of a package, or None if it is."""
    if not is_clean_relative(rel):
        return "not a clean relative path"
    parts = rel.split("/")
    for part in parts if is_dir else parts[:-1]:
        if part in _SKIPPED_DIRS:
            return _SKIPPED_DIRS[part]
    if any(rel == p or rel.startswith(p + "/") for p in _NOT_SHIPPED):
        return "not part of a build"
    if parts[0] == "data":
        return "local data"
    if not is_dir:
        name = parts[-1]
        for pattern, reason in _SKIPPED_FILES:
            if fnmatch.fnmatchcase(name, pattern):
                return reason
    if len(parts) == 1:
        allowed = PACKAGE_DIRS if is_dir else PACKAGE_FILES
        if rel not in allowed:
            return "not part of a build"
    elif parts[0] not in PACKAGE_DIRS:
        return "not part of a build"
    return None


def list_package(root: Path, prefix: str = "") -> tuple[list[str], dict[str, str]]:
    """The package's files (relative, sorted) and what was skipped (`path` or `dir/` → reason).

    `prefix` is where `root` sits in the package ("slidegen/" when copying the source tree);
    it is part of every returned path. A skipped folder is reported once, with a trailing '/',
    and not walked into.
    """
    files: list[str] = []
    skipped: dict[str, str] = {}
    top = prefix
    for current, dirs, names in os.walk(root):
        base = Path(current).relative_to(root).as_posix()
        prefix = top if base == "." else f"{top}{base}/"
        kept = []
        for name in sorted(dirs):
            reason = skip_reason(prefix + name, is_dir=True)
            if reason is None and not (Path(current) / name).is_symlink():
                kept.append(name)
            else:
                skipped[prefix + name + "/"] = reason or "symbolic link"
        dirs[:] = kept
        for name in sorted(names):
            rel = prefix + name
            path = Path(current) / name
            if path.is_symlink():
                skipped[rel] = "symbolic link"  # may point anywhere on the machine
                continue
            if not path.is_file():
                continue
            reason = skip_reason(rel)
            if reason is None:
                files.append(rel)
            else:
                skipped[rel] = reason
    return sorted(files), dict(sorted(skipped.items()))
