"""The ``neotui`` command line.

``neotui`` alone opens the watch screen; subcommands print data for people and scripts. Heavy
imports (Textual, httpx, pandas) happen inside the commands that need them, so ``--help`` and
``validate`` stay fast.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from neotui import __version__
from neotui.settings import Settings, SettingsError, load_settings, user_cache_dir, user_config_dir

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.data.feed import FeedUpdate
    from neotui.data.filings import FilingsUpdate
    from neotui.data.news import NewsUpdate

EXIT_SETTINGS = 2


def _fail_settings(err: SettingsError) -> NoReturn:
    click.echo(f"neotui: bad settings: {err}", err=True)
    sys.exit(EXIT_SETTINGS)


def _version_message() -> str:
    return f"neotui {__version__}\nconfig dir: {user_config_dir()}\ncache dir:  {user_cache_dir()}"


class _Context:
    """What the group passes to its subcommands: the raw options, settings built on demand."""

    def __init__(self, config: Path | None, overrides: dict[str, dict[str, Any]]) -> None:
        self.config = config
        self.overrides = overrides
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(config=self.config, overrides=self.overrides)
            except SettingsError as err:
                _fail_settings(err)
        return self._settings


pass_context = click.make_pass_decorator(_Context)


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=(
        "Environment: NEOTUI_CONFIG, NEOTUI_YAHOO_URL, NEOTUI_DEALS, NEOTUI_SYMBOLS, "
        "NEOTUI_CONCURRENCY, NEOTUI_BUNDLED_DEALS, NEOTUI_THEME, NEOTUI_ALERTS_BELL, "
        "NEOTUI_ALERTS_DESKTOP, NEOTUI_BENCHMARK, NEOTUI_YAHOO_TRANSPORT, NEOTUI_PROXY, "
        "NEOTUI_SEC_CONTACT, NEOTUI_SEC_DATA_URL, NEOTUI_SEC_TICKERS_URL. "
        f"User settings: {user_config_dir() / 'neotui.toml'}"
    ),
)
@click.version_option(__version__, "-V", "--version", message=_version_message())
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file layered over the bundled and user settings (or NEOTUI_CONFIG).",
)
@click.option(
    "--deals",
    "deals_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Your deals file, layered over the bundled dataset (or NEOTUI_DEALS).",
)
@click.option("--no-bundled-deals", is_flag=True, help="Show only your own deals file.")
@click.option("--yahoo-url", help="Base URL of Yahoo's chart API (or NEOTUI_YAHOO_URL).")
@click.option("--symbols", help="Comma-separated symbols to watch, e.g. CRWV,NBIS,NVDA.")
@click.option("--theme", help="Textual theme name, e.g. nord, gruvbox, textual-light.")
@click.pass_context
def cli(
    ctx: click.Context,
    config: Path | None,
    deals_path: Path | None,
    no_bundled_deals: bool,
    yahoo_url: str | None,
    symbols: str | None,
    theme: str | None,
) -> None:
    """neotui: watch the AI neoclouds (CoreWeave, Nebius, IREN, Cipher, TeraWulf, Applied
    Digital, Core Scientific, NVIDIA …), their quotes and their multi-billion compute deals.

    Run without a command to open the live watch screen.
    """
    overrides: dict[str, dict[str, Any]] = {"market": {}, "deals": {}, "ui": {}}
    if yahoo_url:
        overrides["market"]["yahoo_url"] = yahoo_url
    if symbols:
        overrides["market"]["symbols"] = tuple(s.strip() for s in symbols.split(",") if s.strip())
    if deals_path:
        overrides["deals"]["path"] = str(deals_path)
    if no_bundled_deals:
        overrides["deals"]["bundled"] = False
    if theme:
        overrides["ui"]["theme"] = theme
    ctx.obj = _Context(config, overrides)
    if ctx.invoked_subcommand is None:
        _run_app(ctx.obj.settings)


def _run_app(settings: Settings) -> None:
    from neotui.app import make_app

    make_app(settings).run()


def _not_built(what: str) -> NoReturn:
    click.echo(f"neotui {what}: not built yet in this version.", err=True)
    sys.exit(1)


_FORMAT_KWARGS: dict[str, Any] = dict(
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people; json or csv for scripts (field names in the README).",
)
_format_option = click.option("--format", "output", **_FORMAT_KWARGS)
_provider_option = click.option("--provider", help="Only this provider id, e.g. coreweave.")


@cli.command()
@_format_option
@pass_context
def quotes(obj: _Context, output: str) -> None:
    """Fetch the watched symbols' quotes once, print them and exit.

    Exit status 0 when every symbol is fresh, 3 when some are stale (cached values printed with
    the reason) or missing.
    """
    import asyncio

    from neotui import report

    update = asyncio.run(_fetch_quotes_once(obj.settings))
    watched = obj.settings.market.symbols
    records = [report.quote_record(update.states[s], update) for s in watched]
    report.write(records, report.QUOTE_FIELDS, output, report.QUOTE_COLUMNS, "Quotes")
    sys.exit(0 if all(not r["stale"] and r["error"] is None for r in records) else 3)


async def _fetch_quotes_once(settings: Settings) -> FeedUpdate:
    """One refresh of every symbol the settings need (watched, held, alerted on); cached values,
    marked stale, for those that fail."""
    from neotui.sources import build_feed, open_cache

    cache = open_cache()
    if cache.warning:
        click.echo(f"neotui: {cache.warning}", err=True)
    feed = build_feed(settings, cache)
    feed.fundamentals_fetcher = None  # one-shot: quotes only
    try:
        feed.load_cached()
        update = await feed.refresh_once(force=True)
    finally:
        await feed.client.aclose()
        cache.close()
    return update


@cli.command()
@_format_option
@pass_context
def positions(obj: _Context, output: str) -> None:
    """Fetch quotes once and print your positions (the [[lot]] tables of your settings) with
    their value and gain, and a totals row in the table.

    Exit status 0, or 3 when some prices are stale or missing (values left blank, never zero).
    """
    import asyncio

    from neotui import report
    from neotui.data.positions import build_portfolio

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


@cli.command()
@_format_option
@click.option(
    "--commit",
    is_flag=True,
    help="Store the new states, so the app (or the next run) does not fire these again.",
)
@pass_context
def alerts(obj: _Context, output: str, commit: bool) -> None:
    """Fetch fresh quotes once and evaluate every price alert rule; for cron and scripts.

    state is triggered (the condition holds, or has held and not yet re-armed), armed, or
    unknown (no fresh quote: never judged on stale data). The stored fired state is left as it
    is unless --commit is given. Exit status 0.
    """
    import asyncio

    from neotui import report
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


@cli.command()
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people; json: a list of {check, status, detail, hint}.",
)
@pass_context
def doctor(obj: _Context, output: str) -> None:
    """Check why prices might not come: settings, cache, proxy, DNS, TCP, TLS, one chart
    request, the crumb, one batch quote, yfinance, the deals files. At most 30 s.

    Exit status 0 when no check failed (warnings allowed), 1 otherwise.
    """
    import json

    from neotui.doctor import run_doctor, summary

    results = run_doctor(obj.settings)
    if output == "json":
        click.echo(json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False))
    else:
        from neotui import report

        report.print_checks(results, summary(results))
    sys.exit(1 if any(r.status == "fail" for r in results) else 0)


def _load_for_output(settings: Settings) -> tuple[DealBook, int]:
    """The book to print, and the exit status: 1 when a file has problems (printed to stderr);
    the valid layers are still printed so a script gets what can be trusted."""
    from neotui.data.deals import load_lenient
    from neotui.sources import book_sources

    book, problems = load_lenient(book_sources(settings))
    for problem in problems:
        click.echo(f"neotui: {problem}", err=True)
    return book, 1 if problems else 0


def _check_provider(book: DealBook, provider: str | None) -> None:
    if provider is not None and provider not in book.providers:
        known = ", ".join(sorted(book.providers))
        raise click.BadParameter(f"unknown provider {provider!r} (known: {known})")


def _print_view(obj: _Context, view: str, provider: str | None, output: str) -> None:
    """Print one of the book's views (``report.BOOK_VIEWS``) and exit with the load status."""
    from neotui import report

    book, status = _load_for_output(obj.settings)
    _check_provider(book, provider)
    records, fields, columns, title = report.BOOK_VIEWS[view]
    report.write(records(book, provider), fields, output, columns, title)
    sys.exit(status)


