"""Attacks on sharing and on themes through the service layer, on a real SQLite store.

Sharing: odd principals (empty, blank, control characters, 10,000 characters, case and space
variants of an e-mail, the owner themself, group names shaped like SQL), a viewer or an editor
trying to share onward, raise their own level or remove the owner, and arguments of the wrong
type as a crafted UI event could send them. Themes: logos that would reach the network or
exhaust memory where they are decoded (a 36-byte WebP of 16383x16383 px), SVG references that
slip past a pattern (comments, CSS escapes, image-set, entities, animated links), and CSS
injection through colours, fonts and names.
"""

from __future__ import annotations

import base64
import io
import re
import zlib
from typing import Any

import pytest

from slidegen.deck import parse_deck_html
from slidegen.deck.themes import MAX_LOGO_PIXELS, ThemeError, parse_logo, parse_theme, theme_css
from slidegen.service import OWNER_ONLY_MESSAGE, Access, DeckService
from slidegen.service.themes import ThemeService
from slidegen.store import AccessLevel
from tests.support.loops import run_on_own_loop
from tests.unit.service.test_sharing_service import Recorder, _user

OWNER, VIEWER, EDITOR, ANALYST, STRANGER = (
    _user(n) for n in ("owner", "viewer", "editor", "analyst", "stranger")
)
GROUPS = {"analyst@example.com": frozenset({"analysts"})}


@pytest.fixture
def service(store: Any) -> DeckService:
    lookup = Access(lambda user: GROUPS.get(user.email, frozenset()))
    return DeckService(lambda: store, access=lookup, notices=lambda: Recorder())


def _deck(service: DeckService) -> str:
    html = '<div class="slide"><h1>Plan</h1></div>'
    deck_id = run_on_own_loop(
        service.create(OWNER, "Plan", slides=parse_deck_html(html).slides)
    ).deck.id
    assert run_on_own_loop(
        service.share(OWNER, deck_id, "user", "viewer@example.com", "viewer")
    ).done
    assert run_on_own_loop(
        service.share(OWNER, deck_id, "user", "editor@example.com", "editor")
    ).done
    return deck_id


def _grants(service: DeckService, deck_id: str) -> list[tuple[str, str, str]]:
    return [
        (g.kind.value, g.principal, g.level.value)
        for g in run_on_own_loop(service.grants(OWNER, deck_id)) or []
    ]


# ------------------------------------------------------------------------------- sharing
@pytest.mark.parametrize(
    ("kind", "name", "words"),
    [
        ("user", "", "name a user"),
        ("user", "   \t ", "name a user"),
        ("group", "", "name a user"),
        ("group", "\u00a0\u2003", "name a user"),
        ("user", "a" * 10_000 + "@example.com", "at most 255"),
        ("group", "g" * 10_000, "at most 255"),
        ("group", "analysts\nadmins", "printable"),
        ("user", "x@example.com\r\nbcc@evil.example", "printable|not an e-mail"),
        ("user", "owner@example.com", "own this deck"),
        ("user", "  OWNER@Example.COM ", "own this deck"),
        ("user", "two@example.com, three@example.com", "not an e-mail"),
        ("owner", "x@example.com", "user or a group"),
    ],
)
def test_odd_principals_are_refused_and_change_nothing(
    service: DeckService, kind: str, name: str, words: str
) -> None:
    deck_id = _deck(service)
    before = _grants(service, deck_id)
    answer = run_on_own_loop(service.share(OWNER, deck_id, kind, name, "editor"))
    assert answer.error and re.search(words, answer.message), answer.message
    assert len(answer.message) < 400  # a 10,000-character name is not echoed whole
    assert _grants(service, deck_id) == before


def test_an_e_mail_in_another_case_or_spacing_is_the_same_person(service: DeckService) -> None:
    deck_id = _deck(service)
    answer = run_on_own_loop(
        service.share(OWNER, deck_id, "user", "  Viewer@EXAMPLE.com ", "editor")
    )
    assert answer.done and answer.message == "viewer@example.com is an editor now."
    assert _grants(service, deck_id).count(("user", "viewer@example.com", "editor")) == 1
    assert len(_grants(service, deck_id)) == 2  # changed, not added beside the first
    assert run_on_own_loop(service.access(VIEWER, deck_id)) is AccessLevel.EDITOR


