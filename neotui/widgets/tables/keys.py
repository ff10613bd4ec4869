"""The keys every table shares, declared once.

Each table's ``j``/``k`` carry an id of its own (``neotui.quotes.down``, ``neotui.timeline.up``,
...): users rebind them one table at a time under ``[keys]``, so the ids never change. A table
names its scope (``class QuotesTable(NeoTable, keys="quotes")``) and gets its pair from here;
tables without a scope of their own (the alerts and detail screens') share ``neotui.table.*``.
"""

from __future__ import annotations

from textual.binding import Binding

#: The scope of tables that have no ids of their own.
SHARED_SCOPE = "table"


def move_keys(scope: str = SHARED_SCOPE) -> list[Binding]:
    """``j``/``k`` moving the cursor down and up, with ids ``neotui.<scope>.down`` / ``.up``."""
    return [
        Binding("j", "cursor_down", "Down", show=False, id=f"neotui.{scope}.down"),
        Binding("k", "cursor_up", "Up", show=False, id=f"neotui.{scope}.up"),
    ]


#: What DataTable binds itself, for a table drawn a line at a time (the deal timeline):
#: arrows, a page, first and last row.
LINE_TABLE_KEYS: list[Binding] = [
    Binding("down", "cursor_down", "Down", show=False),
    Binding("up", "cursor_up", "Up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("home", "first", "First", show=False),
    Binding("end", "last", "Last", show=False),
]
