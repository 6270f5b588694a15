"""The contract with Reflex's internals: every one slidegen relies on is pinned here, so an
upgrade that changes one fails here, loudly, naming the file to fix, instead of silently breaking
the app or reopening a hole.

- Security: `slidegen.server.tokens` rewrites the handshake's `?token=` in the ASGI scope: Reflex
  must read the client token from the environ's QUERY_STRING at connect, and engine.io must build
  that QUERY_STRING from the scope's `query_string`. `slidegen.server.origins` refuses other
  origins before Reflex: Reflex's own CORS stays wide open (so the guard must stay in front).
- `slidegen.web.components.slides` reads a shard's var from a JS expression it builds from the
  compiled name of `DeckState.shard_0` (`<state object>.shard_0<suffix>`).
- Every `reflex_base` import in `slidegen/` (Reflex's internal package) is listed in
  `REFLEX_BASE_IMPORTS` with the file that uses it; a new one fails until it is listed, and each
  listed one must still exist with the shape the code uses.
- The headers of the websocket handshake reach event handlers as Reflex's router data.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterator
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

import pytest
import reflex as rx
from engineio.async_drivers import asgi as engineio_asgi
from reflex.app import App, EventNamespace

import slidegen

CHECKED_VERSION = "0.10.1"
ROOT = Path(slidegen.__file__).parent

# (module, name) -> the file of slidegen/ that imports it.
REFLEX_BASE_IMPORTS: dict[tuple[str, str], str] = {
    ("reflex_base.components.component", "field"): "web/components/*.py",
    ("reflex_base.components.memoize_helpers", "get_memoized_event_triggers"): (
        "web/components/behaviours.py"
    ),
    ("reflex_base.constants", "Dirs"): "web/components/links.py",
    ("reflex_base.environment", "environment"): "server/serve.py",
    ("reflex_base.event.processor.base_state_processor", "BaseStateEventProcessor"): (
        "server/events.py"
    ),
    ("reflex_base.utils.imports", "ImportVar"): "web/components/links.py",
    ("reflex_base.vars.base", "Var"): "web/components/*.py",
    ("reflex_base.vars.base", "VarData"): "web/components/links.py, slides.py",
    ("reflex_base.vars.function", "FunctionStringVar"): "web/components/code_editor.py",
}


def test_reflex_is_the_version_these_checks_were_written_for() -> None:
    installed = {dist: version(dist) for dist in ("reflex", "reflex-base")}
    assert installed == {"reflex": CHECKED_VERSION, "reflex-base": CHECKED_VERSION}, (
        f"Reflex is {installed}: run this file, fix what it names, re-check "
        "slidegen/server/tokens.py and origins.py against EventNamespace.on_connect / "
        "emit_update and the CORS set-up, then update CHECKED_VERSION"
    )


# --- security ---------------------------------------------------------------------------------
def test_the_client_token_comes_from_the_handshake_query_string() -> None:
    source = inspect.getsource(EventNamespace.on_connect)
    assert 'environ.get("QUERY_STRING"' in source and 'get("token"' in source, (
        "Reflex no longer reads the tab token from the handshake query: UserBoundTokens would "
        "no longer bind states to users (slidegen/server/tokens.py)"
    )
    assert "link_token_to_sid" in source


def test_engineio_builds_query_string_from_the_asgi_scope() -> None:
    source = inspect.getsource(engineio_asgi.translate_request)
    assert "scope['query_string']" in source or 'scope["query_string"]' in source, (
        "engine.io no longer builds QUERY_STRING from the ASGI scope: the token rewrite in "
        "slidegen/server/tokens.py would no longer reach Reflex"
    )


def test_pushes_go_to_the_socket_linked_to_the_token() -> None:
    # A running background task pushes by token; binding tokens to users binds pushes.
    source = inspect.getsource(EventNamespace.emit_update)
    assert "token_to_socket.get(token)" in source, (
        "Reflex no longer pushes updates to the socket linked to the token: re-check "
        "slidegen/server/tokens.py"
    )


def test_reflex_cors_is_still_wide_open_so_the_origin_guard_is_needed() -> None:
    source = inspect.getsource(App._add_cors)
    assert "allow_credentials=True" in source, (
        "Reflex's CORS set-up changed: re-check whether slidegen/server/origins.py must "
        "still stand in front of it"
    )


# --- slides.py: the shard var names -----------------------------------------------------------
def test_every_shard_var_compiles_to_the_name_slides_py_builds() -> None:
    from reflex_base.constants.state import FIELD_MARKER

    from slidegen.web.components.slides import _shard_lookup, slide_entry
    from slidegen.web.states import DeckState
    from slidegen.web.states.deck import shard_name
    from slidegen.web.view import SHARDS

    fix = "fix _shard_lookup/slide_entry in slidegen/web/components/slides.py"
    obj, suffix = _shard_lookup()
    for i in range(SHARDS):
        compiled = str(getattr(DeckState, shard_name(i)))
        assert compiled == f"{obj}.{shard_name(i)}{suffix}", (
            f"Reflex now compiles DeckState.{shard_name(i)} to {compiled!r}, not "
            f"<state object>.shard_<i><suffix>: {fix}"
        )
    # The frontend's state object is keyed like the compiled names: a delta sends the field as
    # name + FIELD_MARKER, which is the suffix slide_entry appends.
    assert suffix == FIELD_MARKER, f"var suffix {suffix!r} is not Reflex's {FIELD_MARKER!r}: {fix}"

    entry = slide_entry(rx.Var.create("s_1"))
    var_data = entry._get_all_var_data()
    state = DeckState.get_full_name()
    assert var_data is not None and var_data.state == state, (
        f"slide_entry's var no longer carries DeckState's var data (it would not re-render): {fix}"
    )
    assert set(var_data.field_dependencies.get(state, ())) == {
        shard_name(i) for i in range(SHARDS)
    }, f"slide_entry's var does not depend on every shard: {fix}"
    assert f'{obj}["shard_" + i + "{suffix}"]' in str(entry), fix


# --- reflex_base imports ----------------------------------------------------------------------
def _reflex_base_imports() -> Iterator[tuple[str, str, str]]:
    """(module, name, file) of every `from reflex_base… import name` in slidegen/."""
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "reflex_base":
                        yield alias.name, "", str(path.relative_to(ROOT))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reflex_base"):
                for alias in node.names:
                    yield node.module or "", alias.name, str(path.relative_to(ROOT))


def test_every_reflex_base_import_is_listed_here() -> None:
    found: dict[tuple[str, str], set[str]] = {}
    for module, name, file in _reflex_base_imports():
        found.setdefault((module, name), set()).add(file)
    new = {key: sorted(files) for key, files in found.items() if key not in REFLEX_BASE_IMPORTS}
    assert not new, (
        f"slidegen/ imports Reflex internals not pinned here: {new}. Prefer the public `rx` API; "
        "if there is none, add the import to REFLEX_BASE_IMPORTS and a check of the shape used"
    )
    unused = sorted(set(REFLEX_BASE_IMPORTS) - set(found))
    assert not unused, f"REFLEX_BASE_IMPORTS lists imports slidegen/ no longer has: {unused}"


@pytest.mark.parametrize(("module", "name"), sorted(REFLEX_BASE_IMPORTS))
def test_each_reflex_base_import_still_exists(module: str, name: str) -> None:
    where = REFLEX_BASE_IMPORTS[(module, name)]
    try:
        imported = import_module(module)
    except ImportError as error:
        pytest.fail(f"slidegen/{where} imports from {module}, which Reflex lost: {error}")
    assert hasattr(imported, name), f"slidegen/{where} imports {name} from {module}: it is gone"


def _params(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_the_reflex_base_names_have_the_shape_the_code_uses() -> None:
    from reflex_base.components.component import field
    from reflex_base.components.memoize_helpers import get_memoized_event_triggers
    from reflex_base.constants import Dirs
    from reflex_base.environment import environment
    from reflex_base.utils.imports import ImportVar
    from reflex_base.vars.base import Var, VarData
    from reflex_base.vars.function import FunctionStringVar

    assert "doc" in _params(field), "field(doc=...) in web/components/*.py"
    assert _params(get_memoized_event_triggers) == ["component"], (
        "get_memoized_event_triggers(component) in HookFragment.create, behaviours.py"
    )
    assert hasattr(rx.Fragment, "_exclude_props"), "HookFragment._exclude_props, behaviours.py"
    assert _params(Var.__init__)[1:] == ["_js_expr", "_var_type", "_var_data"], (
        "Var(_js_expr=..., _var_type=..., _var_data=...) in links.py and slides.py"
    )
    assert callable(VarData.merge) and "imports" in _params(VarData.__init__), (
        "VarData(imports=...) and VarData.merge in links.py and slides.py"
    )
    assert {"tag", "is_default"} <= set(_params(ImportVar)), "ImportVar in links.py"
    assert callable(FunctionStringVar.create), "FunctionStringVar.create in code_editor.py"
    assert environment.REFLEX_SKIP_COMPILE.name == "__REFLEX_SKIP_COMPILE", (
        "serve.py sets REFLEX_SKIP_COMPILE and its environment variable __REFLEX_SKIP_COMPILE "
        "for the workers: the name changed"
    )
    assert callable(environment.REFLEX_SKIP_COMPILE.set)

    # links.py imports getBackendURL from $/utils/state and calls it with env.UPLOAD.
    assert Dirs.STATE_PATH == "utils/state", "links.py imports from $/{Dirs.STATE_PATH}"
    import reflex_base

    state_js = Path(reflex_base.__file__).parent / ".templates" / "web" / "utils" / "state.js"
    assert "export const getBackendURL" in state_js.read_text(), (
        "Reflex's state.js no longer exports getBackendURL: fix backend_origin in links.py"
    )


def test_the_logging_event_processor_overrides_what_reflex_calls() -> None:
    from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

    from slidegen.server.events import SlidegenApp

    fix = "fix LoggingEventProcessor / SlidegenApp in slidegen/server/events.py"
    assert _params(BaseStateEventProcessor._execute_event) == [
        "self",
        "entry",
        "registered_handler",
    ], f"BaseStateEventProcessor._execute_event changed its parameters: {fix}"
    assert "_execute_event(" in inspect.getsource(BaseStateEventProcessor), fix

    def body(function: object, processor: str) -> str:
        """The function's code without its docstring, the processor class named `X`."""
        source = textwrap.dedent(inspect.getsource(function))  # type: ignore[arg-type]
        tree = ast.parse(source).body[0]
        assert isinstance(tree, ast.AsyncFunctionDef)
        statements = tree.body
        if isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
            statements = statements[1:]
        return "\n".join(ast.unparse(s) for s in statements).replace(processor, "X")

    ours = body(SlidegenApp._setup_event_processor.__wrapped__, "LoggingEventProcessor")
    theirs = body(App._setup_event_processor.__wrapped__, "BaseStateEventProcessor")
    assert ours == theirs, (
        f"Reflex's App._setup_event_processor changed; SlidegenApp's copy must do the same with "
        f"LoggingEventProcessor: {fix}\n--- Reflex:\n{theirs}\n--- ours:\n{ours}"
    )


def test_handshake_headers_reach_events_and_states_as_router_data() -> None:
    from reflex.constants import RouteVar
    from reflex.istate.data import HeaderData

    environ = {"asgi.scope": {"headers": [(b"x-forwarded-user", b"ana")], "client": ("::1", 1)}}
    router_data = EventNamespace._build_static_router_data(None, "sid", environ)  # type: ignore[arg-type]
    assert router_data[RouteVar.HEADERS]["x-forwarded-user"] == "ana", (
        "Reflex no longer puts the handshake's headers, by lower-case name, in the router data "
        "under 'headers': fix reflex_headers in slidegen/server/headers.py (the user of an event "
        "and of a state would be unknown)"
    )
    headers = HeaderData.from_router_data(router_data)
    assert headers.raw_headers["x-forwarded-user"] == "ana", (
        "state.router.headers.raw_headers no longer holds the handshake headers (web/auth.py)"
    )
