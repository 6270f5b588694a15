"""`python -m slidegen.emulator [--port 8765]`: the emulated workspace, for trying the app by hand.

Point the app at it with DATABRICKS_HOST=http://127.0.0.1:8765 and any DATABRICKS_TOKEN.
"""

from __future__ import annotations

import argparse

import uvicorn

from slidegen.emulator.core import Emulator, create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    emulator = Emulator(latency_s=args.latency_ms / 1000, base_url=f"http://127.0.0.1:{args.port}")
    print(f"Databricks emulator on http://127.0.0.1:{args.port} (any bearer token is accepted)")
    uvicorn.run(create_app(emulator), host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
