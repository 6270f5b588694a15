"""Attacks on the newest surfaces that need a real Chromium or the packaged app: the server's
fit measurement (a hostile slide measured in the server's Chromium) and who `/mcp` takes the
caller to be behind the real server (repeated and respelled identity headers).

The fit attacks run `fit_session` directly (it is what `ServerFitCheck` and the UI's fallback
use) on a slide whose scripts try every way out, stall the measurement, or answer a report of
hundreds of MB. Its findings come back through the fit report itself: the hostile slide replaces
`__sgFit` with one that names what it managed to read. The other MCP attacks are unit tests
(`tests/unit/mcp/test_mcp_attacks.py`), as are share and theme input checks
(`tests/unit/service/test_share_and_theme_attacks.py`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.security.conftest import Listener
from tests.support.require import missing

GRACE_S = 1.5
STUCK_S = 120
_LOOP = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fit-attacks")


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """On a loop of its own (a module's sync Playwright may hold the main thread's loop)."""
    return _LOOP.submit(asyncio.run, coro).result()


@pytest.fixture
def chromium_path() -> str:
    from slidegen.export.pdf import DEFAULT_CHROMIUM

    if not Path(DEFAULT_CHROMIUM).exists():
        missing("Debian's chromium (SLIDEGEN_SETUP_BROWSER=1 installs it)")
    return DEFAULT_CHROMIUM


def _deck(*slides: tuple[str, str]) -> Any:
    """A deck of `(title, script)` slides, as the model would have written them."""
    from slidegen.deck import parse_deck_html
    from slidegen.deck.model import Deck

    html = "".join(
        f'<div class="slide"><h1>{title}</h1><script>{script}</script></div>'
        for title, script in slides
    )
    parsed = parse_deck_html(html)
    return Deck(id="d_attack", owner="mallory", title="Attack", slides=tuple(parsed.slides))


def _measure(deck: Any, chromium_path: str) -> list[Any]:
    from slidegen.export.fit import fit_session

    async def measure() -> list[Any]:
        # A measurement that never ends fails the test instead of hanging the suite.
        async with asyncio.timeout(STUCK_S), fit_session(chromium_path=chromium_path) as session:
            return await session.measure(deck.slides, deck)

    return _run(measure())


def _reader(listener: Listener) -> str:
    """A slide script that tries to read a local file and reach the listener every way it can,
    then reports what it got as the fit answer ("got:" items) or "blocked"."""
    url, udp = listener.url, listener.udp_port
    return f"""
var got = [];
var note = function (what) {{ got.push(what); }};
var tries = [];
["file:///etc/hostname", "file:///etc/passwd", "{url}/fetch"].forEach(function (u) {{
  tries.push(fetch(u).then(function (r) {{ return r.text(); }})
    .then(function (t) {{ note(u + " " + t.slice(0, 20)); }}, function () {{}}));
  try {{
    var x = new XMLHttpRequest(); x.open("GET", u, false); x.send();
    if (x.responseText) note("xhr " + u);
  }} catch (e) {{}}
}});
try {{ var i = new Image(); i.onload = function () {{ note("img file"); }};
  i.src = "file:///usr/share/icons/hicolor/16x16/apps/chromium.png"; }} catch (e) {{}}
