"""A user's workspace groups through the real `databricks-sdk` against the emulator's SCIM, on
both paths the app takes: the user's forwarded token (`Me`) and the app's own identity (`Users`
filtered by user name); and the service then opening a deck shared with one of those groups."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from slidegen.config import load_settings
from slidegen.emulator import running_emulator
from slidegen.emulator.api_scim import directory
from slidegen.emulator.server import EmulatorServer
from slidegen.service import Access, DeckService
from slidegen.service.access import workspace_groups
from slidegen.users import UserContext

_ENV = ("DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET", "DATABRICKS_CONFIG_PROFILE")


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[EmulatorServer]:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    with running_emulator() as server:
        monkeypatch.setenv("DATABRICKS_HOST", server.url)
        monkeypatch.setenv("DATABRICKS_TOKEN", "app-token")
        monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))
        people = directory(server.emulator)
        people.add("dana@example.com", ["Design", "Sales EMEA"], token="dana-token")
        people.add("sam@example.com", [], token="sam-token")
        yield server


def _user(email: str, token: str | None) -> UserContext:
    return UserContext(f"id-{email}", email, email.split("@")[0], "r", access_token=token)


def test_groups_from_the_users_own_token_read_me(emulator: EmulatorServer) -> None:
    settings = load_settings()
    groups = workspace_groups(_user("dana@example.com", "dana-token"), settings)
    assert groups == frozenset({"users", "Design", "Sales EMEA"})
    seen = [r for r in emulator.emulator.requests() if r.path.endswith("/scim/v2/Me")]
    assert seen and seen[-1].token == "dana-token"


def test_groups_as_the_app_look_the_user_up_by_name(emulator: EmulatorServer) -> None:
    settings = load_settings()
    assert workspace_groups(_user("DANA@example.com", None), settings) == frozenset(
        {"users", "Design", "Sales EMEA"}
    )
    assert workspace_groups(_user("sam@example.com", None), settings) == frozenset({"users"})
    assert workspace_groups(_user("nobody@example.com", None), settings) == frozenset()
    listed = [r for r in emulator.emulator.requests() if r.path.endswith("/scim/v2/Users")]
    assert listed and all(r.token == "app-token" for r in listed)


def test_a_token_without_the_scope_falls_back_to_the_apps_lookup(
    emulator: EmulatorServer,
) -> None:
    emulator.emulator.add_fault(
        r"GET /api/2.0/preview/scim/v2/Me",
        status=403,
        error_code="PERMISSION_DENIED",
        message="Provided OAuth token does not have required scopes",
    )
    groups = workspace_groups(_user("dana@example.com", "dana-token"), load_settings())
    assert groups == frozenset({"users", "Design", "Sales EMEA"})
    listed = [r for r in emulator.emulator.requests() if r.path.endswith("/scim/v2/Users")]
    assert listed and listed[-1].token == "app-token"


def test_a_group_grant_opens_the_deck_to_a_member_only(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    from slidegen.store import open_store

    store = open_store(load_settings(SLIDEGEN_DATA_DIR=str(tmp_path)))
    try:
        service = DeckService(lambda: store, access=Access())
        owner = _user("olga@example.com", None)

        async def scenario() -> tuple[object, object]:
            record = await service.create(owner, "Quarterly")
            assert (await service.share(owner, record.deck.id, "group", "Design", "viewer")).done
            member = await service.open(_user("dana@example.com", "dana-token"), record.deck.id)
            outsider = await service.open(_user("sam@example.com", "sam-token"), record.deck.id)
            return member, outsider

        member, outsider = asyncio.run(scenario())
        assert member is not None and outsider is None
    finally:
        store.dispose()
