"""Insider trades as cells: the detail screen's pane (one row per transaction, newest first,
sales red, buys green, each dated) and the net buying/selling cell of the quotes table.

Rows only: the pane is a :class:`~neotui.widgets.tables.NeoTable` (the one table base), so it
fits and narrows like every other table; the cells are built here so the detail screen only
places the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from rich.text import Text

from neotui import formatting as fmt
from neotui.data.sec.form4 import CODES
from neotui.data.sec.insider_trades import (
    CompanyInsiders,
    FilingSummary,
    InsiderTrade,
    filing_rows,
    net_flow,
)
from neotui.widgets.cells import plain, right

#: Transactions listed in the detail pane (newest first).
TRADES_SHOWN = 40
#: The pane's columns: key, header.
PANE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "Date"), ("owner", "Owner"), ("role", "Role"), ("code", "Code"),
    ("shares", "Shares"), ("price", "Price"), ("value", "Value"), ("after", "Owned after"),
    ("di", "D/I"), ("plan", "10b5-1"), ("note", "Note"),
)  # fmt: skip
#: Dropped first when the pane is narrow (80 columns keeps date, owner, code, shares, value).
PANE_DROP: tuple[str, ...] = ("after", "role", "di", "plan", "price")


def trade_style(t: InsiderTrade) -> str:
    """Red for a sale, green for a purchase (open market); dim for awards, tax, gifts."""
    if t.tx.code == "S":
        return "red"
    if t.tx.code == "P":
        return "green"
    return "dim"


def _note(t: InsiderTrade) -> str:
    parts = []
    if t.tx.derivative:
        parts.append(t.tx.security or "derivative")
    if t.tx.price_low is not None and t.tx.price_high is not None:
        parts.append(f"avg of {fmt.price(t.tx.price_low)}–{fmt.price(t.tx.price_high)}")
    if t.amends:
        parts.append(f"amends {t.amends}")
    parts.extend(n for n in t.tx.notes if not n.startswith("price: the exercise"))
    return "; ".join(parts)


def trade_cells(t: InsiderTrade) -> list[Text]:
    """One transaction's cells, in :data:`PANE_COLUMNS` order; an unknown value is a dim dash."""
    tx, style = t.tx, trade_style(t)
    sign = "-" if tx.acquired is False else ("+" if tx.acquired else "")
    shares = right(f"{sign}{fmt.count(tx.shares)}", style) if tx.shares is not None else None
    return [
        plain(f"{t.day}" + ("" if tx.day else " (filed)")),
        plain(tx.owner),
        plain(tx.role or None, "dim"),
        plain(f"{tx.code} {CODES.get(tx.code, '')}".strip(), style),
        shares or right("—", "dim"),
        right(fmt.price(tx.price), style) if tx.price is not None else right("—", "dim"),
        right(fmt.money(tx.value), "bold " + style) if tx.value is not None else right("—", "dim"),
        right(fmt.count(tx.owned_after)) if tx.owned_after is not None else right("—", "dim"),
        plain("—" if tx.direct is None else ("D" if tx.direct else "I"), "dim"),
        plain({True: "yes", False: "no", None: "—"}[tx.plan_10b5_1], "dim"),
        plain(_note(t), "dim"),
    ]


def pane_rows(company: CompanyInsiders | None, why_none: str) -> list[list[Text]]:
    """The detail pane's rows: the newest transactions; when there are none, one row saying
    why (in the first column, which grows to hold it). ``why_none`` is said when nothing is
    known at all (filings off, not read yet)."""
    trades: Sequence[InsiderTrade] = company.trades if company else ()
    if trades:
        return [trade_cells(t) for t in trades[:TRADES_SHOWN]]
    if company is not None and not (company.pending or company.failed or company.reason):
        why_none = "no insider transactions in the window"
    return [[plain(why_none, "dim italic")] + [plain("")] * (len(PANE_COLUMNS) - 1)]


