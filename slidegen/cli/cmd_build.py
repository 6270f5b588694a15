"""`slidegen build`: assemble the deployable package; prints its folder as the last line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slidegen.cli.command_support import NoCacheOption
from slidegen.deployer.packaging import BuildError, build_package


def build(
    env: Annotated[
        str, typer.Option("--env", help="Target environment (deploy/<env>.yaml).")
    ] = "dev",
    out: Annotated[Path | None, typer.Option("--out", help="Output folder [build/<env>].")] = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Export the frontend and assemble code, app.yaml, requirements.txt and DEPLOYMENT_INFO."""
    try:
        result = build_package(env, out, app_yaml_env=_env_overrides(env), use_cache=not no_cache)
    except BuildError as error:
        typer.echo(f"build failed: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"built {len(result.files)} files (commit {result.info['git_commit'][:12]}, "
        f"frontend {result.frontend})",
        err=True,
    )
    typer.echo(str(result.out_dir))


def _env_overrides(env: str) -> dict[str, object]:
    """The `env` entries of deploy/<env>.yaml, merged into the package's app.yaml."""
    from slidegen.deployer.envfile import EnvFileError, load_env_file

    try:
        return dict(load_env_file(env).app_env())
    except EnvFileError as error:
        typer.echo(f"build failed: {error}", err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    app.command("build")(build)
