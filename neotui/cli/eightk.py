"""``neotui filing ACCESSION``: what neotui reads from one filing (its items, and one row per
finding with the verbatim sentence), the same reading ``x`` uses to fill a draft deal.

The filing's company is found in the cached filings of the watched companies (which also give
its form and primary document); otherwise the accession number's own prefix is taken as the
CIK (a company filing for itself, as 8-Ks nearly always are) unless ``--cik`` says otherwise.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from neotui.cli.context import (
    COMMAND_DEADLINE,
    CommandContext,
    pass_context,
    run_bounded,
    say_cache,
    table_or_json_option,
)

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.data.sec.documents import FilingReading
    from neotui.data.sec.submissions import Filing
    from neotui.settings import Settings

FINDING_FIELDS: tuple[str, ...] = ("kind", "value", "unit", "text", "document", "item")
"""The columns of one finding (``--format json``: the ``findings`` list's keys)."""


def _known_filing(settings: Settings, book: DealBook, accession: str, cik: int | None) -> Filing:
    """The filing as the cached filings feed knows it; else a bare one with the symbol of the
    watched company whose CIK it is (no symbol when no watched company has it)."""
    from neotui.data.sec.feed import TICKERS_KEY
    from neotui.sources import build_filings, open_feed_store, watched_listed

    store = open_feed_store()
    try:
        feed = build_filings(settings, watched_listed(settings, book), store)
        update = feed.load_cached()
        tickers = store.get(TICKERS_KEY)
    finally:
        store.close()
    for company in update.companies.values():
        for filing in company.filings:
            if filing.accession == accession and cik in (None, filing.cik):
                return filing
    from datetime import date

    from neotui.data.sec.submissions import Filing

    cik = cik or int(accession[:10])
    symbol = next((c.symbol for c in update.companies.values() if c.cik == cik), "")
    if not symbol and tickers is not None and isinstance(tickers.body, dict):
        # The cached ticker table names the company when its filings were never cached.
        listed = {p.ticker for p in book.providers.values() if p.ticker}
        symbol = next((t for t, c in tickers.body.items() if c == cik and t in listed), "")
    return Filing(cik, symbol, "8-K", date.min, accession)


async def _read(settings: Settings, filing: Filing, names: list[str], exclude: list[str],
                deadline: float) -> FilingReading:  # fmt: skip
    """The reading of ``filing`` within ``deadline`` (a reading with the reason past it)."""
    import asyncio

    from neotui.cli.context import gave_up
    from neotui.data.sec.documents import FilingReading, read_filing
    from neotui.sources import build_sec_client, open_feed_store

    store = open_feed_store()
    client = build_sec_client(settings)
    try:
        if client is None:
            return FilingReading(filing.cik, filing.accession, reason="filings are off")
        async with asyncio.timeout(deadline):
            return await read_filing(
                client, store, filing.cik, filing.accession,
                form=filing.form,
                primary=filing.document, names=names, exclude=exclude,
            )  # fmt: skip
    except TimeoutError:
        return FilingReading(filing.cik, filing.accession, reason=gave_up(deadline))
    finally:
        if client is not None:
            await client.aclose()
        say_cache(store)
        store.close()


@click.command()
@click.argument("accession")
@click.option("--cik", type=click.IntRange(1, 10**10 - 1), help="The filer's CIK, when the "
              "filing is not among the watched companies' and was filed by an agent.")  # fmt: skip
@table_or_json_option("one object for scripts (fields in the README)")
@pass_context
def filing(obj: CommandContext, accession: str, cik: int | None, output: str) -> None:
    """Read one SEC filing (an 8-K's items, amounts, parties, terms, power, GPUs) and print
    what was found, each with the sentence that says it.

    Needs filings.contact (or NEOTUI_SEC_CONTACT). Exit status 3 when the filing could not be
    read (the reason on stderr) or filings are off.
    """
    from neotui.cli.book import load_for_output
    from neotui.data.sec.client import CONTACT_HINT
    from neotui.data.sec.submissions import ACCESSION

    accession = accession.strip()
    if not ACCESSION.fullmatch(accession):
        raise click.BadParameter("expected an accession number like 0001045810-26-000024",
                                 param_hint="ACCESSION")  # fmt: skip
    settings = obj.settings
    book, status = load_for_output(settings)
    known = _known_filing(settings, book, accession, cik)
    provider = book.provider_for_ticker(known.symbol) if known.symbol else None
    names = sorted({d.counterparty for d in book.deals} | {p.name for p in book.providers.values()})
    exclude = [provider.name] if provider else []
    if not settings.filings.contact.strip():
        click.echo(f"neotui: {CONTACT_HINT}", err=True)
        sys.exit(3)
    reading = run_bounded(_read(settings, known, names, exclude, COMMAND_DEADLINE),
                          COMMAND_DEADLINE + 5)  # fmt: skip
    if reading.reason:
        click.echo(f"neotui: {accession}: not read: {reading.reason}", err=True)
    for doc in reading.documents:
        if doc.reason:
            click.echo(f"neotui: {accession}: {doc.name}: {doc.reason}", err=True)
    _print(reading, known, output)
    sys.exit(status or (3 if reading.reason else 0))


def _records(reading: FilingReading) -> list[dict[str, Any]]:
    return [{k: getattr(f, k) for k in FINDING_FIELDS} for f in reading.findings]


def _print(reading: FilingReading, known: Filing, output: str) -> None:
    from neotui.data.sec.submissions import item_name

    items = [{"code": code, "name": item_name(code)} for code in reading.items]
    if output == "json":
        data = {
            "accession": reading.accession,
            "cik": reading.cik,
            "symbol": known.symbol or None,
            "form": known.form,
            "items": items,
            "documents": [
                {"name": d.name, "type": d.type, "read": bool(d.text), "reason": d.reason or None}
                for d in reading.documents
            ],
            "findings": _records(reading),
            "reason": reading.reason or None,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from neotui.cli import report

    title = f"{known.symbol + ' ' if known.symbol else ''}{known.form} {reading.accession}"
    report.write(items, ("code", "name"), "table", (
        report.Column("Item", lambda r: r["code"]), report.Column("Name", lambda r: r["name"]),
    ), f"{title}: items")  # fmt: skip
    if not reading.findings:
        read = sum(1 for d in reading.documents if d.text)
        if read:
            click.echo(f"No deal language found in the {read} document(s) read.")
        return
    report.write(_records(reading), FINDING_FIELDS, "table", (
        report.Column("Kind", lambda r: r["kind"]),
        report.Column("Value", lambda r: r["value"], "right"),
        report.Column("Unit", lambda r: r["unit"]),
        report.Column("Document", lambda r: r["document"]),
        report.Column("Sentence", lambda r: r["text"]),
    ), f"{title}: what it says")  # fmt: skip


COMMANDS: tuple[click.Command, ...] = (filing,)