def pane_status(company: CompanyInsiders | None) -> str:
    """What is missing and why, for the pane's lower border: transactions not listed,
    documents still to read, ones that could not be read, a stale listing."""
    if company is None:
        return ""
    parts = []
    if len(company.trades) > TRADES_SHOWN:
        parts.append(f"{len(company.trades) - TRADES_SHOWN} older: neotui insiders")
    if company.pending:
        parts.append(f"{company.pending} not read yet")
    if company.failed:
        first = next(iter(company.failed.values()))
        parts.append(f"{len(company.failed)} unreadable ({first})")
    if company.reason:
        parts.append(company.reason)
    return " · ".join(parts)


def pane_title(company: CompanyInsiders | None, today: date) -> str:
    """ "Insider trades · net 30 d −$38.5M · 90 d −$120M · read 14:02"."""
    title = "Insider trades (SEC Forms 3/4/5)"
    if company is None:
        return title
    parts = [title]
    for days in (30, 90):
        flow = net_flow(company.trades, days, today)
        parts.append(f"net {days} d " + (flow_text(flow.net) if flow else "none"))
    if company.fetched_at is not None:
        parts.append(f"read {company.fetched_at:%Y-%m-%d %H:%M}")
    return " · ".join(parts)


def flow_text(net: float) -> str:
    """A signed dollar amount: ``+$1.2M`` buying, ``−$38.5M`` selling."""
    return ("+" if net > 0 else "−" if net < 0 else "") + fmt.money(abs(net))


def flow_cell(company: CompanyInsiders | None, today: date) -> Text:
    """The quotes table's cell: net open-market buying (green) or selling (red) over 30 and
    90 days, "—" when nothing has been read, "none" when there were no such trades."""
    if company is None or (
        not company.trades and (company.pending or company.failed or company.reason)
    ):
        return right("—", "dim")  # nothing read: not "no trades"
    flows = [net_flow(company.trades, days, today) for days in (30, 90)]
    text = Text(justify="right")
    for i, flow in enumerate(flows):
        if i:
            text.append(" / ", "dim")
        if flow is None:
            text.append("none", "dim")
        else:
            text.append(flow_text(flow.net), "green" if flow.net > 0 else "red")
    return text


#: The timeline's event kind for insider filings (the kind filter is the timeline's own).
TIMELINE_KIND = "insider"


def timeline_cells(row: FilingSummary, provider_name: str) -> list[Text]:
    """One insider filing as a timeline row, in the deal timeline's column order (date,
    provider, with, kind, value, day 0, term, scale): the owner where a deal has its
    counterparty, the net open-market dollars (red selling, green buying) as its value, the
    codes and net shares where a deal has its term and scale. Built alone so the timeline's
    event kinds can take it as they take deals."""
    style = "red" if (row.value or 0) < 0 else "green" if (row.value or 0) > 0 else "dim"
    shares = (
        "" if row.shares is None else f"{'+' if row.shares > 0 else ''}{fmt.count(row.shares)} sh"
    )
    plan = " · 10b5-1" if row.plan_10b5_1 else ""
    amends = f" · amends {row.amends}" if row.amends else ""
    return [
        plain(f"{row.day}"),
        plain(provider_name, "bold"),
        plain(f"{row.owner} ({row.role})" if row.role else row.owner),
        plain(TIMELINE_KIND, "italic " + style),
        right(flow_text(row.value) if row.value is not None else "—", "bold " + style),
        plain(""),
        plain(f"{row.form} {row.codes}", "dim"),
        plain(shares + plan + amends, "dim"),
    ]


def timeline_rows(
    companies: Mapping[str, CompanyInsiders], names: Mapping[str, str]
) -> list[tuple[FilingSummary, list[Text]]]:
    """Every company's insider filings as timeline rows (one per filing, summed), newest
    first; ``names`` gives each symbol's provider name."""
    out = []
    for symbol, company in companies.items():
        for row in filing_rows(company.trades):
            out.append((row, timeline_cells(row, names.get(symbol, symbol))))
    out.sort(key=lambda pair: (pair[0].day, pair[0].filed), reverse=True)
    return out
