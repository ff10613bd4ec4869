"""The ``neotui`` subcommands, one module per domain; :mod:`neotui.cli` registers them on its group.

- :mod:`neotui.commands.quotes`: live quotes and what is judged on them (quotes, positions,
  alerts);
- :mod:`neotui.commands.doctor`: why prices might not come (doctor);
- :mod:`neotui.commands.book`: the deals book (deals, capacity, financials, validate);
- :mod:`neotui.commands.analytics`: the book against market prices (impact, valuation);
- :mod:`neotui.commands.feeds`: SEC filings and headlines (filings, news);
- :mod:`neotui.commands.context`: what they share (the settings, the common options).

Each module imports only click and the settings at module level: the group imports all of them to
build ``--help``, so the data layer, the HTTP stack and pandas are imported inside the command that
needs them, and ``neotui --help`` and ``validate`` stay fast.
"""
