"""A fake SEC EDGAR: a real HTTP server on 127.0.0.1 fed with recorded bodies.

It serves ``/files/company_tickers.json`` and ``/submissions/CIK##########.json`` like
www.sec.gov and data.sec.gov, and behaves like the SEC where neotui depends on it: a request whose
User-Agent names no e-mail gets a 403, every answer carries an ETag and Last-Modified, and a
matching If-None-Match gets a 304. Faults (for all CIKs or one): 403, 404 (S3's recorded XML
body), 429 and 503 throttling pages, a truncated body, a hang.

Recorded bodies are in ``tests/fixtures/edgar`` (verbatim copies, see its SOURCES.md). The
watched neoclouds have no public recording: each CIK without one is served a recorded company's
body with ``cik`` and ``name`` replaced, so every row shows its own company.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from tests.fake_yahoo import hostile_reply

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "edgar"
TICKERS = "sec_company_tickers_2026-02-01.json"
ALZN = "et_cassette_submissions_CIK0001677077_ALZN_2026-03.yaml"
STI = "et_cassette_submissions_CIK0001881551_STI_2026-03.yaml"
NO_FILINGS = "et_cassette_submissions_CIK0000350001_no_filings_2026-03.yaml"
NOT_FOUND = "et_cassette_submissions_404_NoSuchKey_2026-03.yaml"
AAPL = "sec_submissions_CIK0000320193_AAPL_2023-08.json"
FAULTS = ("403", "404", "429", "503", "truncated", "hang", "html", "gzip_bomb",
          "redirect_away", "trickle")  # fmt: skip
LAST_MODIFIED = "Tue, 10 Mar 2026 19:52:09 GMT"
# What the SEC answers a script without a declared contact (its "Undeclared Automated Tool" page).
UNDECLARED = (
    b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>"
    b"<h1>Your Request Originates from an Undeclared Automated Tool</h1>"
    b"<p>Please declare your traffic by updating your user agent to include company specific "
    b"information.</p></body></html>"
)
THROTTLED = (
    b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head>"
    b"<body><h1>Request Rate Threshold Exceeded</h1></body></html>"
)
_EMAIL = re.compile(rb"[^@\s]+@[^@\s]+\.[^@\s]+")

#: The watched symbols' CIKs (from the recorded tickers table) and the body each gets.
WATCHED: dict[int, tuple[str, str]] = {
    1769628: ("CoreWeave, Inc.", ALZN),
    1513845: ("Nebius Group N.V.", STI),
    1878848: ("IREN Ltd", STI),
    1819989: ("Cipher Mining Inc.", ALZN),
    1083301: ("TeraWulf Inc.", STI),
    1144879: ("Applied Digital Corp.", ALZN),
    1839341: ("Core Scientific, Inc./tx", STI),
    1045810: ("NVIDIA CORP", ALZN),
}


@functools.lru_cache(maxsize=16)
def recorded(name: str) -> tuple[int, str, bytes]:
    """Status, content type and body of a recorded file (bare body or VCR cassette)."""
    path = FIXTURES / name
    if name.endswith(".json"):
        return 200, "application/json", path.read_bytes()
    response = yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"][0]["response"]
    headers = {k.lower(): v[0] for k, v in response["headers"].items()}
    return response["status"]["code"], headers["content-type"], response["body"]["string"].encode()


@functools.lru_cache(maxsize=64)
def renamed(name: str, cik: int, company: str) -> bytes:
    """A recorded submissions body as another company's."""
    body = json.loads(recorded(name)[2])
    body["cik"] = f"{cik:010d}"
    body["name"] = company
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass
class FakeSec:
    """The switchboard; change attributes at any time."""

    fault: str | None = None
    faults: dict[int, str] = field(default_factory=dict)
    bodies: dict[int, bytes] = field(default_factory=dict)
    tickers_fault: str | None = None
    requests: list[tuple[float, str, str]] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    not_modified: int = 0
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _hang: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def tickers_url(self) -> str:
        """Where the tickers table is served."""
        return f"{self.url}/files/company_tickers.json"

    def body_for(self, cik: int) -> tuple[int, str, bytes]:
        """The answer for one CIK with no fault: its own body, a renamed recording, or 404."""
        if cik in self.bodies:
            return 200, "application/json", self.bodies[cik]
        if cik in WATCHED:
            company, name = WATCHED[cik]
            return 200, "application/json", renamed(name, cik, company)
        own = {1677077: ALZN, 1881551: STI, 350001: NO_FILINGS, 320193: AAPL}.get(cik)
        if own is not None:
            return recorded(own)
        return recorded(NOT_FOUND)

    def heal(self) -> None:
        """Every fault off, hung requests released."""
        self.fault = None
        self.tickers_fault = None
        self.faults.clear()
        self._hang.set()

    def start(self, port: int = 0) -> FakeSec:
        """Listen on 127.0.0.1 in a daemon thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                agent = self.headers.get("User-Agent", "")
                with fake._lock:
                    fake.requests.append((time.monotonic(), self.path, agent))
                    fake.user_agents.append(agent)
                    fake.counts[self.path] += 1
                if not _EMAIL.search(agent.encode()):
                    self._send(403, "text/html", UNDECLARED)
                    return
                if self.path == "/files/company_tickers.json":
                    fault = fake.tickers_fault or fake.fault
                    answer: tuple[int, str, bytes] = recorded(TICKERS)
                elif m := re.fullmatch(r"/submissions/CIK(\d{10})\.json", self.path):
                    cik = int(m.group(1))
                    fault = fake.faults.get(cik) or fake.fault
                    answer = fake.body_for(cik)
                else:
                    self._send(*recorded(NOT_FOUND))
                    return
                if fault:
                    self._fault(fault, answer)
                    return
                status, ctype, body = answer
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if status == 200 and self.headers.get("If-None-Match") == etag:
                    with fake._lock:
                        fake.not_modified += 1
                    self._send(304, ctype, b"", etag)
                    return
                self._send(status, ctype, body, etag if status == 200 else None)

            def _fault(self, fault: str, answer: tuple[int, str, bytes]) -> None:
                if fault == "403":
                    self._send(403, "text/html", UNDECLARED)
                elif fault == "404":
                    self._send(*recorded(NOT_FOUND))
                elif fault in ("429", "503"):
                    self._send(int(fault), "text/html", THROTTLED)
                elif fault == "html":
                    self._send(200, "text/html", THROTTLED)
                elif fault == "truncated":
                    self._send(200, answer[1], answer[2][: len(answer[2]) // 2])
                elif fault == "hang":
                    fake._hang.wait(timeout=30)
                    self.close_connection = True
                else:
                    hostile_reply(self, fault, fake._hang)

            def _send(self, status: int, ctype: str, body: bytes, etag: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", LAST_MODIFIED)
                self.end_headers()
                self.wfile.write(body)

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Release hung requests and shut down."""
        self._hang.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def submissions_json(cik: int) -> Any:
    """The decoded body the fake serves for ``cik`` (for assertions)."""
    return json.loads(FakeSec().body_for(cik)[2])


def main() -> None:
    """``python -m tests.fake_sec [--port N] [--fault F]``: serve until interrupted."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--fault", choices=FAULTS)
    args = parser.parse_args()
    fake = FakeSec(fault=args.fault).start(args.port)
    print(f"fake SEC on {fake.url} (tickers: {fake.tickers_url})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
