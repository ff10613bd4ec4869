"""Printing records for the command line as a Rich table, JSON or CSV.

JSON and CSV are for scripts: the field names below are a stable interface (documented in the
README), dates are ISO strings, money is plain USD numbers. Table cells are ``rich.text.Text``,
never markup, because the strings come from user files and the network.
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from neotui import formatting as fmt
from neotui.data.alerts.rules import Evaluation
from neotui.data.analytics.reported import sec_financials, sec_form
from neotui.data.deals import DealBook
from neotui.data.deals.models import CapacityPoint, Deal, FinancialFact, date_label
from neotui.data.market.feed import FeedUpdate, SymbolState, SymbolStatus
from neotui.data.news import Headline
from neotui.data.portfolio import Portfolio, Position, portfolio_status
from neotui.data.sec.facts import CompanyFacts
from neotui.data.sec.submissions import Filing

FORMATS = ("table", "json", "csv")

DEAL_FIELDS: tuple[str, ...] = (
    "id", "date", "date_kind", "provider", "provider_name", "counterparty", "kind",
    "value_usd", "value_eur", "starts", "ends", "term_years", "power", "power_unit", "power_mw",
    "gpus", "hardware", "location", "summary", "source", "seed", "reported", "note", "report_of",
    "date_precision", "stake_pct", "scope", "captured",
)  # fmt: skip
CAPACITY_FIELDS: tuple[str, ...] = (
    "id", "provider", "provider_name", "metric", "value", "unit", "value_mw", "year", "as_of",
    "source", "seed", "reported", "note",
)  # fmt: skip
FINANCIAL_FIELDS: tuple[str, ...] = (
    "id", "provider", "provider_name", "metric", "value", "unit", "period", "counterparty",
    "as_of", "source", "seed", "reported", "note",
    "origin", "form",  # issue 18: press | sec, and the SEC form (None for a press figure)
)  # fmt: skip


def _name(book: DealBook, provider: str) -> str:
    p = book.providers.get(provider)
    return p.name if p else provider


def deal_record(book: DealBook, d: Deal) -> dict[str, Any]:
    """A deal as a flat dict with every field (``DEAL_FIELDS``)."""
    record = {name: getattr(d, name, None) for name in DEAL_FIELDS}
    record["provider_name"] = _name(book, d.provider)
    record["power_mw"] = d.power_mw
    return record


def capacity_record(book: DealBook, c: CapacityPoint) -> dict[str, Any]:
    """A capacity point as a flat dict (``CAPACITY_FIELDS``)."""
    record = {name: getattr(c, name, None) for name in CAPACITY_FIELDS}
    record["provider_name"] = _name(book, c.provider)
    record["value_mw"] = c.value_mw
    return record


def financial_record(book: DealBook, f: FinancialFact) -> dict[str, Any]:
    """A financial fact as a flat dict (``FINANCIAL_FIELDS``)."""
    record = {name: getattr(f, name, None) for name in FINANCIAL_FIELDS}
    record["provider_name"] = _name(book, f.provider)
    record["form"] = sec_form(f)
    record["origin"] = "press" if record["form"] is None else "sec"
    return record


def financial_records(
    book: DealBook, provider: str | None, facts: Mapping[str, CompanyFacts]
) -> list[dict[str, Any]]:
    """The book's financial figures and, beside them (same provider and metric, by date), the
    SEC's reported figures from ``facts`` (by symbol), so a disagreement is seen."""
    figures = list(book.financials_of(provider))
    for pid, p in book.providers.items():
        if provider in (None, pid) and p.ticker:
            figures.extend(sec_financials(facts.get(p.ticker.upper()), pid))
    figures.sort(key=lambda f: (f.provider, f.metric, f.as_of, f.id))
    return [financial_record(book, f) for f in figures]


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no infinity: null (the record's reason or status says why)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _csv_cell(value: Any) -> Any:
    """CSV has no lists: a list becomes its items joined with "; "."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return _plain(value)


@dataclass(frozen=True)
class Column:
    """A table column: header, how to render a record's cell, and its justification."""

    header: str
    render: Callable[[dict[str, Any]], str]
    justify: str = "left"


def write(
    records: Sequence[dict[str, Any]],
    fields: Sequence[str],
    output: str,
    columns: Sequence[Column],
    title: str,
    out: IO[str] | None = None,
) -> None:
    """Write ``records`` to ``out`` (stdout) as ``output`` (table, json or csv)."""
    stream = out or sys.stdout
    if output == "json":
        data = [{k: _plain(r.get(k)) for k in fields} for r in records]
        stream.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
    elif output == "csv":
        writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow({k: _csv_cell(r.get(k)) for k in fields})
    else:
        table = Table(title=title, title_justify="left", header_style="bold", expand=False)
        for col in columns:
            table.add_column(col.header, justify=col.justify)  # type: ignore[arg-type]
        for r in records:
            table.add_row(*(Text(col.render(r)) for col in columns))
        console = Console(file=stream, soft_wrap=False)
        if not console.is_terminal:
            console.width = max(console.width, 200)  # piped to a file or pager: do not wrap at 80
        console.print(table)


DEAL_COLUMNS = (
    Column("Date", lambda r: date_label(r["date"], r["date_precision"])),
    Column("Provider", lambda r: r["provider_name"]),
    Column("Counterparty", lambda r: r["counterparty"]),
    Column("Kind", lambda r: r["kind"]),
    Column(
        "Value",
        lambda r: (
            fmt.money(r["value_usd"])
            if r["value_usd"] is not None
            else fmt.money(r["value_eur"], "EUR")
        ),
        "right",
    ),
    Column("Power", lambda r: fmt.power(r["power_mw"]) if r["power_mw"] else "", "right"),
    Column("Until", lambda r: str(r["ends"] or "")),
    Column("Source", lambda r: r["source"]),
)
CAPACITY_COLUMNS = (
    Column("Provider", lambda r: r["provider_name"]),
    Column("Metric", lambda r: r["metric"]),
    Column("Year", lambda r: str(r["year"] or ""), "right"),
    Column("Value", lambda r: f"{r['value']:g} {r['unit']}", "right"),
    Column("As of", lambda r: str(r["as_of"])),
    Column("Source", lambda r: r["source"]),
)
FINANCIAL_COLUMNS = (
    Column("Provider", lambda r: r["provider_name"]),
    Column("Metric", lambda r: r["metric"]),
    Column("Period", lambda r: r["period"] or ""),
    Column(
        "Value",
        lambda r: (
            fmt.percent(r["value"], signed=False)
            if r["unit"] == "%"
            else fmt.money(r["value"], r["unit"])
        ),
        "right",
    ),
    Column("As of", lambda r: str(r["as_of"])),
    Column("Source", lambda r: r["source"] if r["form"] is None
           else f"SEC {r['form']} {r['source']}"),
)  # fmt: skip


QUOTE_FIELDS: tuple[str, ...] = (
    "symbol", "name", "price", "change", "change_pct", "prev_close", "currency", "session",
    "extended_price", "extended_session", "day_low", "day_high", "volume", "as_of", "fetched_at",
    "stale", "error", "market_cap", "fifty_two_week_low", "fifty_two_week_high", "exchange",
    "source", "delayed_minutes",
    "next_earnings", "shares_short", "short_pct_float", "short_ratio", "short_interest_date",
)  # fmt: skip


def quote_record(state: SymbolState, update: FeedUpdate) -> dict[str, Any]:
    """One watched symbol for ``neotui quotes``: the last good values, stale flag and reason."""
    q = state.quote
    fresh = state.status is SymbolStatus.FRESH
    error = None
    if not fresh:
        offline = f"offline: {update.offline_reason}" if update.offline_reason else None
        error = offline or state.reason or "no data"
    now = update.last_refresh or datetime.now(UTC)
    return {
        "symbol": state.symbol,
        "name": q.name if q else None,
        "price": q.price if q else None,
        "change": q.change if q else None,
        "change_pct": q.change_pct if q else None,
        "prev_close": q.prev_close if q else None,
        "currency": q.currency if q else None,
        "session": str(q.session_at(now)) if q else None,
        "extended_price": q.extended_price if q else None,
        "extended_session": str(q.extended_session) if q and q.extended_session else None,
        "day_low": q.day_low if q else None,
        "day_high": q.day_high if q else None,
        "volume": q.volume if q else None,
        "as_of": (q.market_time or q.fetched_at) if q else None,
        "fetched_at": q.fetched_at if q else None,
        "stale": not fresh,
        "error": error,
        "market_cap": state.market_cap,
        "fifty_two_week_low": q.year_low if q else None,
        "fifty_two_week_high": q.year_high if q else None,
        "exchange": q.exchange if q else None,
        "source": q.source if q else None,
        "delayed_minutes": q.delayed_minutes if q else None,
        **outlook_fields(state, now),
    }


def outlook_fields(state: SymbolState, now: datetime) -> dict[str, Any]:
    """``neotui quotes``' earnings and short interest fields (null when unknown, never 0)."""
    from neotui.data.market.earnings_source import Outlook

    outlook = state.outlook or Outlook()
    short = outlook.short
    known = short is not None and short.known
    return {
        "next_earnings": outlook.earnings(state.symbol, state.quote, now).next_date,
        "shares_short": short.shares_short if short and known else None,
        "short_pct_float": short.short_pct_float if short and known else None,
        "short_ratio": short.short_ratio if short and known else None,
        "short_interest_date": short.report_date if short and known else None,
    }


def quote_notes(records: Sequence[dict[str, Any]], now: datetime) -> list[str]:
    """Lines for stderr: each symbol that is not fresh, the age of what is printed for it and
    why (the README promises scripts the reason and age there)."""
    notes = []
    for r in records:
        if r["error"] is None:
            continue
        if r["price"] is None:
            notes.append(f"{r['symbol']}: no price: {r['error']}")
            continue
        moment = r["as_of"]
        age = f"{fmt.age((now - moment).total_seconds())} old" if moment else "age unknown"
        notes.append(f"{r['symbol']}: stale, price {age}: {r['error']}")
    return notes


def _status(r: dict[str, Any]) -> str:
    if r["error"] is None and r.get("delayed_minutes"):
        return f"ok, {r['delayed_minutes']} min delayed ({r['source']})"
    if r["error"] is None:
        return "ok"
    return f"stale: {r['error']}" if r["price"] is not None else r["error"]


QUOTE_COLUMNS = (
    Column("Symbol", lambda r: r["symbol"]),
    Column("Last", lambda r: fmt.price(r["price"]), "right"),
    Column("Chg", lambda r: fmt.change(r["change"]), "right"),
    Column("Chg%", lambda r: fmt.percent(r["change_pct"]), "right"),
    Column(
        "Mkt cap",
        lambda r: fmt.money(r["market_cap"], r["currency"] or "USD") if r["market_cap"] else "",
        "right",
    ),
    Column("Cur", lambda r: r["currency"] or ""),
    Column("Session", lambda r: r["session"] or ""),
    Column("As of", lambda r: r["as_of"].strftime("%Y-%m-%d %H:%M UTC") if r["as_of"] else ""),
    Column("Status", _status),
)


POSITION_FIELDS: tuple[str, ...] = (
    "symbol", "quantity", "cost_basis", "price", "value", "day_change", "gain", "gain_pct",
    "weight", "stale",
)  # fmt: skip


def position_record(p: Position) -> dict[str, Any]:
    """One position for ``neotui positions`` (``POSITION_FIELDS``, plus table-only extras).

    ``gain_pct`` and ``weight`` are fractions (0.1 is 10 %); a missing price leaves ``price``,
    ``value``, ``day_change``, ``gain``, ``gain_pct`` and ``weight`` null, never zero.
    """
    return {
        "symbol": p.symbol,
        "quantity": p.quantity,
        "cost_basis": p.cost_basis,
        "price": p.price,
        "value": p.value,
        "day_change": p.day_change,
        "gain": p.gain,
        "gain_pct": p.gain_pct,
        "weight": p.weight,
        "stale": p.stale or p.price is None,
        "average_cost": p.average_cost,
        "reason": p.reason,
    }


def totals_record(portfolio: Portfolio) -> dict[str, Any]:
    """The totals row of the positions table (table output only: scripts can add up)."""
    return {
        "symbol": "Total",
        "quantity": None,
        "cost_basis": portfolio.cost_basis,
        "price": None,
        "value": portfolio.value,
        "day_change": portfolio.day_change,
        "gain": portfolio.gain,
        "gain_pct": portfolio.gain_pct,
        "weight": portfolio.weight,
        "stale": portfolio.partial,
        "average_cost": None,
        "reason": portfolio_status(portfolio),
    }


def portfolio_notes(portfolio: Portfolio) -> list[str]:
    """Lines for stderr explaining a partial result."""
    status = portfolio_status(portfolio)
    return [f"positions: {status}"] if status else []


def _position_status(r: dict[str, Any]) -> str:
    if r["symbol"] == "Total":
        return r["reason"] or ""
    if r["price"] is None:
        return r["reason"] or "no price"
    return f"stale: {r['reason']}" if r["stale"] else "ok"


POSITION_COLUMNS = (
    Column("Symbol", lambda r: r["symbol"]),
    Column(
        "Qty", lambda r: fmt.quantity(r["quantity"]) if r["quantity"] is not None else "", "right"
    ),
    Column(
        "Avg cost", lambda r: fmt.price(r["average_cost"]) if r["average_cost"] else "", "right"
    ),
    Column("Price", lambda r: fmt.price(r["price"]) if r["symbol"] != "Total" else "", "right"),
    Column("Value", lambda r: fmt.amount(r["value"]), "right"),
    Column("Day chg", lambda r: fmt.amount(r["day_change"], signed=True), "right"),
    Column("Gain", lambda r: fmt.amount(r["gain"], signed=True), "right"),
    Column("Gain%", lambda r: fmt.fraction(r["gain_pct"]), "right"),
    Column("Weight", lambda r: fmt.fraction(r["weight"], signed=False), "right"),
    Column("Status", _position_status),
)


ALERT_FIELDS: tuple[str, ...] = (
    "rule", "symbol", "kind", "threshold", "state", "value", "at", "message",
)  # fmt: skip


def alert_record(ev: Evaluation) -> dict[str, Any]:
    """One price rule for ``neotui alerts``: ``state`` is triggered, armed or unknown; ``value``
    the price (or day change in % for move_pct); ``at`` when the state last changed."""
    return {
        "rule": ev.rule.id,
        "symbol": ev.rule.symbol,
        "kind": str(ev.rule.kind),
        "threshold": ev.rule.threshold,
        "state": str(ev.status),
        "value": ev.value,
        "at": ev.at,
        "message": ev.message,
        "fired": ev.fired is not None,
    }


ALERT_COLUMNS = (
    Column("Rule", lambda r: r["rule"]),
    Column("State", lambda r: r["state"] + (" (now)" if r["fired"] else "")),
    Column("Value", lambda r: "" if r["value"] is None else f"{r['value']:,.2f}", "right"),
    Column("Since", lambda r: r["at"].strftime("%Y-%m-%d %H:%M UTC") if r["at"] else ""),
    Column("Message", lambda r: r["message"]),
)


#: The book's printable views: records builder, field names, table columns, title.
BOOK_VIEWS: dict[str, tuple[Callable[[DealBook, str | None], list[dict[str, Any]]],
                            tuple[str, ...], tuple[Column, ...], str]] = {
    "deals": (lambda book, p: [deal_record(book, d) for d in book.timeline(p)],
              DEAL_FIELDS, DEAL_COLUMNS, "Deals"),
    "capacity": (lambda book, p: [capacity_record(book, c) for c in book.capacity_of(p)],
                 CAPACITY_FIELDS, CAPACITY_COLUMNS, "Capacity"),
}  # fmt: skip


_CHECK_STYLES = {"ok": "green", "warn": "yellow", "fail": "bold red", "skipped": "dim"}


def print_checks(results: Sequence[Any], closing: str, out: IO[str] | None = None) -> None:
    """``neotui doctor``'s table: one row per check, the verdict coloured, details as plain
    text (they quote URLs and server answers, which are never markup)."""
    table = Table(title="neotui doctor", title_justify="left", header_style="bold", expand=False)
    for header in ("Check", "Status", "Detail", "What to do"):
        table.add_column(header, overflow="fold")
    for r in results:
        table.add_row(
            Text(r.check), Text(r.status, style=_CHECK_STYLES.get(r.status, "")),
            Text(r.detail), Text(r.hint, style="dim"),
        )  # fmt: skip
    console = Console(file=out or sys.stdout, soft_wrap=False)
    if not console.is_terminal:
        console.width = max(console.width, 160)
    console.print(table)
    console.print(Text(closing, style="dim"))


FILING_FIELDS: tuple[str, ...] = (
    "provider", "symbol", "cik", "form", "filed", "accepted", "accession", "items", "item_names",
    "url", "description",
)  # fmt: skip
NEWS_FIELDS: tuple[str, ...] = (
    "symbol", "published", "title", "publisher", "url", "related", "candidate",
)  # fmt: skip


def filing_record(book: DealBook, f: Filing) -> dict[str, Any]:
    """A filing for ``neotui filings`` (``FILING_FIELDS``); ``accepted`` keeps its offset."""
    provider = book.provider_for_ticker(f.symbol)
    return {
        "provider": provider.id if provider else None,
        "symbol": f.symbol,
        "cik": f.cik,
        "form": f.form,
        "filed": f.filed,
        "accepted": f.accepted,
        "accession": f.accession,
        "items": f.items,
        "item_names": f.item_names,
        "url": f.url,
        "description": f.description,
    }


def news_record(h: Headline) -> dict[str, Any]:
    """A headline for ``neotui news`` (``NEWS_FIELDS``): ``symbol`` is the first watched symbol
    whose search found it, ``candidate`` the reason it looks like a deal (or null)."""
    return {
        "symbol": h.symbols[0] if h.symbols else None,
        "published": h.published,
        "title": h.title,
        "publisher": h.publisher,
        "url": h.link,
        "related": list(h.related),
        "candidate": h.candidate,
    }


FILING_COLUMNS = (
    Column("Filed", lambda r: str(r["filed"])),
    Column("Symbol", lambda r: r["symbol"]),
    Column("Form", lambda r: r["form"]),
    Column("Items", lambda r: "; ".join(
        f"{code} {name}" for code, name in zip(r["items"].split(","), r["item_names"], strict=False)
    ) if r["items"] else r["description"]),
    Column("URL", lambda r: r["url"]),
)  # fmt: skip
NEWS_COLUMNS = (
    Column("Published", lambda r: r["published"].strftime("%Y-%m-%d %H:%M UTC")),
    Column("Symbol", lambda r: r["symbol"] or ""),
    Column("Deal?", lambda r: "◆" if r["candidate"] else ""),
    Column("Title", lambda r: r["title"]),
    Column("Publisher", lambda r: r["publisher"]),
)
