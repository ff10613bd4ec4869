"""Turning a filing or a headline into a draft ``[[deal]]`` in neotui's own ``captured.toml``.

The file lives in neotui's user data directory, never among the user's files, and is layered
over the bundled and user deals like the user's file (its entries carry ``captured = true``, so
the timeline marks them). A draft has what is known for sure: the provider, the filing or
publication date, the URL as source and the title as summary; no value, since a headline or an
8-K item does not say it reliably. The user completes it (or copies it into their own file).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from neotui.data.clean import clean_text
from neotui.data.files import update_file
from neotui.data.news import Headline
from neotui.data.sec.submissions import Filing

if TYPE_CHECKING:
    from neotui.data.deals import DealBook

#: Until the user names it, a draft's counterparty says it is still to be identified.
UNKNOWN_PARTY = "to identify"

HEADER = """\
# Deals captured in neotui with `x` from a filing or a headline: drafts to complete.
# neotui writes this file (it never writes yours); it is layered over the bundled dataset and
# your deals.toml. Fill in counterparty, kind and value, or move an entry to your own file.
"""


@dataclass(frozen=True)
class Draft:
    """A draft deal, ready to be written as one ``[[deal]]`` table."""

    id: str
    date: date
    date_kind: str
    provider: str
    counterparty: str
    summary: str
    source: str
    kind: str = "unclassified"

    def to_toml(self) -> str:
        """The ``[[deal]]`` table (strings escaped as TOML basic strings)."""
        lines = ["[[deal]]"]
        for key in ("id", "date", "date_kind", "provider", "counterparty", "kind", "summary",
                    "source"):  # fmt: skip
            raw = getattr(self, key)
            lines.append(f"{key} = {raw.isoformat() if key == 'date' else _string(raw)}")
        lines.append("captured = true")
        return "\n".join(lines) + "\n"


def _string(value: str) -> str:
    # JSON's escapes (\" \\ \n \uXXXX) are all valid in a TOML basic string; clean_text has
    # already removed DEL and the C1 controls TOML forbids raw.
    return json.dumps(" ".join(clean_text(value).split()), ensure_ascii=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def draft_from_filing(filing: Filing, provider: str) -> Draft:
    """A draft from an SEC filing: the filing date (``filed``) and the document's URL."""
    return Draft(
        id=f"captured-{provider}-{_slug(filing.accession)}",
        date=filing.filed,
        date_kind="filed",
        provider=provider,
        counterparty=UNKNOWN_PARTY,
        summary=f"{filing.symbol} {filing.title}",
        source=filing.url,
    )


def draft_from_headline(headline: Headline, provider: str, counterparty: str | None) -> Draft:
    """A draft from a headline: the publication date (``reported``) and the story's URL."""
    key = headline.uuid or headline.link
    return Draft(
        id=f"captured-{provider}-{_slug(key)}",
        date=headline.published.date(),
        date_kind="reported",
        provider=provider,
        counterparty=counterparty or UNKNOWN_PARTY,
        summary=f"{headline.title} ({headline.publisher})"
        if headline.publisher
        else headline.title,
        source=headline.link,
    )


def draft_for(
    book: DealBook,
    symbol: str,
    filing: Filing | None,
    headline: Headline | None,
    candidate: str | None,
) -> Draft | str:
    """The draft deal for a filing or headline row of ``symbol``, or why there is none. A
    headline that names another party (``candidate`` reads "names X") takes X as the
    counterparty, unless X is the provider itself."""
    provider = book.provider_for_ticker(symbol)
    if provider is None:
        return f"{symbol} is not a provider of the deals book: nothing to attach the deal to."
    if filing is not None:
        return draft_from_filing(filing, provider.id)
    if headline is None:
        return "Nothing to capture in this row."
    named = (candidate or "").removeprefix("names ")
    party = named if candidate and candidate.startswith("names ") else None
    if party in (provider.name, provider.ticker):
        party = None
    return draft_from_headline(headline, provider.id, party)


def write_draft(path: Path, draft: Draft) -> bool:
    """Append ``draft`` to ``path`` (created with a header). False if its id is already there.

    The file is rewritten under the writer's lock (two instances, or a burst of ``x``, never
    lose each other's drafts) through a temporary file and a rename, so the deals watcher
    never reads half a table.

    Raises:
        FileLocked, ValueError, OSError: nothing was written (see :func:`update_file`).
    """

    def append(text: str | None) -> str | None:
        text = HEADER if text is None else text
        if re.search(rf"^id = {re.escape(_string(draft.id))}\s*$", text, re.MULTILINE):
            return None
        return text.rstrip("\n") + "\n\n" + draft.to_toml()

    return update_file(path, append)
