"""What every ``neotui`` subcommand shares: the object the group builds from its options (settings
loaded on first use, so a bad settings file fails the command that needs it, exit 2), and the
``--format``, ``--provider`` and ``--offline`` options, worded once so they read the same
everywhere.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from neotui.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.data.sec.feed import FilingsFeed
    from neotui.data.storage import Cache

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

COMMAND_DEADLINE = 60.0
"""The longest a command waits for the network in all (each request also has its own
deadline): a server trickling a byte a second cannot hold a cron job for minutes."""
EXIT_STALE = 3


def gave_up(deadline: float) -> str:
    """The reason given when a command's deadline passes."""
    return f"no complete answer within {deadline:g} s (the command's deadline)"


def run_bounded(work: Coroutine[Any, Any, T], deadline: float = COMMAND_DEADLINE) -> T:
    """Run ``work`` to completion within ``deadline`` seconds; past it, say so and exit 3 (the
    status for data that could not be had fresh)."""

    import asyncio

    async def bounded() -> T:
        async with asyncio.timeout(deadline):
            return await work

    try:
        return asyncio.run(bounded())
    except TimeoutError:
        click.echo(f"neotui: {gave_up(deadline)}", err=True)
        sys.exit(EXIT_STALE)


EXIT_SETTINGS = 2
"""Exit status for bad settings (a settings file, a NEOTUI_* variable, the listed companies)."""


def fail_settings(err: SettingsError) -> NoReturn:
    """Print a settings error on one line, without a traceback, and exit 2."""
    click.echo(f"neotui: bad settings: {err}", err=True)
    sys.exit(EXIT_SETTINGS)


class CommandContext:
    """What the group passes to its subcommands: the raw options, settings built on demand.

    Commands may add to ``overrides`` (``impact --benchmark``) before first reading ``settings``.
    """

    def __init__(
        self, config: Path | None, overrides: dict[str, dict[str, Any]], group: str | None = None
    ) -> None:
        self.config = config
        self.overrides = overrides
        self.group = group
        """``--group``: the group the command covers (the screen opens on)."""
        self._loaded: Settings | None = None

    @property
    def app_settings(self) -> Settings:
        """Every layer and every group, loaded once, with the ``--group`` to open on; exits 2
        with the error when they are bad (an unknown group is a usage error, also 2)."""
        if self._loaded is None:
            try:
                loaded = load_settings(config=self.config, overrides=self.overrides)
            except SettingsError as err:
                fail_settings(err)
            for notice in loaded.notices:
                click.echo(f"neotui: {notice}", err=True)
            self._loaded = with_group(loaded, self.group)
        return self._loaded

    @property
    def settings(self) -> Settings:
        """What a command covers: the ``--group``'s symbols (the watchlist without one) as
        ``market.symbols``, and no other group, so a command fetches what it did before
        groups existed."""
        from dataclasses import replace

        loaded = self.app_settings
        group = next(g for g in loaded.watch_groups if g.name == loaded.group)
        return replace(loaded, market=replace(loaded.market, symbols=group.symbols), groups=())


def with_group(settings: Settings, wanted: str | None) -> Settings:
    """``settings`` opening on the group ``wanted`` (its name or slug; None: the watchlist).

    Raises:
        click.BadParameter: no such group (exit 2), with the nearest name and every slug.
    """
    from dataclasses import replace

    from neotui.data.groups import find_group, unknown_group

    groups = settings.watch_groups
    group = groups[0] if wanted is None else find_group(groups, wanted)
    if group is None:
        raise click.BadParameter(unknown_group(groups, wanted or ""), param_hint="'--group'")
    return replace(settings, group=group.name)


def _set_group(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(CommandContext).group = value


group_option = click.option(
    "--group",
    metavar="NAME",
    expose_value=False,
    callback=_set_group,
    help="Only this watchlist group's symbols (its name or slug, e.g. gpu-clouds).",
)


def say_cache(cache: Cache, said: str | None = None) -> str | None:
    """Print the cache's warning (in memory, read only, locked, rebuilt, a failed write) on
    stderr unless it is ``said`` already; returns what stands said. Called when a command first
    uses its cache and again before closing it, so a problem met on the way is not hidden."""
    warning = cache.warning
    if warning and warning != said:
        click.echo(f"neotui: {warning}", err=True)
        return warning
    return said


@asynccontextmanager
async def filings_feed(
    settings: Settings, symbols: Sequence[str], *, say: bool = True
) -> AsyncIterator[FilingsFeed]:
    """The symbols' SEC filings feed over the feeds cache, for one command: its client's
    connections and the store are closed on the way out (and, with ``say``, the cache's warning
    printed). ``neotui filings``, ``facts``, ``insiders``, ``impact`` and ``earnings`` all read
    the filings this way before they read what hangs off them."""
    from neotui.sources import build_filings, open_feed_store

    store = open_feed_store()
    feed = build_filings(settings, list(symbols), store)
    try:
        yield feed
    finally:
        if feed.client is not None:
            await feed.client.aclose()
        if say:
            say_cache(store)
        store.close()


pass_context = click.make_pass_decorator(CommandContext)

format_option = click.option(
    "--format",
    "output",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people; json or csv for scripts (field names in the README).",
)


def table_or_json_option(json_help: str) -> Callable[[F], F]:
    """``--format table|json`` for commands whose records do not fit CSV's flat rows."""
    return click.option("--format", "output", type=click.Choice(["table", "json"]),
                        default="table", show_default=True,
                        help=f"table for people; json: {json_help}.")  # fmt: skip


provider_option = click.option("--provider", help="Only this provider id, e.g. coreweave.")
offline_option = click.option(
    "--offline", is_flag=True, help="Use only cached prices; never ask Yahoo."
)


def symbols_for(settings: Settings, book: DealBook, provider: str | None) -> list[str]:
    """The symbols a command covers: one provider's ticker, or every watched listed one."""
    from neotui.sources import watched_listed

    if provider is None:
        return watched_listed(settings, book)
    ticker = book.providers[provider].ticker
    if ticker is None:
        raise click.BadParameter(f"{provider!r} is a private company: no ticker to look up")
    return [ticker]


def age_of(moment: datetime | None) -> str:
    """How old cached items are, for the stale notes on stderr."""
    from neotui import formatting as fmt

    if moment is None:
        return "never fetched"
    return f"{fmt.age((datetime.now(UTC) - moment).total_seconds())} old"
