"""`python -m slidegen …` is the `slidegen` command (used by app.yaml, where nothing is installed)."""

from slidegen.cli.main import app

if __name__ == "__main__":
    app(prog_name="slidegen")
