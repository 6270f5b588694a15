"""Listing and reading Genie spaces through the real databricks-sdk against the emulator: as the
user (forwarded token) or as the app, pages followed, a space the user may not read."""

from __future__ import annotations

import asyncio

import pytest
from databricks.sdk.errors import PermissionDenied

from slidegen.emulator.api_genie import publish_space
from slidegen.genie_spaces import genie_access_problem
from slidegen.server.identity import UserContext
from slidegen.service.data_sources import (
    DataSourceError,
    describe_genie_space,
    list_genie_spaces,
)
from slidegen.workspace import token_workspace_client
from tests.integration.agent.conftest import APP_TOKEN, USER_TOKEN


@pytest.fixture
def spaces(emulator):
    emu = emulator.emulator
    publish_space(emu, "space-sales", title="Sales", description="Revenue by region and month")
    publish_space(emu, "space-finance", title="Finance", readers={USER_TOKEN})
    publish_space(emu, "space-ops", title="Operations", readers={APP_TOKEN})
    return emu


def _ids(spaces) -> list[str]:
    return [s.id for s in spaces]


def test_a_user_lists_the_spaces_they_may_use_with_their_own_token(spaces, settings, alice):
    spaces.reset_journal()
    listed = asyncio.run(list_genie_spaces(alice, settings=settings))
    assert _ids(listed) == ["space-finance", "space-sales"]  # by title; Operations is not theirs
    assert listed[1].title == "Sales" and listed[1].description == "Revenue by region and month"
    calls = spaces.requests("GET", r"^/api/2\.0/genie/spaces$")
    assert calls and {r.token for r in calls} == {USER_TOKEN}


def test_without_a_forwarded_token_the_app_lists_as_itself(spaces, settings):
    nobody = UserContext("bob", "bob@example.com", "Bob", "req-2")  # user authorization off
    spaces.reset_journal()
    listed = asyncio.run(list_genie_spaces(nobody, settings=settings))
    assert _ids(listed) == ["space-ops", "space-sales"]
    assert {r.token for r in spaces.requests("GET", r"^/api/2\.0/genie/spaces$")} == {APP_TOKEN}


def test_a_space_the_user_may_not_read_is_403_and_a_clear_sentence(spaces, settings, alice):
    assert asyncio.run(describe_genie_space(alice, "space-finance", settings=settings)).title == (
        "Finance"
    )
    with pytest.raises(DataSourceError) as refused:
        asyncio.run(describe_genie_space(alice, "space-ops", settings=settings))
    message = str(refused.value)
    assert "You may not use the Genie space `space-ops`" in message and "CAN RUN" in message
    assert "Traceback" not in message and "PERMISSION_DENIED" not in message

    # the SDK itself sees the real 403 shape, on the space and on a conversation in it
    w = token_workspace_client(spaces.base_url, USER_TOKEN)
    with pytest.raises(PermissionDenied) as denied:
        w.genie.get_space("space-ops")
    assert denied.value.error_code == "PERMISSION_DENIED"
    with pytest.raises(PermissionDenied):
        w.genie.start_conversation("space-ops", "revenue?")
    assert genie_access_problem(denied.value, "space-ops") == message

    spaces.add_fault(
        r"^GET /api/2\.0/genie/spaces/space-gone$",
        status=404,
        error_code="RESOURCE_DOES_NOT_EXIST",
        message="Genie space space-gone does not exist.",
    )
    with pytest.raises(DataSourceError, match="`space-gone` was not found in this workspace"):
        asyncio.run(describe_genie_space(alice, "space-gone", settings=settings))


def test_every_page_is_followed(spaces, settings, alice):
    for i in range(130):
        publish_space(spaces, f"space-{i:03d}", title=f"Bulk {i:03d}")
    spaces.reset_journal()
    listed = asyncio.run(list_genie_spaces(alice, settings=settings))
    assert len(listed) == 132 and len(set(_ids(listed))) == 132
    pages = spaces.requests("GET", r"^/api/2\.0/genie/spaces$")
    assert len(pages) == 2 and "page_token" in pages[1].query


def test_a_refused_listing_names_the_scope(spaces, settings, alice):
    spaces.add_fault(
        r"^GET /api/2\.0/genie/spaces$",
        status=403,
        error_code="PERMISSION_DENIED",
        message="Provided OAuth token does not have required scopes: dashboards.genie",
    )
    with pytest.raises(DataSourceError, match=r"may lack the dashboards\.genie scope"):
        asyncio.run(list_genie_spaces(alice, settings=settings))


def test_credentials_the_workspace_refuses_are_said_plainly(spaces, settings, alice):
    spaces.accepted_tokens = {APP_TOKEN}  # alice's token expired
    with pytest.raises(DataSourceError, match="did not accept the credentials"):
        asyncio.run(list_genie_spaces(alice, settings=settings))
