"""`slidegen logs`: the app's logs from its log stream (as `databricks apps logs` reads them)."""

from __future__ import annotations

from typing import Annotated

import typer

from slidegen.cli.command_support import EnvOption, ProfileOption, run_command
from slidegen.deployer.client import make_client
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.logs import stream_logs
from slidegen.deployer.report import Reporter


def logs(
    env: EnvOption = "dev",
    profile: ProfileOption = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep streaming.")] = False,
    search: Annotated[str, typer.Option("--search", help="Server-side search term.")] = "",
    tail: Annotated[
        int, typer.Option("--tail", min=0, help="Recent lines to show (0: all).")
    ] = 200,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0, help="Stop following after this many seconds."),
    ] = None,
) -> None:
    """Print the app's recent logs; with --follow, keep printing new lines."""

    def body(report: Reporter) -> None:
        env_file = load_env_file(env)
        stream_logs(
            make_client(profile),
            env_file.name,
            typer.echo,
            follow=follow,
            search=search,
            tail=tail,
            timeout_s=timeout,
        )

    run_command(False, body)


def register(app: typer.Typer) -> None:
    app.command("logs")(logs)
