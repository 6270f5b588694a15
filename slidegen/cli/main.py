"""The Typer app behind `slidegen`. Each `cmd_<name>.py` module beside this one exposes
`register(app)`, so adding a command never edits this file."""

from __future__ import annotations

import importlib
import pkgutil

import typer

import slidegen.cli as _package

app = typer.Typer(
    name="slidegen",
    help="slidegen: build, run and deploy the AI slide generator as a Databricks App.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

for _info in sorted(pkgutil.iter_modules(_package.__path__), key=lambda m: m.name):
    if _info.name.startswith("cmd_"):
        importlib.import_module(f"slidegen.cli.{_info.name}").register(app)
