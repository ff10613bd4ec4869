"""A fake SEC EDGAR: a real HTTP server on 127.0.0.1 fed with recorded bodies.

It serves ``/files/company_tickers.json``, ``/submissions/CIK##########.json``, the older pages
``/submissions/CIK##########-submissions-001.json`` (``page_faults`` per page) and
``/api/xbrl/companyfacts/CIK##########.json`` (``facts_bodies[cik]`` overrides one) like
www.sec.gov and data.sec.gov, and behaves like the SEC where neotui depends on it: a request whose
User-Agent names no e-mail gets a 403, every answer carries an ETag and Last-Modified, and a
matching If-None-Match gets a 304. Faults (for all CIKs or one): 403, 404 (S3's recorded XML
body), 429 and 503 throttling pages, a truncated body, a hang.

Filing indexes and documents under ``/Archives/edgar/data/...`` come from
:mod:`tests.fake_archives` (faults by file name in ``document_faults``).

Recorded bodies are in ``tests/fixtures/edgar`` (verbatim copies, see its SOURCES.md). The
watched neoclouds have no public recording: each CIK without one is served a recorded company's
body with ``cik`` and ``name`` replaced, so every row shows its own company. The server itself
(thread, request log, start/stop) is :class:`tests.fake_server.FakeServer`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.fake_archives import archived
from tests.fake_server import HANG, HOSTILE, FakeServer, Request, Response, hostile_response

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "edgar"
SEC_FIXTURES = FIXTURES.parent / "sec"
#: Company facts recorded by CIK (tests/fixtures/sec/SOURCES.md); other CIKs get S3's 404.
FACTS: dict[int, str] = {
    1045810: "sec_companyfacts_CIK0001045810_NVDA_2026-07-09.json",
    1652044: "sec_companyfacts_CIK0001652044_GOOGL_2026-07-09.json",
    1997711: "NOT_VERBATIM_reserialized_companyfacts_CIK0001997711_LPA_ifrs-full_20-F_2025-04.json",
}
TICKERS = "sec_company_tickers_2026-02-01.json"
ALZN = "et_cassette_submissions_CIK0001677077_ALZN_2026-03.yaml"
STI = "et_cassette_submissions_CIK0001881551_STI_2026-03.yaml"
NO_FILINGS = "et_cassette_submissions_CIK0000350001_no_filings_2026-03.yaml"
NOT_FOUND = "et_cassette_submissions_404_NoSuchKey_2026-03.yaml"
AAPL = "sec_submissions_CIK0000320193_AAPL_2023-08.json"
#: NVIDIA's real main page, listing one older page (give it with ``bodies[1045810]``).
NVDA = "sec_submissions_CIK0001045810_NVDA_2026-03-05.json"
#: The one recorded older page (Apple's): served as page 001 of every CIK, since an overflow
#: page is bare column arrays naming no company.
OLDER_PAGE = "sec_submissions_CIK0000320193-submissions-001_AAPL_overflow_page.json"
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


@functools.lru_cache(maxsize=4)
def facts_body(cik: int) -> tuple[int, str, bytes]:
    """The recorded company facts of ``cik`` (served as recorded), or S3's 404."""
    name = FACTS.get(cik)
    if name is None:
        return recorded(NOT_FOUND)
    return 200, "application/json", (SEC_FIXTURES / name).read_bytes()


@functools.lru_cache(maxsize=64)
def renamed(name: str, cik: int, company: str) -> bytes:
    """A recorded submissions body as another company's."""
    body = json.loads(recorded(name)[2])
    body["cik"] = f"{cik:010d}"
    body["name"] = company
    return json.dumps(body, separators=(",", ":")).encode()


