"""The `slidegen` command-line interface (Typer). Commands live in `cmd_*.py` modules."""
