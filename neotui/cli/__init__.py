"""The ``neotui`` command line: the click group (:mod:`neotui.cli.group`) and its commands, one
module per domain, with the printing and diagnostics they share.

- :mod:`neotui.cli.quotes`: live quotes and what is judged on them (quotes, positions,
  alerts);
- :mod:`neotui.cli.doctor`: why prices might not come (doctor);
- :mod:`neotui.cli.book`: the deals book (deals, capacity, financials, validate);
- :mod:`neotui.cli.analytics`: the book against market prices (impact, valuation);
- :mod:`neotui.cli.feeds`: SEC filings and headlines (filings, news);
- :mod:`neotui.cli.context`: what they share (the settings, the common options);
- :mod:`neotui.cli.report` and :mod:`neotui.cli.market_report`: printing records as a table,
  JSON or CSV;
- :mod:`neotui.cli.checks`: the doctor's checks.

Each module defines its commands in ``COMMANDS``; :data:`neotui.cli.group.COMMAND_MODULES` names the
module of every command, so the group imports a module only when one of its commands runs (all of
them for ``--help``). Each imports only click and the settings at module level: the data layer,
the HTTP stack and pandas are imported inside the command that needs them, so ``neotui --help``
and ``validate`` stay fast.
"""

from neotui.cli.group import COMMAND_MODULES, cli, main

__all__ = ["COMMAND_MODULES", "cli", "main"]
