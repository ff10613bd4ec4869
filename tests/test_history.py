"""Two-year histories for the event study: fetched through the Yahoo client from the fake server,
cached under their own key, asked again only after the next close, offline from the cache; and
the listed-counterparty mapping read from data files."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from neotui.data.deals.listed import ListedError, load_listed
from neotui.data.deals.models import Provider
from neotui.data.market.cache import QuoteCache
from neotui.data.market.history import cache_key, last_close, load_histories
from neotui.data.market.yahoo import YahooClient
from neotui.data.resources import bundled_config_path
from tests.fake_yahoo import FakeYahoo, free_port_refusing

MONDAY_NOON = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 12:00 in New York


def load(url: str, cache: QuoteCache, now: datetime, **kw) -> object:
    async def go():
        async with YahooClient(url, clock=lambda: now) as client:
            return await load_histories(["CRWV", "SPY"], client, cache, clock=lambda: now, **kw)

    return asyncio.run(go())


def test_fetch_cache_then_once_a_day(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    cache = QuoteCache(tmp_path / "q.db")
    got = load(fake_yahoo.url, cache, MONDAY_NOON)
    assert sorted(got.fetched) == ["CRWV", "SPY"] and not got.errors
    assert len(got.prices["SPY"].dates) > 500 and got.prices["SPY"].dates[-1] == date(2026, 11, 20)
    assert all("range=2y" in q for _, _, q in fake_yahoo.requests)
    assert cache.load_history("CRWV") is None  # the chart's 1-year row is left alone
    assert cache.load_history(cache_key("CRWV")) is not None
    # Fetched after Friday's close: fresh until Monday's close.
    again = load(fake_yahoo.url, cache, datetime(2026, 11, 23, 20, 59, tzinfo=UTC))
    assert sorted(again.cached) == ["CRWV", "SPY"] and len(fake_yahoo.requests) == 2
    after_close = load(fake_yahoo.url, cache, datetime(2026, 11, 23, 21, 1, tzinfo=UTC))
    assert sorted(after_close.fetched) == ["CRWV", "SPY"] and len(fake_yahoo.requests) == 4


def test_offline_uses_the_cache_and_says_why(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    cache = QuoteCache(tmp_path / "q.db")
    load(fake_yahoo.url, cache, datetime(2026, 11, 20, 12, tzinfo=UTC))  # before Friday's close
    got = load(free_port_refusing(), cache, MONDAY_NOON)
    assert sorted(got.prices) == ["CRWV", "SPY"] and got.fetched == []
    reason = got.errors["SPY"]
    assert reason.endswith("; using the copy of 2026-11-20") and "connect" in reason


def test_nothing_cached_and_offline(tmp_path: Path) -> None:
    got = load(free_port_refusing(), QuoteCache(tmp_path / "q.db"), MONDAY_NOON)
    assert got.prices == {} and "connect" in got.errors["CRWV"]


def test_offline_flag_never_asks(fake_yahoo: FakeYahoo, tmp_path: Path) -> None:
    got = load(fake_yahoo.url, QuoteCache(tmp_path / "q.db"), MONDAY_NOON, offline=True)
    assert got.prices == {} and fake_yahoo.requests == []
    assert got.errors["SPY"] == "not in the cache"


def test_last_close_skips_weekends_and_holidays() -> None:
    assert last_close(MONDAY_NOON).date() == date(2026, 11, 20)
    friday_after_thanksgiving = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert last_close(friday_after_thanksgiving).date() == date(2026, 11, 25)


def test_bundled_listed_companies_and_provider_names() -> None:
    nvidia = Provider("nvidia", "NVIDIA", "US", "supplier", ticker="NVDA")
    coreweave = Provider("coreweave", "CoreWeave", "US", "neocloud", ticker="CRWV")
    listed = load_listed([bundled_config_path("listed.toml")], [nvidia, coreweave])
    expected = {"Meta": "META", "Microsoft": "MSFT", "NVIDIA": "NVDA", "Oracle": "ORCL",
                "Google": "GOOGL", "alphabet": "GOOGL", "AWS": "AMZN", " amazon ": "AMZN",
                "CoreWeave": "CRWV"}  # fmt: skip
    for name, ticker in expected.items():
        assert listed.ticker_for(name) == ticker, name
    assert listed.ticker_for("xAI (via SPV)") is None and listed.ticker_for("OpenAI") is None


def test_user_listed_file_overrides_and_adds(tmp_path: Path) -> None:
    user = tmp_path / "listed.toml"
    user.write_text(
        '[[company]]\nname = "Meta"\nticker = "FB"\n\n'
        '[[company]]\nname = "Fluidstack"\naliases = ["FS"]\nticker = "FLST"\n'
    )
    listed = load_listed([bundled_config_path("listed.toml"), user])
    assert listed.ticker_for("meta") == "FB" and listed.ticker_for("FS") == "FLST"
    assert listed.ticker_for("Meta Platforms") is None  # the user's entry replaced the aliases too


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[company]]\nname = 'X'\n", "company #1 (X): 'ticker' must be a symbol"),
        ("[[company]]\nticker = 'X'\n", "company #1: 'name' must be a non-empty string"),
        ("[[company]]\nname = 'X'\nticker = 'X'\nsector = 'y'\n", "unknown key 'sector'"),
        ("[[company]\n", "TOML syntax error"),
    ],
)
def test_bad_listed_file_names_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "listed.toml"
    path.write_text(text)
    with pytest.raises(ListedError, match=r".*") as info:
        load_listed([path])
    assert str(path) in str(info.value) and message in str(info.value)
