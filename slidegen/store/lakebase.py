"""The store on Lakebase (Databricks managed PostgreSQL), logged in with rotating OAuth tokens.

Lakebase has no static password: a PostgreSQL login's password is a short-lived (about 1 h)
OAuth token minted for the caller's Databricks identity by `generate_database_credential` —
`w.database` for a provisioned instance, `w.postgres` for an autoscaling endpoint. The engine
made here therefore:
- asks `CredentialCache` for the password in a SQLAlchemy `do_connect` event, i.e. only when
  the pool opens a new connection; the cache mints a token on first use and again once the
  current one is within `LAKEBASE_TOKEN_REFRESH_MARGIN_S` of expiry, so no connection is ever
  attempted with an expired token and nothing restarts at the hour mark. If minting fails while
  the cached token is still valid, the cached token is used (and a warning logged): a brief
  workspace API hiccup never fails a user's request;
- recycles pooled connections after `LAKEBASE_POOL_RECYCLE_S` (below the token lifetime) and
  pings them before use (`pool_pre_ping`), so connections the server dropped are replaced;
- connects with `sslmode=require` unless PGSSLMODE says otherwise (the local stand-in has no
  TLS); a weaker mode is refused in production.

Selection (`lakebase_target`): DATABASE_URL, when set, always wins and is not Lakebase. Then
LAKEBASE_ENDPOINT (autoscaling), then LAKEBASE_INSTANCE_NAME (provisioned), then the PG*
variables the Apps runtime injects for an attached database resource (PGHOST, PGPORT,
PGDATABASE, PGUSER, PGSSLMODE, PGAPPNAME) — those only count inside a Databricks App
(DATABRICKS_APP_NAME set), so a developer's unrelated PGHOST never redirects the store. The
runtime does not inject the instance name, so PG*-only configuration finds the instance whose
`read_write_dns` is PGHOST; the deploy tool wires LAKEBASE_INSTANCE_NAME explicitly.

Identity is the SDK's unified auth (`slidegen.workspace.app_workspace_client`). Inside an app
the runtime sets DATABRICKS_CLIENT_ID/SECRET; if DATABRICKS_TOKEN is set as well, the SDK refuses
with "more than one authorization method": we then choose the app's service principal
(oauth-m2m) explicitly.
The PostgreSQL role is PGUSER, else the service principal's client id (the role Databricks
creates when the database is attached to the app), else the current user's name.

Tokens never reach a log line: `Credential` hides its token from `repr`, we never log it, and
the shared redaction filter (`slidegen.redaction`), put on the `databricks.sdk` logger and told
each minted token, scrubs them from the SDK's own DEBUG request/response dumps (which mask some
fields but print `token`, truncated).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from databricks.sdk import WorkspaceClient

from slidegen.config import Settings
from slidegen.redaction import install_redaction, remember_secret
from slidegen.workspace import app_workspace_client

__all__ = [
    "DEFAULT_DATABASE",
    "Credential",
    "CredentialCache",
    "LakebaseError",
    "LakebaseTarget",
    "create_lakebase_engine",
    "credentials_of",
    "lakebase_target",
    "minter_for",
]

log = logging.getLogger(__name__)

DEFAULT_DATABASE = "databricks_postgres"  # the database every Lakebase instance starts with
# Lakebase documents one hour; used only when a credential comes back without an expiry.
ASSUMED_TOKEN_LIFETIME_S = 3600.0
_INSECURE_SSLMODES = frozenset({"disable", "allow", "prefer"})


class LakebaseError(RuntimeError):
    """Lakebase is selected but cannot be used; the message says what to fix (never a token)."""


@dataclass(frozen=True)
class LakebaseTarget:
    """Where the store lives, from settings alone (no network)."""

    kind: Literal["instance", "endpoint"]
    name: str | None  # instance name / endpoint resource path; None: find the instance by PGHOST
    database: str
    host: str | None
    port: int
    user: str | None
    sslmode: str
    application_name: str | None

    def describe(self) -> str:
        where = self.name or f"instance at {self.host}"
        label = "Lakebase endpoint" if self.kind == "endpoint" else "Lakebase instance"
        return f"{label} {where!r}, database {self.database!r}"


def lakebase_target(settings: Settings) -> LakebaseTarget | None:
    """The Lakebase the settings select, or None when the store is SQLite or a plain URL."""
    if settings.database_url:
        return None
    in_app = bool(settings.databricks_app_name)
    from_runtime = bool(settings.pghost) and in_app
    if settings.lakebase_endpoint:
        kind, name = "endpoint", settings.lakebase_endpoint
    elif settings.lakebase_instance_name:
        kind, name = "instance", settings.lakebase_instance_name
    elif from_runtime:
        kind, name = "instance", None
    else:
        return None
    # Once Lakebase is selected, PG* values refine it (as they would for libpq itself): inside
    # an app they describe the attached resource and spare a workspace round trip.
    return LakebaseTarget(
        kind=kind,  # type: ignore[arg-type]
        name=name,
        database=settings.lakebase_database or settings.pgdatabase or DEFAULT_DATABASE,
        host=settings.pghost,
        port=settings.pgport,
        user=settings.pguser,
        sslmode=settings.pgsslmode,
        application_name=settings.pgappname or settings.databricks_app_name or "slidegen",
    )


# --- credentials ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credential:
    token: str = field(repr=False)
    expires_at: float  # epoch seconds


def _epoch(value: str | None, default: float) -> float:
    if not value:
        return default
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC).timestamp()


def minter_for(
    target: LakebaseTarget,
    w: WorkspaceClient,
    instance_name: str | None = None,
    clock: Callable[[], float] = time.time,
) -> Callable[[], Credential]:
    """A function that mints one fresh credential for `target` through the SDK."""
    # Before the first call: the SDK logs the response (token included) inside the call.
    install_redaction("databricks.sdk")
    if target.kind == "endpoint":
        endpoint = target.name or ""

        def mint_endpoint() -> Credential:
            cred = w.postgres.generate_database_credential(endpoint=endpoint)
            expiry = (
                cred.expire_time.ToDatetime(tzinfo=UTC).timestamp()
                if cred.expire_time
                else clock() + ASSUMED_TOKEN_LIFETIME_S
            )
            return _checked(cred.token, expiry)

        return mint_endpoint

    names = [instance_name or target.name or ""]

    def mint_instance() -> Credential:
        cred = w.database.generate_database_credential(
            instance_names=names, request_id=str(uuid.uuid4())
        )
        return _checked(
            cred.token, _epoch(cred.expiration_time, clock() + ASSUMED_TOKEN_LIFETIME_S)
        )

    return mint_instance


def _checked(token: str | None, expires_at: float) -> Credential:
    if not token:
        raise LakebaseError("generate_database_credential returned no token")
    remember_secret(token)
    return Credential(token=token, expires_at=expires_at)


class CredentialCache:
    """The current Lakebase token, minted lazily and again before it expires. Thread-safe.

    Minting happens under the lock, so a burst of new connections at the refresh moment makes
    one workspace call, not one per connection.
    """

    def __init__(
        self,
        mint: Callable[[], Credential],
        *,
        refresh_margin_s: float,
        clock: Callable[[], float] = time.time,
        retry_interval_s: float = 10.0,
    ) -> None:
        self._mint = mint
        self._margin = refresh_margin_s
        self._clock = clock
        self._retry_interval = retry_interval_s
        self._lock = threading.Lock()
        self._current: Credential | None = None
        self._next_attempt = float("-inf")
        self.mint_count = 0

    @property
    def expires_at(self) -> float | None:
        return self._current.expires_at if self._current else None

    def token(self) -> str:
        """A token valid now and, unless minting failed, for at least the refresh margin."""
        with self._lock:
            now = self._clock()
            current = self._current
            still_valid = current is not None and now < current.expires_at
            if current is not None and now < current.expires_at - self._margin:
                return current.token
            if current is not None and still_valid and now < self._next_attempt:
                return current.token  # a refresh just failed: don't hammer the workspace
            try:
                fresh = self._mint()
            except Exception as error:
                if current is not None and still_valid:
                    self._next_attempt = now + self._retry_interval
                    log.warning(
                        "could not refresh the Lakebase credential (%s); the current one "
                        "stays in use until %s",
                        _reason(error),
                        _iso(current.expires_at),
                    )
                    return current.token
                raise LakebaseError(
                    f"could not get a Lakebase credential: {_reason(error)}"
                ) from None
            self._current = fresh
            self.mint_count += 1
            log.info("Lakebase credential refreshed; valid until %s", _iso(fresh.expires_at))
            return fresh.token


def _iso(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s, UTC).isoformat(timespec="seconds")


def _reason(error: BaseException) -> str:
    # SDK errors carry the API's error message (no secrets); keep it to one line.
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:300]


# --- engine -------------------------------------------------------------------------------------


_CACHES: weakref.WeakKeyDictionary[sa.Engine, CredentialCache] = weakref.WeakKeyDictionary()


def credentials_of(engine: sa.Engine) -> CredentialCache | None:
    """The credential cache behind a Lakebase engine (None for any other engine)."""
    return _CACHES.get(engine)


@dataclass(frozen=True)
class _Resolved:
    host: str
    user: str
    instance_name: str | None


def _resolve(target: LakebaseTarget, w: WorkspaceClient) -> _Resolved:
    """Host, PostgreSQL role and instance name, asking the workspace only for what is missing."""
    instance_name = target.name if target.kind == "instance" else None
    host = target.host
    if target.kind == "endpoint":
        if host is None:
            endpoint = w.postgres.get_endpoint(name=target.name or "")
            hosts = endpoint.status.hosts if endpoint.status else None
            host = hosts.host if hosts else None
    elif instance_name is None:
        instance_name = _instance_by_host(w, host or "")
    elif host is None:
        instance = w.database.get_database_instance(name=instance_name)
        host = instance.read_write_dns
        if not host:
            state = instance.state.value if instance.state else "unknown"
            raise LakebaseError(
                f"Lakebase instance {instance_name!r} has no host yet (state {state})"
            )
    if not host:
        raise LakebaseError(f"no host for {target.describe()}")
    return _Resolved(host=host, user=target.user or _role_for(w), instance_name=instance_name)


def _instance_by_host(w: WorkspaceClient, host: str) -> str:
    for instance in w.database.list_database_instances():
        if host in (instance.read_write_dns, instance.read_only_dns):
            return instance.name
    raise LakebaseError(
        f"no Lakebase instance serves PGHOST={host!r}; set "
        "LAKEBASE_INSTANCE_NAME (or LAKEBASE_ENDPOINT)"
    )


def _role_for(w: WorkspaceClient) -> str:
    """The PostgreSQL role of the calling identity: a service principal logs in as its client
    id (the role Databricks creates when the database is attached to the app), a user as their
    user name."""
    if w.config.client_id and w.config.auth_type == "oauth-m2m":
        return w.config.client_id
    me = w.current_user.me()
    if not me.user_name:
        raise LakebaseError("cannot tell the PostgreSQL role of the current identity; set PGUSER")
    return me.user_name


def create_lakebase_engine(
    settings: Settings,
    *,
    workspace_client: WorkspaceClient | None = None,
    clock: Callable[[], float] = time.time,
    **engine_kwargs: Any,
) -> sa.Engine:
    """A SQLAlchemy engine on the Lakebase the settings select, with rotating credentials.

    Network: asks the workspace for the host/role only when settings do not give them; the
    first token is minted on the first connection, not here.
    """
    target = lakebase_target(settings)
    if target is None:
        raise LakebaseError(
            "Lakebase is not selected (set LAKEBASE_INSTANCE_NAME or "
            "LAKEBASE_ENDPOINT, and no DATABASE_URL)"
        )
    if settings.is_production and target.sslmode in _INSECURE_SSLMODES:
        raise LakebaseError(
            f"PGSSLMODE={target.sslmode} is not allowed in production: "
            "Lakebase requires TLS (use require)"
        )
    # Bounded: a new connection waits on this call, and the SDK would retry a 503 for 5 minutes.
    w = workspace_client or app_workspace_client(
        settings, retry_timeout_seconds=30, http_timeout_seconds=15
    )
    resolved = _resolve(target, w)
    cache = CredentialCache(
        minter_for(target, w, resolved.instance_name, clock),
        refresh_margin_s=settings.lakebase_token_refresh_margin_s,
        clock=clock,
    )
    url = sa.URL.create(
        "postgresql+psycopg2",
        username=resolved.user,
        host=resolved.host,
        port=target.port,
        database=target.database,
    )
    connect_args: dict[str, Any] = {"sslmode": target.sslmode, "connect_timeout": 10}
    if target.application_name:
        connect_args["application_name"] = target.application_name
    connect_args.update(engine_kwargs.pop("connect_args", {}))
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_recycle": settings.lakebase_pool_recycle_s,
        **engine_kwargs,
    }
    engine = sa.create_engine(url, connect_args=connect_args, **options)

    @sa.event.listens_for(engine, "do_connect")
    def _password(dialect: Any, conn_rec: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        # Only new connections reach here; a pooled connection keeps the login it has.
        cparams["password"] = cache.token()

    _CACHES[engine] = cache
    log.info(
        "store on %s as role %s (sslmode=%s)", target.describe(), resolved.user, target.sslmode
    )
    return engine