@cli.command()
@_provider_option
@_format_option
@pass_context
def deals(obj: _Context, provider: str | None, output: str) -> None:
    """Print the deal timeline, newest first (bundled dataset and your own file)."""
    _print_view(obj, "deals", provider, output)


@cli.command()
@_provider_option
@_format_option
@pass_context
def capacity(obj: _Context, provider: str | None, output: str) -> None:
    """Print capacity figures: power now and targets by year, GPUs, data centres."""
    _print_view(obj, "capacity", provider, output)


@cli.command()
@_provider_option
@_format_option
@pass_context
def financials(obj: _Context, provider: str | None, output: str) -> None:
    """Print financial figures (debt, revenue, backlog, valuation …) with dates and sources."""
    _print_view(obj, "financials", provider, output)


_offline_option = click.option(
    "--offline", is_flag=True, help="Use only cached prices; never ask Yahoo."
)


def _listed(book: DealBook) -> Any:
    from neotui.data.listed import ListedError
    from neotui.sources import listed_map

    try:
        return listed_map(book)
    except ListedError as err:
        click.echo(f"neotui: bad listed companies file: {err}", err=True)
        sys.exit(EXIT_SETTINGS)


def _symbols_for(settings: Settings, book: DealBook, provider: str | None) -> list[str]:
    """The symbols a command covers: one provider's ticker, or every watched listed one."""
    from neotui.sources import watched_listed

    if provider is None:
        return watched_listed(settings, book)
    ticker = book.providers[provider].ticker
    if ticker is None:
        raise click.BadParameter(f"{provider!r} is a private company: no ticker to look up")
    return [ticker]


