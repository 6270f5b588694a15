"""Production serving: one process (Granian) on `$DATABRICKS_APP_PORT`, no JS toolchain at start.

`python -m slidegen serve` (the `app.yaml` command) runs the Reflex app's ASGI factory under
Granian with the frontend already exported into `frontend/` by `slidegen build`. Reflex is told
to skip its frontend compile (as `reflex run --backend-only` does): pages are only evaluated
for the backend, nothing is built, nothing needs bun or node.

Workers: one without Redis (state lives in process memory); with `REDIS_URL`, Reflex's Redis
state manager is shared and `SLIDEGEN_WORKERS` (default 2) workers serve the port.
Shutdown: SIGTERM stops accepting, lets open requests finish, then Granian kills workers that
are still busy after `SLIDEGEN_SHUTDOWN_GRACE_S` (default 8 s), well inside the 15 s the
platform gives; open websockets would otherwise hold the process.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from slidegen.config import SettingsError, load_settings
from slidegen.server.asgi import FRONTEND_DIR_ENV

__all__ = ["asgi_factory", "serve"]

log = logging.getLogger("slidegen.serve")


def asgi_factory():
    """Build the ASGI app in a worker (imports the Reflex app module and calls it)."""
    from slidegen.slidegen import app

    return app()


def _prepare_environment(frontend: Path | None) -> None:
    from reflex_base.environment import environment

    os.environ.setdefault("REFLEX_ENV_MODE", "prod")
    os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "0")
    # The frontend was exported at build time; the backend must not compile or build it again.
    environment.REFLEX_SKIP_COMPILE.set(True)
    os.environ["__REFLEX_SKIP_COMPILE"] = "true"  # inherited by spawned workers
    if frontend is not None:
        os.environ[FRONTEND_DIR_ENV] = str(frontend.resolve())


def serve(
    host: str = "0.0.0.0",
    port: int | None = None,
    frontend: Path | None = None,
    workers: int | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT. Exits 2 with one line on a bad setting."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"slidegen: {error}", file=sys.stderr)
        raise SystemExit(2) from None

    from granian.constants import Interfaces
    from granian.server import Server

    from slidegen.server.logs import configure_logging

    configure_logging(settings)
    port = port or int(os.environ.get("DATABRICKS_APP_PORT", "8000"))
    if frontend is None and (Path.cwd() / "frontend" / "index.html").is_file():
        frontend = Path.cwd() / "frontend"
    _prepare_environment(frontend)
    if workers is None:
        workers = int(os.environ.get("SLIDEGEN_WORKERS", "2")) if settings.redis_url else 1
    if workers > 1 and not settings.redis_url:
        print(
            "slidegen: more than one worker needs REDIS_URL (shared Reflex state)", file=sys.stderr
        )
        raise SystemExit(2)
    grace = int(float(os.environ.get("SLIDEGEN_SHUTDOWN_GRACE_S", "8")))
    # Workers are forked: importing the app here once means each worker starts with Reflex,
    # the pages and the store code already loaded instead of importing them all again.
    import slidegen.slidegen  # noqa: F401

    log.info(
        "serving",
        extra={
            "host": host,
            "port": port,
            "workers": workers,
            "frontend": str(frontend) if frontend else None,
            "environment": settings.environment.value,
        },
    )
    Server(
        target="slidegen.server.serve:asgi_factory",
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        workers_kill_timeout=grace,
        log_enabled=True,
        log_access=False,  # our middleware writes the request log line
        log_dictconfig={"version": 1, "disable_existing_loggers": False},
    ).serve()