def test_a_group_name_shaped_like_sql_is_only_a_name(service: DeckService, store: Any) -> None:
    deck_id = _deck(service)
    for name in ("analysts' OR '1'='1", 'x") OR 1=1 --', "%", "*", "analysts%"):
        assert run_on_own_loop(service.share(OWNER, deck_id, "group", name, "editor")).done
    assert run_on_own_loop(service.access(ANALYST, deck_id)) is None  # in "analysts", named by none
    assert run_on_own_loop(service.access(STRANGER, deck_id)) is None
    assert run_on_own_loop(service.shared_decks(ANALYST)) == []
    assert store.list_decks(OWNER.user_id)  # the table is still there


def test_a_viewer_or_editor_cannot_share_raise_their_level_or_remove_anyone(
    service: DeckService,
) -> None:
    deck_id = _deck(service)
    before = _grants(service, deck_id)
    for who in (VIEWER, EDITOR, STRANGER):
        for attempt in (
            service.share(who, deck_id, "user", who.email, "editor"),
            service.share(who, deck_id, "user", "friend@example.com", "viewer"),
            service.share(who, deck_id, "group", "analysts", "editor"),
            service.unshare(who, deck_id, "user", "editor@example.com"),
            service.unshare(who, deck_id, "user", "owner@example.com"),
        ):
            answer = run_on_own_loop(attempt)
            assert answer.error and answer.message == OWNER_ONLY_MESSAGE
            assert answer.grants == ()  # a non-owner is not shown who else has access
        assert run_on_own_loop(service.grants(who, deck_id)) is None
    assert _grants(service, deck_id) == before
    assert run_on_own_loop(service.access(VIEWER, deck_id)) is AccessLevel.VIEWER


def test_unsharing_the_owner_removes_nothing(service: DeckService) -> None:
    deck_id = _deck(service)
    before = _grants(service, deck_id)
    answer = run_on_own_loop(service.unshare(OWNER, deck_id, "user", "owner@example.com"))
    assert not answer.error and answer.message == ""
    assert _grants(service, deck_id) == before
    assert run_on_own_loop(service.access(OWNER, deck_id)) is AccessLevel.OWNER


@pytest.mark.parametrize("bad", [5, None, ["viewer@example.com"], {"principal": "x"}])
def test_a_principal_of_the_wrong_type_is_a_clear_refusal(service: DeckService, bad: Any) -> None:
    deck_id = _deck(service)
    before = _grants(service, deck_id)
    shared = run_on_own_loop(service.share(OWNER, deck_id, "user", bad, "viewer"))
    assert shared.error and shared.message
    removed = run_on_own_loop(service.unshare(OWNER, deck_id, "user", bad))
    assert removed.error or removed.message == ""
    assert _grants(service, deck_id) == before


# -------------------------------------------------------------------------------- themes
def _uri(kind: str, data: bytes) -> str:
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


def _svg(body: str, head: str = "") -> str:
    text = f'{head}<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{body}</svg>'
    return _uri("svg+xml", text.encode())


def _png_header(width: int, height: int, *, good_crc: bool = True) -> bytes:
    """A PNG whose IHDR claims `width`x`height` (the rest a single empty IDAT)."""
    ihdr = b"IHDR" + width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x01\x00\x00\x00\x00"
    crc = zlib.crc32(ihdr) if good_crc else 0
    idat = b"IDAT" + zlib.compress(b"")
    return (
        b"\x89PNG\r\n\x1a\n"
        + (13).to_bytes(4, "big") + ihdr + crc.to_bytes(4, "big")
        + (len(idat) - 4).to_bytes(4, "big") + idat + zlib.crc32(idat).to_bytes(4, "big")
    )  # fmt: skip


