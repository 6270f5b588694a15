"""`slidegen delete`: delete the environment's app, and with --files its workspace folder."""

from __future__ import annotations

from typing import Annotated

import typer

from slidegen.cli.command_support import (
    EnvOption,
    JsonOption,
    ProfileOption,
    YesOption,
    confirmer,
    run_command,
)
from slidegen.deployer import apps
from slidegen.deployer.client import make_client
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.operations import delete_app
from slidegen.deployer.report import Reporter


def delete(
    env: EnvOption = "dev",
    profile: ProfileOption = None,
    files: Annotated[
        bool, typer.Option("--files", help="Also remove the workspace folder.")
    ] = False,
    yes: YesOption = False,
    json_output: JsonOption = False,
) -> None:
    """Delete the app (and with --files its uploaded files)."""

    def body(report: Reporter) -> None:
        env_file = load_env_file(env)
        w = make_client(profile)
        folder = env_file.folder(w.current_user.me().user_name or "")
        what = f"app {env_file.name}" + (f" and {folder}" if files else "")
        confirmer(yes)(f"Delete {what}?")
        with report.step("delete", f"Delete {what}"):
            report.set(
                env=env,
                app=env_file.name,
                folder=folder,
                deleted=delete_app(w, env_file, folder, apps.Waits(), report.info, files=files),
            )

    run_command(json_output, body)


def register(app: typer.Typer) -> None:
    app.command("delete")(delete)
