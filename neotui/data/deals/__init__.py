"""Loading, validating and layering deals files into a :class:`DealBook`.

A deals file is TOML with four arrays of tables: ``provider``, ``deal``, ``capacity`` and
``financial`` (see ``config/deals.toml``). Validation collects every problem in one pass and
points each at its file, line, table, entry and field, so a user fixing a file sees everything at
once. Files are layered: the user's file adds entries and replaces bundled ones with the same id;
neotui's own captured drafts go on top. The book never writes to any file.

One job per module: ``problems`` (where a file is wrong), ``fields`` (per-field checks and rules
across one entry's fields), ``locate`` (TOML parsing, line numbers), ``parse`` (one file),
``layers`` (merging files, references across them), ``book`` (the merged book's queries).
"""

from __future__ import annotations

from neotui.data.deals.book import DealBook
from neotui.data.deals.fields import CHECKS, REQUIRED, SPECS, TABLES
from neotui.data.deals.layers import deal_sources, load_book, load_lenient, merge
from neotui.data.deals.locate import TomlSyntaxError, parse_toml
from neotui.data.deals.parse import MAX_FILE_BYTES, ParsedFile, parse_text, read_file
from neotui.data.deals.problems import DealsInvalid, DealsSource, Problem

__all__ = [
    "CHECKS", "MAX_FILE_BYTES", "REQUIRED", "SPECS", "TABLES", "DealBook", "DealsInvalid",
    "DealsSource", "ParsedFile", "Problem", "TomlSyntaxError", "deal_sources", "load_book",
    "load_lenient", "merge", "parse_text", "parse_toml", "read_file",
]  # fmt: skip
