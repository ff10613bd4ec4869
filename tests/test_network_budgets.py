"""Issue 22 cases 15, 16 and 18: what a server can make neotui spend is bounded.

A gzip bomb is cut off at the endpoint's size limit (measured decompressed), a server trickling a
byte at a time meets a total deadline per request and per command, and a redirect to another
host is refused with its name. Both Yahoo sessions (curl_cffi and httpx) and the SEC client are
run against the fake servers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from neotui.data.market.http import (
    BrowserSession,
    FailureKind,
    FetchError,
    PlainSession,
    SessionOptions,
)
from neotui.data.market.yahoo import YahooClient
from neotui.data.sec.client import SecClient, SecError, SecFailure
from neotui.data.sec.feed import FilingsFeed
from tests.fake_sec import FakeSec
from tests.fake_yahoo import FakeYahoo

CONTACT = "Jane Doe jane@example.com"
SESSIONS = ("browser", "plain")


@pytest.fixture
def fake_sec():
    fake = FakeSec().start()
    yield fake
    fake.stop()


def _session(kind: str, **options: float) -> BrowserSession | PlainSession:
    opts = SessionOptions(**options)  # type: ignore[arg-type]
    return BrowserSession(opts) if kind == "browser" else PlainSession(opts)


# --- case 15: response size ------------------------------------------------------------------


@pytest.mark.parametrize("kind", SESSIONS)
async def test_case_15_a_gzip_bomb_is_cut_off_at_the_limit(
    fake_yahoo: FakeYahoo, kind: str
) -> None:
    fake_yahoo.set_fault("gzip_bomb")
    session = _session(kind)
    try:
        with pytest.raises(FetchError) as caught:
            await session.get(f"{fake_yahoo.url}/v8/finance/chart/NVDA")
    finally:
        await session.aclose()
    assert caught.value.kind is FailureKind.BAD_RESPONSE
    assert caught.value.reason.startswith("response over 4 MB")


async def test_case_15_the_quote_feed_reports_the_bomb_per_symbol(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("gzip_bomb")
    async with YahooClient(fake_yahoo.url, batch=False) as client:
        results = await client.quotes(["NVDA", "CRWV"])
    assert all(isinstance(r, FetchError) and "response over 4 MB" in r.reason
               for r in results.values())  # fmt: skip


async def _sec_error(fake_sec: FakeSec, fault: str) -> SecError:
    """What the SEC client raises for CoreWeave's submissions with ``fault`` on."""
    fake_sec.fault = fault
    client = SecClient(CONTACT, data_url=fake_sec.url, tickers_url=fake_sec.tickers_url)
    try:
        with pytest.raises(SecError) as caught:
            await client.submissions(1769628)
    finally:
        await client.aclose()
    return caught.value


async def test_case_15_sec_bodies_are_cut_off_too(fake_sec: FakeSec) -> None:
    error = await _sec_error(fake_sec, "gzip_bomb")
    assert error.kind is SecFailure.BAD_RESPONSE
    assert "response over 16 MB" in error.reason


