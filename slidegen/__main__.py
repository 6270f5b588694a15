"""`python -m slidegen …` runs the `slidegen` command (app.yaml uses it; nothing is installed)."""

from slidegen.cli.main import app

if __name__ == "__main__":
    app(prog_name="slidegen")
