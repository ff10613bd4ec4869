"""The deals book: ``neotui deals``, ``capacity``, ``financials`` and ``validate``.

Also how every command that prints from the book loads it (:func:`load_for_output`): a file
with problems does not stop the output, the valid layers are printed and the exit status says 1.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from neotui.cli.context import CommandContext, format_option, pass_context, provider_option

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.settings import Settings


def load_for_output(settings: Settings) -> tuple[DealBook, int]:
    """The book to print, and the exit status: 1 when a file has problems (printed to stderr);
    the valid layers are still printed so a script gets what can be trusted."""
    from neotui.data.deals import load_lenient
    from neotui.sources import book_sources

    book, problems = load_lenient(book_sources(settings))
    for problem in problems:
        click.echo(f"neotui: {problem}", err=True)
    return book, 1 if problems else 0


def check_provider(book: DealBook, provider: str | None) -> None:
    """Reject a ``--provider`` the book does not know as a usage error (exit 2) naming the known
    ids, rather than printing an empty table."""
    if provider is not None and provider not in book.providers:
        known = ", ".join(sorted(book.providers))
        raise click.BadParameter(f"unknown provider {provider!r} (known: {known})")


def _print_view(obj: CommandContext, view: str, provider: str | None, output: str) -> None:
    """Print one of the book's views (``report.BOOK_VIEWS``) and exit with the load status."""
    from neotui.cli import report

    book, status = load_for_output(obj.settings)
    check_provider(book, provider)
    records, fields, columns, title = report.BOOK_VIEWS[view]
    report.write(records(book, provider), fields, output, columns, title)
    sys.exit(status)


@click.command()
@provider_option
@format_option
@pass_context
def deals(obj: CommandContext, provider: str | None, output: str) -> None:
    """Print the deal timeline, newest first (bundled dataset and your own file)."""
    _print_view(obj, "deals", provider, output)


@click.command()
@provider_option
@format_option
@pass_context
def capacity(obj: CommandContext, provider: str | None, output: str) -> None:
    """Print capacity figures: power now and targets by year, GPUs, data centres."""
    _print_view(obj, "capacity", provider, output)


@click.command()
@provider_option
@format_option
@pass_context
def financials(obj: CommandContext, provider: str | None, output: str) -> None:
    """Print financial figures (debt, revenue, backlog, valuation …) with dates and sources:
    the bundled press figures and, beside them, the SEC's reported figures (origin "sec", with
    their form) from the facts cache the app and `neotui facts` keep; nothing is fetched."""
    from neotui.cli import report
    from neotui.cli.facts_cache import cached_facts

    book, status = load_for_output(obj.settings)
    check_provider(book, provider)
    symbols = [p.ticker for pid, p in book.providers.items()
               if p.ticker and provider in (None, pid)]  # fmt: skip
    records = report.financial_records(book, provider, cached_facts(symbols))
    report.write(records, report.FINANCIAL_FIELDS, output, report.FINANCIAL_COLUMNS,
                 "Financials")  # fmt: skip
    sys.exit(status)


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
@pass_context
def validate(obj: CommandContext, path: Path | None) -> None:
    """Check a deals file: exit 0 with a summary, or 1 with every problem listed.

    Without PATH, check what the app would load (bundled dataset and your file, layered).
    A single PATH is checked on top of the bundled dataset (so it may use bundled provider ids)
    unless --no-bundled-deals is given.
    """
    from neotui.data.deals import DealsInvalid, DealsSource, load_book
    from neotui.sources import book_sources

    settings = obj.settings
    if path is None:
        sources = book_sources(settings)
    else:
        sources = [s for s in book_sources(settings) if s.label == "bundled"]
        sources.append(DealsSource(path, "file"))
    try:
        book = load_book(sources)
    except DealsInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        count = len(exc.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)
        sys.exit(1)
    counts = ", ".join(f"{n} {table}" for table, n in book.counts.items())
    files = ", ".join(book.files) or "no files"
    click.echo(f"ok: {counts} ({files})")


COMMANDS: tuple[click.Command, ...] = (deals, capacity, financials, validate)