def _webp(width: int, height: int) -> bytes:
    """A lossless WebP whose header claims `width`x`height` (a real 1x1 image, the header's
    14-bit sizes rewritten: encoding a real one of 16383x16383 takes seconds; a real one of
    that size is as small, 36 bytes, since one colour compresses to nothing)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, "WEBP", lossless=True)
    data = bytearray(out.getvalue())
    assert data[12:16] == b"VP8L"
    bits = int.from_bytes(data[21:25], "little") & ~((1 << 28) - 1)
    data[21:25] = (bits | (width - 1) | ((height - 1) << 14)).to_bytes(4, "little")
    return bytes(data)


def test_a_logo_claiming_too_many_pixels_is_refused_before_anything_decodes_it() -> None:
    bomb = _webp(5000, 5000)
    assert len(bomb) < 100  # a few bytes of WebP: the size limit alone lets it through
    with pytest.raises(ThemeError, match="5000x5000 px is too many pixels"):
        parse_logo(_uri("webp", bomb))
    for png in (_png_header(20_000, 20_000), _png_header(20_000, 20_000, good_crc=False)):
        with pytest.raises(ThemeError, match="too many pixels"):
            parse_logo(_uri("png", png))
    side = int(MAX_LOGO_PIXELS**0.5)
    assert parse_logo(_uri("png", _png_header(side, side)))
    assert parse_logo(_uri("webp", _webp(600, 200)))
    assert parse_logo(_uri("webp", _webp(4096, 4096)))


def test_a_stored_theme_with_a_pixel_bomb_reads_as_no_theme(store: Any) -> None:
    # Stored decks are checked again on reading: a theme saved before the limit is dropped
    # (with a warning), the deck still opens.
    from slidegen.store.content import _stored_theme

    data = parse_theme(_theme()).to_dict()
    assert _stored_theme(data) is not None
    assert _stored_theme({**data, "logo": _uri("webp", _webp(16383, 16383))}) is None


@pytest.mark.parametrize(
    "logo",
    [
        _svg("<style>@im<!-- -->port u<!-- -->rl(http://127.0.0.1:9/x.css);</style>"),
        _svg('<rect style="fill:u\\72l(http://127.0.0.1:9/a)"/>'),
        _svg("<style>rect{fill:\\75rl(http://127.0.0.1:9/a)}</style><rect/>"),
        _svg("<rect style=\"fill:image-set('http://127.0.0.1:9/a' 1x)\"/>"),
        _svg('<feImage src="http://127.0.0.1:9/a"/>'),
        _svg("<text>&e;</text>", '<!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]>'),
        _svg('<use><animate attributeName="href" values="http://127.0.0.1:9/a#x"/></use>'),
        _svg('<a><set attributeName="xlink:href" to="http://127.0.0.1:9/a"/></a>'),
        "http://127.0.0.1:9/logo.png",
        "data:image/png;base64,AAAA%22)%20;background:url(http://127.0.0.1:9/x",
    ],
)
def test_a_logo_that_could_reach_out_is_refused(logo: str) -> None:
    with pytest.raises(ThemeError, match="logo:"):
        parse_logo(logo)


def test_an_ordinary_svg_logo_is_still_accepted() -> None:
    logo = _svg(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/></linearGradient>'
        '</defs><rect width="10" height="10" fill="url(#g)"/><style>rect{opacity:.9}</style>'
        '<use href="#g"/><text x="1" y="8">Acme</text>'
    )
    assert parse_logo(logo) == logo


def _theme(**changes: Any) -> dict[str, Any]:
    return {
        "id": "u-x",
        "name": "Mine",
        "colors": {
            "bg": "#ffffff",
            "surface": "#eeeeee",
            "text": "#111111",
            "muted": "#666666",
            "accent": "#c81e1e",
        },
        **changes,
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"colors": {**_theme()["colors"], "accent": "red;}body{background:url(http://x)}"}},
        {"colors": {**_theme()["colors"], "bg": "#fff url(http://127.0.0.1:9/a)"}},
        {"colors": {**_theme()["colors"], "text": "var(--x)"}},
        {"font": "Inter;}*{background:url(http://127.0.0.1:9/a)}"},
        {"font": ['Brand"; src: url(http://127.0.0.1:9/f)']},
        {"font": "local(Inter)"},
        {"heading_font": ["a" * 500]},
        {"name": "x</style><script>alert(1)</script>"},
        {"name": "n" * 10_000},
        {"sizes": {"size": "24px;}*{x:y"}},
        {"palette": ["#fff"] * 10_000},
    ],
)
def test_css_injection_through_a_theme_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ThemeError):
        parse_theme(_theme(**changes))


def test_a_saved_theme_writes_only_its_own_values_into_css(service: DeckService, store) -> None:
    themes = ThemeService(service, lambda: store)
    saved = run_on_own_loop(
        themes.save_theme(
            OWNER, _theme(name="Brand & co", font="'Brand Sans', Inter", colors={
                **_theme()["colors"], "accent": "rgb(200 30 30)"})
        )
    )  # fmt: skip
    css = theme_css(saved)
    assert "url(" not in css and "@import" not in css and "</" not in css
    assert "#c81e1e" in css and '"Brand Sans"' in css
    # Another user cannot pick, overwrite or delete it by its id.
    assert run_on_own_loop(themes.find(STRANGER, saved.id)) is None
    assert not run_on_own_loop(themes.delete_theme(STRANGER, saved.id))
    theirs = run_on_own_loop(themes.save_theme(STRANGER, {**_theme(name="Theirs"), "id": saved.id}))
    assert theirs.id != saved.id
    assert run_on_own_loop(themes.find(OWNER, saved.id)) == saved
