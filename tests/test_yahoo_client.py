"""The Yahoo client's chart requests against the local fake Yahoo server, over the browser
session: success, every fault classified, requests in flight together."""

from __future__ import annotations

import time

import httpx
import pytest

from neotui.data.market.yahoo import USER_AGENT, FailureKind, FetchError, YahooClient
from tests.fake_yahoo import FakeYahoo, free_port_refusing, recorded

WATCHED = ["CRWV", "NBIS", "IREN", "CIFR", "WULF", "APLD", "CORZ", "NVDA"]


async def test_quote_from_recorded_body(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.route("MSFT").intraday = "yf_chart_MSFT_range1d_fulldayPrice_after_hours_2026.json"
    async with YahooClient(fake_yahoo.url) as client:
        q = await client.quote("MSFT")
    assert q.price == 516.17 and q.prev_close == 497.93
    _, symbol, query = fake_yahoo.requests[0]
    assert symbol == "MSFT"
    assert "range=1d" in query and "interval=5m" in query and "includePrePost=true" in query


async def test_browser_session_sleeps_between_requests(fake_yahoo: FakeYahoo) -> None:
    """curl_cffi's safeguard nudges curl every 100 ms; between requests it must not wake the
    loop (it was most of neotui's idle CPU), and it must run again with the next request."""
    import asyncio

    from neotui.data.market.http import BrowserSession

    async with YahooClient(fake_yahoo.url) as client:
        assert isinstance(client.session, BrowserSession)
        await client.quote("CRWV")
        acurl = client.session.curl.acurl
        nudges = 0
        real = acurl.socket_action

        def counted(*args: object) -> int:
            nonlocal nudges
            nudges += 1
            return real(*args)

        acurl.socket_action = counted
        await asyncio.sleep(0.6)
        # Idle: curl's own timer may fire once as the last transfer winds down; the
        # safeguard alone would have made six calls.
        assert nudges <= 1
        fake_yahoo.latency = 0.35
        q = await client.quote("NBIS")
        assert q.symbol == "NBIS" and nudges >= 2  # in flight: the safeguard runs


async def test_history_request(fake_yahoo: FakeYahoo) -> None:
    async with YahooClient(fake_yahoo.url) as client:
        h = await client.history("NVDA")
    assert len(h.closes) == 252
    assert "range=1y" in fake_yahoo.requests[0][2] and "interval=1d" in fake_yahoo.requests[0][2]


async def test_browser_user_agent_is_sent() -> None:
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["ua"] = request.headers["user-agent"]
        _, _, body = recorded("yf_chart_NVDA_range1d_interval1d_2026.json")
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    async with YahooClient("http://yahoo.test", transport=httpx.MockTransport(handler)) as c:
        q = await c.quote("NVDA")
    assert seen["ua"] == USER_AGENT and seen["ua"].startswith("Mozilla/5.0")
    assert q.price == 225.07


@pytest.mark.parametrize(
    ("fault", "kind", "reason"),
    [
        ("404", FailureKind.NOT_FOUND, "No data found, symbol may be delisted"),
        ("400", FailureKind.NOT_FOUND, "Data doesn't exist"),
        ("429", FailureKind.RATE_LIMITED, "rate limited by Yahoo (429)"),
        ("500", FailureKind.SERVER, "Yahoo server error (500)"),
        ("html", FailureKind.BAD_RESPONSE, "got a web page instead of data"),
        ("empty", FailureKind.BAD_RESPONSE, "empty response"),
        ("truncated", FailureKind.BAD_RESPONSE, "truncated or invalid JSON"),
        ("reset", FailureKind.SERVER, "connection"),
    ],
)
async def test_each_fault_is_classified(
    fake_yahoo: FakeYahoo, fault: str, kind: FailureKind, reason: str
) -> None:
    fake_yahoo.set_fault(fault)
    async with YahooClient(fake_yahoo.url) as client:
        with pytest.raises(FetchError) as info:
            await client.quote("CRWV")
    assert info.value.kind is kind
    assert reason in info.value.reason


async def test_hang_is_a_timeout(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("hang")
    async with YahooClient(fake_yahoo.url, connect_timeout=0.5, read_timeout=0.3) as client:
        started = time.monotonic()
        with pytest.raises(FetchError) as info:
            await client.quote("CRWV")
    assert info.value.kind is FailureKind.TIMEOUT
    assert time.monotonic() - started < 2


async def test_connection_refused_is_unreachable() -> None:
    async with YahooClient(free_port_refusing()) as client:
        with pytest.raises(FetchError) as info:
            await client.quote("CRWV")
    assert info.value.kind is FailureKind.UNREACHABLE
    assert info.value.reason in ("connection refused", "cannot connect")


async def test_dns_failure_is_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    async with YahooClient("http://yahoo.test", transport=httpx.MockTransport(handler)) as c:
        with pytest.raises(FetchError) as info:
            await c.quote("CRWV")
    assert info.value.kind is FailureKind.UNREACHABLE
    assert info.value.reason == "cannot resolve host (DNS)"


async def test_chart_path_one_bad_symbol(fake_yahoo: FakeYahoo) -> None:
    fake_yahoo.set_fault("404", "MDLY")
    async with YahooClient(fake_yahoo.url, batch=False) as client:
        results = await client.quotes(["CRWV", "MDLY", "NVDA"])
    assert list(results) == ["CRWV", "MDLY", "NVDA"]
    assert results["CRWV"].symbol == "CRWV"
    assert isinstance(results["MDLY"], FetchError)
    assert results["NVDA"].price is not None


async def test_chart_path_requests_fly_together_within_the_bound(fake_yahoo: FakeYahoo) -> None:
    """8 symbols at 300 ms each: sequential would take 2.4 s; all in flight about 0.3 s; with a
    bound of 4, two waves (0.6 s), never more than 4 requests at once."""
    fake_yahoo.latency = 0.3
    async with YahooClient(fake_yahoo.url, concurrency=4, batch=False) as client:
        started = time.monotonic()
        results = await client.quotes(WATCHED)
        elapsed = time.monotonic() - started
    assert all(not isinstance(r, FetchError) for r in results.values())
    assert elapsed < 1.6, elapsed  # well under 2.4 s, with room for a noisy machine
    starts = sorted(t for t, _, _ in fake_yahoo.requests)
    assert starts[4] - starts[0] >= 0.25
    assert client.requests == 8
