"""`python -m slidegen.emulator [--port 8765]`: the emulated workspace, for trying the app by hand.

Point the app at it with DATABRICKS_HOST=http://127.0.0.1:8765 and any DATABRICKS_TOKEN. The
model answers as fast as it can unless paced like a real endpoint: `--tokens-per-s 60
--ttft-s 0.8` for every stream, `--max-concurrent 2` for a 429 beyond two calls in flight.
"""

from __future__ import annotations

import argparse

import uvicorn

from slidegen.emulator.core import Emulator, create_app
from slidegen.emulator.scripts import model_script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--tokens-per-s", type=float, default=0.0)
    parser.add_argument("--ttft-s", type=float, default=0.0)
    parser.add_argument("--max-concurrent", type=int, default=None)
    args = parser.parse_args()
    emulator = Emulator(latency_s=args.latency_ms / 1000, base_url=f"http://127.0.0.1:{args.port}")
    try:
        model_script(emulator).pace(
            tokens_per_s=args.tokens_per_s, ttft_s=args.ttft_s, max_concurrent=args.max_concurrent
        )
    except ValueError as error:
        parser.error(str(error))
    print(f"Databricks emulator on http://127.0.0.1:{args.port} (any bearer token is accepted)")
    uvicorn.run(create_app(emulator), host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
