"""Pilot tests of the event study, valuation and sector line on screen: the Day 0 column and the
detail line, `v` (valuation, sortable), `b` (benchmark on the detail chart)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import httpx
import pytest
from rich.text import Text

from neotui.data.analytics.events import by_deal, study_event
from neotui.data.market.quote import parse_history
from neotui.screens.detail import ProviderDetail, rebase
from neotui.widgets.capacity import CapacityTable
from neotui.widgets.providers import ProviderList
from neotui.widgets.sector import SectorPane
from neotui.widgets.timeline import DealDetail, DealTable
from neotui.widgets.valuation import ValuationTable
from tests.fake_yahoo import SYNTHETIC_END, synthetic_daily
from tests.harness import FROZEN, build_app, recorded_transport
from tests.helpers import DATA

SIZE = (160, 48)
BOOK = DATA / "event_deals.toml"


def jump_transport(jump: float = 0.135) -> httpx.MockTransport:
    """The harness's recorded bodies, with STK's synthetic two years jumping on the Meta day."""
    recorded = recorded_transport({})

    def handler(request: httpx.Request) -> httpx.Response:
        symbol = request.url.path.rsplit("/", 1)[1]
        if symbol == "STK" and request.url.params.get("range") == "2y":
            body = synthetic_daily("STK", SYNTHETIC_END, ((date(2025, 9, 30), jump),))
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})
        return recorded.handler(request)  # type: ignore[attr-defined]

    return httpx.MockTransport(handler)


def _noise_ar0() -> float:
    """STK's abnormal return on 2025-09-30 in its synthetic series without the jump."""
    stock, bench = (
        parse_history(json.loads(synthetic_daily(s)), s, FROZEN) for s in ("STK", "SPY")
    )
    return study_event(stock, bench, date(2025, 9, 30)).abnormal_0


async def _studied(app, pilot) -> None:
    await app.feed.refresh_once()
    app.run_impact()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _detail_text(app) -> str:
    rendered = app.screen.query_one(DealDetail).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def test_day0_column_and_detail_line() -> None:
    app = build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DealTable)
        day0 = table.get_column_index("day0")
        assert [table.get_row_at(i)[day0].plain for i in range(table.row_count)] == [""] * 4
        await _studied(app, pilot)
        cells = {d.id: table.get_row_at(i)[day0] for i, d in enumerate(table.shown)}
        # The planted +13.5 % on top of what the same series shows without it:
        ar = by_deal(app.impact.rows)["stk-meta"].study.abnormal_0
        assert ar == pytest.approx(_noise_ar0() + 0.135, abs=1e-4)
        assert cells["stk-meta"].plain == f"{ar * 100:+.1f}%"
        assert "green" in str(cells["stk-meta"].style)
        assert cells["stk-meta-echo"].plain == cells["stk-meta"].plain  # the same event
        assert cells["stk-later"].plain == "" and cells["priv-meta"].plain == ""  # not computable

        assert table.shown[0].id == "stk-later"  # newest first, highlighted
        assert "Day 0: not computed — reported date, not the announcement" in _detail_text(app)
        table.move_cursor(row=[d.id for d in table.shown].index("priv-meta"))
        await pilot.pause()
        assert "Day 0: not computed — Private Cloud has no listed stock" in _detail_text(app)
        table.move_cursor(row=[d.id for d in table.shown].index("stk-meta"))
        await pilot.pause()
        text = _detail_text(app)
        s = by_deal(app.impact.rows)["stk-meta"].study
        for part in (f"Day 0 2025-09-30 vs SPY (market model, {s.estimation_days} sessions)",
                     f"return {s.return_0 * 100:+.2f}%", f"AR {ar * 100:+.2f}%",
                     f"CAR[-1,+1] {s.car_m1_p1 * 100:+.2f}%", f"CAR[0,+5] {s.car_0_p5 * 100:+.2f}%",
                     f" · t {s.t_car_m1_p1:+.2f}"):  # fmt: skip
            assert part in text, (part, text)


