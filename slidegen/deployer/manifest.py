"""Content hashes of a package and the upload plan against the workspace folder's manifest.

The manifest (`.slidegen-manifest.json` in the workspace folder) maps each uploaded file's
relative path to its SHA-256 and to the size and modification time the workspace reported for
it after the upload. Comparing it with the local package and a listing of the folder gives the
plan without reading any remote file: upload what is new or changed here, re-upload what was
changed or removed in the workspace since (its size or modification time differs from the
record), delete what left the package (a whole removed folder in one recursive delete), and
`mkdirs` only the deepest folders that do not exist yet (mkdirs creates parents).

The manifest is written by whoever can write the folder, so it is not trusted:
`manifest_problems` rejects entries that are not clean relative paths of files a package holds
(`slidegen.deployer.package_files`), which is what keeps a plan from deleting outside the folder.

`DEPLOYMENT_INFO`'s build time changes with every build; its hash leaves that field out, so a
rebuild of the same sources plans no upload.

After a deployment SUCCEEDED, the manifest also records which deployment deployed which content
(`deployment`: its id and `content_digest` of the file hashes). Any upload rewrites the manifest
without that record, so a deploy whose upload went through but whose deployment failed or was
interrupted leaves no record that could vouch for the new content.

Everything here is pure: `scan_package` reads local files, `plan_upload` compares.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slidegen.deployer.package_files import list_package, skip_reason

# The package builder's error type, so callers catch one class whichever check fired first.
from slidegen.deployer.packaging import PackageTooLargeError

__all__ = [
    "INFO_NAME",
    "MANIFEST_NAME",
    "MAX_FILE_BYTES",
    "DeployedRecord",
    "LocalFile",
    "Manifest",
    "PackageTooLargeError",
    "RemoteFile",
    "UploadPlan",
    "content_digest",
    "manifest_problems",
    "plan_upload",
    "scan_package",
]

MANIFEST_NAME = ".slidegen-manifest.json"
INFO_NAME = "DEPLOYMENT_INFO"
MAX_FILE_BYTES = 10 * 1024 * 1024
# DEPLOYMENT_INFO fields that differ between two builds of the same sources.
VOLATILE_INFO_FIELDS = ("built_at",)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class LocalFile:
    rel: str  # POSIX path relative to the package root
    size: int
    sha256: str


def _content_hash(rel: str, data: bytes) -> str:
    """SHA-256 of what the file says; for DEPLOYMENT_INFO without its per-build fields."""
    if rel == INFO_NAME:
        try:
            info = json.loads(data)
        except ValueError:
            info = None
        if isinstance(info, dict):
            stable = {k: v for k, v in info.items() if k not in VOLATILE_INFO_FIELDS}
            data = json.dumps(stable, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def scan_package(root: Path, skipped: dict[str, str] | None = None) -> dict[str, LocalFile]:
    """Every file of the package with its hash; refuses a file over 10 MB before hashing any.

    Files a build would not have produced (caches, bytecode, `data/`, `.env`, editor files, see
    `slidegen.deployer.package_files`) are left out and, when `skipped` is given, added to it with
    the reason.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"package folder {root} does not exist")
    kept, left_out = list_package(root)
    if skipped is not None:
        skipped.update(left_out)
    paths = [root / rel for rel in kept]
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
        files[rel] = LocalFile(rel, len(data), _content_hash(rel, data))
    return files


@dataclass(frozen=True)
class RemoteFile:
    """What the workspace reports for a file (`list` / `get-status`)."""

    size: int | None
    modified_at: int | None  # ms since the epoch
    object_type: str = "FILE"


