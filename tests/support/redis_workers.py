"""The packaged app with two Granian workers sharing Reflex state in Redis, for the e2e tests
that drive it over raw websockets (tests/e2e/test_redis_workers.py, test_sharing_socket.py).

Both tests start the app the same way (production mode, the emulator as the workspace, two
workers) and read it back the same way: a state's fields from an update's delta, the stored
decks from the app's own data folder, and, when done, only their own tokens' keys removed from
Redis. Each test module passes a Redis database number of its own so they never share keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.app_server import PackagedApp, PackagedBuild, start_packaged_app

__all__ = ["forget_tokens", "open_app_store", "redis_db_url", "state_delta", "two_worker_app"]


def redis_db_url(base: str, db: int) -> str:
    """`base` (a redis:// URL, with or without a database number) pointing at database `db`."""
    return base.rsplit("/", 1)[0] + f"/{db}" if base.count("/") > 2 else f"{base}/{db}"


@contextmanager
def two_worker_app(
    build: PackagedBuild,
    run_dir: Path,
    *,
    redis_url: str,
    redis_db: int,
    databricks_host: str,
    genie_space: str,
) -> Iterator[PackagedApp]:
    """The packaged app in production mode with two workers on Redis database `redis_db`.

    The app carries the URL it was given as `redis_url`, for the test's own Redis client.
    """
    url = redis_db_url(redis_url, redis_db)
    running = start_packaged_app(
        build,
        run_dir,
        env={
            "ENVIRONMENT": "production",
            "REDIS_URL": url,
            "SLIDEGEN_WORKERS": "2",
            "LOG_LEVEL": "WARNING",
            "DATABRICKS_HOST": databricks_host,
            "DATABRICKS_TOKEN": "app-token",
            "SERVING_ENDPOINT": "slides-endpoint",
            "GENIE_SPACE_ID": genie_space,
        },
    )
    running.redis_url = url  # type: ignore[attr-defined]
    try:
        yield running
    finally:
        running.terminate()


def state_delta(update: dict[str, Any], state_suffix: str) -> dict[str, Any]:
    """The fields of the states whose name ends with `state_suffix` in one websocket update."""
    merged: dict[str, Any] = {}
    for key, value in (update.get("delta") or {}).items():
        if key.endswith(state_suffix):
            merged.update(value)
    return {k.removesuffix("_rx_state_"): v for k, v in merged.items()}


def open_app_store(app: PackagedApp) -> Any:
    """The running app's own store (its data folder sits beside its stdout log); dispose it."""
    from slidegen.config import load_settings
    from slidegen.store import open_store

    return open_store(load_settings(SLIDEGEN_DATA_DIR=str(Path(app.stdout_path).parent / "data")))


async def forget_tokens(redis: Any, tokens: Iterable[str]) -> None:
    """Delete the Redis keys of these client tokens: only what the test itself created."""
    for token in tokens:
        keys = [k async for k in redis.scan_iter(match=f"*{token}*")]
        if keys:
            await redis.delete(*keys)
