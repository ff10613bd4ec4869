"""The SEC's figures in the tables: which figure is chosen (SEC over press), the enterprise
value and EV per contracted MW, the cells' labels; Pilot: facts delivered (the cached ones at
start, through the app's facts feed) reach the valuation, capacity and detail tables."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rich.text import Text

from neotui.data.analytics.reported import chosen, sec_figure, sec_form
from neotui.data.analytics.valuation import MarketCap, Valuation, valuations
from neotui.data.deals import DealBook
from neotui.data.deals.models import FinancialFact, Provider
from neotui.data.sec.facts import CompanyFacts, Fact
from neotui.data.sec.facts_feed import CompanyFactsState, FactsStore
from neotui.screens.detail import ProviderDetail, sec_rows
from neotui.settings import user_cache_dir
from neotui.widgets.capacity import CapacityTable, capacity_rows
from neotui.widgets.valuation import ValuationTable, valuation_cells
from tests.harness import build_app

URL = "https://www.sec.gov/Archives/edgar/data/1769628/000176962825000099/crwv-20250930.htm"


def fact(concept: str, value: float, end: date = date(2025, 9, 30), form: str = "10-Q",
         period: str = "quarter") -> Fact:  # fmt: skip
    start = date(2025, 7, 1) if concept.startswith("revenue") else None
    return Fact(concept, concept, value, "USD", start, end, period, form, date(2025, 11, 10),
                "0001769628-25-000099", URL)  # fmt: skip


SEC = CompanyFacts(1769628, "CoreWeave", (
    fact("backlog", 55.6e9), fact("debt", 14.0e9), fact("cash", 1.9e9, end=date(2025, 6, 30)),
    fact("revenue", 1.36e9), fact("revenue_ttm", 4.3e9, period="ttm"),
))  # fmt: skip


def press(metric: str, value: float) -> FinancialFact:
    return FinancialFact(f"core-{metric}", "core", metric, value, "USD", date(2025, 3, 31),  # type: ignore[arg-type]
                         "article")  # fmt: skip


def book() -> DealBook:
    return DealBook(providers={"core": Provider("core", "CoreWeave", "US", "neocloud",
                                                ticker="CRWV")},
                    financials=(press("backlog", 15.1e9), press("debt", 8.7e9)))  # fmt: skip


# --- logic: SEC or press ----------------------------------------------------------------------


def test_the_sec_figure_wins_and_the_press_one_is_the_fallback() -> None:
    b = book()
    got = chosen(b, "core", "backlog", SEC)
    assert got is not None and got.value == 55.6e9 and got.as_of == date(2025, 9, 30)
    assert sec_form(got) == "10-Q" and got.source == URL
    no_sec = chosen(b, "core", "backlog", None)
    assert no_sec is not None and no_sec.value == 15.1e9 and sec_form(no_sec) is None
    # revenue is the trailing twelve months when the SEC gives it
    revenue = chosen(b, "core", "revenue", SEC)
    assert revenue is not None and revenue.value == 4.3e9 and revenue.period == "TTM to 2025-09-30"
    # cash has no press figure: unknown, never zero
    assert chosen(b, "core", "cash", None) is None
    other = CompanyFacts(1, "X", (Fact("debt", "Debt", 1e9, "EUR", None, date(2025, 9, 30),
                                       "year", "20-F", date(2025, 11, 1), "a", URL),))  # fmt: skip
    assert sec_figure(other, "core", "debt") is None  # another currency is not compared


def test_enterprise_value_and_ev_per_mw_with_both_balance_dates() -> None:
    cap = MarketCap(50e9, datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "quote")
    b = book()
    [v] = valuations(b, {"CRWV": cap}, {"CRWV": SEC})
    assert (v.backlog.value, v.debt.value, v.cash.value) == (55.6e9, 14.0e9, 1.9e9)  # type: ignore[union-attr]
    assert v.enterprise_value == pytest.approx(50e9 + 14.0e9 - 1.9e9)
    assert v.balance_dates == (date(2025, 9, 30), date(2025, 6, 30))
    assert v.contracted_mw is None  # the test book has no deals: EV per MW is blank, not 0
    assert v.ev_per_mw is None
    [press_only] = valuations(b, {"CRWV": cap})
    assert press_only.cash is None and press_only.enterprise_value is None
    assert press_only.debt is not None and press_only.debt.value == 8.7e9
    [no_cap] = valuations(b, {}, {"CRWV": SEC})
    assert no_cap.enterprise_value is None and no_cap.ev_per_mw is None


def test_ev_per_mw_divides_ev_by_contracted_power() -> None:
    cap = MarketCap(50e9, datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "quote")
    debt = FinancialFact("d", "core", "debt", 14e9, "USD", date(2025, 9, 30), "x")
    cash = FinancialFact("c", "core", "cash", 2e9, "USD", date(2025, 9, 30), "x")  # type: ignore[arg-type]
    v = Valuation("core", "CoreWeave", "CRWV", cap, 620.0, date(2025, 9, 1), 3, None, debt,
                  None, cash)  # fmt: skip
    assert v.enterprise_value == 62e9
    assert v.ev_per_mw == pytest.approx(100e6)
    assert v.balance_dates == (date(2025, 9, 30),)


def test_cells_label_the_sec_figure_with_its_form_and_period_end() -> None:
    cap = MarketCap(50e9, datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "quote")
    [v] = valuations(book(), {"CRWV": cap}, {"CRWV": SEC})
    keys = [k for k, _ in ValuationTable.COLUMNS]
    cells = dict(zip(keys, valuation_cells(v), strict=True))
    long_, short = cells["backlog"]  # type: ignore[misc]
    # narrow, the SEC figure keeps its source (the form's mark) and month
    assert (long_.plain, short.plain) == ("$55.6B 10-Q 25-09-30", "$55.6B Q25-09")
    ev_long, ev_short = cells["ev"]  # type: ignore[misc]
    assert ev_long.plain == "$62.1B 25-09-30/25-06-30"  # both balance dates shown
    assert ev_short.plain == "$62.1B 25-09/25-06"
    assert cells["leases"].plain == "—"  # type: ignore[union-attr]  # none tagged: not in EV
    assert cells["ev_mw"].plain == "—"  # type: ignore[union-attr]
    # an SEC backlog over a press debt: the ratio shows both dates
    mixed = CompanyFacts(1769628, "CoreWeave", (fact("backlog", 55.6e9),))
    [m] = valuations(book(), {"CRWV": cap}, {"CRWV": mixed})
    ratio_long, ratio_short = dict(zip(keys, valuation_cells(m), strict=True))["debt_backlog"]  # type: ignore[misc]
    assert (ratio_long.plain, ratio_short.plain) == ("0.16× 25-03-31/25-09-30",
                                                     "0.16× 25-03/25-09")  # fmt: skip
    press_long, press_short = dict(zip(keys, valuation_cells(m), strict=True))["debt"]  # type: ignore[misc]
    assert (press_long.plain, press_short.plain) == ("$8.7B 25-03-31", "$8.7B 25-03")
    assert isinstance(cells["debt_backlog"], Text)  # same date: the ratio alone
    [row] = capacity_rows(book(), facts={"CRWV": SEC})
    assert row.backlog is not None and row.backlog.value == 55.6e9
    assert capacity_rows(book())[0].backlog.value == 15.1e9  # type: ignore[union-attr]


def test_detail_rows_show_the_sec_figures_with_form_and_period() -> None:
    state = CompanyFactsState("CRWV", SEC, datetime(2026, 11, 20, tzinfo=UTC), "cached")
    rows = [[c.plain for c in r] for r in sec_rows(state)]
    assert rows[0][:3] == ["RPO · SEC", "$55.6B", "10-Q 2025-09-30"]
    assert rows[-1][0] == "SEC facts" and rows[-1][-1] == "cached"
    assert sec_rows(None) == [] and sec_rows(CompanyFactsState("CRWV")) == []


# --- Pilot: cached facts delivered at start reach the tables ------------------------------------


async def test_cached_facts_reach_valuation_capacity_and_detail() -> None:
    from neotui.data.resources import bundled_config_path

    store = FactsStore(user_cache_dir() / "facts.db")
    store.put("CRWV", SEC, {"cik": 1769628})
    store.close()
    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS"), filings=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await app.feed.refresh_once()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.facts is not None and app.facts.states["CRWV"].reason == "cached"
        capacity = app.screen.query_one(CapacityTable)
        backlog = capacity.get_column_index("backlog")
        assert capacity.get_row("coreweave")[backlog].plain.startswith("$55.6B")  # not press
        await pilot.press("v")
        await pilot.pause()
        table = app.screen.query_one(ValuationTable)
        row = {k: c.plain for k, c in zip(table.shown_columns, table.get_row("coreweave"),
                                          strict=True)}  # fmt: skip
        # the SEC's figures (the pane is narrow: short forms, source and month kept)
        assert (row["backlog"], row["debt"]) == ("$55.6B Q25-09", "$14B Q25-09")
        assert row["ev"] == "$63.1B 25-09/25-06"  # $51B cap + $14B debt - $1.9B cash
        assert row["ev_mw"] == "—"  # the bundled book gives CoreWeave's deals no power
        app.open_provider("coreweave")
        await pilot.pause()
        assert isinstance(app.screen, ProviderDetail)
        figures = app.screen.query_one("#detail-figures")
        texts = [" ".join(c.plain for c in figures.get_row_at(i)) for i in range(figures.row_count)]
        assert any(t.startswith("RPO · SEC $55.6B 10-Q 2025-09-30") for t in texts)
        assert any(t.startswith("backlog ") for t in texts)  # the press figure stays beside it


class _FakeFacts:
    """A facts feed whose round returns SEC facts for CRWV, counting the filings it was given."""

    store = None  # nothing to close on exit

    def __init__(self) -> None:
        self.rounds: list[object] = []
        self.states = {"CRWV": CompanyFactsState("CRWV")}

    async def refresh_once(self, update: object) -> dict[str, CompanyFactsState]:
        self.rounds.append(update)
        self.states = {"CRWV": CompanyFactsState("CRWV", SEC, datetime(2026, 11, 22, tzinfo=UTC))}
        return self.states


async def test_a_filings_check_runs_a_facts_round_whose_figures_reach_the_tables() -> None:
    from neotui.data.resources import bundled_config_path
    from neotui.data.sec.feed import FilingsUpdate
    from neotui.messages import FilingsUpdated

    app = build_app(bundled_config_path("deals.toml"), symbols=("CRWV", "NBIS"))
    async with app.run_test(size=(160, 48)) as pilot:
        await app.feed.refresh_once()
        await app.workers.wait_for_complete()
        await pilot.pause()
        capacity = app.screen.query_one(CapacityTable)
        backlog = capacity.get_column_index("backlog")
        assert not capacity.get_row("coreweave")[backlog].plain.startswith("$55.6B")  # press
        fake = _FakeFacts()
        app.facts = fake  # type: ignore[assignment]
        update = FilingsUpdate(last_result="checked")
        app.post_message(FilingsUpdated(update))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert fake.rounds == [update]
        assert capacity.get_row("coreweave")[backlog].plain.startswith("$55.6B")


# --- finance leases in the enterprise value; the short forms keep source and month ------------


def test_finance_leases_are_in_the_ev_where_tagged_and_shown_apart() -> None:
    cap = MarketCap(50e9, datetime(2026, 11, 22, 21, 0, tzinfo=UTC), "quote")
    leased = CompanyFacts(1769628, "CoreWeave", (
        *SEC.facts, fact("finance_leases", 2.5e9, end=date(2025, 3, 31)),
    ))  # fmt: skip
    [v] = valuations(book(), {"CRWV": cap}, {"CRWV": leased})
    assert v.finance_leases is not None and sec_form(v.finance_leases) == "10-Q"
    assert v.enterprise_value == pytest.approx(50e9 + 14.0e9 + 2.5e9 - 1.9e9)
    assert v.balance_dates == (date(2025, 9, 30), date(2025, 6, 30), date(2025, 3, 31))
    keys = [k for k, _ in ValuationTable.COLUMNS]
    cells = dict(zip(keys, valuation_cells(v), strict=True))
    assert [c.plain for c in cells["leases"]] == ["$2.5B 10-Q 25-03-31", "$2.5B Q25-03"]  # type: ignore[union-attr]
    ev_long, ev_short = cells["ev"]  # type: ignore[misc]
    assert ev_short.plain == "$64.6B+L 25-09/25-06/25-03"  # "+L": leases are in it
    assert ev_long.plain.startswith("$64.6B+L 25-09-30/")
    # not tagged: not in the EV, never a made-up zero in the column
    [plain_] = valuations(book(), {"CRWV": cap}, {"CRWV": SEC})
    assert plain_.finance_leases is None
    assert chosen(book(), "core", "finance_leases", None) is None  # no press figure exists


@pytest.mark.parametrize(
    ("form", "short"),
    [("10-Q", "$1B Q25-09"), ("10-K", "$1B K25-09"), ("10-Q/A", "$1B Q25-09"),
     ("20-F", "$1B F25-09"), ("6-K", "$1B 6K25-09"), ("S-1", "$1B S-1 25-09")],
)  # fmt: skip
def test_figure_short_forms_name_the_source(form: str, short: str) -> None:
    from neotui.data.analytics.reported import sec_financial
    from neotui.widgets.figures import figure_cell

    f = sec_financial("core", "debt", fact("debt", 1e9, form=form))
    long_, brief = figure_cell(f)  # type: ignore[misc]
    assert (long_.plain, brief.plain) == (f"$1B {form} 25-09-30", short)
    assert long_.spans[-1].style == brief.spans[-1].style == "cyan"
    press_long, press_short = figure_cell(press("debt", 1e9))  # type: ignore[misc]
    assert (press_long.plain, press_short.plain) == ("$1B 25-03-31", "$1B 25-03")
    assert figure_cell(press("debt", 1e9), press_day=False).plain == "$1B 25-03"  # type: ignore[union-attr]
    assert figure_cell(None).plain == "—"  # type: ignore[union-attr]


def test_detail_says_when_the_sec_holds_no_facts() -> None:
    from neotui.data.sec.facts_feed import no_facts

    state = CompanyFactsState("CRWV", no_facts(1769628), datetime(2026, 11, 20, tzinfo=UTC))
    [row] = [[c.plain for c in r] for r in sec_rows(state)]
    assert row[0] == "SEC facts" and "no XBRL company facts for CIK 1769628 (404)" in row[-1]
    [v] = valuations(book(), {}, {"CRWV": state.facts})  # type: ignore[dict-item]
    assert v.backlog is not None and sec_form(v.backlog) is None  # the press figure stays
