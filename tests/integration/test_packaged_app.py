"""The built package, run by its `app.yaml` command as Databricks Apps runs it.

One `slidegen build` per session (the frontend really exported with bun); the app is started
from the package folder with a PATH that holds only `python` (no bun, node or npm), and checked
over HTTP and over Reflex's websocket: pages, health, the request and event log lines, identity
taken from the connection's headers (not the payload), 403 without a user, 503 when the
database is unreachable, and exit within 15 s of SIGTERM with a websocket still open.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.app_server import PackagedApp, PackagedBuild, start_packaged_app
from tests.support.reflex_client import ReflexSocket

pytestmark = pytest.mark.slow

HYDRATE = "reflex___state____state.hydrate"
ADA = {
    "X-Forwarded-User": "ada@example.com",
    "X-Forwarded-Email": "ada@example.com",
    "X-Forwarded-Preferred-Username": "Ada",
    "X-Request-Id": "req-ada-1",
    "X-Forwarded-Access-Token": "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJlLXNpZw",
}


@pytest.fixture(scope="module")
def app(
    packaged_build: PackagedBuild, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PackagedApp]:
    run_dir = tmp_path_factory.mktemp("run")
    started = start_packaged_app(
        packaged_build,
        run_dir,
        {
            "DATABASE_URL": f"sqlite:///{run_dir / 'decks.db'}",
        },
    )
    yield started
    started.terminate()


def _wait_for_log(app: PackagedApp, predicate, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in app.log_lines():
            if predicate(record):
                return record
        time.sleep(0.1)
    raise AssertionError(f"no matching log line; output:\n{app.all_output()[-4000:]}")


def test_the_package_holds_what_the_platform_needs(packaged_build: PackagedBuild) -> None:
    out = packaged_build.out_dir
    manifest = yaml.safe_load((out / "app.yaml").read_text())
    assert set(manifest) == {"command", "env"}
    assert manifest["command"] == ["python", "-m", "slidegen.server"]
    assert {"name": "ENVIRONMENT", "value": "production"} in manifest["env"]
    info = json.loads((out / "DEPLOYMENT_INFO").read_text())
    assert {"version", "git_commit", "git_branch", "built_at"} <= set(info)
    requirements = (out / "requirements.txt").read_text()
    assert "reflex==0.10.1" in requirements and "databricks-sdk==" in requirements
    assert (out / "frontend" / "index.html").is_file()
    assert not (out / "package.json").exists()  # it would trigger npm at deploy
    assert not (out / "slidegen" / "emulator").exists()
    assert all(p.stat().st_size <= 10 * 1024 * 1024 for p in out.rglob("*") if p.is_file())


def test_no_js_tool_is_reachable_by_the_app(app: PackagedApp) -> None:
    path = (app.stdout_path.parent / "python-only-bin").as_posix()
    for tool in ("bun", "node", "npm", "npx"):
        assert shutil.which(tool, path=path) is None
    assert app.healthy_after_s is not None


def test_the_frontend_talks_to_the_port_and_host_that_served_it(app: PackagedApp) -> None:
    index = httpx.get(app.url + "/").text
    env_module = re.search(r"/assets/reflex-env-[\w-]+\.js", index)
    assert env_module, "the index page no longer preloads Reflex's env module"
    source = httpx.get(app.url + env_module.group(0)).text
    assert f"ws://localhost:{app.port}/_event" in source
    assert f"http://localhost:{app.port}/ping" in source
    via_proxy = httpx.get(app.url + env_module.group(0), headers={"Host": "slides.example"}).text
    assert "ws://localhost/_event" in via_proxy  # no port: the default of the page's scheme


def test_serves_the_exported_frontend(app: PackagedApp) -> None:
    index = httpx.get(app.url + "/", headers=ADA)
    assert index.status_code == 200
    assert "<html" in index.text.lower() and "/assets/" in index.text
    asset = index.text.split("/assets/", 1)[1].split('"', 1)[0]
    assert httpx.get(f"{app.url}/assets/{asset}").status_code == 200
    assert httpx.get(app.url + "/no/such/page").status_code == 404


def test_health_reports_version_environment_and_database(app: PackagedApp) -> None:
    response = httpx.get(app.url + "/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["environment"] == "production"
    assert body["version"]
    assert body["checks"]["database"]["status"] == "ok"


def test_api_routes_refuse_requests_without_a_user(app: PackagedApp) -> None:
    response = httpx.get(app.url + "/api/export/some-deck.html")
    assert response.status_code == 403
    assert response.json()["error"] == "not_signed_in"


def test_every_request_is_logged_once_with_its_fields(app: PackagedApp) -> None:
    headers = {**ADA, "X-Request-Id": "req-log-check"}
    assert httpx.get(app.url + "/api/health", headers=headers).status_code == 200
    record = _wait_for_log(
        app, lambda r: r.get("request_id") == "req-log-check" and r.get("message") == "request"
    )
    assert record["method"] == "GET" and record["path"] == "/api/health"
    assert record["status_code"] == 200 and record["duration_ms"] >= 0
    assert record["user_id"] == "ada@example.com"
    assert {"timestamp", "level", "logger"} <= set(record)
    output = app.all_output()
    assert ADA["X-Forwarded-Access-Token"] not in output


def test_websocket_event_round_trip_uses_the_connection_identity(app: PackagedApp) -> None:
    async def scenario() -> dict:
        socket = await ReflexSocket(app.url, headers=ADA).connect()
        try:
            # The payload claims another user: it must not matter.
            await socket.emit_raw(
                {
                    "name": HYDRATE,
                    "payload": {},
                    "router_data": {
                        "pathname": "/",
                        "asPath": "/",
                        "query": {},
                        "headers": {"x-forwarded-user": "mallory@example.com"},
                    },
                }
            )
            return await socket.wait_for(lambda u: bool(u.get("delta")), timeout=15)
        finally:
            await socket.close()

    update = asyncio.run(scenario())
    assert update["delta"]  # the server answered with state over the websocket
    assert ADA["X-Forwarded-Access-Token"] not in json.dumps(update)  # never sent to browsers
    record = _wait_for_log(app, lambda r: r.get("message") == "event" and r.get("event") == HYDRATE)
    assert record["user_id"] == "ada@example.com"
    assert record["duration_ms"] >= 0
    assert "mallory" not in json.dumps([r for r in app.log_lines() if r.get("message") == "event"])


def test_health_is_503_naming_the_database_when_it_is_unreachable(
    packaged_build: PackagedBuild, tmp_path: Path, app: PackagedApp
) -> None:
    app.terminate()  # the builds share one baked port: one app at a time
    broken = start_packaged_app(
        packaged_build,
        tmp_path,
        {
            "DATABASE_URL": "postgresql+psycopg2://nobody@127.0.0.1:9/nothing?connect_timeout=1",
        },
        wait_healthy=False,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(broken.url + "/api/health", timeout=10)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, broken.all_output()
                assert broken.process.poll() is None, broken.all_output()
                time.sleep(0.2)
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "error"
        assert body["failing"] == ["database"]
        assert body["checks"]["database"]["status"] == "error"
    finally:
        broken.terminate()


def test_sigterm_with_an_open_websocket_exits_within_15_s(
    packaged_build: PackagedBuild, tmp_path: Path
) -> None:
    app = start_packaged_app(
        packaged_build, tmp_path, {"DATABASE_URL": f"sqlite:///{tmp_path / 'decks.db'}"}
    )

    async def hold_socket_and_terminate() -> float:
        socket = await ReflexSocket(app.url, headers=ADA).connect()
        await socket.send(HYDRATE)
        await socket.wait_for(lambda u: bool(u.get("delta")), timeout=15)
        seconds = await asyncio.to_thread(app.terminate, 20)
        return seconds

    seconds = asyncio.run(hold_socket_and_terminate())
    assert app.process.returncode == 0, app.all_output()[-2000:]
    assert seconds < 15, f"took {seconds:.1f} s to exit"
