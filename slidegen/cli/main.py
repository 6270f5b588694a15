"""The Typer app behind `slidegen`: every command, listed here in the order `--help` shows them.

Each `cmd_<name>.py` beside this module holds one thin command (its options, then a call into
the deployer, the service or the server) and exposes `register(app)`.
"""

from __future__ import annotations

import typer

from slidegen.cli import (
    cmd_build,
    cmd_bundle,
    cmd_delete,
    cmd_deploy,
    cmd_generate,
    cmd_logs,
    cmd_rollback,
    cmd_serve,
    cmd_status,
)

app = typer.Typer(
    name="slidegen",
    help="slidegen: build, run and deploy the AI slide generator as a Databricks App.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

COMMANDS = (
    cmd_build,
    cmd_bundle,
    cmd_delete,
    cmd_deploy,
    cmd_generate,
    cmd_logs,
    cmd_rollback,
    cmd_serve,
    cmd_status,
)
for _command in COMMANDS:
    _command.register(app)