@dataclass
class FakeSec(FakeServer):
    """The switchboard; change attributes at any time. ``requests`` logs
    ``(time, path, User-Agent)``."""

    fault: str | None = None
    faults: dict[int, str] = field(default_factory=dict)
    page_faults: dict[str, str] = field(default_factory=dict)  # by page name, e.g. "CIK…-001.json"
    bodies: dict[int, bytes] = field(default_factory=dict)
    facts_bodies: dict[int, bytes] = field(default_factory=dict)
    tickers_fault: str | None = None
    user_agents: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    not_modified: int = 0
    #: Faults for the archives (indexes and documents), by file name; "*" for all of them.
    document_faults: dict[str, str] = field(default_factory=dict)

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
        self.page_faults.clear()
        self.document_faults.clear()
        self.release_hung()

    def answer(self, request: Request) -> Response:
        """One GET, as the SEC answers it (tests/fake_server.py runs the server)."""
        agent = request.header("User-Agent")
        self.log(request.path, agent)
        with self._lock:
            self.user_agents.append(agent)
            self.counts[request.path] += 1
        if not _EMAIL.search(agent.encode()):
            return Response(403, "text/html", UNDECLARED)
        if request.path == "/files/company_tickers.json":
            fault = self.tickers_fault or self.fault
            answer: tuple[int, str, bytes] = recorded(TICKERS)
        elif m := re.fullmatch(r"/submissions/CIK(\d{10})\.json", request.path):
            cik = int(m.group(1))
            fault = self.faults.get(cik) or self.fault
            answer = self.body_for(cik)
        elif m := re.fullmatch(
            r"/submissions/(CIK(\d{10})-submissions-(\d{3})\.json)", request.path
        ):
            cik = int(m.group(2))
            fault = self.page_faults.get(m.group(1)) or self.faults.get(cik) or self.fault
            answer = recorded(OLDER_PAGE if m.group(3) == "001" else NOT_FOUND)
        elif (doc := archived(request.path)) is not None:
            fault = self.document_faults.get(doc[0]) or self.document_faults.get("*")
            answer = doc[1]
        elif m := re.fullmatch(r"/api/xbrl/companyfacts/CIK(\d{10})\.json", request.path):
            cik = int(m.group(1))
            fault = self.faults.get(cik) or self.fault
            own = self.facts_bodies.get(cik)
            answer = (200, "application/json", own) if own is not None else facts_body(cik)
        else:
            return Response(*recorded(NOT_FOUND))
        if fault:
            return _fault(fault, answer)
        status, ctype, body = answer
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if status == 200 and request.header("If-None-Match") == etag:
            with self._lock:
                self.not_modified += 1
            return Response(304, ctype, b"", _validators(etag))
        return Response(status, ctype, body, _validators(etag) if status == 200 else {})


def _validators(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Last-Modified": LAST_MODIFIED}


def _fault(fault: str, answer: tuple[int, str, bytes]) -> Response:
    if fault == "403":
        return Response(403, "text/html", UNDECLARED)
    if fault == "404":
        return Response(*recorded(NOT_FOUND))
    if fault in ("429", "503"):
        return Response(int(fault), "text/html", THROTTLED)
    if fault == "html":
        return Response(200, "text/html", THROTTLED)
    if fault == "truncated":
        return Response(200, answer[1], answer[2][: len(answer[2]) // 2])
    if fault in HOSTILE:
        return hostile_response(fault)
    assert fault == "hang", fault
    return Response(action=HANG)


def submissions_json(cik: int) -> Any:
    """The decoded body the fake serves for ``cik`` (for assertions)."""
    return json.loads(FakeSec().body_for(cik)[2])


def main() -> None:
    """``python -m tests.fake_sec [--port N] [--fault F]``: serve until interrupted."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--fault", choices=FAULTS)
    parser.add_argument(
        "--nvda-recorded",
        action="store_true",
        help="serve NVIDIA its own recorded submissions (580 Form 4s)",
    )
    args = parser.parse_args()
    fake = FakeSec(fault=args.fault)
    if args.nvda_recorded:
        fake.bodies[1045810] = recorded(NVDA)[2]
    fake.serve(args.port, "fake SEC on {url} (tickers: {url}/files/company_tickers.json)")


if __name__ == "__main__":
    main()
