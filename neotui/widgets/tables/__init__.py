"""Tables: the one base every table pane uses.

- ``base.py``: :class:`NeoTable`, the DataTable every table subclasses (quotes, providers,
  capacity, valuation, positions, Filings · News, the alerts and detail screens' tables):
  columns that fit, in-place updates, rows drawn as they come into view, j/k.
- ``fit.py``: the rules that decide which columns a table shows at a width (pure functions; the
  deal timeline, drawn a line at a time for 10,000 deals, fits its columns with them too).
- ``keys.py``: the keys every table shares, declared once.

The tables themselves live beside their panes (``widgets/quotes.py``, ``widgets/deal_table.py``,
...).
"""

from __future__ import annotations

from neotui.widgets.tables.base import NeoTable
from neotui.widgets.tables.fit import Cell

__all__ = ["Cell", "NeoTable"]
