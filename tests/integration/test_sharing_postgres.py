"""The store's sharing tests on the local PostgreSQL (a fresh schema each; see
tests/unit/store/test_sharing.py), including migration 0003 up and down."""

from __future__ import annotations

import pytest

from slidegen.config import Settings, load_settings
from tests.unit.store import test_sharing as suite

pytestmark = pytest.mark.postgres

globals().update({name: value for name, value in vars(suite).items() if name.startswith("test_")})
store = suite.store


@pytest.fixture
def store_settings(postgres_url: str, postgres_schema: str) -> Settings:
    return load_settings(DATABASE_URL=postgres_url, DATABASE_SCHEMA=postgres_schema)
