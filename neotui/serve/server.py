"""The web server of ``neotui serve``: textual-serve's page, protocol and app processes, with
neotui's access rules in front and nothing else served.

textual-serve 1.1.3's ``Server`` routes ``/`` (the page), ``/ws`` (one app process per socket),
``/download/{key}`` (files the app delivers) and ``/static`` *with a directory listing*; it
admits every client, and when a tab goes away it asks the app to quit but never makes sure the
process ended (an app blocked writing to a pipe nobody reads stays forever). This subclass keeps
its page template, its packet relay (``AppService``) and its download manager, and changes:

- routes: the same four paths, ``/static`` answering only the files textual-serve ships (a fixed
  table made at start, no listing, no path outside it); any other path is 404, any method but
  GET/HEAD 405;
- every request passes :class:`neotui.serve.access.Gate` first (a refusal page otherwise);
- the socket loop reads frames through :func:`neotui.serve.protocol.read_envelope`;
- a tab's process is ended with the tab (quit, then killed after :data:`QUIT_GRACE`), and every
  process with the server;
- at most :data:`MAX_TABS` sessions at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from neotui.serve.access import TOKEN_PARAM, Gate, Verdict
from neotui.serve.protocol import HEIGHT, MAX_FRAME, WIDTH, dimension, read_envelope

log = logging.getLogger("neotui.serve")

QUIT_GRACE = 5.0
"""Seconds a tab's app has to quit once its tab is gone before it is killed."""
MAX_TABS = 16
"""Sessions at once: each is a whole neotui process (~90 MB, see bench/serve.py), so a page
reloading in a loop cannot exhaust the machine's memory."""

