"""The one settings object: read from environment variables and an optional `.env` file.

Every knob the app reads lives here, so that no module below reads `os.environ` itself and no
environment name is hard-coded elsewhere. A bad value stops start-up with one clear line that
names the setting (`SettingsError`), never a traceback.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Environment", "Settings", "SettingsError", "get_settings", "load_settings"]


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SettingsError(ValueError):
    """A setting has a value the app cannot start with; the message names the variable."""


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Settings(BaseSettings):
    """All runtime settings. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    environment: Environment = Field(default=Environment.DEVELOPMENT, alias="ENVIRONMENT")
    log_level: LogLevel = Field(default="INFO", alias="LOG_LEVEL")
    # None: text lines in development (read by people), JSON in production (read by log tools).
    log_format: Literal["json", "text"] | None = Field(default=None, alias="LOG_FORMAT")

    data_dir: Path = Field(default=Path("data"), alias="SLIDEGEN_DATA_DIR")
    # None means "a SQLite file in data_dir"; see `database_url_or_default`.
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, alias="REDIS_URL")
    # PostgreSQL schema holding the store's tables (None: the server's default, "public").
    database_schema: str | None = Field(default=None, alias="DATABASE_SCHEMA")

    # Lakebase (Databricks managed PostgreSQL). Selection and precedence live in
    # slidegen/store/lakebase.py: DATABASE_URL wins, then an autoscaling endpoint, then a
    # provisioned instance, then the PG* variables the Apps runtime injects for an attached
    # database resource (only when running as a Databricks App, so a laptop's PGHOST is ignored).
    lakebase_instance_name: str | None = Field(default=None, alias="LAKEBASE_INSTANCE_NAME")
    lakebase_endpoint: str | None = Field(default=None, alias="LAKEBASE_ENDPOINT")
    lakebase_database: str | None = Field(default=None, alias="LAKEBASE_DATABASE")
    lakebase_token_refresh_margin_s: float = Field(
        default=300.0, gt=0, alias="LAKEBASE_TOKEN_REFRESH_MARGIN_S"
    )
    # Below the ~1 h token lifetime, so no pooled connection outlives the token it logged in with.
    lakebase_pool_recycle_s: int = Field(default=1800, gt=0, alias="LAKEBASE_POOL_RECYCLE_S")
    databricks_app_name: str | None = Field(default=None, alias="DATABRICKS_APP_NAME")
    pghost: str | None = Field(default=None, alias="PGHOST")
    pgport: int = Field(default=5432, gt=0, lt=65536, alias="PGPORT")
    pgdatabase: str | None = Field(default=None, alias="PGDATABASE")
    pguser: str | None = Field(default=None, alias="PGUSER")
    # Lakebase requires TLS; a local stand-in without TLS needs an explicit PGSSLMODE=disable.
    pgsslmode: Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] = Field(
        default="require", alias="PGSSLMODE"
    )
    pgappname: str | None = Field(default=None, alias="PGAPPNAME")

    # Read for the start-up log only; the SDK resolves the workspace itself.
    databricks_host: str | None = Field(default=None, alias="DATABRICKS_HOST")
    serving_endpoint: str = Field(default="databricks-claude-sonnet-4", alias="SERVING_ENDPOINT")
    genie_space_id: str | None = Field(default=None, alias="GENIE_SPACE_ID")
    # Development only: "auto" runs against the built-in demo workspace when the SDK finds no
    # workspace credentials, "on" always does, "off" never does (production never does).
    demo_workspace: Literal["auto", "on", "off"] = Field(default="auto", alias="DEMO_WORKSPACE")
    mlflow_experiment_id: str | None = Field(default=None, alias="MLFLOW_EXPERIMENT_ID")
    mlflow_tracking_uri: str | None = Field(default=None, alias="MLFLOW_TRACKING_URI")

    # Honoured only in development: production identity comes from the Apps proxy headers.
    dev_user_id: str = Field(default="dev-user", alias="DEV_USER_ID")
    dev_user_email: str = Field(default="dev-user@example.com", alias="DEV_USER_EMAIL")
    dev_username: str = Field(default="Dev User", alias="DEV_USERNAME")

    # Agent limits.
    llm_timeout_s: float = Field(default=120.0, alias="LLM_TIMEOUT_S", gt=0)
    llm_max_retries: int = Field(default=3, alias="LLM_MAX_RETRIES", ge=0, le=10)
    genie_timeout_s: float = Field(default=120.0, alias="GENIE_TIMEOUT_S", gt=0)
    # Longest pause between two polls of a Genie message (polling starts fast and backs off).
    genie_poll_max_s: float = Field(default=2.0, alias="GENIE_POLL_MAX_S", gt=0)
    # Caps on what one Genie answer may put in front of the model (rows, characters).
    genie_max_rows: int = Field(default=50, alias="GENIE_MAX_ROWS", ge=1, le=10_000)
    genie_max_chars: int = Field(default=12_000, alias="GENIE_MAX_CHARS", ge=500)
    # A whole generation or edit (all model turns and tool calls) ends by this deadline.
    agent_timeout_s: float = Field(default=600.0, alias="AGENT_TIMEOUT_S", gt=0)
    agent_max_tool_calls: int = Field(default=4, alias="AGENT_MAX_TOOL_CALLS", ge=0, le=20)
    # "outline": plan the deck, ask Genie, then write each slide by its own call in parallel;
    # "single": the whole deck in one model answer (for endpoints that serve one stream).
    generation_mode: Literal["outline", "single"] = Field(
        default="outline", alias="GENERATION_MODE"
    )
    # Slide calls of one generation that run at once (lowered for the run on a 429).
    slide_concurrency: int = Field(default=4, alias="SLIDE_CONCURRENCY", ge=1, le=16)
    # "auto": written slides are measured (in the user's browser, else the server's Chromium
    # when installed) and one that does not fit is rewritten once, then scaled; "off": not.
    auto_fit: Literal["auto", "off"] = Field(default="auto", alias="AUTO_FIT")
    # How long a turn waits for the tab's browser to measure its slides before the server's
    # Chromium measures them (a closed or busy tab, a client that is not a browser).
    fit_browser_timeout_s: float = Field(default=10.0, alias="FIT_BROWSER_TIMEOUT_S", gt=0, le=120)
    # Whether the chat stops at the outline for the user to edit before slides are written
    # (the chat's toggle overrides it per tab).
    outline_review: bool = Field(default=False, alias="OUTLINE_REVIEW")

    # Security (slidegen/server/origins.py, ratelimit.py, export/pdf.py; see SECURITY.md).
    # Origins besides the app's own that may call it with the user's credentials, comma
    # separated; in development `reflex run`'s frontend (localhost:3000) is always allowed.
    allowed_origins: str = Field(default="", alias="ALLOWED_ORIGINS")
    # Generations and edits one user may start per window (0 = no limit).
    rate_limit_turns: int = Field(default=20, alias="RATE_LIMIT_TURNS", ge=0)
    rate_limit_window_s: float = Field(default=600.0, alias="RATE_LIMIT_WINDOW_S", gt=0)
    # Live (not deleted) decks one user may own; creating, importing, copying or restoring one
    # past it is refused (slidegen/service/decks.py; 0 = no limit).
    max_decks_per_user: int = Field(default=500, alias="MAX_DECKS_PER_USER", ge=0)
    # Saved themes one user may keep (slidegen/service/themes.py); at most the store's own
    # cap, `slidegen.store.themes.MAX_USER_THEMES` (50), which holds whatever this says.
    max_themes_per_user: int = Field(default=50, alias="MAX_THEMES_PER_USER", ge=1, le=50)
    # Hard deadline of one server-side PDF export; the page is killed when it passes.
    pdf_export_timeout_s: float = Field(default=45.0, alias="PDF_EXPORT_TIMEOUT_S", gt=0)
    # Bytes of view updates one chat turn may push to its tab before it is stopped.
    turn_max_push_bytes: int = Field(
        default=64 * 1024 * 1024, alias="TURN_MAX_PUSH_BYTES", ge=1024 * 1024
    )
    # A running turn renews its lease this often; a tab whose lease is older than
    # TURN_LEASE_S (its worker died) is no longer shown as generating.
    turn_lease_s: float = Field(default=30.0, alias="TURN_LEASE_S", ge=5)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", "environment", "demo_workspace", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator(
        "log_format",
        "databricks_host",
        "database_url",
        "redis_url",
        "genie_space_id",
        "mlflow_experiment_id",
        "mlflow_tracking_uri",
        "database_schema",
        "lakebase_instance_name",
        "lakebase_endpoint",
        "lakebase_database",
        "databricks_app_name",
        "pghost",
        "pgdatabase",
        "pguser",
        "pgappname",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _default_log_format(self) -> Settings:
        if self.log_format is None:
            self.log_format = "json" if self.is_production else "text"
        return self

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def database_url_or_default(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'slidegen.db').resolve()}"

    @property
    def tracing_enabled(self) -> bool:
        """MLflow tracing only when a tracking server is configured (else it writes mlflow.db)."""
        return bool(self.mlflow_tracking_uri)


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    loc = first.get("loc") or ("?",)
    name = str(loc[0])
    field = Settings.model_fields.get(name)
    env_name = (field.alias if field and field.alias else name).upper()
    value = first.get("input")
    shown = f" (got {value!r})" if isinstance(value, str | int | float) else ""
    return f"invalid setting {env_name}{shown}: {first.get('msg', 'invalid value')}"


def load_settings(**overrides: object) -> Settings:
    """Read settings now; raise `SettingsError` with one line naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests call `get_settings.cache_clear()`."""
    return load_settings()