async def test_v_swaps_capacity_for_a_sortable_valuation_table() -> None:
    app = build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        screen = app.screen
        valuation = screen.query_one(ValuationTable)
        assert not valuation.display and screen.query_one(CapacityTable).display
        await pilot.press("v")
        await pilot.pause()
        assert valuation.display and valuation.has_focus
        assert not screen.query_one(CapacityTable).display
        row = valuation.get_row("stk")
        assert row[3].plain.startswith("250 MW")  # 200 MW + 50 MW, the re-report not counted
        # market cap from the batch quote (1,156.87 × 500M shares, dated by its market time)
        assert row[2].plain.startswith("$578B")
        assert row[4].plain.startswith("$2.31B"), row[4].plain  # per contracted MW
        by_key = dict(zip(valuation.shown_columns, row, strict=True))
        # debt / backlog needs no market cap; its figures are of two dates: both are shown
        assert by_key["debt_backlog"].plain == "0.50× 25-06/25-09"
        assert valuation.border_subtitle == "sorted by name · o to change"
        await pilot.press("o")
        assert valuation.border_subtitle.startswith("sorted by market cap per MW")
        await pilot.press("v")
        await pilot.pause()
        assert not valuation.display and screen.query_one(CapacityTable).display


async def test_v_on_a_short_terminal_takes_the_timelines_place() -> None:
    app = build_app(BOOK, symbols=("STK",), transport=jump_transport())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("v")
        await pilot.pause()
        screen = app.screen
        assert screen.query_one(ValuationTable).display
        assert not screen.query_one("#timeline").display
        assert not screen.query_one(CapacityTable).display


async def test_sector_line_in_the_providers_pane() -> None:
    app = build_app(BOOK, symbols=("STK", "NVDA"), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        await app.feed.refresh_once()
        await pilot.pause()
        sector = app.screen.query_one(SectorPane)
        text = sector.render()
        plain = text.plain if isinstance(text, Text) else str(text)
        assert "Neoclouds, equal weight (1)" in plain and "▲ 1" in plain
        assert sector.region.y > app.screen.query_one(ProviderList).region.bottom - 1
        assert "1 year" not in plain  # the daily index comes with the event study's histories
        app.run_impact()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = sector.render()
        plain = text.plain if isinstance(text, Text) else str(text)
        assert "1 year (1): " in plain and " since 2025-11-20" in plain


async def test_b_draws_the_benchmark_on_the_detail_chart() -> None:
    app = build_app(BOOK, symbols=("STK",), transport=jump_transport())
    async with app.run_test(size=SIZE) as pilot:
        await _studied(app, pilot)
        await pilot.press("j", "j", "enter")  # Stock Cloud (providers: All, Private, Stock)
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProviderDetail) and screen.provider.id == "stk"
        impact = screen.query_one("#detail-impact")
        symbols = {impact.get_row_at(i)[2].plain for i in range(impact.row_count)}
        assert symbols == {"STK", "META ᶜ"}
        assert not screen.show_benchmark
        await pilot.press("b")
        await pilot.pause()
        assert screen.show_benchmark
        prices = screen.impact.histories.prices  # what the chart draws from
        stock = prices["STK"]
        rebased = rebase(stock, prices[screen.impact.benchmark])
        assert rebased is not None and rebased[0] == stock.closes[0]
        assert screen.chart_title.endswith("b: hide benchmark")
        await pilot.press("b")
        assert not screen.show_benchmark and screen.chart_title.endswith("b: draw benchmark")


def test_numpy_not_imported_before_the_first_frame() -> None:
    """The event study's numpy comes after the first frame (in a worker)."""
    code = (
        "import sys, asyncio\n"
        "from neotui.app import NeoApp\n"
        "from tests.harness import build_app\n"
        "seen = []\n"
        "first_frame = NeoApp.on_ready\n"
        "def on_ready(self):\n"
        "    seen.append([m for m in ('numpy', 'pandas') if m in sys.modules])\n"
        "    first_frame(self)\n"
        "NeoApp.on_ready = on_ready\n"
        "app = build_app(live=True)\n"
        "async def main():\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "asyncio.run(main())\n"
        "print(seen)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[[]]"


async def test_live_app_studies_the_deals_after_the_first_frame(fake_yahoo) -> None:
    """What `neotui` does: the real client and cache against the fake server; the Day 0 column
    fills in by itself, and the histories land in the cache for the next start."""
    from neotui.data.market.history import cache_key
    from tests.helpers import wait_until
    from tests.test_end_to_end import real_app

    app = real_app(fake_yahoo.url, BOOK)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(DealTable)
        await wait_until(lambda: bool(table.impacts), pilot=pilot)
        assert table.impacts["stk-meta"].study.model == "market"
        assert app.feed.cache.load_history(cache_key("SPY")) is not None
        assert {s for s, n in fake_yahoo.counts.items() if n} >= {"STK", "META", "SPY"}
