"""The Apps auth trap: a token and OAuth client credentials both in the environment."""

from __future__ import annotations

import pytest

from slidegen.agent.model import app_workspace_client, user_workspace_client
from slidegen.config import load_settings

from .conftest import APP_TOKEN


@pytest.fixture
def both_credentials(emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "sp-client-id")
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "sp-secret")


def test_sdk_alone_refuses_the_mix(both_credentials) -> None:
    from databricks.sdk import WorkspaceClient

    with pytest.raises(ValueError, match="more than one authorization method"):
        WorkspaceClient()


def test_outside_an_app_the_token_is_used(both_credentials, emulator) -> None:
    client = app_workspace_client(load_settings())
    assert client.config.auth_type == "pat"
    client.api_client.do("GET", "/api/2.0/preview/scim/v2/Me")
    assert emulator.emulator.requests(path_regex="scim/v2/Me")[-1].token == APP_TOKEN


def test_inside_an_app_the_service_principal_is_used(both_credentials) -> None:
    client = app_workspace_client(load_settings(databricks_app_name="slidegen-dev"))
    assert client.config.auth_type == "oauth-m2m"


def test_an_explicit_auth_type_is_honoured(both_credentials, monkeypatch) -> None:
    monkeypatch.setenv("DATABRICKS_AUTH_TYPE", "pat")
    assert app_workspace_client(load_settings(databricks_app_name="x")).config.auth_type == "pat"


def test_the_users_client_uses_only_the_users_token(both_credentials, emulator) -> None:
    settings = load_settings()
    user = user_workspace_client(app_workspace_client(settings), "user-tok", settings)
    user.api_client.do("GET", "/api/2.0/preview/scim/v2/Me")
    assert user.config.auth_type == "pat"
    assert emulator.emulator.requests(path_regex="scim/v2/Me")[-1].token == "user-tok"
    with pytest.raises(ValueError, match="empty"):
        user_workspace_client(app_workspace_client(settings), " ", settings)
