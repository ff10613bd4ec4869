"""The ``neotui`` subcommands, one module per domain; :mod:`neotui.cli` registers them on its group.

- :mod:`neotui.commands.quotes`: live quotes and what is judged on them (quotes, positions,
  alerts);
- :mod:`neotui.commands.doctor`: why prices might not come (doctor);
- :mod:`neotui.commands.book`: the deals book (deals, capacity, financials, validate);
- :mod:`neotui.commands.analytics`: the book against market prices (impact, valuation);
- :mod:`neotui.commands.feeds`: SEC filings and headlines (filings, news);
- :mod:`neotui.commands.context`: what they share (the settings, the common options).

Each module defines its commands in ``COMMANDS``; :data:`neotui.cli.COMMAND_MODULES` names the
module of every command, so the group imports a module only when one of its commands runs (all of
them for ``--help``). Each imports only click and the settings at module level: the data layer,
the HTTP stack and pandas are imported inside the command that needs them, so ``neotui --help``
and ``validate`` stay fast.
"""
