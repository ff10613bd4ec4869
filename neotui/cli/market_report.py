"""``neotui impact`` and ``neotui valuation``: gathering prices (cache first, Yahoo once a day)
and turning the results into records with stable field names (documented in the README).

Returns are fractions in JSON and CSV (0.135 = +13.5 %) and percentages in the table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from neotui import formatting as fmt
from neotui.cli.context import filings_feed, say_cache
from neotui.cli.report import Column
from neotui.data.analytics.earnings import EarningsBaseline, baselines, study_earnings
from neotui.data.analytics.events import Impact, study_book, symbols_for
from neotui.data.analytics.reported import sec_form
from neotui.data.analytics.valuation import Valuation, market_caps, valuations
from neotui.data.deals import DealBook
from neotui.data.deals.listed import ListedMap
from neotui.data.market.history import Histories, load_histories
from neotui.data.sec.earnings_days import EarningsDay, earnings_by_symbol
from neotui.data.sec.facts import CompanyFacts
from neotui.settings import Settings

IMPACT_FIELDS: tuple[str, ...] = (
    "deal_id", "date", "symbol", "role", "day0", "benchmark", "model", "estimation_days",
    "return_0", "abnormal_0", "car_m1_p1", "car_0_p5", "t_car_m1_p1", "note",
    # added with the earnings study (stable from here on, at the end)
    "deals", "earnings_days", "earnings_median_abs_ar", "ar_vs_earnings", "earnings_note",
)  # fmt: skip
VALUATION_FIELDS: tuple[str, ...] = (
    "provider", "symbol", "market_cap", "contracted_mw", "market_cap_per_mw", "backlog",
    "backlog_as_of", "backlog_to_market_cap", "debt", "debt_as_of", "debt_to_backlog",
    "revenue", "revenue_as_of",
    # issue 18: the SEC's figures, appended (the columns above keep their names and order)
    "backlog_form", "debt_form", "revenue_form", "revenue_period", "cash", "cash_as_of",
    "cash_form", "finance_leases", "finance_leases_as_of", "finance_leases_form",
    "enterprise_value", "enterprise_value_as_of", "ev_per_mw", "market_cap_as_of",
)  # fmt: skip


def impact_record(
    row: Impact, baselines: Mapping[str, EarningsBaseline] | None = None, why: str | None = None
) -> dict[str, Any]:
    """One impact row as a flat dict (``IMPACT_FIELDS``); ``baselines`` the typical earnings
    move of each symbol, ``why`` the reason there are none at all (filings off, …)."""
    s = row.study
    base = (baselines or {}).get(s.symbol)
    note: str | None
    if base is None:
        note = why or f"no earnings days of {s.symbol} in its SEC filings"
    elif base.median_abs_ar is None:
        note = base.note
    else:
        note = None if s.abnormal_0 is not None else "no Day 0 abnormal return to compare"
    return {
        "deal_id": row.deal_id,
        "date": row.date,
        "symbol": s.symbol,
        "role": row.role,
        "day0": s.day0 if s.model else None,
        "benchmark": s.benchmark,
        "model": s.model,
        "estimation_days": s.estimation_days if s.model else None,
        "return_0": s.return_0,
        "abnormal_0": s.abnormal_0,
        "car_m1_p1": s.car_m1_p1,
        "car_0_p5": s.car_0_p5,
        "t_car_m1_p1": s.t_car_m1_p1,
        "note": s.note,
        "deals": list(row.deal_ids),
        "earnings_days": base.count if base is not None else None,
        "earnings_median_abs_ar": base.median_abs_ar if base is not None else None,
        "ar_vs_earnings": base.ratio(s.abnormal_0) if base is not None else None,
        "earnings_note": note,
    }


def _pct(value: float | None) -> str:
    return "" if value is None else fmt.percent(value * 100.0)


def _t(value: float | None) -> str:
    return "" if value is None else f"{value:+.2f}"


IMPACT_COLUMNS = (
    Column("Date", lambda r: str(r["date"])),
    Column("Deal", lambda r: r["deal_id"]),
    Column("Symbol", lambda r: r["symbol"] + ("" if r["role"] == "provider" else " (cpty)")),
    Column("Day 0", lambda r: str(r["day0"] or "")),
    Column(
        "Model",
        lambda r: {"market": "market", "market_adjusted": "mkt-adj"}.get(r["model"] or "", ""),
    ),
    Column(
        "Est", lambda r: "" if r["estimation_days"] is None else str(r["estimation_days"]), "right"
    ),
    Column("Ret 0", lambda r: _pct(r["return_0"]), "right"),
    Column("AR 0", lambda r: _pct(r["abnormal_0"]), "right"),
    Column("CAR-1+1", lambda r: _pct(r["car_m1_p1"]), "right"),
    Column("CAR0+5", lambda r: _pct(r["car_0_p5"]), "right"),
    Column("t", lambda r: _t(r["t_car_m1_p1"]), "right"),
    Column("Note", lambda r: r["note"] or ""),
    Column("Deals", lambda r: str(len(r["deals"])) if len(r["deals"]) > 1 else "", "right"),
    Column("×earn", lambda r: _times(r["ar_vs_earnings"]).replace("—", ""), "right"),
)


def valuation_record(v: Valuation) -> dict[str, Any]:
    """One provider's valuation as a flat dict (``VALUATION_FIELDS``)."""
    return {
        "provider": v.provider,
        "symbol": v.symbol,
        "market_cap": v.market_cap_value,
        "contracted_mw": v.contracted_mw,
        "market_cap_per_mw": v.market_cap_per_mw,
        "backlog": v.backlog.value if v.backlog else None,
        "backlog_as_of": v.backlog.as_of if v.backlog else None,
        "backlog_to_market_cap": v.backlog_to_market_cap,
        "debt": v.debt.value if v.debt else None,
        "debt_as_of": v.debt.as_of if v.debt else None,
        "debt_to_backlog": v.debt_to_backlog,
        "revenue": v.revenue.value if v.revenue else None,
        "revenue_as_of": v.revenue.as_of if v.revenue else None,
        "backlog_form": sec_form(v.backlog),
        "debt_form": sec_form(v.debt),
        "revenue_form": sec_form(v.revenue),
        "revenue_period": v.revenue.period if v.revenue else None,
        "cash": v.cash.value if v.cash else None,
        "cash_as_of": v.cash.as_of if v.cash else None,
        "cash_form": sec_form(v.cash),
        "finance_leases": v.finance_leases.value if v.finance_leases else None,
        "finance_leases_as_of": v.finance_leases.as_of if v.finance_leases else None,
        "finance_leases_form": sec_form(v.finance_leases),
        "enterprise_value": v.enterprise_value,
        "enterprise_value_as_of": list(v.balance_dates) if v.enterprise_value is not None else [],
        "ev_per_mw": v.ev_per_mw,
        "market_cap_as_of": v.market_cap.as_of if v.market_cap else None,
    }