try {{ new Image().src = "{url}/img"; }} catch (e) {{}}
try {{ navigator.sendBeacon("{url}/beacon", "x"); }} catch (e) {{}}
try {{ new WebSocket("ws://127.0.0.1:{listener.http_port}/ws"); }} catch (e) {{}}
try {{ var pc = new RTCPeerConnection({{iceServers: [{{urls: "stun:127.0.0.1:{udp}"}}]}});
  pc.createDataChannel("x"); pc.createOffer().then(function (o) {{ pc.setLocalDescription(o); }});
  note("rtc made");
}} catch (e) {{}}
try {{ document.body.insertAdjacentHTML("beforeend",
  '<iframe src="file:///etc/passwd"></iframe><link rel="stylesheet" href="{url}/css">'
  + '<object data="file:///etc/passwd"></object>');
}} catch (e) {{}}
try {{ window.open("{url}/popup"); }} catch (e) {{}}
window.__sgFit = function () {{
  return Promise.all(tries).then(function () {{
    return new Promise(function (r) {{ setTimeout(r, 300); }});
  }}).then(function () {{
    var items = got.map(function (g) {{ return {{kind: "overflow", name: "got: " + g, px: 1}}; }});
    if (!items.length) items = [{{kind: "overflow", name: "blocked", px: 1}}];
    try {{ location.href = "{url}/nav"; }} catch (e) {{}}
    return {{v: 1, items: items}};
  }});
}};
"""


@pytest.mark.browser
def test_a_measured_slide_reaches_neither_the_network_nor_local_files(
    listener: Listener, chromium_path: str
) -> None:
    listener.clear()
    (report,) = _measure(_deck(("Reader", _reader(listener))), chromium_path)
    time.sleep(GRACE_S)  # packets in flight
    assert report.measured, report.problems
    names = [issue.name for issue in report.issues]
    assert names == ["blocked"], f"the slide read or reached something: {names}"
    assert listener.seen() == [], f"a measured slide reached the outside: {listener.seen()}"


@pytest.mark.browser
def test_a_slide_that_stalls_or_floods_its_measurement_is_left_unmeasured(
    chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slidegen.export import fit

    monkeypatch.setattr(fit, "SLIDE_TIMEOUT_MS", 2_000)
    deck = _deck(
        ("Never answers", "window.__sgFit = function () { return new Promise(function () {}); };"),
        ("Loops after load", 'addEventListener("load", function () { setTimeout(function () '
         "{ for (;;) {} }, 0); });"),
        ("Stops the clock", "window.setTimeout = function () {};"
         " window.requestAnimationFrame = function () {};"),
        ("Huge answer", 'window.__sgFit = function () { return Promise.resolve({v: 1, '
         'items: [], pad: "x".repeat(5e7)}); };'),
        ("Deep answer", 'window.__sgFit = function () { var a = []; for (var i = 0; i < 9000;'
         " i++) a = [a]; return Promise.resolve({v: 1, items: a}); };"),
        ("Fine", ""),
    )  # fmt: skip
    reports = _measure(deck, chromium_path)
    assert [r.measured for r in reports] == [False, False, False, False, False, True]
    assert "did not finish" in reports[0].problems[0]
    assert "too long" in reports[3].problems[0]
    assert reports[5].fits


# --------------------------------------------------------------------------- MCP, packaged
def _mcp(app: Any, headers: list[tuple[str, str]], name: str) -> Any:
    import httpx

    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": name, "arguments": {}}}  # fmt: skip
    accept = [("accept", "application/json, text/event-stream")]
    return httpx.post(f"{app.url}/mcp", json=body, headers=[*accept, *headers], timeout=30)


def test_the_packaged_app_names_the_mcp_caller_by_the_proxy_headers_only(
    app: Any, store: Any
) -> None:
    import json

    from tests.security.conftest import new_user

    victim, mallory = new_user("mcp-victim"), new_user("mcp-mallory")
    secret = _store_deck(store, victim, "Victim's plans")
    own = _mcp(app, [("x-forwarded-user", victim)], "list_decks")
    assert own.status_code == 200 and secret in own.text  # the control: the victim sees it
    # The proxy's header first, a copy the caller added after it: refused, saying why.
    doubled = [("x-forwarded-user", mallory), ("x-forwarded-user", victim)]
    answer = _mcp(app, doubled, "list_decks")
    assert answer.status_code == 400, answer.text
    assert json.loads(answer.text)["error"] == "ambiguous_identity"
    assert secret not in answer.text
    alone = _mcp(app, [("x-forwarded-user", mallory)], "list_decks")
    data = json.loads(
        [line[5:] for line in alone.text.splitlines() if line.startswith("data:")][-1]
    )
    assert data["result"]["structuredContent"] == {"decks": []}
    for header in ("x_forwarded_user", "x-forwarded-user-id", "forwarded-user"):
        refused = _mcp(app, [(header, victim)], "list_decks")
        assert refused.status_code in (400, 403), (header, refused.status_code)
        assert secret not in refused.text


def _store_deck(store: Any, owner: str, title: str) -> str:
    from slidegen.deck import parse_deck_html

    html = f'<div class="slide"><h1>{title}</h1></div>'
    return store.create_deck(owner, title, slides=parse_deck_html(html).slides).deck.id
