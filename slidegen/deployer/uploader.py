"""Upload a package to a workspace folder: incrementally, in parallel, as files (never notebooks).

`inspect_remote` reads the folder's state: does it exist, its manifest (refused, and so rebuilt,
when `manifest_problems` finds an entry it cannot trust), and a listing of every file with the
size and modification time the workspace reports (one `list` call per folder, folders of one
depth in parallel), which is how files changed in the workspace after a deploy are found.
`execute_plan` then runs a `manifest.UploadPlan`:
1. when files will change and a manifest exists, it first rewrites the manifest without their
   entries, so an interrupted run can never leave a changed file recorded with its old hash;
2. `mkdirs` of the deepest missing folders, then the uploads, both on a bounded thread pool;
3. deletes (removed folders recursively, in one call each); a path already gone is fine, and a
   path that would resolve outside the folder is refused whatever the plan says;
4. the new manifest, written last: it only ever describes files known to be in place, with the
   size and modification time the workspace now reports for each (the uploaded files' folders
   are listed again for that). It carries only the `meta` given, so a record of the deployment
   that deployed the old content never survives an upload (see `manifest.DeployedRecord`).

Uploads use `w.workspace.upload(format=AUTO, overwrite=True)`: a multipart import that the
SDK does not retry (its body is not a seekable stream), so transient failures (429/503, dropped
connections) are retried here, a bounded number of times. AUTO would still turn a `.py` file
that starts with "# Databricks notebook source" into a notebook; such files go through
`workspace-files/import-file`, which only ever creates files.

`naive_upload` is the baseline of benchmark B5: one `mkdirs` and one upload per file, in order.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError, NotFound
from databricks.sdk.service.workspace import ExportFormat, ImportFormat, ObjectType

from slidegen.deployer.client import describe_error
from slidegen.deployer.manifest import (
    MANIFEST_NAME,
    LocalFile,
    Manifest,
    RemoteFile,
    UploadPlan,
    manifest_problems,
)

__all__ = [
    "DEFAULT_JOBS",
    "RemoteState",
    "UploadError",
    "UploadResult",
    "execute_plan",
    "inspect_remote",
    "naive_upload",
    "remote_path",
    "write_manifest",
]

DEFAULT_JOBS = 16
NOTEBOOK_HEADERS = (
    b"# Databricks notebook source",
    b"-- Databricks notebook source",
    b"// Databricks notebook source",
)
CODE_SUFFIXES = (".py", ".sql", ".scala", ".r")


class UploadError(RuntimeError):
    """An upload step failed; the manifest was not advanced, so a re-run redoes the work."""


@dataclass(frozen=True)
class RemoteState:
    exists: bool
    manifest: Manifest | None  # None: absent, unreadable or refused
    dirs: set[str] = field(default_factory=set)  # folders found by the listing
    listing: dict[str, RemoteFile] = field(default_factory=dict)  # files found by the listing
    refused: list[str] = field(default_factory=list)  # why the manifest was not trusted

    @property
    def files(self) -> set[str]:
        return set(self.listing) - {MANIFEST_NAME}


@dataclass
class UploadResult:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    mkdirs: list[str] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0
    manifest_writes: int = 0
    manifest: Manifest | None = None  # the manifest now in the folder, when this run wrote one


def remote_path(folder: str, rel: str) -> str:
    return posixpath.join(folder.rstrip("/"), rel) if rel else folder.rstrip("/")


def _transient(error: BaseException) -> bool:
    if isinstance(error, DatabricksError):
        return getattr(error, "retry_after_secs", None) is not None  # 429 / 503
    return isinstance(error, requests.ConnectionError | requests.Timeout)


def _with_retries(action: Callable[[], None], attempts: int = 4) -> None:
    for attempt in range(1, attempts + 1):
        try:
            action()
            return
        except Exception as error:
            if attempt == attempts or not _transient(error):
                raise
            delay = getattr(error, "retry_after_secs", None) or 0.5 * attempt
            time.sleep(min(float(delay), 10.0))


def _is_notebook_source(rel: str, data: bytes) -> bool:
    return rel.lower().endswith(CODE_SUFFIXES) and data.lstrip().startswith(NOTEBOOK_HEADERS)


def put_file(w: WorkspaceClient, path: str, data: bytes, rel: str) -> None:
    """One file, as a workspace FILE, replacing what is there."""
    if _is_notebook_source(rel, data):
        w.api_client.do(
            "POST",
            f"/api/2.0/workspace-files/import-file/{quote(path.lstrip('/'))}",
            query={"overwrite": "true"},
            data=data,
        )
        return
    w.workspace.upload(path, io.BytesIO(data), format=ImportFormat.AUTO, overwrite=True)


def write_manifest(w: WorkspaceClient, folder: str, manifest: Manifest) -> None:
    """Replace the folder's manifest (retrying transient failures)."""
    target = remote_path(folder, MANIFEST_NAME)
    data = manifest.to_bytes()
    try:
        _with_retries(lambda: put_file(w, target, data, MANIFEST_NAME))
    except Exception as error:
        raise UploadError(f"{MANIFEST_NAME}: {describe_error(error)}") from error


