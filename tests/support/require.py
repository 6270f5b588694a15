"""Skip a test whose service or tool is missing, except in CI (SLIDEGEN_REQUIRE_SERVICES=1),
where a test that cannot run is a failure rather than a silent skip."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

__all__ = ["missing"]


def missing(what: str) -> NoReturn:
    message = f"{what} is not available"
    if os.environ.get("SLIDEGEN_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " and SLIDEGEN_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)
