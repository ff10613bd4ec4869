"""The deals book against market prices: ``neotui impact`` (what each deal did to the stock
beyond the market) and ``valuation`` (what the market pays for the capacity).

The figures come from :mod:`neotui.cli.market_report`, which imports pandas and the history cache:
both are imported inside the commands, never when the group builds ``--help``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from neotui.cli.book import check_provider, load_for_output
from neotui.cli.context import (
    EXIT_SETTINGS,
    CommandContext,
    format_option,
    offline_option,
    pass_context,
    provider_option,
    run_bounded,
)

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.data.deals.listed import ListedMap


def _listed(book: DealBook) -> ListedMap:
    """The listed companies (ticker, shares, exchange) of the book's providers; a bad listed
    companies file is a settings error (exit 2)."""
    from neotui.data.deals.listed import ListedError
    from neotui.sources import listed_map

    try:
        return listed_map(book)
    except ListedError as err:
        click.echo(f"neotui: bad listed companies file: {err}", err=True)
        sys.exit(EXIT_SETTINGS)


@click.command()
@provider_option
@click.option("--benchmark", help="Market to compare with (default SPY; analytics.benchmark).")
@offline_option
@format_option
@pass_context
def impact(
    obj: CommandContext, provider: str | None, benchmark: str | None, offline: bool, output: str
) -> None:
    """What each deal did to the stock beyond the market: day-0 return and abnormal return,
    CAR[-1,+1], CAR[0,+5] and its t-statistic, per deal of a listed provider (and of a listed
    counterparty). Two years of daily prices are cached and refreshed once a day.

    Exit status 0; 1 when a deals file has problems; 3 when some prices could not be fetched
    (cached ones are used, blanks say why).
    """
    from neotui.cli import market_report, report

    if benchmark:
        obj.overrides.setdefault("analytics", {})["benchmark"] = benchmark.strip().upper()
    book, status = load_for_output(obj.settings)
    check_provider(book, provider)
    found = run_bounded(
        market_report.gather_impact(
            obj.settings, book, _listed(book), provider=provider, offline=offline
        )
    )
    histories = found.histories
    records = [market_report.impact_record(r, found.baselines, found.earnings_off)
               for r in found.rows]  # fmt: skip
    title = f"Deal-day impact against {obj.settings.analytics.benchmark}"
    report.write(records, market_report.IMPACT_FIELDS, output, market_report.IMPACT_COLUMNS, title)
    for symbol, error in histories.errors.items():
        click.echo(f"neotui: {symbol}: {error}", err=True)
    sys.exit(status or (3 if histories.errors else 0))


@click.command()
@offline_option
@format_option
@pass_context
def valuation(obj: CommandContext, offline: bool, output: str) -> None:
    """What the market pays for the capacity, per listed provider: market cap per contracted MW,
    backlog per dollar of market cap, debt per dollar of backlog, latest revenue (each input with
    its date; a missing input leaves its ratios blank).

    Exit status 0; 1 when a deals file has problems; 3 when some quotes are stale or missing.
    """
    from neotui.cli import market_report, report

    book, status = load_for_output(obj.settings)
    rows, problems = run_bounded(
        market_report.gather_valuation(obj.settings, book, offline=offline)
    )
    records = [market_report.valuation_record(v) for v in rows]
    report.write(
        records, market_report.VALUATION_FIELDS, output, market_report.VALUATION_COLUMNS,
        "Valuation per listed provider",
    )  # fmt: skip
    for symbol, reason in problems.items():
        click.echo(f"neotui: {symbol}: {reason}", err=True)
    sys.exit(status or (3 if problems and not offline else 0))


COMMANDS: tuple[click.Command, ...] = (impact, valuation)
