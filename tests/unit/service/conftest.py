"""Fixtures of the service tests: a real SQLite store in the test's own folder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def store(tmp_path: Any) -> Iterator[Any]:
    from slidegen.config import load_settings
    from slidegen.store import open_store

    st = open_store(load_settings(SLIDEGEN_DATA_DIR=str(tmp_path)))
    yield st
    st.dispose()
