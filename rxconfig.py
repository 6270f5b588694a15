"""Reflex configuration: names the app and picks the state manager from settings."""

import sys

import reflex as rx

from slidegen.config import SettingsError, get_settings

try:
    _settings = get_settings()
except SettingsError as error:  # one clear line, not a traceback
    print(f"slidegen: {error}", file=sys.stderr)
    raise SystemExit(2) from None

config = rx.Config(
    app_name="slidegen",
    show_built_with_reflex=False,
    telemetry_enabled=False,
    # The store is the source of truth (ARCHITECTURE.md): tab state can always be rebuilt from
    # it, so without Redis an in-memory manager is enough; with Redis, several workers share it.
    state_manager_mode="redis" if _settings.redis_url else "memory",
    redis_url=_settings.redis_url,
    plugins=[
        rx.plugins.RadixThemesPlugin(),
        rx.plugins.SitemapPlugin(),
        rx.plugins.TailwindV4Plugin(),
    ],
)
