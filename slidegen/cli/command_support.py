"""What the deploy-family commands share: options, confirmation, and turning errors into exits.

`run_command` runs a command body with a reporter (rich or JSON) and maps every expected
failure to one readable message and an exit code: 2 for bad input or missing auth, 1 for a
failure on the workspace side, 130 when interrupted. API errors show their error code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer
from databricks.sdk.errors import DatabricksError

from slidegen.deployer.apps import DeploymentFailed, VerifyFailed, WaitTimeout
from slidegen.deployer.client import AuthNotConfigured, describe_error
from slidegen.deployer.envfile import DatabaseDeployError, EnvFileError
from slidegen.deployer.logs import LogsUnavailable
from slidegen.deployer.manifest import PackageTooLargeError
from slidegen.deployer.operations import AppNotFound, RollbackError
from slidegen.deployer.report import JsonReporter, Reporter, RichReporter
from slidegen.deployer.uploader import UploadError

__all__ = [
    "EnvOption",
    "JsonOption",
    "NotConfirmed",
    "ProfileOption",
    "YesOption",
    "confirmer",
    "run_command",
]

EnvOption = Annotated[str, typer.Option("--env", "-e", help="Environment: deploy/<env>.yaml.")]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile", "-p", help="Profile of ~/.databrickscfg (default: environment variables)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document (for scripts).")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


class NotConfirmed(RuntimeError):
    """A destructive action was not confirmed."""


def confirmer(yes: bool) -> Callable[[str], None]:
    """Asks on a terminal; without one, only `--yes` lets a destructive action through."""

    def confirm(question: str) -> None:
        if yes:
            return
        if not sys.stdin.isatty():
            raise NotConfirmed(f"{question} — refusing without a terminal; pass --yes")
        if not typer.confirm(question, default=False, err=True):
            raise NotConfirmed("cancelled; nothing was changed")

    return confirm


BAD_INPUT = (EnvFileError, AuthNotConfigured, PackageTooLargeError, NotConfirmed)
REMOTE = (
    DatabricksError,
    DeploymentFailed,
    VerifyFailed,
    WaitTimeout,
    UploadError,
    RollbackError,
    AppNotFound,
    LogsUnavailable,
    DatabaseDeployError,
)


def run_command(json_output: bool, body: Callable[[Reporter], None]) -> None:
    """Run `body`, print the outcome (rich or JSON), exit non-zero on failure."""
    report: Reporter = JsonReporter() if json_output else RichReporter()
    code = 0
    error: str | None = None
    try:
        body(report)
    except BAD_INPUT as failure:
        code, error = 2, str(failure)
    except REMOTE as failure:
        code, error = 1, describe_error(failure)
    except KeyboardInterrupt:
        code, error = 130, "interrupted"
    except Exception as failure:  # the build step raises the builder's BuildError, among others
        if type(failure).__name__ != "BuildError":
            raise
        code, error = 1, f"build failed: {failure}"
    report.finish(ok=code == 0, error=error)
    if code:
        raise typer.Exit(code)