def _money_at(value: float | None, as_of: object, form: str | None = None) -> str:
    """A figure with its date, and the SEC form it was reported in ("$55.6B (10-Q 2025-09-30)")."""
    if value is None:
        return "—"
    return f"{fmt.money(value)} ({form + ' ' if form else ''}{as_of})"


def _ev(r: dict[str, Any]) -> str:
    """EV with the date(s) of its debt, finance leases and cash; "+L" when leases are in it."""
    if r["enterprise_value"] is None:
        return "—"
    leases = "+L" if r["finance_leases"] is not None else ""
    dates = "/".join(str(d) for d in r["enterprise_value_as_of"])
    return f"{fmt.money(r['enterprise_value'])}{leases} ({dates})"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


VALUATION_COLUMNS = (
    Column("Provider", lambda r: r["provider"]),
    Column("Symbol", lambda r: r["symbol"]),
    Column("Mkt cap", lambda r: fmt.money(r["market_cap"]), "right"),
    Column(
        "Contracted",
        lambda r: fmt.power(r["contracted_mw"]),
        "right",
    ),
    Column(
        "Cap/MW",
        lambda r: fmt.money(r["market_cap_per_mw"]),
        "right",
    ),
    Column("Backlog", lambda r: _money_at(r["backlog"], r["backlog_as_of"], r["backlog_form"]),
           "right"),
    Column("Backlog/cap", lambda r: _times(r["backlog_to_market_cap"]), "right"),
    Column("Debt", lambda r: _money_at(r["debt"], r["debt_as_of"], r["debt_form"]), "right"),
    Column("Debt/backlog", lambda r: _times(r["debt_to_backlog"]), "right"),
    Column("Revenue", lambda r: _money_at(r["revenue"], r["revenue_as_of"], r["revenue_form"]),
           "right"),
    Column("Cash", lambda r: _money_at(r["cash"], r["cash_as_of"], r["cash_form"]), "right"),
    Column("Fin. leases", lambda r: _money_at(r["finance_leases"], r["finance_leases_as_of"],
                                              r["finance_leases_form"]), "right"),
    Column("EV", _ev, "right"),
    Column("EV/MW", lambda r: fmt.money(r["ev_per_mw"]), "right"),
)  # fmt: skip


