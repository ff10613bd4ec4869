"""The one base of the tests' fake servers (``fake_yahoo``, ``fake_sec``): a real HTTP server on
127.0.0.1 in a daemon thread, a request log, answers that can be delayed, reset or left hanging,
start and stop (also as a context manager), and the loop of their command-line entry.

A subclass answers one GET at a time in :meth:`FakeServer.answer`; everything about sockets stays
here, so the two fakes differ only in what they answer. Requests are handled in threads
(``ThreadingHTTPServer``), so a hung request never holds up the others.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

#: ``Response.action``: close the connection with an RST (the client sees a reset).
RESET = "reset"
#: ``Response.action``: send nothing until ``heal``/``stop`` (or 30 s), then close.
HANG = "hang"


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
    action: str | None = None  # RESET or HANG


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
            else:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(response.body)

    return Handler


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
