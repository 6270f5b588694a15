"""`slidegen status`: the app's state, URL, deployments (with their git commit) and permissions."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from slidegen.cli.command_support import EnvOption, JsonOption, ProfileOption, run_command
from slidegen.deployer.client import make_client
from slidegen.deployer.envfile import load_env_file
from slidegen.deployer.operations import app_status
from slidegen.deployer.report import Reporter, RichReporter


def _show(status: dict, console: Console) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("app", status["app"])
    table.add_row("url", status["url"] or "-")
    table.add_row("compute", f"{status['compute']['state']} {status['compute']['message'] or ''}")
    table.add_row("status", f"{status['status']['state']} {status['status']['message'] or ''}")
    for key in ("active_deployment", "pending_deployment"):
        d = status[key]
        if d:
            commit = (d["git_commit"] or "unknown")[:12]
            table.add_row(
                key.replace("_", " "),
                f"{d['id']} {d['state']} {d['created'] or ''} commit {commit}"
                + (f" - {d['message']}" if d["state"] == "FAILED" else ""),
            )
    db = status.get("database")
    if db:
        where = f"{db['instance']}/{db['database']}" + (
            f" schema {db['schema']}" if db["schema"] else ""
        )
        table.add_row(
            "database",
            f"Lakebase {where} " + (f"({db['state']})" if db["attached"] else "(not attached)"),
        )
    for p in status["permissions"]:
        table.add_row(
            "permission",
            f"{p['principal']}: {p['level']}" + (" (inherited)" if p["inherited"] else ""),
        )
    console.print(table)


def status(
    env: EnvOption = "dev", profile: ProfileOption = None, json_output: JsonOption = False
) -> None:
    """Show the environment's app: state, URL, active and pending deployment, permissions."""

    def body(report: Reporter) -> None:
        env_file = load_env_file(env)
        result = app_status(make_client(profile), env_file)
        report.set(**result)
        if isinstance(report, RichReporter):
            _show(result, Console())

    run_command(json_output, body)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
