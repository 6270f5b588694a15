"""The exported frontend, kept between builds and reused while nothing it is made from changed.

`reflex export` takes about 10 s and its output depends only on its inputs (see
`slidegen.deployer.reflex_export` for what made it depend on the time of the run). The key is a
SHA-256 over those inputs:
- every file of the app's source tree (`slidegen/`) except the packages the app never imports
  when it is compiled: the deploy tool (`deployer/`), the command line (`cli/`) and the
  emulator; `tests/unit/deployer/test_export_cache.py` proves that the compiled app imports none
  of them, so this exclusion cannot hide an input;
- `assets/`, `rxconfig.py`, `.env` (rxconfig reads settings), every file of `reflex.lock/`
  (the frontend packages), the installed Reflex version, the export runner's own source;
- the environment the export runs with (`REFLEX_*` values; the rest is not passed on).

Entries live in `build/.frontend-cache/<key>/` (git-ignored): `files/` holds the export and
`index.json`, written last, the SHA-256 of every file. An entry is used only when its files are
exactly those of the index with those hashes; anything else (an interrupted write, a hand edit,
a truncated file) is removed and the export runs again, so a bad entry costs time, never a wrong
package. The newest `KEEP` entries are kept.

A restored frontend's files are hard links to the entry's (copies where the file system cannot
link): creating 700 files costs most of a cached build, and nothing writes into a built package.
A hand edit of a package file in place edits the entry too, which the next restore's check finds
(the entry is then dropped, as any damaged one).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from slidegen.deployer.package_files import skip_reason

__all__ = ["CACHE_DIRNAME", "KEEP", "export_inputs", "export_key", "restore", "store"]

CACHE_DIRNAME = "build/.frontend-cache"
KEEP = 3
FORMAT = "slidegen-frontend-cache/1"
# Compiling the app never imports these (checked by a test); edits there keep the cache valid.
_NOT_INPUTS = ("slidegen/deployer/", "slidegen/cli/", "slidegen/emulator/")
_RUNNER = "slidegen/deployer/reflex_export.py"
_NEVER_COMPILED = {
    "bytecode",
    "bytecode cache",
    "tool cache",
    "editor file",
    "editor settings",
    "version control",
}


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree(root: Path, folder: str) -> list[str]:
    """Files under `root/folder`, relative to root, without caches, bytecode and editor files
    (they never reach the compiler; everything else might)."""
    base = root / folder
    if not base.is_dir():
        return []
    out = []
    for path in base.rglob("*"):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            # Judged as if inside a package folder: only the name and folder rules apply.
            if skip_reason(f"assets/{rel}") not in _NEVER_COMPILED:
                out.append(rel)
    return sorted(out)


def export_inputs(root: Path) -> list[str]:
    """The project files the exported frontend is made from (relative, sorted)."""
    files = [rel for rel in _tree(root, "slidegen") if not rel.startswith(_NOT_INPUTS)]
    files += _tree(root, "assets") + _tree(root, "reflex.lock")
    files += [name for name in ("rxconfig.py", ".env", _RUNNER) if (root / name).is_file()]
    return sorted(set(files))


def export_key(root: Path, env: Mapping[str, str]) -> str:
    """The cache key for an export of `root` run with `env`."""
    digest = hashlib.sha256(FORMAT.encode())
    try:
        reflex_version = metadata.version("reflex")
    except metadata.PackageNotFoundError:
        reflex_version = "unknown"
    digest.update(f"\0reflex={reflex_version}".encode())
    for name in sorted(k for k in env if k.startswith("REFLEX_")):
        digest.update(f"\0env:{name}={env[name]}".encode())
    for rel in export_inputs(root):
        digest.update(f"\0file:{rel}={_file_digest(root / rel)}".encode())
    return digest.hexdigest()


def _cache_dir(root: Path) -> Path:
    return root / CACHE_DIRNAME


def _listing(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): _file_digest(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def restore(root: Path, key: str, target: Path) -> bool:
    """Copy the cached export for `key` into `target` (which must not exist) and check every
    copied file against the index; False (target and the bad entry removed) if anything is off.

    Checking the copy rather than the entry means the package holds exactly the files the index
    names, whatever happened to the entry meanwhile.
    """
    entry = _cache_dir(root) / key
    index_path = entry / "index.json"
    if not index_path.is_file():
        if entry.exists():
            shutil.rmtree(entry, ignore_errors=True)
        return False
    try:
        index = json.loads(index_path.read_text())
        expected = index["files"]
        if index.get("format") != FORMAT or index.get("key") != key or not expected:
            raise ValueError("not an index of this key")
        shutil.copytree(entry / "files", target, copy_function=_link_or_copy)
        intact = _listing(target) == expected
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        intact = False
    if not intact:
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(entry, ignore_errors=True)
        return False
    os.utime(index_path)  # most recently used, for pruning
    return True


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


def store(root: Path, key: str, exported: Path) -> None:
    """Copy an export into the cache under `key`; the entry appears whole or not at all."""
    cache = _cache_dir(root)
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=cache))
    try:
        shutil.copytree(exported, staging / "files")
        index = {"format": FORMAT, "key": key, "files": _listing(staging / "files")}
        (staging / "index.json").write_text(json.dumps(index, indent=1, sort_keys=True))
        entry = cache / key
        if entry.exists():
            shutil.rmtree(entry)
        staging.rename(entry)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(cache)


def _prune(cache: Path) -> None:
    entries = [p for p in cache.iterdir() if p.is_dir() and (p / "index.json").is_file()]
    entries.sort(key=lambda p: (p / "index.json").stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
