"""``neotui insiders``: the watched listed providers' insider trades from Forms 3/4/5.

One check of the filings (which lists each company's insider filings), then the Form 4
documents not yet cached (at most ``insiders.per_round`` a run, newest first, at
``insiders.max_rate`` a second), over the feeds cache; one row per transaction. What is missing
(a document not read yet, one that could not be read, a stale listing) is said on stderr, with
exit status 3.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import click

from neotui.cli.book import check_provider, load_for_output
from neotui.cli.context import (
    COMMAND_DEADLINE,
    CommandContext,
    filings_feed,
    format_option,
    gave_up,
    pass_context,
    provider_option,
    symbols_for,
)
from neotui.cli.report import Column

if TYPE_CHECKING:
    from neotui.data.sec.insider_trades import CompanyInsiders, InsiderTrade
    from neotui.settings import Settings

INSIDER_FIELDS: tuple[str, ...] = (
    "symbol", "filed", "accession", "owner", "role", "date", "code", "shares", "price", "value",
    "owned_after", "direct", "plan_10b5_1", "amends",
)  # fmt: skip


def insider_record(t: InsiderTrade) -> dict[str, Any]:
    """One transaction for ``neotui insiders`` (``INSIDER_FIELDS``); unknown values are None
    (null in JSON, empty in CSV), never 0."""
    tx = t.tx
    return {
        "symbol": t.symbol, "filed": t.filed, "accession": t.accession, "owner": tx.owner,
        "role": tx.role, "date": tx.day, "code": tx.code, "shares": tx.shares,
        "price": tx.price, "value": tx.value, "owned_after": tx.owned_after,
        "direct": tx.direct, "plan_10b5_1": tx.plan_10b5_1, "amends": t.amends or None,
    }  # fmt: skip


def _num(value: Any, money: bool = False) -> str:
    if value is None:
        return "—"
    return f"${value:,.2f}" if money else f"{value:,.0f}"


def _yes(value: Any) -> str:
    return "—" if value is None else ("yes" if value else "no")


INSIDER_COLUMNS = (
    Column("Symbol", lambda r: r["symbol"]),
    Column("Date", lambda r: str(r["date"] or "—")),
    Column("Owner", lambda r: r["owner"]),
    Column("Role", lambda r: r["role"]),
    Column("Code", lambda r: r["code"]),
    Column("Shares", lambda r: _num(r["shares"]), "right"),
    Column("Price", lambda r: _num(r["price"], money=True), "right"),
    Column("Value", lambda r: _num(r["value"], money=True), "right"),
    Column("Owned after", lambda r: _num(r["owned_after"]), "right"),
    Column("D/I", lambda r: "—" if r["direct"] is None else ("D" if r["direct"] else "I")),
    Column("10b5-1", lambda r: _yes(r["plan_10b5_1"])),
    Column("Filed", lambda r: f"{r['filed']}" + (" (amends)" if r["amends"] else "")),
)  # fmt: skip


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"not a date like 2026-01-31: {value!r}", param_hint="--since"
        ) from None


@click.command()
@provider_option
@click.option("--since", help="Only transactions on or after this day (YYYY-MM-DD).")
@format_option
@pass_context
def insiders(obj: CommandContext, provider: str | None, since: str | None, output: str) -> None:
    """Read the watched listed providers' Form 3/4/5 filings (each document once, cached) and
    print one row per insider transaction, newest first.

    Needs filings.contact (or NEOTUI_SEC_CONTACT). Exit status 3 when filings are off, or
    some documents are not read yet or could not be read (the reason on stderr).
    """
    import asyncio

    from neotui.cli import report

    day = _since(since)
    settings = obj.settings
    book, status = load_for_output(settings)
    check_provider(book, provider)
    symbols = symbols_for(settings, book, provider)
    disabled, companies = asyncio.run(_read_once(settings, symbols, day))
    stale = bool(disabled)
    if disabled:
        click.echo(f"neotui: {disabled}", err=True)
    records: list[dict[str, Any]] = []
    for symbol in symbols:
        c = companies.get(symbol)
        if c is None:
            continue
        if c.reason and not disabled:
            click.echo(f"neotui: {symbol}: {c.reason}", err=True)
            stale = stale or "not in the SEC's ticker table" not in c.reason
        if c.pending:
            limit = settings.insiders.per_round
            click.echo(f"neotui: {symbol}: {c.pending} insider filings not read yet "
                       f"(at most {limit} a run: run again)", err=True)  # fmt: skip
            stale = True
        for accession, why in sorted(c.failed.items()):
            click.echo(f"neotui: {symbol}: {accession}: {why}", err=True)
            stale = True
        records.extend(insider_record(t) for t in c.trades if day is None or t.day >= day)
    records.sort(key=lambda r: (r["date"] or r["filed"], r["filed"]), reverse=True)
    title = "Insider trades (SEC Forms 3/4/5)" + (" (incomplete)" if stale else "")
    report.write(records, INSIDER_FIELDS, output, INSIDER_COLUMNS, title)
    sys.exit(status or (3 if stale else 0))


async def _read_once(
    settings: Settings, symbols: list[str], since: date | None,
    deadline: float = COMMAND_DEADLINE,
) -> tuple[str | None, dict[str, CompanyInsiders]]:  # fmt: skip
    """One filings check (older pages too when ``since`` asks for them), then the insider
    documents due, over the cache, within ``deadline``."""
    import asyncio

    from neotui.sources import build_insiders

    if not settings.insiders.enabled:
        return "insider trades are off (insiders.enabled = false)", {}
    async with filings_feed(settings, symbols) as filings:
        # A transaction on or after `since` is filed on or after it: no older filing is read.
        days = (datetime.now(UTC).date() - since).days + 1 if since else None
        feed = build_insiders(settings, filings, lookback_days=max(days, 1) if days else None)
        assert feed is not None
        filings.load_cached()
        try:
            async with asyncio.timeout(deadline):
                update = await filings.refresh_once(since=since)
                return filings.disabled, await feed.refresh_once(update)
        except TimeoutError:
            return filings.disabled, feed.give_up(gave_up(deadline))


COMMANDS: tuple[click.Command, ...] = (insiders,)
