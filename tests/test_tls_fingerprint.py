"""The handshake Yahoo sees: the browser session offers what Chrome offers (GREASE values in its
cipher suites and extensions, ``h2`` in ALPN); the plain session does not, which is why Yahoo
answers it with 429s. Checked on the real ClientHello bytes, sent to a local TLS listener."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from neotui.data.market.http import FailureKind, FetchError
from neotui.data.market.yahoo import YahooClient
from tests.tls_listener import ClientHello, TLSListener, is_grease


@pytest.fixture
def listener() -> Iterator[TLSListener]:
    tls = TLSListener()
    yield tls
    tls.close()


def looks_like_a_browser(hello: ClientHello) -> None:
    assert hello.grease, "no GREASE values in cipher suites and extensions"
    assert "h2" in hello.alpn, f"ALPN offers {hello.alpn}, not h2"


async def hello_of(listener: TLSListener, transport: str) -> ClientHello:
    async with YahooClient(
        listener.url, browser=transport == "browser", connect_timeout=2, read_timeout=2
    ) as client:
        with pytest.raises(FetchError) as info:
            await client.quote("CRWV")
    # The listener's certificate is self-signed: a verifying client must refuse it.
    assert info.value.kind is FailureKind.UNREACHABLE
    assert "TLS" in info.value.reason or "certificate" in info.value.reason.lower()
    assert listener.hellos, "the client never sent a ClientHello"
    return listener.hellos[0]


def test_grease_values() -> None:
    assert is_grease(0x0A0A) and is_grease(0xFAFA)
    assert not is_grease(0x1301) and not is_grease(0x0A1A)


async def test_browser_session_sends_a_browser_hello(listener: TLSListener) -> None:
    hello = await hello_of(listener, "browser")
    looks_like_a_browser(hello)
    assert hello.alpn[0] == "h2"


async def test_plain_session_is_told_apart(listener: TLSListener) -> None:
    hello = await hello_of(listener, "plain")
    with pytest.raises(AssertionError):
        looks_like_a_browser(hello)
    assert "h2" not in hello.alpn
