"""A fake Cboe CDN on 127.0.0.1: delayed quotes from the recorded body.

``/api/global/delayed_quotes/quotes/{SYM}.json`` answers, for AAPL, the recorded body byte for
byte (``tests/fixtures/cboe``); for the other known symbols, the same body with the symbol set
and every price scaled (so each row shows its own numbers and the after-the-bell trap stays:
``prev_day_close`` equals ``close``). An unknown symbol gets 403 with an S3-style AccessDenied
body (what a CDN bucket answers for a missing file: an assumption, see SOURCES.md).

Faults (``fault``, for every symbol or one): ``429``, ``500``, ``html``, ``hang``, ``reset``,
``garbage`` (a body that is not JSON) and the hostile ones of ``fake_server`` (gzip bomb, a
redirect to another host, a trickle). ``body`` replaces every answer with given bytes (the
hostile-input tests). The server side is :class:`tests.fake_server.FakeServer`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.fake_server import HANG, HOSTILE, RESET, FakeServer, Request, Response, hostile_response

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cboe"
RECORDED = "cboe_delayed_quote_AAPL_2024-06-27_after_close.json"
PREFIX = "/api/global/delayed_quotes/quotes/"
FAULTS = ("429", "500", "html", "hang", "reset", "garbage", *HOSTILE)
ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>Access Denied</Message></Error>"
)
_PRICES = ("current_price", "bid", "ask", "open", "high", "low", "close", "prev_day_close",
           "price_change")  # fmt: skip


def recorded_body() -> bytes:
    """The recorded AAPL body, as recorded."""
    return (FIXTURES / RECORDED).read_bytes()


def scaled_body(symbol: str, scale: float) -> bytes:
    """The recorded body for ``symbol``, its prices times ``scale``."""
    data = json.loads(recorded_body())
    data["symbol"] = data["data"]["symbol"] = symbol
    for key in _PRICES:
        data["data"][key] = round(data["data"][key] * scale, 4)
    return json.dumps(data).encode()


@dataclass
class FakeCboe(FakeServer):
    """The switchboard: change attributes at any time."""

    scales: dict[str, float] = field(
        default_factory=lambda: {
            "AAPL": 1.0, "CRWV": 0.45, "NBIS": 0.5, "IREN": 0.07, "CIFR": 0.03, "WULF": 0.05,
            "APLD": 0.06, "CORZ": 0.08, "NVDA": 0.85,
        }
    )  # fmt: skip
    fault: str | None = None
    faults: dict[str, str] = field(default_factory=dict)  # symbol -> fault
    body: bytes | None = None

    def answer(self, request: Request) -> Response:
        """One GET: a quote, a 403 for an unknown symbol, or the fault switched on."""
        if not request.path.startswith(PREFIX) or not request.path.endswith(".json"):
            return Response(404, "text/plain", b"Not Found")
        symbol = unquote(request.path[len(PREFIX) : -len(".json")])
        self.log("quote", symbol)
        fault = self.faults.get(symbol) or self.fault
        if fault is not None:
            return _fault(fault)
        if self.body is not None:
            return Response(body=self.body)
        if symbol not in self.scales:
            return Response(403, "application/xml", ACCESS_DENIED)
        if symbol == "AAPL":
            return Response(body=recorded_body())
        return Response(body=scaled_body(symbol, self.scales[symbol]))

    def mock_transport(self) -> Any:
        """The same answers through ``httpx.MockTransport`` (Pilot and snapshot tests: no
        sockets); the connection faults (hang, reset) are not acted out there."""
        import httpx

        def handler(request: httpx.Request) -> httpx.Response:
            answer = self.answer(Request(request.url.path, {}, {}))
            headers = {"content-type": answer.content_type, **answer.headers}
            return httpx.Response(answer.status, content=answer.body, headers=headers)

        return httpx.MockTransport(handler)

    def asked(self) -> list[str]:
        """The symbols asked so far, in order."""
        return [detail for _, what, detail in self.requests if what == "quote"]


def _fault(fault: str) -> Response:
    assert fault in FAULTS, fault
    if fault in HOSTILE:
        return hostile_response(fault)
    if fault == "hang":
        return Response(action=HANG)
    if fault == "reset":
        return Response(action=RESET)
    return {
        "429": Response(429, "text/plain", b"Too Many Requests"),
        "500": Response(500, "text/html", b"<html>Internal Server Error</html>"),
        "html": Response(200, "text/html", b"<!DOCTYPE html><html><body>Blocked</body></html>"),
        "garbage": Response(200, "application/json", b'{"data": {"symbol": "CRWV", "curr'),
    }[fault]


def main() -> None:
    """``python -m tests.fake_cboe [--port N] [--fault F]``: serve until interrupted."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--fault", choices=FAULTS)
    args = parser.parse_args()
    fake = FakeCboe(fault=args.fault)
    fake.serve(args.port, "fake Cboe on {url}")


if __name__ == "__main__":
    main()
