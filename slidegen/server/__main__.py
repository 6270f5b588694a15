"""`python -m slidegen.server`: the production server, as the app.yaml command runs it.

It bypasses the Typer CLI on purpose: loading the deploy and generate commands would import the
whole Databricks SDK and add seconds to every cold start. `slidegen serve` is the same server.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from slidegen.server.serve import serve


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m slidegen.server", description=__doc__)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=None, help="[$DATABRICKS_APP_PORT, else 8000]")
    parser.add_argument("--frontend", type=Path, default=None, help="[./frontend]")
    parser.add_argument("--workers", type=int, default=None, help="[1; 2 with REDIS_URL]")
    args = parser.parse_args()
    serve(host=args.host, port=args.port, frontend=args.frontend, workers=args.workers)


if __name__ == "__main__":
    main()
