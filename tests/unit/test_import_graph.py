"""The import graph of `slidegen/`, read from the source (AST, nothing is imported).

- No import cycle: every strongly connected set of modules is one of the few listed in
  `KNOWN_CYCLES` (or a part of one), so a new cycle anywhere fails here. Imports inside
  functions count: a lazy import hides a cycle from the interpreter, not from a reader.
- The web states import one way: no cycle among `slidegen.web.states.*`, and no state module
  imports another state module's private name or calls its private methods (a leading `_` in a
  Reflex state keeps a method out of the events; other states use `DeckView` or `get_state`).
- The fronts (`web/`, `cli/`, `mcp/`) reach decks through `slidegen.service`, not the store.
- The agent is pure: nothing in `slidegen.agent` imports the store, the server, the web app or
  the service (which drives it).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import slidegen

ROOT = Path(slidegen.__file__).parent
STATES = "slidegen.web.states"

# Cycles in areas being reworked separately; each entry may only shrink.
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()
# Private names of another state still used by a state module, (module, name).
KNOWN_PRIVATE_USES: frozenset[tuple[str, str]] = frozenset()


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _module_of(name: str) -> str:
    """The module `name` lives in (an imported object resolves to its module)."""
    mods = modules()
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name


@cache
def tree(module: str) -> ast.Module:
    return ast.parse(modules()[module].read_text(encoding="utf-8"))


def imports(module: str) -> set[str]:
    """The slidegen modules `module` imports, at any depth of its code."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.Import):
            found.update(_module_of(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                found.add(_module_of(f"{base}.{alias.name}"))
    found.discard("")
    found.discard(module)
    return found


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected sets of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    members = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.add(member)
                        if member == node:
                            break
                    if len(members) > 1:
                        found.append(frozenset(members))
    return found


def package_graph(prefix: str = "slidegen") -> dict[str, set[str]]:
    inside = [m for m in modules() if m == prefix or m.startswith(prefix + ".")]
    return {m: {i for i in imports(m) if i in inside} for m in inside}


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_new_import_cycle_in_slidegen() -> None:
    new = [
        sorted(c) for c in cycles(package_graph()) if not any(c <= known for known in KNOWN_CYCLES)
    ]
    assert not new, f"import cycles: {new}"


def state_modules() -> list[str]:
    """The modules under web/states that define a Reflex state class."""

    def is_state(base: ast.expr) -> bool:
        return (isinstance(base, ast.Attribute) and base.attr == "State") or (
            isinstance(base, ast.Name) and base.id == "State"
        )

    return [
        m
        for m in modules()
        if m.startswith(STATES + ".")
        and any(
            isinstance(node, ast.ClassDef) and any(is_state(b) for b in node.bases)
            for node in ast.walk(tree(m))
        )
    ]


def test_the_states_import_one_way() -> None:
    assert cycles(package_graph(STATES)) == []
    states = state_modules()
    assert f"{STATES}.deck" in states and f"{STATES}.chat" in states
    siblings = imports(f"{STATES}.deck") & set(states)
    assert not siblings, f"states/deck.py imports sibling states: {sorted(siblings)}"


def _private_names(module: str) -> set[str]:
    """Private methods and attributes the classes of `module` define."""
    names: set[str] = set()
    for node in ast.walk(tree(module)):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def private_uses() -> set[tuple[str, str]]:
    """(state module, name) for each private name of another state module it uses."""
    states = state_modules()
    own = {m: _private_names(m) for m in states}
    uses: set[tuple[str, str]] = set()
    for module in states:
        theirs = set().union(*(own[m] for m in states if m != module)) - own[module]
        for node in ast.walk(tree(module)):
            if isinstance(node, ast.ImportFrom) and _module_of(node.module or "") in states:
                uses.update((module, a.name) for a in node.names if a.name.startswith("_"))
            elif isinstance(node, ast.Attribute) and node.attr in theirs:
                uses.add((module, node.attr))
    return uses


def test_no_state_uses_another_states_private_names() -> None:
    unexpected = sorted(private_uses() - KNOWN_PRIVATE_USES)
    assert not unexpected, f"private names of another state used: {unexpected}"


# Store access from the fronts still outside the deck service (none left; the set may only shrink).
KNOWN_STORE_USERS: frozenset[str] = frozenset()
STORE_GATEWAY = "slidegen.web.states.common"  # gives states the services on the process's store
FRONTS = ("slidegen.web", "slidegen.cli", "slidegen.mcp")


def test_web_and_cli_reach_decks_through_the_service() -> None:
    direct: set[tuple[str, str]] = set()
    for module in modules():
        if not module.startswith(FRONTS) or module == STORE_GATEWAY:
            continue
        for target in imports(module):
            if target == "slidegen.server.services" or (
                target.startswith("slidegen.store") and target != "slidegen.store.durability"
            ):
                direct.add((module, target))
        if module not in KNOWN_STORE_USERS:
            for node in ast.walk(tree(module)):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "store"
                ):
                    direct.add((module, "store()"))
    assert not direct, f"store used without the deck service: {sorted(direct)}"


def test_the_agent_persists_nothing_and_knows_no_front() -> None:
    banned = ("slidegen.store", "slidegen.server", "slidegen.web", "slidegen.service")
    reached = {
        (module, target)
        for module in modules()
        if module.startswith("slidegen.agent")
        for target in imports(module)
        if target.startswith(banned)
    }
    assert not reached, f"the agent imports: {sorted(reached)}"
