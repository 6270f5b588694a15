"""`slidegen bundle`: write a databricks.yml equivalent to deploy/<env>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slidegen.cli.command_support import EnvOption, run_command
from slidegen.deployer.bundle import render_bundle
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.report import Reporter


def bundle(
    env: EnvOption = "dev",
    out: Annotated[
        str, typer.Option("--out", help="File to write, or '-' for stdout.")
    ] = "databricks.yml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a Databricks Asset Bundle (resources.apps) for teams using the Databricks CLI."""

    def body(report: Reporter) -> None:
        text = render_bundle(env, load_env_file(env))
        if out == "-":
            typer.echo(text, nl=False)
            return
        target = Path(out)
        if target.exists() and not force:
            raise typer.BadParameter(f"{target} exists; pass --force to overwrite it")
        target.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {target}", err=True)

    run_command(False, body)


def register(app: typer.Typer) -> None:
    app.command("bundle")(bundle)