# --- gathering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactReport:
    """What ``neotui impact`` prints: the rows, the histories and the earnings baselines."""

    rows: list[Impact]
    histories: Histories
    baselines: dict[str, EarningsBaseline]
    earnings_off: str | None  # why no earnings days were read at all (None: they were)


async def gather_earnings(
    settings: Settings, symbols: Sequence[str], *, offline: bool = False, deadline: float = 20.0
) -> tuple[list[EarningsDay], str | None]:
    """The earnings days in the symbols' SEC filings: the cached filings, refreshed once unless
    ``offline`` (and only with ``filings.contact``); and why there are none, if filings are off."""
    import asyncio

    from neotui.sources import filings_by_symbol

    async with filings_feed(settings, symbols, say=False) as feed:
        update = feed.load_cached()
        if not offline and feed.client is not None:
            try:
                async with asyncio.timeout(deadline):
                    update = await feed.refresh_once()
            except TimeoutError:
                pass  # the cached filings stand
    if feed.client is None and not any(c.filings for c in update.companies.values()):
        return [], update.disabled or "SEC filings are off"
    return earnings_by_symbol(filings_by_symbol(update)), None


async def gather_impact(
    settings: Settings,
    book: DealBook,
    listed: ListedMap,
    *,
    provider: str | None = None,
    offline: bool = False,
) -> ImpactReport:
    """The impact rows of ``book``: histories from the cache (fetched when a day old), studied;
    and the providers' earnings days from their SEC filings, studied the same way."""
    import asyncio

    from neotui.sources import open_cache

    benchmark = settings.analytics.benchmark
    symbols = [*symbols_for(book, listed, provider), benchmark]
    cache = open_cache()
    client = None
    if not offline:
        from neotui.data.market.yahoo import YahooClient

        market = settings.market
        client = YahooClient(
            market.yahoo_url,
            concurrency=market.concurrency,
            connect_timeout=market.connect_timeout,
            read_timeout=market.read_timeout,
        )
    try:
        histories = await load_histories(symbols, client, cache, offline=offline)
    finally:
        if client is not None:
            await client.aclose()
        say_cache(cache)
        cache.close()
    rows = await asyncio.to_thread(
        study_book, book, histories.prices, listed, benchmark=benchmark, provider=provider,
        missing=histories.errors,
    )  # fmt: skip
    tickers = [p.ticker for p in book.providers.values() if p.ticker]
    days, off = await gather_earnings(settings, tickers, offline=offline)
    studies = await asyncio.to_thread(study_earnings, days, histories.prices,
                                      benchmark=benchmark, missing=histories.errors)  # fmt: skip
    return ImpactReport(rows, histories, baselines(studies), off)


async def gather_valuation(
    settings: Settings,
    book: DealBook,
    *,
    offline: bool = False,
    facts: Mapping[str, CompanyFacts] | None = None,
) -> tuple[list[Valuation], dict[str, str]]:
    """Valuation rows: market caps from one quote refresh (or the cache when offline), the
    SEC's figures from ``facts`` (by symbol) where it has them; returns the rows and, by
    symbol, why a quote is stale or missing."""
    from neotui.sources import build_feed, open_cache

    tickers = tuple(p.ticker for p in book.providers.values() if p.ticker)
    if not tickers:
        return [], {}
    market = dataclasses.replace(settings.market, symbols=tickers)
    cache = open_cache()
    feed = build_feed(dataclasses.replace(settings, market=market), cache)
    feed.fundamentals_fetcher = None  # one-shot: the cached fundamentals are used as they are
    try:
        update = feed.load_cached()
        if not offline:
            update = await feed.refresh_once(force=True)
    finally:
        await feed.client.aclose()
        if feed.source is not None:
            await feed.source.aclose()
        say_cache(cache)
        cache.close()
    quotes = {s: st.quote for s, st in update.states.items()}
    fundamentals = {s: st.fundamentals for s, st in update.states.items() if st.fundamentals}
    problems = {
        s: (f"offline: {update.offline_reason}" if update.offline else st.reason or "no data")
        for s, st in update.states.items()
        if st.status.value != "fresh"
    }
    return valuations(book, market_caps(quotes, fundamentals), facts), problems


def histories_summary(histories: Histories, symbols: Sequence[str]) -> list[str]:
    """Lines for stderr: which symbols had no fresh prices, and why."""
    return [f"{s}: {histories.errors[s]}" for s in symbols if s in histories.errors]
