"""``neotui serve`` run as a user runs it, without a browser: the page over HTTP (httpx), a tab
over its WebSocket (aiohttp's client, speaking as textual-serve's page does), against the fake
Yahoo. What is served and to whom, the port in use, hostile frames and a tab that drops."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from click.testing import CliRunner

from neotui.cli import cli
from tests.serve_harness import QUOTE, REPO, Screen, Served, children, serve_env, serving


@pytest.fixture
def env(fake_yahoo: Any, tmp_path: Path) -> dict[str, str]:
    return serve_env(fake_yahoo.url, tmp_path / "home")


def _wait(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_loopback_serves_the_page_its_assets_and_nothing_else(env: dict[str, str]) -> None:
    with serving("serve", "--port", "0", env=env) as served:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", served.url)
        with httpx.Client(base_url=served.base, timeout=10) as client:
            page = client.get("/")
            assert page.status_code == 200
            assert "textual-terminal" in page.text and "/static/js/textual.js" in page.text
            assert f'data-session-websocket-url="ws://{served.base[7:]}/ws"' in page.text
            # The font is textual-serve's copy, not Google's: nothing leaves the network.
            assert "googleapis" not in page.text and "RobotoMono-VariableFont" in page.text
            assert page.headers["x-frame-options"] == "DENY"
            assert page.headers["referrer-policy"] == "no-referrer"
            fonts = "fonts/RobotoMono-VariableFont_wght.ttf"
            for asset in ("js/textual.js", "css/xterm.css", fonts, "images/background.png"):
                assert client.get(f"/static/{asset}").status_code == 200, asset
            for path in ("/static/", "/static", "/static/js/", "/static/../server.py",
                         "/static/%2e%2e/server.py", "/static/..%2fapp_service.py",
                         "/templates/app_index.html", "/etc/passwd", "/download/nothing",
                         "/favicon.ico", "/ws/../static/"):  # fmt: skip
                response = client.get(path)
                assert response.status_code == 404, (path, response.status_code)
                assert "Index of" not in response.text
            assert client.post("/", content=b"x").status_code == 405
            assert client.get("/ws").status_code == 400  # a socket, not a page
            rebound = client.get("/", headers={"Host": f"attacker.example:{served.base[-4:]}"})
            assert rebound.status_code == 403 and "its own name" in rebound.text
        assert served.apps() == []  # no page view starts an app; only a socket does


def test_other_address_needs_the_token(env: dict[str, str]) -> None:
    with serving("serve", "--host", "0.0.0.0", "--port", "0", env=env) as served:
        token = served.url.rsplit("?token=", 1)[1]
        assert len(token) >= 32
        port = re.search(r":(\d+)/", served.url).group(1)  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            missing = client.get("/")
            assert missing.status_code == 403 and "needs a token" in missing.text
            wrong = client.get("/", params={"token": "x" * 32})
            assert wrong.status_code == 403 and "Wrong token" in wrong.text
            for path in ("/static/js/textual.js", "/ws", "/download/x"):
                assert client.get(path).status_code == 403, path
            forged = token[:-1] + ("y" if token.endswith("x") else "x")  # one character off
            client.cookies.set(f"neotui_token_{port}", forged)
            assert client.get("/").status_code == 403
            client.cookies.clear()
            entry = client.get("/", params={"token": token, "fontsize": "14"})
            assert entry.status_code == 303
            assert entry.headers["location"] == "/?fontsize=14"  # the token leaves the address
            cookie = entry.headers["set-cookie"]
            assert f"neotui_token_{port}={token}" in cookie
            assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            page = client.get("/?fontsize=14")  # the client kept the cookie
            assert page.status_code == 200 and "textual-terminal" in page.text
            assert client.get("/static/js/textual.js").status_code == 200
    err = served.output()
    assert "warning: binding 0.0.0.0" in err
    assert "refused GET / from 127.0.0.1: no token" in err
    assert "refused GET / from 127.0.0.1: bad token" in err
    assert token not in err  # the log names refusals, never the token


def test_given_token_and_bad_tokens(env: dict[str, str]) -> None:
    token = "my-own-token_0123456789"
    with serving("serve", "--host", "0.0.0.0", "--port", "0", "--token", token, env=env) as served:
        assert served.url.endswith(f"/?token={token}")
    for bad in ("short", "has spaces in the token", "x" * 200):
        result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--token", bad])
        assert result.exit_code == 2
        assert "a token must be at least 16" in result.output


def test_port_in_use(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "neotui", "serve", "--port", str(port)],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 69
    assert f"neotui serve: port {port} on 127.0.0.1 is in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_tab_runs_the_app_with_the_group_options(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each tab runs ``python -m neotui`` with the options given before ``serve`` (paths made
    absolute) and no others; the environment (NEOTUI_*, XDG) is inherited as it is."""
    from neotui.serve.server import NeoServer

    seen: dict[str, str] = {}

    def record(self: NeoServer, sock: socket.socket) -> None:
        seen["command"] = self.command
        sock.close()

    monkeypatch.setattr(NeoServer, "serve_on", record)
    args = ["--config", "my.toml", "--symbols", "CRWV,NVDA", "--no-bundled-deals", "--theme",
            "nord", "serve", "--port", "0"]  # fmt: skip
    monkeypatch.chdir(tmp_path)  # the relative --config is made absolute against it
    (tmp_path / "my.toml").write_text("")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert seen["command"] == (
        f"exec {sys.executable} -m neotui --config {tmp_path / 'my.toml'} "
        "--no-bundled-deals --symbols CRWV,NVDA --theme nord"
    )


