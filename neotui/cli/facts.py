"""``neotui facts``: the watched listed providers' reported figures from the SEC's XBRL data.

One check of the filings (which resolves each symbol to its CIK and sees new periodic reports),
then each company's facts when due (a new 10-Q/10-K/20-F/6-K, or a week old), over the cache.
What could not be had fresh is printed from the cache and said on stderr with its age (exit 3).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from neotui.cli.book import check_provider, load_for_output
from neotui.cli.context import (
    COMMAND_DEADLINE,
    CommandContext,
    age_of,
    filings_feed,
    format_option,
    gave_up,
    group_option,
    pass_context,
    provider_option,
    say_cache,
    symbols_for,
)
from neotui.cli.facts_cache import cached_facts
from neotui.cli.report import Column

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.data.sec.facts import CompanyFacts, Fact
    from neotui.data.sec.facts_feed import CompanyFactsState
    from neotui.settings import Settings

FACT_FIELDS: tuple[str, ...] = (
    "provider", "symbol", "concept", "label", "value", "unit", "period_start", "period_end",
    "fiscal_period", "form", "filed", "accession", "url", "derived",
)  # fmt: skip


def fact_record(book: DealBook, symbol: str, f: Fact) -> dict[str, Any]:
    """One fact for ``neotui facts`` (``FACT_FIELDS``)."""
    provider = book.provider_for_ticker(symbol)
    return {
        "provider": provider.id if provider else None, "symbol": symbol, "concept": f.concept,
        "label": f.label, "value": f.value, "unit": f.unit, "period_start": f.start,
        "period_end": f.end, "fiscal_period": f.fiscal_period, "form": f.form,
        "filed": f.filed, "accession": f.accession, "url": f.url, "derived": f.derived,
    }  # fmt: skip


def _amount(r: dict[str, Any]) -> str:
    value = float(r["value"])
    if r["unit"] != "USD":
        return f"{value:,.0f} {r['unit']}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"${value / size:,.2f}{suffix}"
    return f"${value:,.0f}"


FACT_COLUMNS = (
    Column("Symbol", lambda r: r["symbol"]),
    Column("Concept", lambda r: r["concept"]),
    Column("Value", _amount, "right"),
    Column("Period", lambda r: (f"{r['period_start']} → " if r["period_start"] else "")
           + str(r["period_end"])),
    Column("Kind", lambda r: r["fiscal_period"] + (" (derived)" if r["derived"] else "")),
    Column("Form", lambda r: f"{r['form']} {r['filed']}"),
    Column("Label", lambda r: r["label"]),
)  # fmt: skip


@click.command()
@group_option
@provider_option
@click.option("--concept", help="Only this figure: backlog, debt, finance_leases, revenue, "
              "revenue_ttm, capex, capex_ttm, cash, shares.")  # fmt: skip
@format_option
@pass_context
def facts(obj: CommandContext, provider: str | None, concept: str | None, output: str) -> None:
    """Fetch the SEC-reported figures (backlog, debt, revenue, capex, cash, shares) of the
    watched listed providers when due, and print them with their period and filing.

    Needs filings.contact (or NEOTUI_SEC_CONTACT). A company the SEC holds no XBRL facts for
    (its 404: nothing filed in XBRL yet) is said on stderr. Exit status 3 when facts are off,
    some are stale or could not be had (cached ones printed, the reason on stderr), or no
    company has any.
    """
    import asyncio

    from neotui.cli import report
    from neotui.data.sec.facts import CONCEPT_NAMES

    if concept is not None and concept not in {*CONCEPT_NAMES, "revenue_ttm", "capex_ttm"}:
        raise click.BadParameter(f"unknown concept {concept!r}", param_hint="--concept")
    settings = obj.settings
    book, status = load_for_output(settings)
    check_provider(book, provider)
    symbols = symbols_for(settings, book, provider)
    disabled, states = asyncio.run(_fetch_facts_once(settings, symbols))
    stale = bool(disabled)
    if disabled:
        click.echo(f"neotui: {disabled}", err=True)
    records: list[dict[str, Any]] = []
    answered = none_held = False  # some company gave facts; the SEC holds none for some
    for symbol in symbols:
        state = states.get(symbol)
        if state is None:
            continue
        if state.reason or state.facts is None:
            why = state.reason or "no facts cached"
            if state.facts is not None:
                click.echo(f"neotui: {symbol}: stale, facts {age_of(state.fetched_at)}: {why}",
                           err=True)  # fmt: skip
            else:
                click.echo(f"neotui: {symbol}: no facts: {why}", err=True)
            stale = stale or "not in the SEC's ticker table" not in why
        if state.facts is None:
            continue
        answered = answered or bool(state.facts.facts)
        none_held = none_held or not state.facts.facts
        for note in state.facts.notes:
            click.echo(f"neotui: {symbol}: {note}", err=True)
        records.extend(fact_record(book, symbol, f) for f in state.facts.facts
                       if concept is None or f.concept == concept)  # fmt: skip
    # A company the SEC holds no facts for is a note, not a failure, unless none answered.
    stale = stale or (none_held and not answered)
    title = "SEC company facts" + (" (stale)" if stale else "")
    report.write(records, FACT_FIELDS, output, FACT_COLUMNS, title)
    sys.exit(status or (3 if stale else 0))


async def _fetch_facts_once(
    settings: Settings, symbols: list[str], deadline: float = COMMAND_DEADLINE
) -> tuple[str | None, dict[str, CompanyFactsState]]:
    """One filings check, then the facts that are due, over the cache, within ``deadline``
    (what is unanswered by then keeps its cached facts, marked stale)."""
    import asyncio

    from neotui.data.sec.facts_feed import FactsFeed, FactsStore
    from neotui.settings import user_cache_dir

    async with filings_feed(settings, symbols) as filings:
        facts_store = FactsStore(user_cache_dir() / "facts.db")
        feed = FactsFeed(symbols, filings.client, facts_store)
        try:
            filings.load_cached()
            feed.load_cached()
            try:
                async with asyncio.timeout(deadline):
                    update = await filings.refresh_once()
                    return feed.disabled, await feed.refresh_once(update)
            except TimeoutError:
                return feed.disabled, feed.give_up(gave_up(deadline))
        finally:
            say_cache(facts_store)
            facts_store.close()


#: ``neotui valuation`` waits this long for the SEC (its quotes share the command's minute).
VALUATION_FACTS_DEADLINE = 30.0


async def facts_for_tables(
    settings: Settings, symbols: list[str], *, offline: bool = False
) -> tuple[dict[str, CompanyFacts], list[str]]:
    """The SEC facts by symbol for ``neotui valuation``, as the app has them: fetched when due
    (one filings check), or only the cache when ``offline`` or facts are off; and the lines
    for stderr (what is stale, and why)."""
    notes: list[str] = []
    if offline:
        return cached_facts(symbols), notes
    disabled, states = await _fetch_facts_once(settings, symbols, VALUATION_FACTS_DEADLINE)
    if disabled:
        notes.append(f"SEC facts off ({disabled}): cached SEC figures only")
    got: dict[str, CompanyFacts] = {}
    for symbol, state in states.items():
        if state.facts is None:
            continue
        got[symbol] = state.facts
        if state.reason and state.reason != "cached" and state.facts.facts:
            notes.append(f"{symbol}: SEC facts {age_of(state.fetched_at)}: {state.reason}")
    return got, notes


COMMANDS: tuple[click.Command, ...] = (facts,)
