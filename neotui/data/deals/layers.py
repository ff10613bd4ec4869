"""Layering parsed files into one book, checking references across files, and the list of
files the app loads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from neotui.data.deals.book import DealBook
from neotui.data.deals.fields import TABLES
from neotui.data.deals.parse import ParsedFile, read_file
from neotui.data.deals.problems import DealsInvalid, DealsSource, Problem


def merge(files: Sequence[ParsedFile]) -> tuple[DealBook, list[Problem]]:
    """Layer parsed files (lowest first) into a book and check references across them.

    An id that appears in a later file replaces the earlier entry of the same table. A reference
    (a deal's provider, ``report_of``) may point at an entry of any file.
    """
    tables: dict[str, dict[str, tuple[ParsedFile, int, Any]]] = {t: {} for t in TABLES}
    for parsed in files:
        for table, rows in parsed.entries.items():
            for index, entry in rows:
                tables[table].pop(entry.id, None)  # re-insert so replaced entries take new order
                tables[table][entry.id] = (parsed, index, entry)

    problems: list[Problem] = []
    providers = {pid: entry for pid, (_, _, entry) in tables["provider"].items()}
    deal_ids = set(tables["deal"])
    for table in ("deal", "capacity", "financial"):
        for parsed, index, entry in list(tables[table].values()):
            broken = None
            if entry.provider not in providers:
                broken = ("provider", f"unknown provider id {entry.provider!r}")
            elif (
                table == "deal"
                and entry.report_of is not None
                and (entry.report_of not in deal_ids or entry.report_of == entry.id)
            ):
                broken = ("report_of", f"unknown deal id {entry.report_of!r}")
            if broken:
                name, message = broken
                problems.append(
                    parsed.locate(table, index, name, message=message, entry_id=entry.id)
                )
                del tables[table][entry.id]

    book = DealBook(
        providers=providers,
        deals=tuple(e for _, _, e in tables["deal"].values()),
        capacity=tuple(e for _, _, e in tables["capacity"].values()),
        financials=tuple(e for _, _, e in tables["financial"].values()),
        files=tuple(p.path for p in files),
    )
    return book, problems


def load_book(sources: Sequence[DealsSource]) -> DealBook:
    """Load, validate and layer ``sources`` (lowest first).

    Raises:
        DealsInvalid: with every problem of every file, if there is any.
    """
    parsed = [p for p in (read_file(s) for s in sources) if p is not None]
    problems = [problem for p in parsed for problem in p.problems]
    book, reference_problems = merge(parsed)
    problems.extend(reference_problems)
    if problems:
        raise DealsInvalid(problems)
    return book


def load_lenient(sources: Sequence[DealsSource]) -> tuple[DealBook, list[Problem]]:
    """Like :func:`load_book` but never raises: returns the book built from the valid files.

    Files with any problem are left out entirely (a half-valid user file would show a book the
    user never wrote), so the result is what the valid layers say, plus every problem.
    """
    parsed = [p for p in (read_file(s) for s in sources) if p is not None]
    problems = [problem for p in parsed for problem in p.problems]
    clean = [p for p in parsed if not p.problems]
    book, reference_problems = merge(clean)
    return book, problems + reference_problems


def deal_sources(
    user_path: Path, *, bundled: bool, user_required: bool, captured: Path | None = None
) -> list[DealsSource]:
    """The files the app loads, lowest layer first.

    Args:
        user_path: the user's deals file.
        bundled: include the bundled dataset under it.
        user_required: the user named the file explicitly (``--deals``, ``NEOTUI_DEALS``, or
            ``deals.path``), so its absence is an error; the default location may be empty.
        captured: neotui's own file of captured drafts (in its data directory), layered on top
            like the user's file; it need not exist.
    """
    from neotui.data.resources import bundled_config_path

    sources = []
    if bundled:
        sources.append(DealsSource(bundled_config_path("deals.toml"), "bundled"))
    sources.append(DealsSource(user_path, "user", required=user_required))
    if captured is not None:
        sources.append(DealsSource(captured, "captured", required=False))
    return sources