def test_bad_settings_fail_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[market]\nconcurrency = true\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "serve", "--port", "0"])
    assert result.exit_code == 2
    assert "market.concurrency: expected an integer" in result.output


async def _read_until(ws: aiohttp.ClientWebSocketResponse, pattern: re.Pattern[str],
                      screen: Screen | None = None, timeout: float = 40.0) -> str:  # fmt: skip
    """Read the terminal stream until ``pattern`` shows on the screen it draws."""
    screen = screen or Screen(120, 40)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = await ws.receive(timeout=deadline - time.monotonic())
        except TimeoutError:
            break
        if message.type == aiohttp.WSMsgType.BINARY:
            screen.feed(message.data)
            if pattern.search(screen.text()):
                return screen.text()
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            raise AssertionError(f"the session closed:\n{screen.text()}")
    raise AssertionError(f"{pattern.pattern!r} not on the screen within {timeout} s:\n"
                         f"{screen.text()}")  # fmt: skip


def _ws_url(served: Served) -> str:
    return f"ws://{served.base[7:]}/ws?width=120&height=40"


async def test_tab_survives_hostile_frames_and_ends_with_its_socket(env: dict[str, str]) -> None:
    """A tab shows live quotes; frames the page never sends are dropped and the app keeps
    running; when the tab drops mid-update (no close frame), its app process ends and the
    server carries on."""
    with serving("serve", "--port", "0", env=env) as served:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(_ws_url(served), origin=served.base)
            screen = Screen(120, 40)
            await _read_until(ws, QUOTE, screen)
            [app] = served.apps()
            assert Path(f"/proc/{app}/cmdline").read_bytes().split(b"\0")[1:3] == [b"-m", b"neotui"]
            for frame in ("garbage", "[]", '["resize", {"width": "wide"}]', '["stdin", 5]',
                          '["resize", {"width": 1e308, "height": -1}]', '["quit"]', '["exit"]',
                          "[" * 50_000, '{"stdin": "q"}'):  # fmt: skip
                await ws.send_str(frame)
            await ws.send_bytes(b"\x00\xff binary")
            await ws.send_str('["ping", "42"]')
            message = await ws.receive(timeout=10)
            while message.type == aiohttp.WSMsgType.BINARY:  # screen updates still on the way
                screen.feed(message.data)
                message = await ws.receive(timeout=10)
            assert message.json() == ["pong", "42"]
            # The out-of-range resize was held within bounds (120x5); the page sizes it back.
            await ws.send_str('["resize", {"width": 120, "height": 40}]')
            await ws.send_str('["stdin", "?"]')  # a key still works: the help screen opens
            await _read_until(ws, re.compile("Rebind any key by id"), screen)
            assert served.apps() == [app]
            # Drop the connection mid-stream, as a closed laptop lid does: no close frame.
            await ws.send_str('["stdin", "r"]')
            ws._response.connection.transport.abort()  # type: ignore[union-attr]
        assert _wait(lambda: served.apps() == [], 15), "the tab's app outlived its socket"
        assert not Path(f"/proc/{app}").exists() or "Z" in Path(f"/proc/{app}/stat").read_text()
        assert httpx.get(served.url, timeout=10).status_code == 200
    err = served.output()
    assert "Traceback" not in err
    assert "tab opened from 127.0.0.1 (1 open)" in err and "tab closed (0 open)" in err


async def test_tab_closes_when_its_app_ends(env: dict[str, str]) -> None:
    """``q`` in a tab, or its app killed: the socket closes (the page says "Session ended")."""
    import os
    import signal

    with serving("serve", "--port", "0", env=env) as served:
        async with aiohttp.ClientSession() as session:
            for end in ("q", "kill"):
                ws = await session.ws_connect(_ws_url(served), origin=served.base)
                await _read_until(ws, re.compile("neotui"))
                [app] = served.apps()
                if end == "q":
                    await ws.send_str('["stdin", "q"]')
                else:
                    os.kill(app, signal.SIGKILL)
                message = await ws.receive(timeout=15)
                while message.type == aiohttp.WSMsgType.BINARY:
                    message = await ws.receive(timeout=15)
                assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), end
                assert _wait(lambda: served.apps() == [], 10), end
    assert "a tab's app ended with status -9" in served.output()


async def test_socket_from_another_site_starts_nothing(env: dict[str, str]) -> None:
    with serving("serve", "--port", "0", env=env) as served:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(_ws_url(served), origin="http://attacker.example")
            assert refused.value.status == 403
        assert served.apps() == []
    assert "refused GET /ws from 127.0.0.1: bad origin" in served.output()


def test_stop_ends_every_tab(env: dict[str, str]) -> None:
    """Ctrl+C on the server ends the apps of open tabs too."""

    async def open_tabs(served: Served) -> list[int]:
        async with aiohttp.ClientSession() as session:
            sockets = [await session.ws_connect(_ws_url(served), origin=served.base)
                       for _ in range(2)]  # fmt: skip
            for ws in sockets:
                await _read_until(ws, re.compile("neotui"))
            apps = served.apps()
            served.process.send_signal(2)
            for ws in sockets:
                await ws.receive(timeout=20)  # the server closes them
            return apps

    with serving("serve", "--port", "0", env=env) as served:
        apps = asyncio.run(open_tabs(served))
        assert len(apps) == 2
        assert served.process.wait(timeout=20) == 0
    assert all(not Path(f"/proc/{pid}").exists() for pid in apps)
    assert children(served.process.pid) == []
