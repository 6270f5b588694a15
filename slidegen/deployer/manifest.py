"""Content hashes of a package and the upload plan against the workspace folder's manifest.

The manifest (`.slidegen-manifest.json` in the workspace folder) maps each uploaded file's
relative path to its SHA-256. Comparing it with the local package gives the plan without
reading any remote file: upload what is new or changed, delete what left the package (a whole
removed folder in one recursive delete), and `mkdirs` only the deepest folders that do not exist
yet (mkdirs creates parents, so each folder is created once).

Everything here is pure: `scan_package` reads local files, `plan_upload` compares.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "MANIFEST_NAME",
    "MAX_FILE_BYTES",
    "LocalFile",
    "Manifest",
    "PackageTooLargeError",
    "UploadPlan",
    "plan_upload",
    "scan_package",
]

MANIFEST_NAME = ".slidegen-manifest.json"
MAX_FILE_BYTES = 10 * 1024 * 1024

try:  # the spine's error type, so callers catch one class whichever check fired first
    from slidegen.cli.packaging import PackageTooLargeError
except ImportError:  # pragma: no cover - only before the spine lands

    class PackageTooLargeError(ValueError):  # type: ignore[no-redef]
        """A file is over the Databricks Apps limit of 10 MB."""


@dataclass(frozen=True)
class LocalFile:
    rel: str  # POSIX path relative to the package root
    size: int
    sha256: str


def scan_package(root: Path) -> dict[str, LocalFile]:
    """Every file of the package with its hash; refuses a file over 10 MB before hashing any."""
    if not root.is_dir():
        raise FileNotFoundError(f"package folder {root} does not exist")
    paths = sorted(p for p in root.rglob("*") if p.is_file())
    for path in paths:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise PackageTooLargeError(
                f"{path.relative_to(root).as_posix()} is {size / 1024 / 1024:.1f} MB; "
                "Databricks Apps refuses files over 10 MB"
            )
    files: dict[str, LocalFile] = {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST_NAME:
            continue
        data = path.read_bytes()
        files[rel] = LocalFile(rel, len(data), hashlib.sha256(data).hexdigest())
    return files


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str]  # relative path → sha256
    meta: dict[str, Any] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return json.dumps(
            {"version": 1, **self.meta, "files": dict(sorted(self.files.items()))}, indent=1
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest | None:
        """The manifest, or None when it is unreadable (then everything is uploaded again)."""
        try:
            doc = json.loads(data)
            files = doc["files"]
            if doc.get("version") != 1 or not isinstance(files, dict):
                return None
            meta = {k: v for k, v in doc.items() if k not in ("version", "files")}
            return cls({str(k): str(v) for k, v in files.items()}, meta)
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class UploadPlan:
    new: list[str]
    changed: list[str]
    deleted_files: list[str]  # each deleted alone
    deleted_dirs: list[str]  # removed folders, each deleted recursively in one call
    mkdirs: list[str]  # relative folders to create ("" is the root folder)
    unchanged: int
    had_manifest: bool

    @property
    def uploads(self) -> list[str]:
        return sorted(self.new + self.changed)

    @property
    def removed(self) -> list[str]:
        return sorted(self.deleted_dirs + self.deleted_files)

    @property
    def is_noop(self) -> bool:
        return not (
            self.new or self.changed or self.deleted_files or self.deleted_dirs or self.mkdirs
        )

    def summary(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "changed": self.changed,
            "deleted_files": self.deleted_files,
            "deleted_dirs": self.deleted_dirs,
            "mkdirs": self.mkdirs,
            "unchanged": self.unchanged,
            "had_manifest": self.had_manifest,
        }


def _ancestors(rel: str) -> list[str]:
    """Folders containing `rel`, innermost first, ending with the root ""."""
    out = []
    parent = posixpath.dirname(rel)
    while parent:
        out.append(parent)
        parent = posixpath.dirname(parent)
    out.append("")
    return out


def _deepest(folders: set[str]) -> list[str]:
    """Drop every folder that is an ancestor of another one (mkdirs creates parents)."""
    covered = {a for f in folders if f for a in _ancestors(f)}
    return sorted(folders - covered)


def plan_upload(
    local: dict[str, LocalFile],
    remote: Manifest | None,
    *,
    folder_exists: bool,
    remote_dirs: set[str] | None = None,
) -> UploadPlan:
    """What to do so that the folder holds exactly `local`.

    `remote` is the folder's manifest (None: unknown, so every file is uploaded and nothing is
    deleted). `remote_dirs` are folders known to exist when there is no manifest (from a
    listing); with a manifest they are derived from it.
    """
    known = dict(remote.files) if remote else {}
    new = sorted(rel for rel in local if rel not in known)
    changed = sorted(rel for rel in local if rel in known and known[rel] != local[rel].sha256)
    unchanged = len(local) - len(new) - len(changed)

    local_dirs = {a for rel in local for a in _ancestors(rel)}
    existing = {a for rel in known for a in _ancestors(rel)} | (remote_dirs or set())
    if folder_exists:
        existing.add("")
    else:
        existing = set()

    needed = {posixpath.dirname(rel) for rel in new + changed} - existing
    mkdirs = _deepest(needed)
    # A folder gone from the package goes in one recursive delete: its outermost ancestor
    # that is also gone.
    gone_dirs = {a for rel in known for a in _ancestors(rel)} - local_dirs - {""}
    top_gone = sorted(d for d in gone_dirs if not any(a in gone_dirs for a in _ancestors(d)[:-1]))
    deleted_files = sorted(
        rel
        for rel in known
        if rel not in local and not any(a in gone_dirs for a in _ancestors(rel)[:-1])
    )
    return UploadPlan(
        new=new,
        changed=changed,
        deleted_files=deleted_files,
        deleted_dirs=top_gone,
        mkdirs=mkdirs,
        unchanged=unchanged,
        had_manifest=remote is not None,
    )
