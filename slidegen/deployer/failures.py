"""Which failures of the deploy tool are expected, and the exit code and message each gets.

Kept free of Typer so that anything driving the deployer (the command line in `slidegen.cli`,
a script, a test) classifies failures the same way: 2 for bad input or missing auth, 1 for a
failure on the workspace side or a failed build, 130 when interrupted. API errors show their
error code.
"""

from __future__ import annotations

from databricks.sdk.errors import DatabricksError

from slidegen.deployer.apps import DeploymentFailed, VerifyFailed
from slidegen.deployer.client import AuthNotConfigured, describe_error
from slidegen.deployer.envfile import DatabaseDeployError, EnvFileError
from slidegen.deployer.logs import LogsUnavailable
from slidegen.deployer.manifest import PackageTooLargeError
from slidegen.deployer.operations import AppNotFound, RollbackError
from slidegen.deployer.packaging import BuildError
from slidegen.deployer.uploader import UploadError
from slidegen.polling import WaitTimeout

__all__ = ["BAD_INPUT", "REMOTE", "NotConfirmed", "exit_for"]


class NotConfirmed(RuntimeError):
    """A destructive action was not confirmed."""


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


def exit_for(failure: BaseException) -> tuple[int, str] | None:
    """The exit code and message for an expected failure; None for anything else (a bug)."""
    if isinstance(failure, BAD_INPUT):
        return 2, str(failure)
    if isinstance(failure, REMOTE):
        return 1, describe_error(failure)
    if isinstance(failure, KeyboardInterrupt):
        return 130, "interrupted"
    if isinstance(failure, BuildError):
        return 1, f"build failed: {failure}"
    return None