def read_manifest(w: WorkspaceClient, folder: str) -> Manifest | None:
    try:
        data = w.workspace.download(
            remote_path(folder, MANIFEST_NAME), format=ExportFormat.AUTO
        ).read()
    except NotFound:
        return None
    return Manifest.from_bytes(data)


def inspect_remote(w: WorkspaceClient, folder: str, *, jobs: int = DEFAULT_JOBS) -> RemoteState:
    """The folder's state: existence, trusted manifest, and a listing of what it holds."""
    try:
        status = w.workspace.get_status(folder)
    except NotFound:
        return RemoteState(exists=False, manifest=None)
    if status.object_type != ObjectType.DIRECTORY:
        raise UploadError(f"{folder} exists in the workspace and is not a folder")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        manifest_future = pool.submit(read_manifest, w, folder)
        dirs, listing = list_folder(w, folder, [""], pool)
        manifest = manifest_future.result()
    refused = manifest_problems(manifest) if manifest is not None else []
    return RemoteState(
        exists=True,
        manifest=None if refused else manifest,
        dirs=dirs,
        listing=listing,
        refused=refused,
    )


def list_folder(
    w: WorkspaceClient, folder: str, starts: list[str], pool: ThreadPoolExecutor
) -> tuple[set[str], dict[str, RemoteFile]]:
    """Folders and files under `folder`/`start` for each start (relative; "" is the folder),
    recursively; the folders of one depth are listed in parallel."""
    root = _strip_workspace(folder.rstrip("/"))
    dirs: set[str] = set()
    files: dict[str, RemoteFile] = {}

    def children(rel: str) -> list[Any]:
        try:
            return list(w.workspace.list(remote_path(folder, rel)))
        except NotFound:  # removed since the level above was listed
            return []

    level = list(starts)
    while level:
        found = list(pool.map(children, level))
        level = []
        for objects in found:
            for obj in objects:
                path = _strip_workspace(obj.path or "")
                rel = posixpath.relpath(path, root)
                if rel.startswith("../") or rel in (".", ".."):
                    continue  # the API names children of the folder; anything else is ignored
                if obj.object_type == ObjectType.DIRECTORY:
                    dirs.add(rel)
                    level.append(rel)
                else:
                    kind = obj.object_type.value if obj.object_type else "FILE"
                    files[rel] = RemoteFile(obj.size, obj.modified_at, kind)
    return dirs, files


def _strip_workspace(path: str) -> str:
    return path[len("/Workspace") :] if path.startswith("/Workspace/") else path


def _parallel(
    jobs: int, items: list[str], work: Callable[[str], None], on_done: Callable[[str], None]
) -> None:
    """Run `work` on every item with at most `jobs` at once; the first failure stops the rest."""
    if not items:
        return
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(items)))) as pool:
        futures = {pool.submit(work, item): item for item in items}
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            if future.exception() is not None:
                for other in futures:
                    other.cancel()
                error = future.exception()
                raise UploadError(f"{futures[future]}: {describe_error(error)}") from error
        for future in futures:
            future.result()
            on_done(futures[future])


