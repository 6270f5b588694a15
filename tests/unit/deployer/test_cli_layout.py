"""The command line is thin: `cli/main.py` lists every command module, and the package-building
code lives in the deployer, not in `cli/`."""

from __future__ import annotations

from pathlib import Path

import slidegen.cli
from slidegen.cli.main import COMMANDS, app

CLI = Path(slidegen.cli.__file__).parent


def test_every_command_module_is_listed_in_main() -> None:
    on_disk = {p.stem for p in CLI.glob("cmd_*.py")}
    listed = {m.__name__.rpartition(".")[2] for m in COMMANDS}
    assert listed == on_disk
    names = {c.name for c in app.registered_commands}
    assert {"build", "deploy", "generate", "serve", "status"} <= names


def test_cli_holds_only_commands_and_their_options() -> None:
    others = {p.name for p in CLI.glob("*.py") if not p.name.startswith("cmd_")}
    assert others == {"__init__.py", "main.py", "command_support.py"}
