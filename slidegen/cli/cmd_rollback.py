"""`slidegen rollback`: redeploy the previous successful deployment's snapshot, then verify."""

from __future__ import annotations

from typing import Annotated

import typer

from slidegen.cli.command_support import EnvOption, JsonOption, ProfileOption, run_command
from slidegen.deployer import apps
from slidegen.deployer.client import make_client
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.operations import rollback as do_rollback
from slidegen.deployer.report import Reporter


def rollback(
    env: EnvOption = "dev",
    profile: ProfileOption = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Deployment id to restore (default: the one before the active one)."
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Restore an earlier successful deployment of the environment's app."""

    def body(report: Reporter) -> None:
        env_file = load_env_file(env)
        w = make_client(profile)
        waits = apps.Waits()
        report.set(env=env, app=env_file.name)
        with report.step("rollback", "Redeploy the earlier snapshot"):
            deployment = do_rollback(w, env_file, waits, report.info, to=to)
            report.set(
                deployment_id=deployment.deployment_id, restored_from=deployment.source_code_path
            )
        with report.step("verify", "Verify the app answers"):
            checked = apps.verify(w, env_file.name, waits, report.info)
            report.set(url=checked.url)

    run_command(json_output, body)


def register(app: typer.Typer) -> None:
    app.command("rollback")(rollback)