_HEADERS = {
    # The page takes keystrokes: no other site may frame it and click or type through it.
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    # The first address carries the token; it must not travel on in a Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

_GOOGLE_FONT = re.compile(
    r'<link\s+rel="stylesheet"\s+href="https://fonts\.googleapis\.com/[^"]*"\s*/>'
)
_LOCAL_FONT = (
    "<style>@font-face { font-family: 'Roboto Mono'; font-weight: 100 700;"
    " src: url('/static/fonts/RobotoMono-VariableFont_wght.ttf') format('truetype'); }</style>"
)

_REFUSAL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>neotui: refused</title></head>
<body style="background:#0c181f;color:#eee;font-family:monospace;padding:3em">
<h1>neotui serve: refused</h1><p>{message}</p></body></html>
"""


class TabSession(AppService):
    """One tab's app process, ended for certain when the tab goes, and the tab closed when the
    process ends."""

    async def run(self) -> None:
        """Relay the app's output; when the app has gone (``q``, or a crash that sent no word),
        close the tab's socket, so the page says "Session ended" instead of freezing."""
        await super().run()
        process = self._process
        if process is not None:
            with contextlib.suppress(TimeoutError):  # its output ended: it is on its way out
                async with asyncio.timeout(1.0):
                    await process.wait()
        if process is not None and process.returncode not in (None, 0):
            log.warning("a tab's app ended with status %s", process.returncode)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.remote_close()

    async def stop(self) -> None:
        """Ask the app to quit and wait for it; past :data:`QUIT_GRACE`, kill it. Its output is
        read to the end meanwhile, so an app writing to a tab that went away is not left
        blocked on a full pipe."""
        process = self._process
        try:
            async with asyncio.timeout(QUIT_GRACE):
                await super().stop()
                if process is not None:
                    await asyncio.gather(_drain(process.stdout), process.wait())
        except TimeoutError:
            log.warning("a tab's app did not quit within %g s: killed", QUIT_GRACE)
        finally:
            if self._task is not None:
                self._task.cancel()
                self._task = None
            if process is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()


async def _drain(stream: asyncio.StreamReader | None) -> None:
    """Read ``stream`` to its end, discarding it."""
    if stream is None:
        return
    while await stream.read(64 * 1024):
        pass


class NeoServer(Server):
    """textual-serve's server with neotui's access rules (see the module docstring).

    Args:
        command: the shell command that starts one app (``python -m neotui …``, quoted).
        host: the bind address, for the messages and the default public URL.
        port: the bound port.
        gate: who may come in.
        public_url: where browsers reach the server, if not at ``http://host:port``.
    """

    def __init__(
        self, command: str, *, host: str, port: int, gate: Gate, public_url: str | None = None
    ) -> None:
        super().__init__(command, host=host, port=port, title="neotui", public_url=public_url)
        self.gate = gate
        self.fixed_public_url = public_url is not None
        self.sockets: set[web.WebSocketResponse] = set()
        self.assets = asset_table(self.statics_path)

    async def _make_app(self) -> web.Application:
        """The routes textual-serve's page needs, and nothing more."""
        import aiohttp_jinja2
        import jinja2

        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.get("/static/{filename:.*}", self.handle_asset, name="static"),
            ]
        )
        app.on_response_prepare.append(_add_headers)
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Every request: GET only, then the gate; a token in the address is swapped for a
        cookie and the address shown without it."""
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
        in_query = request.query.get(TOKEN_PARAM)
        offered = in_query if in_query is not None else request.cookies.get(self.gate.cookie)
        verdict = self.gate.check(
            host_header=request.host, origin=request.headers.get("Origin"), offered=offered
        )
        if verdict is not Verdict.ADMIT:
            log.warning("refused %s %s from %s: %s", request.method, request.path,
                        request.remote, verdict.name.lower().replace("_", " "))  # fmt: skip
            body = _REFUSAL.format(message=verdict.value)
            return web.Response(status=403, text=body, content_type="text/html")
        if in_query is not None and request.path == "/":
            query = {k: v for k, v in request.query.items() if k != TOKEN_PARAM}
            redirect = web.HTTPSeeOther(request.rel_url.with_query(query))
            redirect.set_cookie(self.gate.cookie, in_query, httponly=True, samesite="Strict",
                                secure=self.public_url.startswith("https:"), path="/")  # fmt: skip
            raise redirect
        response: web.StreamResponse = await handler(request)
        return response

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page; without ``--public-url``, its socket address is the one the browser used
        (a server bound to 0.0.0.0 is reached at an address only the browser knows). Its font
        comes from the copy textual-serve ships, not from Google: the page works on a network
        without the internet and tells no third party it was opened."""
        if not self.fixed_public_url:
            self.public_url = f"{request.scheme}://{request.host}"
        page: web.StreamResponse = await super().handle_index(request)
        if isinstance(page, web.Response) and page.text is not None:
            page.text = _GOOGLE_FONT.sub(_LOCAL_FONT, page.text, count=1)
        return page

    async def handle_asset(self, request: web.Request) -> web.StreamResponse:
        """One of the files textual-serve ships (the page's script, style, fonts, image)."""
        path = self.assets.get(request.match_info["filename"])
        if path is None:
            raise web.HTTPNotFound()
        return web.FileResponse(path)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: its own app process, relayed until either side goes."""
        if len(self.sockets) >= MAX_TABS:
            log.warning("refused a tab from %s: %d tabs open already", request.remote, MAX_TABS)
            raise web.HTTPServiceUnavailable(text=f"neotui serve: {MAX_TABS} tabs open already")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_FRAME)
        self.sockets.add(websocket)  # before any await: a burst of sockets cannot pass the cap
        size = (
            dimension(request.query.get("width"), 80, WIDTH),
            dimension(request.query.get("height"), 24, HEIGHT),
        )

        async def close() -> None:
            await websocket.close()

        session = TabSession(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
        )
        log.info("tab opened from %s (%d open)", request.remote, len(self.sockets))
        try:
            await websocket.prepare(request)
            await session.start(*size)
            await self.relay(websocket, session, size)
        except (ConnectionError, OSError) as err:
            log.info("tab from %s went away: %s", request.remote, err)
        finally:
            self.sockets.discard(websocket)
            await session.stop()
            log.info("tab closed (%d open)", len(self.sockets))
        return websocket

    async def relay(
        self, websocket: web.WebSocketResponse, session: AppService, size: tuple[int, int]
    ) -> None:
        """Pass the page's keys, sizes and focus to the app until the socket closes."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope = read_envelope(message.data, size)
            if envelope is None:
                continue
            if envelope.kind == "stdin":
                await session.send_bytes(envelope.text.encode("utf-8"))
            elif envelope.kind == "resize":
                size = (envelope.width, envelope.height)
                await session.set_terminal_size(*size)
            elif envelope.kind == "ping":
                await websocket.send_json(["pong", envelope.text])
            elif envelope.kind == "focus":
                await session.focus()
            elif envelope.kind == "blur":
                await session.blur()

    async def on_startup(self, app: web.Application) -> None:
        """Nothing printed here: the command line said where to go before binding."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab, so each handler ends its app process before the loop stops."""
        for websocket in list(self.sockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

    def serve_on(self, sock: socket.socket) -> None:
        """Serve on an already bound socket (the command line binds it first, to report a port
        in use plainly) until SIGINT or SIGTERM."""
        logging.basicConfig(level=logging.INFO, format="neotui serve: %(message)s")
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
        web.run_app(self._make_app(), sock=sock, print=None, access_log=None,
                    shutdown_timeout=QUIT_GRACE + 1)  # fmt: skip


def asset_table(root: Path) -> dict[str, Path]:
    """Every file under textual-serve's static folder, by its path relative to it: the only
    names ``/static/…`` answers (links are left out; nothing resolves outside ``root``)."""
    root = root.resolve()
    table: dict[str, Path] = {}
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.resolve().is_relative_to(root):
            table[path.relative_to(root).as_posix()] = path
    return table


async def _add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """The safety headers on every response, refusals and errors included."""
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
