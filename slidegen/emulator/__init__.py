"""A local emulator of the Databricks REST endpoints slidegen uses (for tests, benchmarks, demos).

Start it in tests with `running_emulator()`; by hand with `python -m slidegen.emulator`.
See `core` for the scripting surface (journal, faults, latency) and `api_*` modules for the APIs.
"""

from slidegen.emulator.core import Emulator, Fault, RecordedRequest, create_app
from slidegen.emulator.server import EmulatorServer, running_emulator

__all__ = [
    "Emulator",
    "EmulatorServer",
    "Fault",
    "RecordedRequest",
    "create_app",
    "running_emulator",
]
