"""`slidegen serve`: the production server (the app.yaml command); see slidegen.server.serve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "0.0.0.0",
    port: Annotated[
        int | None, typer.Option(help="Port [$DATABRICKS_APP_PORT, else 8000].")
    ] = None,
    frontend: Annotated[
        Path | None, typer.Option(help="Exported frontend folder [./frontend].")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes [1; 2 with REDIS_URL].")
    ] = None,
) -> None:
    """Serve the exported frontend, the Reflex backend and /api/* on one port."""
    from slidegen.server.serve import serve as run

    run(host=host, port=port, frontend=frontend, workers=workers)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
