"""`python -m bench [b1 b4 ...]`: run the named benchmarks (all when none is named).

Each benchmark is a module `bench/<id>_<name>.py` with a `main()` that prints its figures;
the figures and the command go to bench/RESULTS.md by hand, with the date of the run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def _modules() -> dict[str, list[str]]:
    """Benchmark id -> its modules (B7 has two: the store half and the browser half)."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(bench.__path__):
        prefix = info.name.split("_", 1)[0]
        if prefix[:1] == "b" and prefix[1:].isdigit():
            found.setdefault(prefix, []).append(info.name)
    return dict(sorted(found.items(), key=lambda kv: int(kv[0][1:])))


def main(argv: list[str]) -> int:
    available = _modules()
    wanted = [a.lower() for a in argv] or list(available)
    unknown = [w for w in wanted if w not in available]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    for key in wanted:
        for name in available[key]:
            print(f"== {key}: {name}", flush=True)
            # Each benchmark parses its own options from sys.argv: run it with its defaults.
            sys.argv = [f"bench.{name}"]
            importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
