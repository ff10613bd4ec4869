"""Live quotes and what is judged on them: ``neotui quotes``, ``positions`` and ``alerts``.

Each runs one refresh of the app's market feed (every symbol the settings need: watched, held,
alerted on), with the cached values, marked stale, standing in for those that fail; exit 3 tells a
script that some prices are not fresh.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from neotui.cli.context import (
    COMMAND_DEADLINE,
    CommandContext,
    format_option,
    gave_up,
    group_option,
    pass_context,
    say_cache,
)

if TYPE_CHECKING:
    from neotui.data.market.feed import FeedUpdate
    from neotui.settings import Settings


@click.command()
@group_option
@format_option
@click.option(
    "--source",
    type=click.Choice(["auto", "fallback"]),
    default=None,
    help="fallback: prices from market.fallback (Cboe, 15 min delayed), Yahoo not asked; "
    "default: market.source.",
)
@pass_context
def quotes(obj: CommandContext, output: str, source: str | None) -> None:
    """Fetch the watched symbols' quotes once, print them and exit.

    Exit status 0 when every symbol is fresh, 3 when some are stale (cached values printed with
    the reason) or missing. When Yahoo refuses every symbol, the prices come from the fallback
    source in the same run (columns source and delayed_minutes say so).
    """
    import asyncio
    import dataclasses

    from neotui.cli import report

    settings = obj.settings
    if source is not None:
        market = dataclasses.replace(settings.market, source=source)
        settings = dataclasses.replace(settings, market=market)
    update = asyncio.run(_fetch_quotes_once(settings, outlook=True))
    watched = obj.settings.market.symbols
    records = [report.quote_record(update.states[s], update) for s in watched]
    report.write(records, report.QUOTE_FIELDS, output, report.QUOTE_COLUMNS, "Quotes")
    for note in report.quote_notes(records, datetime.now(UTC)):
        click.echo(f"neotui: {note}", err=True)
    sys.exit(0 if all(not r["stale"] and r["error"] is None for r in records) else 3)


async def _fetch_quotes_once(
    settings: Settings, deadline: float = COMMAND_DEADLINE, *, outlook: bool = False
) -> FeedUpdate:
    """One refresh of every symbol the settings need (watched, held, alerted on); cached values,
    marked stale, for those that fail or are still unanswered at ``deadline``. ``outlook``: the
    earnings calendars and short interest too, where the cached ones are 12 hours old."""
    from neotui.sources import build_feed, open_cache

    cache = open_cache()
    said = say_cache(cache)
    feed = build_feed(settings, cache, one_shot=True)  # a refusal of all: the fallback, now
    feed.fundamentals_fetcher = None  # one-shot: quotes only
    if not outlook:
        feed.earnings = None
    try:
        feed.load_cached()
        import asyncio

        try:
            async with asyncio.timeout(deadline):
                update = await feed.refresh_once(force=True)
                # Earnings and short interest are Yahoo's (quoteSummary): not asked when the user
                # said never to ask Yahoo (``--source fallback``); the cached ones are printed.
                if outlook and settings.market.source != "fallback":
                    await feed.refresh_earnings()
                    update = feed.snapshot()
        except TimeoutError:
            click.echo(f"neotui: {gave_up(deadline)}", err=True)
            update = feed.give_up(gave_up(deadline))
    finally:
        await feed.client.aclose()
        if feed.source is not None:
            await feed.source.aclose()
        say_cache(cache, said)
        cache.close()
    return update


@click.command()
@format_option
@pass_context
def positions(obj: CommandContext, output: str) -> None:
    """Fetch quotes once and print your positions (the [[lot]] tables of your settings) with
    their value and gain, and a totals row in the table.

    Exit status 0, or 3 when some prices are stale or missing (values left blank, never zero).
    """
    import asyncio

    from neotui.cli import report
    from neotui.data.portfolio import build_portfolio

    settings = obj.settings
    if not settings.lots:
        click.echo("neotui: no positions: add [[lot]] tables to your settings file.", err=True)
        report.write([], report.POSITION_FIELDS, output, report.POSITION_COLUMNS, "Positions")
        sys.exit(0)
    update = asyncio.run(_fetch_quotes_once(settings))
    portfolio = build_portfolio(settings.lots, update.states)
    records = [report.position_record(p) for p in portfolio.positions]
    rows = [*records, report.totals_record(portfolio)] if output == "table" else records
    report.write(rows, report.POSITION_FIELDS, output, report.POSITION_COLUMNS, "Positions")
    for line in report.portfolio_notes(portfolio):
        click.echo(f"neotui: {line}", err=True)
    sys.exit(3 if portfolio.partial else 0)


@click.command()
@format_option
@click.option(
    "--commit",
    is_flag=True,
    help="Store the new states, so the app (or the next run) does not fire these again.",
)
@pass_context
def alerts(obj: CommandContext, output: str, commit: bool) -> None:
    """Fetch fresh quotes once and evaluate every price alert rule; for cron and scripts.

    state is triggered (the condition holds, or has held and not yet re-armed), armed, or
    unknown (no fresh quote: never judged on stale data). The stored fired state is left as it
    is unless --commit is given. Exit status 0.
    """
    import asyncio

    from neotui.cli import report
    from neotui.sources import open_alerts

    settings = obj.settings
    engine = open_alerts(settings)
    if engine.store is not None and engine.store.warning:
        click.echo(f"neotui: {engine.store.warning}", err=True)
    if not engine.price_rules:
        click.echo("neotui: no price alert rules: add [[alert]] tables to your settings.", err=True)
        report.write([], report.ALERT_FIELDS, output, report.ALERT_COLUMNS, "Alerts")
        sys.exit(0)
    update = asyncio.run(_fetch_quotes_once(settings))
    evaluations = engine.evaluate(update.states)
    if commit:
        engine.commit(evaluations)
        engine.save()
        if engine.store is not None and engine.store.warning:
            click.echo(f"neotui: {engine.store.warning}", err=True)
    records = [report.alert_record(ev) for ev in evaluations]
    report.write(records, report.ALERT_FIELDS, output, report.ALERT_COLUMNS, "Alerts")
    sys.exit(0)


COMMANDS: tuple[click.Command, ...] = (quotes, positions, alerts)
