"""Workspace files in the emulated workspace: `/api/2.0/workspace/*` and `workspace-files`.

Behaviour copied from the real service because the deployer depends on it:
- `mkdirs` creates missing parents and fails (`RESOURCE_ALREADY_EXISTS`) when a prefix is a file;
- `import` never creates parents: a missing parent folder is `RESOURCE_DOES_NOT_EXIST`;
- the import format decides the object type. With no format (the API's default, SOURCE) and a
  language — which the SDK's `upload()` adds on its own for `.py`/`.sql`/`.scala`/`.R` — the file
  becomes a NOTEBOOK; SOURCE without a language is `INVALID_PARAMETER_VALUE`. `AUTO` makes a FILE
  unless the content starts with a "Databricks notebook source" header (then a notebook, with
  the extension dropped); `RAW` makes a FILE. So a test can prove that nothing was uploaded as
  a notebook by looking at `object_type`;
- an existing object is only replaced with `overwrite`; deleting a non-empty folder needs
  `recursive`; listing or deleting a missing path is `RESOURCE_DOES_NOT_EXIST`.
Paths are accepted with or without the `/Workspace` prefix (the same object either way) and
reported without it. Home folders `/Users/<name>` exist for every name, as for real users.

`workspace(emu)` is the store; the apps module copies folders out of it for deployment snapshots.
"""

from __future__ import annotations

import base64
import itertools
import posixpath
import threading
import time
from dataclasses import dataclass, field

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from slidegen.emulator.core import Emulator, error_response

__all__ = ["WorkspaceError", "WorkspaceFS", "WorkspaceObject", "canonical", "routes", "workspace"]

NOTEBOOK_HEADERS = (
    b"# Databricks notebook source",
    b"-- Databricks notebook source",
    b"// Databricks notebook source",
)
CODE_EXTENSIONS = {".py": "PYTHON", ".sql": "SQL", ".scala": "SCALA", ".r": "R"}


class WorkspaceError(Exception):
    """An API error with the real status and error code."""

    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error_code, self.message = status, error_code, message


def canonical(path: str) -> str:
    """`/Workspace/Users/a/` and `/Users/a` name the same object; the API reports the latter."""
    if not path or not path.startswith("/"):
        raise WorkspaceError(
            400, "INVALID_PARAMETER_VALUE", f"Path ({path}) doesn't start with '/'"
        )
    path = posixpath.normpath(path)
    if path == "/Workspace" or path.startswith("/Workspace/"):
        path = path[len("/Workspace") :] or "/"
    return path


@dataclass
class WorkspaceObject:
    path: str
    object_type: str  # DIRECTORY | FILE | NOTEBOOK
    object_id: int
    content: bytes = b""
    language: str | None = None
    created_at: int = field(default_factory=lambda: int(time.time() * 1000))
    modified_at: int = field(default_factory=lambda: int(time.time() * 1000))

    def info(self) -> dict:
        body: dict = {
            "path": self.path,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "resource_id": str(self.object_id),
        }
        if self.object_type == "FILE":
            # ObjectInfo: size, created_at and modified_at are "only applicable to files".
            body.update(
                size=len(self.content), created_at=self.created_at, modified_at=self.modified_at
            )
        if self.language:
            body["language"] = self.language
        return body