def content_digest(files: dict[str, str]) -> str:
    """One SHA-256 for a whole package: of its sorted `path sha256` lines."""
    lines = "".join(f"{rel}\t{sha}\n" for rel, sha in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


@dataclass(frozen=True)
class DeployedRecord:
    """Which deployment deployed which content (`content_digest` of the manifest's files)."""

    deployment_id: str
    content_sha256: str

    def as_json(self) -> dict[str, str]:
        return {"deployment_id": self.deployment_id, "content_sha256": self.content_sha256}


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str]  # relative path → sha256
    meta: dict[str, Any] = field(default_factory=dict)
    # relative path → (size, modified_at) as the workspace reported them after the upload
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def deployed(self) -> DeployedRecord | None:
        """The recorded deployment of these files; None when absent or malformed."""
        record = self.meta.get("deployment")
        if not isinstance(record, dict):
            return None
        deployment_id, digest = record.get("deployment_id"), record.get("content_sha256")
        if not isinstance(deployment_id, str) or not deployment_id:
            return None
        if not isinstance(digest, str) or not _SHA256.match(digest):
            return None
        return DeployedRecord(deployment_id, digest)

    def with_deployed(self, record: DeployedRecord) -> Manifest:
        return Manifest(self.files, {**self.meta, "deployment": record.as_json()}, self.stats)

    def to_bytes(self) -> bytes:
        entries: dict[str, Any] = {}
        for rel, sha in sorted(self.files.items()):
            entry: dict[str, Any] = {"sha256": sha}
            if rel in self.stats:
                entry["size"], entry["modified_at"] = self.stats[rel]
            entries[rel] = entry
        return json.dumps({"version": 2, **self.meta, "files": entries}, indent=1).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest | None:
        """The manifest, or None when it is unreadable (then it is rebuilt).

        Entries are kept as written, whatever they say; `manifest_problems` judges them.
        Version 1 (path → hash, no recorded sizes) is still read.
        """
        try:
            doc = json.loads(data)
            files = doc["files"]
            if doc.get("version") not in (1, 2) or not isinstance(files, dict):
                return None
            meta = {k: v for k, v in doc.items() if k not in ("version", "files")}
            if doc["version"] == 1:
                return cls({str(k): str(v) for k, v in files.items()}, meta)
            hashes: dict[str, str] = {}
            stats: dict[str, tuple[int, int]] = {}
            for rel, entry in files.items():
                hashes[str(rel)] = str(entry["sha256"])
                size, modified = entry.get("size"), entry.get("modified_at")
                if isinstance(size, int) and isinstance(modified, int):
                    stats[str(rel)] = (size, modified)
            return cls(hashes, meta, stats)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def manifest_problems(manifest: Manifest, limit: int = 5) -> list[str]:
    """Why the manifest cannot be trusted (at most `limit` reasons); empty when it can.

    Each entry must be a clean relative path (no '/', '.', '..' or empty parts) of a file kind
    a package holds, with a SHA-256 for a hash.
    """
    problems = []
    for rel, sha in sorted(manifest.files.items()):
        reason = skip_reason(rel) if rel != MANIFEST_NAME else "the manifest itself"
        if reason is not None:
            problems.append(f"{rel!r}: {reason}")
        elif not _SHA256.match(sha):
            problems.append(f"{rel!r}: not a SHA-256 hash")
        if len(problems) >= limit:
            break
    return problems


@dataclass(frozen=True)
class UploadPlan:
    new: list[str]
    changed: list[str]
    deleted_files: list[str]  # each deleted alone
    deleted_dirs: list[str]  # removed folders, each deleted recursively in one call
    mkdirs: list[str]  # relative folders to create ("" is the root folder)
    unchanged: int
    had_manifest: bool
    drifted: list[str] = field(default_factory=list)  # changed or gone in the workspace
    removed_dir_files: dict[str, int] = field(default_factory=dict)  # folder → recorded files

    @property
    def deleted_count(self) -> int:
        """Files the deletes remove (each removed folder counts the files recorded in it)."""
        return len(self.deleted_files) + sum(self.removed_dir_files.values())

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
            "changed_in_workspace": self.drifted,
        }


def _ancestors(rel: str) -> list[str]:
    """Folders containing `rel`, innermost first, ending with the root ""."""
    out = []
    parent = posixpath.dirname(rel)
    while parent and parent not in out:  # dirname("/") is "/": stop there too
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
    remote_files: dict[str, RemoteFile] | None = None,
) -> UploadPlan:
    """What to do so that the folder holds exactly `local`.

    `remote` is the folder's manifest (None: unknown, so every file is uploaded and nothing is
    deleted). `remote_dirs` are folders known to exist (from a listing; with a manifest they
    are also derived from it). `remote_files` is a listing of the folder's files: a file the
    manifest vouches for is uploaded again when the listing does not show it as a file of the
    recorded size and modification time (of the local size, for a manifest without records).
    """
    known = dict(remote.files) if remote else {}
    new = sorted(rel for rel in local if rel not in known)
    changed_here = {rel for rel in local if rel in known and known[rel] != local[rel].sha256}
    drifted = []
    if remote is not None and remote_files is not None:
        for rel in sorted(set(local) & set(known) - changed_here):
            seen = remote_files.get(rel)
            recorded = remote.stats.get(rel)
            if (
                seen is None
                or seen.object_type != "FILE"
                or (recorded is not None and (seen.size, seen.modified_at) != recorded)
                or (recorded is None and seen.size is not None and seen.size != local[rel].size)
            ):
                drifted.append(rel)
    changed = sorted(changed_here | set(drifted))
    unchanged = len(local) - len(new) - len(changed)

    local_dirs = {a for rel in local for a in _ancestors(rel)}
    if remote_files is not None:
        # A listing says which folders exist now, whatever the manifest remembers.
        existing = set(remote_dirs or set())
    else:
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
        drifted=drifted,
        removed_dir_files={d: sum(1 for rel in known if rel.startswith(d + "/")) for d in top_gone},
    )
