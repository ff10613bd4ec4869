"""The ``neotui`` command line: the click group, its options, and the commands registered on it.

``neotui`` alone opens the watch screen; subcommands print data for people and scripts. The
commands live in :mod:`neotui.cli`, one module per domain (quotes, doctor, book, analytics,
feeds), imported only when a command of theirs is run or listed by ``--help``: ``neotui quotes``
builds three commands, not twelve. Heavy imports (Textual, httpx, pandas) happen inside the
commands that need them, so ``--help`` and ``validate`` stay fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from neotui import __version__
from neotui.cli.context import CommandContext
from neotui.settings import Settings, user_cache_dir, user_config_dir
from neotui.settings.env import help_lines

#: A reader that went away: 128 + SIGPIPE, what a shell reports for any program it happens to.
EXIT_BROKEN_PIPE = 141
#: Standard output closed before the start: nothing can be printed (EX_IOERR).
EXIT_NO_OUTPUT = 74

COMMAND_MODULES: dict[str, str] = {
    "quotes": "quotes",
    "positions": "quotes",
    "alerts": "quotes",
    "doctor": "doctor",
    "deals": "book",
    "capacity": "book",
    "financials": "book",
    "validate": "book",
    "impact": "analytics",
    "valuation": "analytics",
    "filings": "feeds",
    "filing": "eightk",
    "news": "feeds",
    "facts": "facts",
    "serve": "serve",
    "insiders": "insiders",
    "earnings": "earnings",
}
"""Each command's module under :mod:`neotui.cli` (whose ``COMMANDS`` defines it)."""


class _LazyGroup(click.Group):
    """A group that imports a command's module when the command is first asked for (to run it,
    or by ``--help`` to list it), the lazy loading of click's documentation."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a reader that goes away (``| head -1``) ends it quietly with the
        status a shell gives a program its pipe closed on (141), not a traceback or click's
        exit 1, which here means a deals file has problems."""
        try:
            try:
                return super().invoke(ctx)
            finally:
                if sys.stdout is not None:
                    sys.stdout.flush()  # inside the try: the last buffered lines can fail too
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMAND_MODULES and cmd_name not in self.commands:
            module = importlib.import_module(f"neotui.cli.{COMMAND_MODULES[cmd_name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)


def _silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush at exit does
    not fail on the closed pipe a second time (Python's documented recipe)."""
    if sys.stdout is None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def _epilog() -> str:
    """The environment variables, from the one table the settings read them through, then
    where the user's settings file is. ``\b`` keeps click from rewrapping the aligned lines."""
    lines = "\n".join(f"  {line}" for line in help_lines())
    return f"\b\nEnvironment:\n{lines}\n\nUser settings: {user_config_dir() / 'neotui.toml'}"


def _version_message() -> str:
    return f"neotui {__version__}\nconfig dir: {user_config_dir()}\ncache dir:  {user_cache_dir()}"


@click.group(
    cls=_LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_epilog(),
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
@click.option("--group", metavar="NAME", help="Open on this group; commands cover its symbols.")
@click.pass_context
def cli(
    ctx: click.Context,
    config: Path | None,
    deals_path: Path | None,
    no_bundled_deals: bool,
    yahoo_url: str | None,
    symbols: str | None,
    theme: str | None,
    group: str | None,
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
    ctx.obj = CommandContext(config, overrides, group)
    if ctx.invoked_subcommand is None:
        _run_app(ctx.obj.app_settings)


def _run_app(settings: Settings) -> None:
    from neotui import startup_gc

    startup_gc.pause()  # as a plain ``neotui`` launch: resumed once the screen is up
    from neotui.build import run_app

    run_app(settings)


def main() -> None:
    """Console-script entry point."""
    if sys.stdout is None:  # started with standard output closed (``neotui quotes >&-``)
        print("neotui: standard output is closed: nothing to print to", file=sys.stderr)
        sys.exit(EXIT_NO_OUTPUT)
    cli(prog_name="neotui")