class WorkspaceFS:
    """The workspace tree, keyed by canonical path; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ids = itertools.count(1000)
        self.objects: dict[str, WorkspaceObject] = {}
        for path in ("/", "/Users", "/Shared"):
            self._put(path, "DIRECTORY")

    def _put(
        self, path: str, object_type: str, content: bytes = b"", language: str | None = None
    ) -> WorkspaceObject:
        old = self.objects.get(path)
        obj = WorkspaceObject(
            path, object_type, old.object_id if old else next(self._ids), content, language
        )
        if old:
            obj.created_at = old.created_at
            # Every write is a new modification, even within the same millisecond.
            obj.modified_at = max(obj.modified_at, old.modified_at + 1)
        self.objects[path] = obj
        return obj

    def get(self, path: str) -> WorkspaceObject | None:
        path = canonical(path)
        with self._lock:
            obj = self.objects.get(path)
            if obj is None and posixpath.dirname(path) == "/Users":
                obj = self._put(path, "DIRECTORY")  # every user has a home folder
            return obj

    def require(self, path: str) -> WorkspaceObject:
        obj = self.get(path)
        if obj is None:
            raise WorkspaceError(
                404, "RESOURCE_DOES_NOT_EXIST", f"Path ({canonical(path)}) doesn't exist."
            )
        return obj

    def children(self, path: str) -> list[WorkspaceObject]:
        path = canonical(path)
        with self._lock:
            return sorted(
                (o for p, o in self.objects.items() if p != "/" and posixpath.dirname(p) == path),
                key=lambda o: o.path,
            )

    def mkdirs(self, path: str) -> None:
        path = canonical(path)
        with self._lock:
            parts = [p for p in path.split("/") if p]
            for depth in range(1, len(parts) + 1):
                prefix = "/" + "/".join(parts[:depth])
                existing = self.get(prefix)
                if existing is None:
                    self._put(prefix, "DIRECTORY")
                elif existing.object_type != "DIRECTORY":
                    raise WorkspaceError(
                        400,
                        "RESOURCE_ALREADY_EXISTS",
                        f"Cannot create directory {path}: {prefix} is a file.",
                    )

    def write(
        self,
        path: str,
        content: bytes,
        *,
        object_type: str = "FILE",
        language: str | None = None,
        overwrite: bool = False,
    ) -> WorkspaceObject:
        path = canonical(path)
        with self._lock:
            parent = self.get(posixpath.dirname(path))
            if parent is None or parent.object_type != "DIRECTORY":
                raise WorkspaceError(
                    404,
                    "RESOURCE_DOES_NOT_EXIST",
                    f"The parent folder ({posixpath.dirname(path)}) does not exist.",
                )
            existing = self.objects.get(path)
            if existing is not None and (not overwrite or existing.object_type == "DIRECTORY"):
                raise WorkspaceError(400, "RESOURCE_ALREADY_EXISTS", f"{path} already exists.")
            return self._put(path, object_type, content, language)

    def delete(self, path: str, *, recursive: bool = False) -> None:
        obj = self.require(path)
        with self._lock:
            below = [p for p in self.objects if p.startswith(obj.path.rstrip("/") + "/")]
            if below and not recursive:
                raise WorkspaceError(
                    400, "DIRECTORY_NOT_EMPTY", f"Folder ({obj.path}) is not empty."
                )
            if obj.path in ("/", "/Users", "/Shared"):
                raise WorkspaceError(403, "PERMISSION_DENIED", f"Cannot delete {obj.path}.")
            for p in [*below, obj.path]:
                del self.objects[p]

    def files_under(self, path: str) -> dict[str, WorkspaceObject]:
        """Every non-directory object below `path`, keyed by its path relative to `path`."""
        root = canonical(path).rstrip("/") + "/"
        with self._lock:
            return {
                p[len(root) :]: o
                for p, o in self.objects.items()
                if p.startswith(root) and o.object_type != "DIRECTORY"
            }

    def copy_tree(self, source: str, target: str) -> None:
        """Copy a folder (the snapshot a SNAPSHOT deployment takes)."""
        with self._lock:
            files = self.files_under(source)
            self.mkdirs(target)
            for rel, obj in files.items():
                dest = posixpath.join(canonical(target), rel)
                self.mkdirs(posixpath.dirname(dest))
                self._put(dest, obj.object_type, obj.content, obj.language)


def workspace(emu: Emulator) -> WorkspaceFS:
    return emu.state("workspace.fs", WorkspaceFS)


def _imported_type(
    path: str, content: bytes, fmt: str, language: str | None
) -> tuple[str, str, str | None]:
    """(object type, final path, language) for an import, as the real service decides it."""
    stem, ext = posixpath.splitext(path)
    if fmt == "AUTO":
        if ext.lower() in CODE_EXTENSIONS and content.lstrip().startswith(NOTEBOOK_HEADERS):
            return "NOTEBOOK", stem, CODE_EXTENSIONS[ext.lower()]
        if ext.lower() == ".ipynb":
            return "NOTEBOOK", stem, "PYTHON"
        return "FILE", path, None
    if fmt == "RAW":
        return "FILE", path, None
    if fmt in ("SOURCE", "HTML", "JUPYTER", "R_MARKDOWN"):
        if fmt == "SOURCE" and not language:
            raise WorkspaceError(
                400,
                "INVALID_PARAMETER_VALUE",
                "The notebook language must be specified for SOURCE imports.",
            )
        return "NOTEBOOK", path, (language or "PYTHON").upper()
    raise WorkspaceError(400, "INVALID_PARAMETER_VALUE", f"Unsupported import format: {fmt}")


def routes(emu: Emulator) -> list[BaseRoute]:
    fs = workspace(emu)

    def guarded(handler):  # type: ignore[no-untyped-def]
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except WorkspaceError as error:
                return error_response(error.status, error.error_code, error.message)

        return endpoint

    async def mkdirs(request: Request) -> Response:
        fs.mkdirs((await request.json()).get("path", ""))
        return JSONResponse({})

    async def import_(request: Request) -> Response:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("content")
            content = (
                await upload.read()
                if isinstance(upload, UploadFile)
                else str(upload or "").encode()
            )
            fields = {k: str(v) for k, v in form.items() if k != "content"}
            overwrite = fields.get("overwrite", "false").lower() == "true"
        else:
            fields = await request.json()
            content = base64.b64decode(fields.get("content", "") or "")
            overwrite = bool(fields.get("overwrite", False))
        path = canonical(str(fields.get("path", "")))
        fmt = str(fields.get("format") or "SOURCE").upper()
        object_type, final_path, language = _imported_type(
            path, content, fmt, fields.get("language")
        )
        fs.write(
            final_path, content, object_type=object_type, language=language, overwrite=overwrite
        )
        return JSONResponse({})

    async def import_file(request: Request) -> Response:
        path = "/" + request.path_params["path"]
        overwrite = request.query_params.get("overwrite", "false").lower() == "true"
        fs.write(path, await request.body(), overwrite=overwrite)
        return JSONResponse({})

    async def get_status(request: Request) -> Response:
        return JSONResponse(fs.require(request.query_params.get("path", "")).info())

    async def list_(request: Request) -> Response:
        obj = fs.require(request.query_params.get("path", ""))
        objects = fs.children(obj.path) if obj.object_type == "DIRECTORY" else [obj]
        return JSONResponse({"objects": [o.info() for o in objects]} if objects else {})

    async def delete(request: Request) -> Response:
        body = await request.json()
        fs.delete(body.get("path", ""), recursive=bool(body.get("recursive", False)))
        return JSONResponse({})

    async def export(request: Request) -> Response:
        obj = fs.require(request.query_params.get("path", ""))
        if obj.object_type == "DIRECTORY":
            raise WorkspaceError(
                400, "INVALID_PARAMETER_VALUE", f"Exporting folder {obj.path} needs the DBC format."
            )
        if request.query_params.get("direct_download", "").lower() == "true":
            return Response(obj.content, media_type="application/octet-stream")
        file_type = posixpath.splitext(obj.path)[1].lstrip(".") or "txt"
        return JSONResponse(
            {"content": base64.b64encode(obj.content).decode(), "file_type": file_type}
        )

    prefix = "/api/2.0/workspace"
    return [
        Route(f"{prefix}/mkdirs", guarded(mkdirs), methods=["POST"]),
        Route(f"{prefix}/import", guarded(import_), methods=["POST"]),
        Route(f"{prefix}/get-status", guarded(get_status), methods=["GET"]),
        Route(f"{prefix}/list", guarded(list_), methods=["GET"]),
        Route(f"{prefix}/delete", guarded(delete), methods=["POST"]),
        Route(f"{prefix}/export", guarded(export), methods=["GET"]),
        Route(
            "/api/2.0/workspace-files/import-file/{path:path}",
            guarded(import_file),
            methods=["POST"],
        ),
    ]
