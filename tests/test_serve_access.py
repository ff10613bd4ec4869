"""``neotui serve``'s rules without a server: loopback, tokens, the gate's verdicts, and the
page's socket messages read defensively (hostile frames included)."""

from __future__ import annotations

import json
import random

import pytest

from neotui.serve.access import (
    Gate,
    Verdict,
    host_name,
    is_loopback,
    new_token,
    token_matches,
    valid_token,
)
from neotui.serve.protocol import HEIGHT, WIDTH, dimension, read_envelope


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True), ("[::1]", True),
        ("localhost", True), ("LOCALHOST", True), ("app.localhost", True),
        ("::ffff:127.0.0.1", True), ("0.0.0.0", False), ("::", False), ("", False),
        ("192.168.1.5", False), ("10.0.0.1", False), ("myhost", False),
        ("localhost.example.com", False), ("127.0.0.1.nip.io", False),
    ],
)  # fmt: skip
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_tokens() -> None:
    token = new_token()
    assert valid_token(token) and len(token) >= 32 and token != new_token()
    assert token_matches(token, token)
    assert not token_matches(token[:-1], token)
    assert not token_matches(token + "x", token)
    assert not token_matches(None, token)
    assert not token_matches("", token)
    assert not token_matches("é" * 40, token)  # not ASCII: compared, not an exception
    for bad in ("short", "a" * 15, "has space in it 123", "a" * 129, "tok/en-1234567890", ""):
        assert not valid_token(bad)
    assert valid_token("A-b_" * 4)


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:8000", "127.0.0.1"), ("localhost", "localhost"), ("[::1]:8000", "::1"),
     ("[::1]", "::1"), ("::1", "::1"), ("Evil.Example:80", "evil.example"), ("", ""),
     ("[::1", "::1")],
)  # fmt: skip
def test_host_name(header: str, name: str) -> None:
    assert host_name(header) == name


def test_loopback_gate_refuses_other_names_and_sites() -> None:
    """Loopback, no token: the page answers loopback names only (DNS rebinding), and a socket
    only from its own origin (cross-site WebSocket hijacking)."""
    gate = Gate.build("127.0.0.1", 8000, None, None)
    ok = {"origin": None, "offered": None}
    assert gate.check(host_header="127.0.0.1:8000", **ok) is Verdict.ADMIT
    assert gate.check(host_header="localhost:8000", **ok) is Verdict.ADMIT
    assert gate.check(host_header="[::1]:8000", **ok) is Verdict.ADMIT
    assert gate.check(host_header="attacker.example:8000", **ok) is Verdict.BAD_HOST
    assert gate.check(host_header="", **ok) is Verdict.BAD_HOST
    same = gate.check(host_header="127.0.0.1:8000", origin="http://127.0.0.1:8000", offered=None)
    assert same is Verdict.ADMIT
    for origin in ("http://attacker.example", "null", "http://127.0.0.1:9999", "file://"):
        verdict = gate.check(host_header="127.0.0.1:8000", origin=origin, offered=None)
        assert verdict is Verdict.BAD_ORIGIN, origin


def test_public_url_host_and_origin_admitted() -> None:
    gate = Gate.build("127.0.0.1", 8000, None, "https://Monitor.Example.com/")
    assert gate.check(host_header="monitor.example.com", origin="https://monitor.example.com",
                      offered=None) is Verdict.ADMIT  # fmt: skip
    assert gate.check(host_header="other.example", origin=None, offered=None) is Verdict.BAD_HOST


def test_token_gate() -> None:
    token = new_token()
    gate = Gate.build("0.0.0.0", 8123, token, None)
    assert gate.cookie == "neotui_token_8123"
    assert gate.check(host_header="10.1.2.3:8123", origin=None, offered=None) is Verdict.NO_TOKEN
    wrong = gate.check(host_header="10.1.2.3:8123", origin=None, offered=new_token())
    assert wrong is Verdict.BAD_TOKEN
    right = gate.check(host_header="10.1.2.3:8123", origin=None, offered=token)
    assert right is Verdict.ADMIT
    # The right token from another site's page is still refused.
    hijack = gate.check(host_header="10.1.2.3:8123", origin="http://evil.example", offered=token)
    assert hijack is Verdict.BAD_ORIGIN
    with pytest.raises(ValueError, match="needs a token"):
        Gate.build("0.0.0.0", 8000, None, None)


def test_every_refusal_says_what_to_do() -> None:
    for verdict in Verdict:
        if verdict is not Verdict.ADMIT:
            assert verdict.value.endswith(".") or verdict.value.endswith(")."), verdict


@pytest.mark.parametrize(
    ("frame", "kind", "fields"),
    [
        ('["stdin", "q"]', "stdin", {"text": "q"}),
        ('["resize", {"width": 120, "height": 40}]', "resize", {"width": 120, "height": 40}),
        ('["resize", {"width": 99999, "height": -3}]', "resize", {"width": 500, "height": 5}),
        ('["resize", {"width": "130", "height": null}]', "resize", {"width": 130, "height": 24}),
        ('["resize", {"width": true, "height": 1.5}]', "resize", {"width": 80, "height": 24}),
        ('["ping", "1796681177212"]', "ping", {"text": "1796681177212"}),
        ('["focus"]', "focus", {}),
        ('["blur", 1]', "blur", {}),
    ],
)  # fmt: skip
def test_envelopes(frame: str, kind: str, fields: dict[str, object]) -> None:
    envelope = read_envelope(frame, (80, 24))
    assert envelope is not None and envelope.kind == kind
    for name, value in fields.items():
        assert getattr(envelope, name) == value


@pytest.mark.parametrize(
    "frame",
    ["", "not json", "{}", "[]", "null", "[1, 2]", '["stdin"]', '["stdin", 5]',
     '["stdin", ["q"]]', '["resize", [1, 2]]', '["resize", "120x40"]', '["ping", {"a": 1}]',
     '["ping", true]', '["quit"]', '["exit"]', '["deliver_chunk_request", {}]',
     "[" * 100_000 + "]" * 100_000, '"stdin"', "NaN", '["\\ud800", "x"]'],
)  # fmt: skip
def test_hostile_frames_are_dropped(frame: str) -> None:
    """What the page never sends is dropped, not passed on, and never raises: ``quit`` and
    ``exit`` are the server's words to the app, not the browser's."""
    assert read_envelope(frame) is None


def test_random_frames_never_raise() -> None:
    rng = random.Random(21)
    atoms: list[object] = [None, True, 0, -1, 2**70, 1.5, float("inf"), "", "stdin", "resize",
                           "ping", "focus", {"width": "9"}, [], {}]  # fmt: skip
    for _ in range(3000):
        message = [rng.choice(atoms) for _ in range(rng.randint(0, 4))]
        text = json.dumps(message)
        if rng.random() < 0.3:
            cut = rng.randint(0, len(text))
            text = text[:cut] + chr(rng.randint(0, 0x2FF)) + text[cut + 1 :]
        envelope = read_envelope(text)
        if envelope is not None and envelope.kind == "resize":
            assert WIDTH[0] <= envelope.width <= WIDTH[1]
            assert HEIGHT[0] <= envelope.height <= HEIGHT[1]


def test_dimension_from_query_text() -> None:
    assert dimension("120", 80, WIDTH) == 120
    assert dimension(" 7 ", 80, WIDTH) == 10
    assert dimension("1e9", 80, WIDTH) == 80
    assert dimension(None, 24, HEIGHT) == 24
    assert dimension("99999999999999999999999", 24, HEIGHT) == 300
