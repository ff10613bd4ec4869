"""The one base of the tests' fake servers (``fake_yahoo``, ``fake_sec``): a real HTTP server on
127.0.0.1 in a daemon thread, a request log, answers that can be delayed, reset or left hanging,
start and stop (also as a context manager), and the loop of their command-line entry.

A subclass answers one GET at a time in :meth:`FakeServer.answer`; everything about sockets stays
here, so the two fakes differ only in what they answer. Requests are handled in threads
(``ThreadingHTTPServer``), so a hung request never holds up the others.
"""

from __future__ import annotations

import functools
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

#: ``Response.action``: close the connection with an RST (the client sees a reset).
RESET = "reset"
#: ``Response.action``: send nothing until ``heal``/``stop`` (or 30 s), then close.
HANG = "hang"
#: Headers promising a body, then a byte every 0.2 s: no single read ever times out.
TRICKLE = "trickle"
#: Where ``redirect_away`` sends a client: another host, which must not be followed.
AWAY = "http://other.example/elsewhere"


@dataclass(frozen=True)
class Request:
    """One GET as the fake sees it."""

    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]

    def header(self, name: str) -> str:
        """A request header ("" when absent; names are case-insensitive)."""
        return self.headers.get(name) or ""


@dataclass(frozen=True)
class Response:
    """What a fake answers: a status and body, or an ``action`` on the connection instead."""

    status: int = 200
    content_type: str = "application/json"
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (latency)
    action: str | None = None  # RESET, HANG or TRICKLE


@dataclass
class FakeServer:
    """A fake's server side. Subclasses (dataclasses) implement :meth:`answer` and log what they
    want to assert on with :meth:`log`; their switchboard attributes can change at any time."""

    requests: list[tuple[float, str, str]] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)
    _hang: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, request: Request) -> Response:
        """The response to one GET (called in the server's request thread)."""
        raise NotImplementedError

    def log(self, what: str, detail: str = "") -> None:
        """Append ``(monotonic time, what, detail)`` to :attr:`requests`."""
        with self._lock:
            self.requests.append((time.monotonic(), what, detail))

    def release_hung(self) -> None:
        """Let every hanging request end (the faults' ``heal`` calls it)."""
        self._hang.set()

    def start(self, port: int = 0) -> Self:
        """Listen on 127.0.0.1 (on ``port``, or a free one), in a daemon thread."""
        server = _Server(("127.0.0.1", port), _handler(self))
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        name = f"{type(self).__name__}-{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.05,), name=name, daemon=True).start()
        return self

    def stop(self) -> None:
        """Release hung requests and shut the server down."""
        self._hang.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self if self._server is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve(self, port: int, banner: str) -> None:
        """Start on ``port``, print ``banner`` (``{url}`` filled in) and serve until ctrl+c: the
        command-line entry of every fake."""
        self.start(port)
        print(banner.format(url=self.url), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            self.stop()


def _handler(fake: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes; without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every keep-alive response.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:  # http.server's naming
            parsed = urlparse(self.path)
            request = Request(parsed.path, parse_qs(parsed.query), self.headers)  # type: ignore[arg-type]
            response = fake.answer(request)
            if response.delay:
                time.sleep(response.delay)
            if response.action == RESET:
                # SO_LINGER 0 makes close() send an RST: the client sees a reset.
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.close_connection = True
                self.connection.close()
            elif response.action == HANG:
                fake._hang.wait(timeout=30)
                self.close_connection = True
            elif response.action == TRICKLE:
                self._trickle()
            else:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(response.body)
                except OSError:  # the client gave up on it (a gzip bomb): that is the point
                    self.close_connection = True

        def _trickle(self) -> None:
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(600):
                if fake._hang.wait(0.2):
                    return
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return

    return Handler


@functools.lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """256 MB of JSON whitespace gzipped to ~250 KB: what a broken proxy or a hostile server
    can send to make a client that reads whole bodies use gigabytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    block = b" " * (1 << 20)
    return b"".join([*(packer.compress(block) for _ in range(256)), packer.flush()])


#: The faults both fakes can act out whatever the endpoint.
HOSTILE = ("gzip_bomb", "redirect_away", "trickle")


def hostile_response(fault: str, delay: float = 0.0) -> Response:
    """``gzip_bomb``, ``redirect_away`` (a 302 to another host) or ``trickle``."""
    if fault == "gzip_bomb":
        return Response(body=gzip_bomb(), headers={"Content-Encoding": "gzip"}, delay=delay)
    if fault == "redirect_away":
        return Response(302, "text/plain", b"", {"Location": AWAY}, delay=delay)
    assert fault == "trickle", fault
    return Response(delay=delay, action=TRICKLE)


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops connections when a refresh opens 8 or more at
    # once on a busy machine (HTTP/1.1 here: no multiplexing as with Yahoo's HTTP/2).
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a timed-out or cancelled request: what several
        # tests do on purpose) is no error of the fake; anything else still prints.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def free_port_refusing() -> str:
    """A base URL where nothing listens: connections are refused (the network is 'down')."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"
