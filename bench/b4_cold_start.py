"""B4 cold start: from the app.yaml command to `/api/health` answering 200.

Builds the real package once (frontend exported), then starts its `app.yaml` command N times
from the package folder with a PATH that holds only `python` (no JS toolchain), each time with
a fresh SQLite database, and reports the median and spread of the time to the first 200.
Target (BENCHMARKS.md): < 8 s median on this machine.

Run: `scripts/dev bench b4` or `python -m bench.b4_cold_start [--runs N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.app_server import build_once, start_packaged_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv if argv is not None else [])
    with tempfile.TemporaryDirectory(prefix="slidegen-b4-") as tmp:
        root = Path(tmp)
        build = build_once(root, env="bench")
        times = []
        for i in range(args.runs):
            run_dir = root / f"run{i}"
            app = start_packaged_app(
                build, run_dir, {"DATABASE_URL": f"sqlite:///{run_dir / 'decks.db'}"}, timeout=120
            )
            assert app.healthy_after_s is not None
            times.append(app.healthy_after_s)
            app.terminate()
        print(
            f"B4 cold start to healthy /api/health over {args.runs} runs: "
            f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
            f"max {max(times):.2f} s (target < 8 s)"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
