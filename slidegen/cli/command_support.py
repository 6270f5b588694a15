"""What the deploy-family commands share on the command line: their Typer options, asking for
confirmation, and turning a failure into a message and an exit.

Which failures are expected, and their exit codes, is the deployer's rule
(`slidegen.deployer.failures`); `run_command` prints the outcome (rich or JSON) and exits.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer

from slidegen.deployer.failures import NotConfirmed, exit_for
from slidegen.deployer.report import JsonReporter, Reporter, RichReporter

__all__ = [
    "EnvOption",
    "JsonOption",
    "NoCacheOption",
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
NoCacheOption = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Export the frontend even if the export cache holds one of the same sources.",
    ),
]


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


def run_command(json_output: bool, body: Callable[[Reporter], None]) -> None:
    """Run `body`, print the outcome (rich or JSON), exit non-zero on failure."""
    report: Reporter = JsonReporter() if json_output else RichReporter()
    code = 0
    error: str | None = None
    try:
        body(report)
    except (Exception, KeyboardInterrupt) as failure:
        outcome = exit_for(failure)
        if outcome is None:
            raise
        code, error = outcome
    report.finish(ok=code == 0, error=error)
    if code:
        raise typer.Exit(code)