def _age(moment: datetime | None) -> str:
    from neotui import formatting as fmt

    if moment is None:
        return "never fetched"
    return f"{fmt.age((datetime.now(UTC) - moment).total_seconds())} old"


@cli.command()
@_provider_option
@click.option("--benchmark", help="Market to compare with (default SPY; analytics.benchmark).")
@_offline_option
@_format_option
@pass_context
def impact(
    obj: _Context, provider: str | None, benchmark: str | None, offline: bool, output: str
) -> None:
    """What each deal did to the stock beyond the market: day-0 return and abnormal return,
    CAR[-1,+1], CAR[0,+5] and its t-statistic, per deal of a listed provider (and of a listed
    counterparty). Two years of daily prices are cached and refreshed once a day.

    Exit status 0; 1 when a deals file has problems; 3 when some prices could not be fetched
    (cached ones are used, blanks say why).
    """
    import asyncio

    from neotui import market_report, report

    if benchmark:
        obj.overrides.setdefault("analytics", {})["benchmark"] = benchmark.strip().upper()
    book, status = _load_for_output(obj.settings)
    _check_provider(book, provider)
    rows, histories = asyncio.run(
        market_report.gather_impact(
            obj.settings, book, _listed(book), provider=provider, offline=offline
        )
    )
    records = [market_report.impact_record(r) for r in rows]
    title = f"Deal-day impact against {obj.settings.analytics.benchmark}"
    report.write(records, market_report.IMPACT_FIELDS, output, market_report.IMPACT_COLUMNS, title)
    for symbol, error in histories.errors.items():
        click.echo(f"neotui: {symbol}: {error}", err=True)
    sys.exit(status or (3 if histories.errors else 0))


@cli.command()
@_offline_option
@_format_option
@pass_context
def valuation(obj: _Context, offline: bool, output: str) -> None:
    """What the market pays for the capacity, per listed provider: market cap per contracted MW,
    backlog per dollar of market cap, debt per dollar of backlog, latest revenue (each input with
    its date; a missing input leaves its ratios blank).

    Exit status 0; 1 when a deals file has problems; 3 when some quotes are stale or missing.
    """
    import asyncio

    from neotui import market_report, report

    book, status = _load_for_output(obj.settings)
    rows, problems = asyncio.run(
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


@cli.command()
@_provider_option
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only filings filed on or "
              "after this date (YYYY-MM-DD).")  # fmt: skip
