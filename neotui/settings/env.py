"""The one table of ``NEOTUI_*`` environment variables.

The settings' environment layer reads through it, ``neotui --help`` prints it, and the README's
configuration section lists the same variables (tests/test_env_table.py holds them together),
so a new variable cannot be read without being documented, nor documented without being read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EnvVar:
    """One environment variable neotui reads."""

    name: str
    """The variable, e.g. ``NEOTUI_YAHOO_URL``."""
    key: str | None
    """The dotted setting it sets (``market.yahoo_url``); None for ``NEOTUI_CONFIG``, which
    names a whole settings file."""
    meaning: str
    """What it is for, in a few words (``--help`` and the README say the same)."""


ENV: tuple[EnvVar, ...] = (
    EnvVar("NEOTUI_CONFIG", None, "an extra settings file (layer 3)"),
    EnvVar("NEOTUI_YAHOO_URL", "market.yahoo_url", "Yahoo's base URL"),
    EnvVar("NEOTUI_SYMBOLS", "market.symbols", "symbols to watch, comma-separated"),
    EnvVar("NEOTUI_CONCURRENCY", "market.concurrency", "requests in flight"),
    EnvVar("NEOTUI_YAHOO_TRANSPORT", "market.transport", "browser or plain"),
    EnvVar("NEOTUI_YAHOO_COOKIE_URL", "market.cookie_url", "where Yahoo's cookie comes from"),
    EnvVar("NEOTUI_PROXY", "market.proxy", "a proxy for Yahoo requests"),
    EnvVar("NEOTUI_QUOTE_SOURCE", "market.source", "auto or fallback"),
    EnvVar("NEOTUI_CBOE_URL", "market.cboe_url", "Cboe's delayed quotes"),
    EnvVar("NEOTUI_YAHOO_STREAM", "market.stream", "false turns the quote stream off"),
    EnvVar("NEOTUI_YAHOO_STREAM_URL", "market.stream_url", "Yahoo's quote stream"),
    EnvVar("NEOTUI_DEALS", "deals.path", "your deals file"),
    EnvVar("NEOTUI_BUNDLED_DEALS", "deals.bundled", "false hides the bundled dataset"),
    EnvVar("NEOTUI_THEME", "ui.theme", "a Textual theme"),
    EnvVar("NEOTUI_ALERTS_BELL", "alerts.bell", "ring the bell on alerts"),
    EnvVar("NEOTUI_ALERTS_DESKTOP", "alerts.desktop", "desktop notifications"),
    EnvVar("NEOTUI_BENCHMARK", "analytics.benchmark", "the event study's market"),
    EnvVar("NEOTUI_SEC_CONTACT", "filings.contact", "your e-mail for the SEC"),
    EnvVar("NEOTUI_SEC_DATA_URL", "filings.data_url", "the SEC's submissions API"),
    EnvVar("NEOTUI_SEC_TICKERS_URL", "filings.tickers_url", "the SEC's ticker table"),
    EnvVar("NEOTUI_SEC_ARCHIVES_URL", "filings.archives_url", "EDGAR's filing archives"),
    EnvVar("NEOTUI_INSIDERS", "insiders.enabled", "false: no Form 4s are read"),
    EnvVar("NEOTUI_INSIDERS_DAYS", "insiders.lookback_days", "days of insider filings read"),
    EnvVar("NEOTUI_EARNINGS", "earnings.enabled", "earnings calendars and short interest"),
    EnvVar("NEOTUI_EARNINGS_OPTIONS", "earnings.options", "the implied move from options"),
    EnvVar("NEOTUI_SHORT_COLUMN", "earnings.short_column", "the short interest column"),
)
"""Every ``NEOTUI_*`` variable, in the order ``--help`` and the README list them."""

CONFIG_VAR = "NEOTUI_CONFIG"
"""The variable naming an extra settings file (``--config`` wins over it)."""


def settings_vars() -> dict[str, str]:
    """The variables that set one setting each, and the dotted key each sets."""
    return {var.name: var.key for var in ENV if var.key is not None}


def help_lines() -> list[str]:
    """The table as ``--help`` prints it: one aligned line per variable."""
    width = max(len(var.name) for var in ENV)
    lines = []
    for var in ENV:
        what = f"{var.key}: {var.meaning}" if var.key else var.meaning
        lines.append(f"{var.name.ljust(width)}  {what}")
    return lines