def test_case_15_quotes_command_memory_stays_small_against_a_bomb(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("gzip_bomb")
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child of a big pytest
    # process would report the parent's size.
    code = (
        "import runpy, sys; sys.argv = ['neotui', 'quotes', '--format', 'json']\n"
        "try:\n    runpy.run_module('neotui', run_name='__main__')\n"
        "finally:\n    print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0],"
        " file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "NEOTUI_YAHOO_URL": fake_yahoo.url},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    peak_mb = int(result.stderr.strip().splitlines()[-1].split()[1]) / 1024
    # 256 MB decompressed per answer; each read stops at 4 MB.
    assert peak_mb < 200, f"peak RSS {peak_mb:.0f} MB"
    assert "response over 4 MB" in result.stdout


# --- case 16: total deadlines ----------------------------------------------------------------


@pytest.mark.parametrize("kind", SESSIONS)
async def test_case_16_a_trickling_server_meets_the_request_deadline(
    fake_yahoo: FakeYahoo, kind: str
) -> None:
    fake_yahoo.set_fault("trickle")
    session = _session(kind, deadline=1.0, read_timeout=10.0)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as caught:
            await session.get(f"{fake_yahoo.url}/v8/finance/chart/NVDA")
    finally:
        await session.aclose()
        fake_yahoo.heal()
    assert time.monotonic() - started < 3.0
    assert caught.value.kind is FailureKind.TIMEOUT and "within 1 s" in caught.value.reason


async def test_case_16_sec_trickle_and_hang_cost_one_deadline_not_one_per_company(
    fake_sec: FakeSec,
) -> None:
    client = SecClient(CONTACT, data_url=fake_sec.url, tickers_url=fake_sec.tickers_url,
                       deadline=1.0)  # fmt: skip
    feed = FilingsFeed(["CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"], client)
    try:
        await feed.refresh_once()  # the tickers table, healthy
        for fault in ("trickle", "hang"):
            fake_sec.heal()
            fake_sec._hang.clear()
            fake_sec.fault = fault
            feed._tickers_saved = time.time()  # keep the table: only submissions are asked
            before = sum(1 for _, path, _ in fake_sec.requests if "/submissions/" in path)
            started = time.monotonic()
            update = await feed.refresh_once()
            elapsed = time.monotonic() - started
            asked = sum(1 for _, path, _ in fake_sec.requests if "/submissions/" in path) - before
            assert elapsed < 3.0, (fault, elapsed)
            assert asked == 1, fault  # the feed stops asking after the first timeout
            assert all(c.reason and "within 1 s" in c.reason for c in update.companies.values())
    finally:
        fake_sec.heal()
        await client.aclose()


async def test_case_16_the_filings_command_has_a_total_deadline(
    fake_sec: FakeSec, monkeypatch: pytest.MonkeyPatch
) -> None:
    from neotui.cli.feeds import _fetch_filings_once
    from neotui.settings import load_settings

    monkeypatch.setenv("NEOTUI_SEC_DATA_URL", fake_sec.url)
    monkeypatch.setenv("NEOTUI_SEC_TICKERS_URL", fake_sec.tickers_url)
    monkeypatch.setenv("NEOTUI_SEC_CONTACT", CONTACT)
    fake_sec.tickers_fault = "trickle"  # not even the first request completes
    started = time.monotonic()
    try:
        update = await _fetch_filings_once(load_settings(), ["CRWV", "NVDA"], deadline=1.5)
    finally:
        fake_sec.heal()
    assert time.monotonic() - started < 4.0
    assert all(c.stale and "deadline" in (c.reason or "") for c in update.companies.values())


# --- case 18: redirects ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", SESSIONS)
async def test_case_18_a_redirect_to_another_host_is_not_followed(
    fake_yahoo: FakeYahoo, kind: str
) -> None:
    # conftest's no_internet guard fails the test if other.example is even looked up.
    fake_yahoo.set_fault("redirect_away")
    async with YahooClient(fake_yahoo.url, batch=False, browser=kind == "browser") as client:
        results = await client.quotes(["NVDA"])
    error = results["NVDA"]
    assert isinstance(error, FetchError) and error.kind is FailureKind.BAD_RESPONSE
    assert error.reason == "redirected to other.example, not followed"


async def test_case_18_sec_redirects_stay_on_the_host(fake_sec: FakeSec) -> None:
    error = await _sec_error(fake_sec, "redirect_away")
    assert error.reason == "SEC: redirected to other.example, not followed"


def test_case_18_same_host_rule() -> None:
    from neotui.data.market.http import same_host

    assert same_host("https://query1.quotes.example/v7", "https://query1.quotes.example/x")
    assert same_host("http://a.example/x", "https://a.example/y")  # an upgrade is the same place
    assert not same_host("https://a.example/x", "http://a.example/y")  # a downgrade is not
    assert not same_host("https://query1.quotes.example/", "https://query2.quotes.example/")
    assert not same_host("https://a.example/", "file:///etc/passwd")


async def test_case_16_the_quotes_command_has_a_total_deadline(
    fake_yahoo: FakeYahoo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from neotui.cli.quotes import _fetch_quotes_once
    from neotui.settings import load_settings

    monkeypatch.setenv("NEOTUI_YAHOO_URL", fake_yahoo.url)
    fake_yahoo.set_fault("trickle")
    started = time.monotonic()
    try:
        update = await _fetch_quotes_once(load_settings(), deadline=1.0)
    finally:
        fake_yahoo.heal()
    assert time.monotonic() - started < 4.0
    assert all(s.reason and "deadline" in s.reason for s in update.states.values())


async def test_case_18_consent_redirects_are_still_recognised_and_never_fetched(
    fake_yahoo: FakeYahoo,
) -> None:
    """The local fake answers the cookie URL with Yahoo's recorded consent redirect: it is
    recognised as the consent page, named in the reason, and never followed (no second request
    leaves the machine, none reaches the fake)."""
    from urllib.parse import urlsplit

    from neotui.data.market.crumb import is_consent_url
    from neotui.data.market.yahoo import _decode

    fake_yahoo.set_auth_fault("consent")
    session = PlainSession()
    try:
        response = await session.get(f"{fake_yahoo.url}/")
    finally:
        await session.aclose()
    assert fake_yahoo.paths["/"] == 1 and len(fake_yahoo.requests) == 1
    assert is_consent_url(response.url)
    with pytest.raises(FetchError) as caught:
        _decode(response)
    consent_host = urlsplit(response.url).hostname or ""
    assert caught.value.kind is FailureKind.AUTH and consent_host in caught.value.reason