@click.option("--forms", help="Comma-separated forms, e.g. 8-K,6-K (424B* for a prefix), or "
              "'all'. Default: filings.forms (8-K, 6-K, 10-Q, 10-K, 20-F, 40-F, S-1, S-3, "
              "424B*).")  # fmt: skip
@_format_option
@pass_context
def filings(
    obj: _Context, provider: str | None, since: datetime | None, forms: str | None, output: str
) -> None:
    """Fetch the SEC filings of the watched listed providers once, print them, newest first.

    Needs filings.contact (or NEOTUI_SEC_CONTACT): the SEC refuses requests without a contact
    e-mail. Exit status 3 when filings are off or some are stale (cached ones printed).
    """
    import asyncio

    from neotui import report
    from neotui.data.filings import NOT_REGISTERED

    settings = obj.settings
    book, status = _load_for_output(settings)
    _check_provider(book, provider)
    symbols = _symbols_for(settings, book, provider)
    wanted = tuple(f.strip() for f in forms.split(",") if f.strip()) if forms else None
    update = asyncio.run(_fetch_filings_once(settings, symbols))
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
                    f"neotui: {c.symbol}: stale, filings {_age(c.fetched_at)}: {why}", err=True
                )
            elif c.reason:
                click.echo(f"neotui: {c.symbol}: {c.reason}", err=True)
    day = since.date() if since else None
    shown = update.filings(symbols, wanted or settings.filings.forms, day)
    records = [report.filing_record(book, f) for f in shown]
    title = "SEC filings" + (" (stale)" if stale else "")
    report.write(records, report.FILING_FIELDS, output, report.FILING_COLUMNS, title)
    sys.exit(status or (3 if stale else 0))


async def _fetch_filings_once(settings: Settings, symbols: list[str]) -> FilingsUpdate:
    from neotui.sources import build_filings, open_feed_store

    store = open_feed_store()
    feed = build_filings(settings, symbols, store)
    try:
        feed.load_cached()
        return await feed.refresh_once()
    finally:
        if feed.client is not None:
            await feed.client.aclose()
        store.close()


@cli.command()
@_provider_option
@_format_option
@pass_context
def news(obj: _Context, provider: str | None, output: str) -> None:
    """Fetch headlines for the watched symbols once, print them, newest first.

    A headline naming a provider or counterparty of the deals book, or a dollar amount, is
    marked as a deal candidate. Exit status 3 when some are stale (cached ones printed).
    """
    import asyncio

    from neotui import report
    from neotui.data.news import book_names, mark

    settings = obj.settings
    book, status = _load_for_output(settings)
    _check_provider(book, provider)
    symbols = _symbols_for(settings, book, provider) if provider else list(settings.market.symbols)
    update = asyncio.run(_fetch_news_once(settings, symbols))
    if update.reason:
        click.echo(f"neotui: headlines {_age(update.fetched_at)}: {update.reason}", err=True)
    headlines = mark(update.for_symbols(symbols), book_names(book))
    records = [report.news_record(h) for h in headlines]
    title = "Headlines" + (" (stale)" if update.reason else "")
    report.write(records, report.NEWS_FIELDS, output, report.NEWS_COLUMNS, title)
    sys.exit(status or (3 if update.reason else 0))


async def _fetch_news_once(settings: Settings, symbols: list[str]) -> NewsUpdate:
    from dataclasses import replace

    from neotui.sources import build_client, build_news, open_feed_store

    store = open_feed_store()
    client = build_client(settings, None)  # the quotes' browser session, no crumb needed
    feed = build_news(settings, client, symbols, store)
    try:
        cached = feed.load_cached()
        if not settings.news.enabled:
            return replace(cached, disabled="headlines are off (news.enabled = false)")
        return await feed.refresh_once()
    finally:
        await client.aclose()
        store.close()


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, dir_okay=False))
@pass_context
def validate(obj: _Context, path: Path | None) -> None:
    """Check a deals file: exit 0 with a summary, or 1 with every problem listed.

    Without PATH, check what the app would load (bundled dataset and your file, layered).
    A single PATH is checked on top of the bundled dataset (so it may use bundled provider ids)
    unless --no-bundled-deals is given.
    """
    from neotui.data.deals import DealsInvalid, DealsSource, load_book

    settings = obj.settings
    from neotui.sources import book_sources

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


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="neotui")