def execute_plan(
    w: WorkspaceClient,
    folder: str,
    package: Path,
    local: dict[str, LocalFile],
    plan: UploadPlan,
    previous: Manifest | None,
    *,
    jobs: int = DEFAULT_JOBS,
    on_progress: Callable[[str], None] | None = None,
    meta: dict[str, str] | None = None,
    listing: dict[str, RemoteFile] | None = None,
) -> UploadResult:
    """Make the folder hold exactly the package; see the module docstring for the order.

    `listing` is what `inspect_remote` saw: the recorded sizes and times of files not uploaded
    now come from it.
    """
    started = time.perf_counter()
    result = UploadResult()
    lock = threading.Lock()
    tick = on_progress or (lambda _rel: None)
    seen = dict(listing or {})

    def record(files: dict[str, str]) -> None:
        stats = {
            rel: (f.size, f.modified_at)
            for rel, f in seen.items()
            if rel in files and f.size is not None and f.modified_at is not None
        }
        manifest = Manifest(files, dict(meta or {}), stats)
        write_manifest(w, folder, manifest)
        result.manifest = manifest
        result.manifest_writes += 1

    if plan.uploads and previous is not None:
        record({k: v for k, v in previous.files.items() if k not in set(plan.uploads)})

    def mkdir(rel: str) -> None:
        _with_retries(lambda: w.workspace.mkdirs(remote_path(folder, rel)))

    _parallel(jobs, plan.mkdirs, mkdir, result.mkdirs.append)

    def upload(rel: str) -> None:
        data = (package / rel).read_bytes()
        _with_retries(lambda: put_file(w, remote_path(folder, rel), data, rel))
        with lock:
            result.bytes += len(data)

    def uploaded(rel: str) -> None:
        result.uploaded.append(rel)

    _parallel(jobs, plan.uploads, lambda rel: (upload(rel), tick(rel))[0], uploaded)

    def delete(rel: str) -> None:
        if not _inside(folder, rel):
            raise UploadError(f"refusing to delete {rel!r}: it is not inside {folder}")
        with contextlib.suppress(NotFound):  # already gone: the goal is reached
            _with_retries(lambda: w.workspace.delete(remote_path(folder, rel), recursive=True))

    _parallel(jobs, plan.removed, delete, result.deleted.append)

    if not plan.is_noop or previous is None:
        if result.uploaded:
            # What the workspace now reports for the new files, for the next run to compare.
            folders = sorted({posixpath.dirname(rel) for rel in result.uploaded})
            with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(folders)))) as pool:
                found = pool.map(lambda rel: _listed_files(w, folder, rel), folders)
                for files in found:
                    seen.update(files)
        record({rel: f.sha256 for rel, f in local.items()})
    result.seconds = time.perf_counter() - started
    return result


def _listed_files(w: WorkspaceClient, folder: str, rel_dir: str) -> dict[str, RemoteFile]:
    """The files directly in one folder (relative to `folder`), as the workspace reports them."""
    root = _strip_workspace(folder.rstrip("/"))
    out = {}
    for obj in w.workspace.list(remote_path(folder, rel_dir)):
        if obj.object_type != ObjectType.DIRECTORY:
            rel = posixpath.relpath(_strip_workspace(obj.path or ""), root)
            kind = obj.object_type.value if obj.object_type else "FILE"
            out[rel] = RemoteFile(obj.size, obj.modified_at, kind)
    return out


def _inside(folder: str, rel: str) -> bool:
    """Whether `folder`/`rel` is strictly inside `folder` once normalised."""
    base = posixpath.normpath(folder)
    target = posixpath.normpath(posixpath.join(base, rel))
    return bool(rel) and target.startswith(base.rstrip("/") + "/")


def naive_upload(w: WorkspaceClient, folder: str, package: Path) -> int:
    """The file-by-file baseline (B5): one mkdirs and one upload per file, in sequence."""
    count = 0
    for path in sorted(p for p in package.rglob("*") if p.is_file()):
        rel = path.relative_to(package).as_posix()
        w.workspace.mkdirs(remote_path(folder, posixpath.dirname(rel)))
        w.workspace.upload(
            remote_path(folder, rel),
            io.BytesIO(path.read_bytes()),
            format=ImportFormat.AUTO,
            overwrite=True,
        )
        count += 1
    return count
