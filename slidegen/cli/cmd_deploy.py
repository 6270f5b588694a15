"""`slidegen deploy`: build, upload what changed, create or update the app, deploy (unless
nothing changed since the active deployment), verify."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from slidegen.cli.command_support import (
    EnvOption,
    JsonOption,
    NoCacheOption,
    ProfileOption,
    YesOption,
    confirmer,
    run_command,
)
from slidegen.deployer.pipeline import DeployOptions, run_deploy
from slidegen.deployer.report import Reporter
from slidegen.deployer.uploader import DEFAULT_JOBS


def deploy(
    env: EnvOption = "dev",
    profile: ProfileOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Build and show what would be uploaded, deleted, created and changed; "
            "write nothing.",
        ),
    ] = False,
    clean: Annotated[
        bool,
        typer.Option("--clean", help="Remove the workspace folder first and upload everything."),
    ] = False,
    exact: Annotated[
        bool,
        typer.Option(
            "--exact",
            help="Make the app's permissions exactly the file's list (you keep CAN_MANAGE).",
        ),
    ] = False,
    redeploy: Annotated[
        bool,
        typer.Option(
            "--redeploy",
            help="Make a new deployment even when nothing changed since the active one.",
        ),
    ] = False,
    yes: YesOption = False,
    json_output: JsonOption = False,
    package: Annotated[
        Path | None,
        typer.Option(
            "--package",
            help="Deploy this already built package folder instead of building.",
            exists=True,
            file_okay=False,
        ),
    ] = None,
    no_export: Annotated[
        bool,
        typer.Option(
            "--no-export",
            help="Build without exporting the frontend (API-only smoke deploys).",
            hidden=True,
        ),
    ] = False,
    no_cache: NoCacheOption = False,
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, max=64, help="Parallel uploads.")
    ] = DEFAULT_JOBS,
    no_verify: Annotated[bool, typer.Option("--no-verify", hidden=True)] = False,
) -> None:
    """Deploy the app to an environment; safe to run again any number of times."""
    options = DeployOptions(
        env=env,
        profile=profile,
        dry_run=dry_run,
        clean=clean,
        exact_permissions=exact,
        package=package,
        export_frontend=not no_export,
        use_cache=not no_cache,
        jobs=jobs,
        verify=not no_verify,
        redeploy=redeploy,
    )

    def body(report: Reporter) -> None:
        # The built package is only needed while the deploy runs.
        with tempfile.TemporaryDirectory(prefix=f"slidegen-{env}-") as build_dir:
            run_deploy(
                dataclasses.replace(options, build_dir=Path(build_dir)),
                report,
                confirm=confirmer(yes),
            )

    run_command(json_output, body)


def register(app: typer.Typer) -> None:
    app.command("deploy")(deploy)
