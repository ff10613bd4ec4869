"""Issue 19 item 4: no request outlives its budget, and a session whose request hung is not
used again. Against the fake Yahoo's ``hang`` fault, over both sessions."""

from __future__ import annotations

import asyncio

import pytest

from neotui.data.market.http import (
    BrowserSession,
    FailureKind,
    FetchError,
    PlainSession,
    SessionOptions,
    StoredCookie,
)
from tests.fake_yahoo import FakeYahoo

OPTIONS = SessionOptions(connect_timeout=0.5, read_timeout=5.0, deadline=0.8)
COOKIE = StoredCookie("A3", "d=kept", "127.0.0.1")


def library(session: BrowserSession | PlainSession) -> object:
    return session._session if isinstance(session, BrowserSession) else session._client


@pytest.mark.parametrize("kind", [BrowserSession, PlainSession])
async def test_hung_request_ends_at_the_deadline_on_a_fresh_session_with_the_cookies(
    fake_yahoo: FakeYahoo, kind: type[BrowserSession] | type[PlainSession]
) -> None:
    session = kind(OPTIONS)
    url = f"{fake_yahoo.url}/v8/finance/chart/CRWV"
    try:
        assert (await session.get(url, {"range": "1d"})).status == 200
        session.set_cookies([COOKIE])
        before = library(session)
        fake_yahoo.set_fault("hang")
        started = asyncio.get_running_loop().time()
        with pytest.raises(FetchError) as caught:
            # read_timeout is 5 s: only the total deadline (0.8 s) can end this one
            await session.get(url, {"range": "1d"})
        took = asyncio.get_running_loop().time() - started
        assert caught.value.kind is FailureKind.TIMEOUT and took < 2.0
        fake_yahoo.release_hung()
        fake_yahoo.heal()
        assert library(session) is not before  # the hung one is out of use
        assert getattr(session, "renewals", 0) == 1
        assert any(c.name == "A3" and c.value == "d=kept" for c in session.cookies())
        assert (await session.get(url, {"range": "1d"})).status == 200
        retiring = session.__dict__.get("_retiring", {})
        assert len(retiring) == 1  # closed after its deadline, or with the session
    finally:
        await session.aclose()
    assert session.__dict__.get("_retiring", {}) == {}
