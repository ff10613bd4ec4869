"""The feeds: ``neotui filings`` (SEC EDGAR) and ``neotui news`` (Yahoo headlines).

Each fetches once for the watched symbols (or one provider's ticker) through the app's feed
classes and their cache, so a failed fetch prints the cached items marked stale (exit 3), with
their age on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from neotui.data.news import NewsUpdate
    from neotui.data.sec.feed import CompanyFilings, FilingsUpdate
    from neotui.settings import Settings


@click.command()
@group_option
@provider_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only filings filed on or "
              "after this date (YYYY-MM-DD).")  # fmt: skip
@click.option("--forms", help="Comma-separated forms, e.g. 8-K,6-K (424B* for a prefix), or "
              "'all'. Default: filings.forms (8-K, 6-K, 10-Q, 10-K, 20-F, 40-F, S-1, S-3, "
              "424B*).")  # fmt: skip
@format_option
@pass_context
def filings(
    obj: CommandContext,
    provider: str | None,
    since: datetime | None,
    forms: str | None,
    output: str,
) -> None:
    """Fetch the SEC filings of the watched listed providers once, print them, newest first.

    Needs filings.contact (or NEOTUI_SEC_CONTACT): the SEC refuses requests without a contact
    e-mail. Exit status 3 when filings are off or some are stale (cached ones printed).
    """
    import asyncio

    from neotui.cli import report
    from neotui.data.sec.feed import NOT_REGISTERED

    settings = obj.settings
    book, status = load_for_output(settings)
    check_provider(book, provider)
    symbols = symbols_for(settings, book, provider)
    wanted = tuple(f.strip() for f in forms.split(",") if f.strip()) if forms else None
    day = since.date() if since else None
    update = asyncio.run(_fetch_filings_once(settings, symbols, since=day))
    stale = bool(update.disabled)
    if update.disabled:
        click.echo(f"neotui: {update.disabled}", err=True)
    for c in update.companies.values():
        if c.reason == NOT_REGISTERED:
            click.echo(f"neotui: {c.symbol}: {c.reason}", err=True)
        elif c.reason or update.disabled:
            stale = True
            if c.filings:
                why = c.reason or "cached"
                click.echo(
                    f"neotui: {c.symbol}: stale, filings {age_of(c.fetched_at)}: {why}", err=True
                )
            elif c.reason:
                click.echo(f"neotui: {c.symbol}: {c.reason}", err=True)
    patterns = wanted or settings.filings.forms
    short = [line for c in update.companies.values() for line in _short_of(c, day, patterns)]
    for line in short:
        click.echo(f"neotui: {line}", err=True)
    shown = update.filings(symbols, patterns, day)
    records = [report.filing_record(book, f) for f in shown]
    title = "SEC filings" + (" (stale)" if stale else "")
    report.write(records, report.FILING_FIELDS, output, report.FILING_COLUMNS, title)
    sys.exit(status or (3 if stale or short else 0))


def _short_of(c: CompanyFilings, since: date | None, forms: Sequence[str]) -> list[str]:
    """What the printed list of one company lacks of what was asked, one line each: older
    pages that could not be read, and filings the per-form keep dropped within the window."""
    from neotui.data.sec.feed import KEEP_PER_FORM
    from neotui.data.sec.submissions import form_matches

    lines: list[str] = []
    if c.fetched_at is None and not c.filings:
        return lines  # nothing known: said already (disabled, not registered, its reason)
    if since is not None and c.reach is not None and since < c.reach:
        why = c.reach_reason or "older pages not read"
        lines.append(f"{c.symbol}: filings only back to {c.reach} (asked from {since}): {why}")
    for form, cut in sorted(c.cut.items()):
        if form_matches(form, forms) and (since is None or cut.newest >= since):
            lines.append(
                f"{c.symbol}: {cut.count} older {form} filings not kept, the newest of them "
                f"filed {cut.newest} (at most {KEEP_PER_FORM} of each form a page)"
            )
    return lines


async def _fetch_filings_once(
    settings: Settings,
    symbols: list[str],
    deadline: float = COMMAND_DEADLINE,
    *,
    since: date | None = None,
) -> FilingsUpdate:
    """One refresh of the symbols' SEC filings over the cached ones (those still unanswered at
    ``deadline`` keep the cached ones, marked stale), reading older pages when ``since`` is
    older than a company's recent page reaches; without filings.contact the feed has no
    client and sends nothing."""
    import asyncio

    async with filings_feed(settings, symbols) as feed:
        feed.load_cached()
        try:
            async with asyncio.timeout(deadline):
                return await feed.refresh_once(since)
        except TimeoutError:
            return feed.give_up(gave_up(deadline))


@click.command()
@group_option
@provider_option
@format_option
@pass_context
def news(obj: CommandContext, provider: str | None, output: str) -> None:
    """Fetch headlines for the watched symbols once, print them, newest first.

    A headline naming a provider or counterparty of the deals book, or a dollar amount, is
    marked as a deal candidate. Exit status 3 when some are stale (cached ones printed).
    """
    import asyncio

    from neotui.cli import report
    from neotui.data.news import book_names, mark

    settings = obj.settings
    book, status = load_for_output(settings)
    check_provider(book, provider)
    symbols = symbols_for(settings, book, provider) if provider else list(settings.market.symbols)
    update = asyncio.run(_fetch_news_once(settings, symbols))
    if update.reason:
        click.echo(f"neotui: headlines {age_of(update.fetched_at)}: {update.reason}", err=True)
    headlines = mark(update.for_symbols(symbols), book_names(book))
    records = [report.news_record(h) for h in headlines]
    title = "Headlines" + (" (stale)" if update.reason else "")
    report.write(records, report.NEWS_FIELDS, output, report.NEWS_COLUMNS, title)
    sys.exit(status or (3 if update.reason else 0))


async def _fetch_news_once(
    settings: Settings, symbols: list[str], deadline: float = COMMAND_DEADLINE
) -> NewsUpdate:
    """One refresh of the symbols' headlines over the cached ones (the cache alone, marked
    stale, past ``deadline``); with news off, the cache alone, marked disabled, and nothing
    sent."""
    from dataclasses import replace

    from neotui.sources import build_client, build_news, open_feed_store

    store = open_feed_store()
    client = build_client(settings, None)  # the quotes' browser session, no crumb needed
    feed = build_news(settings, client, symbols, store)
    try:
        cached = feed.load_cached()
        if not settings.news.enabled:
            return replace(cached, disabled="headlines are off (news.enabled = false)")
        import asyncio

        try:
            async with asyncio.timeout(deadline):
                return await feed.refresh_once()
        except TimeoutError:
            return replace(cached, errors={"headlines": gave_up(deadline)})
    finally:
        await client.aclose()
        say_cache(store)
        store.close()


COMMANDS: tuple[click.Command, ...] = (filings, news)
