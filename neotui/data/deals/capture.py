"""Turning a filing or a headline into a draft ``[[deal]]`` in neotui's own ``captured.toml``.

The file lives in neotui's user data directory, never among the user's files, and is layered
over the bundled and user deals like the user's file (its entries carry ``captured = true``, so
the timeline marks them). A draft has what is known for sure: the provider, the filing or
publication date, the URL as source and the title as summary. When the 8-K itself could be read
(:mod:`neotui.data.sec.documents`), the value, counterparty, term, power and GPUs it states are
filled in too, its sentence in ``reported`` and a ``note`` naming the fields read from it; a
headline gives the amount and the party its title names. It stays a draft (✎): the user checks
it and completes it (or copies it into their own file).
"""

from __future__ import annotations

import json
import re
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neotui.data.clean import clean_text
from neotui.data.files import update_file
from neotui.data.news import Headline
from neotui.data.sec.submissions import Filing

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.data.sec.documents import FilingReading
    from neotui.data.sec.findings import Finding

Day = date  # the field ``date`` below shadows the type inside the class

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
    value_usd: float | None = None
    ends: Day | None = None
    term_years: float | None = None
    power: float | None = None
    power_unit: str | None = None
    gpus: int | None = None
    hardware: str | None = None
    reported: str | None = None
    note: str | None = None

    def to_toml(self) -> str:
        """The ``[[deal]]`` table (strings escaped as TOML basic strings); unknown fields are
        left out, never written as 0."""
        lines = ["[[deal]]"]
        for key in ("id", "date", "date_kind", "provider", "counterparty", "kind", "summary",
                    "source", "value_usd", "ends", "term_years", "power", "power_unit", "gpus",
                    "hardware", "reported", "note"):  # fmt: skip
            raw = getattr(self, key)
            if raw is not None:
                lines.append(f"{key} = {_toml(raw)}")
        lines.append("captured = true")
        return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return _string(str(value))


def _string(value: str) -> str:
    # JSON's escapes (\" \\ \n \uXXXX) are all valid in a TOML basic string; clean_text has
    # already removed DEL and the C1 controls TOML forbids raw.
    return json.dumps(" ".join(clean_text(value).split()), ensure_ascii=False)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "x"


def draft_from_filing(filing: Filing, provider: str, reading: FilingReading | None = None) -> Draft:
    """A draft from an SEC filing: the filing date (``filed``) and the document's URL, plus
    what ``reading`` found in the filing (see :func:`with_findings`)."""
    draft = Draft(
        id=f"captured-{provider}-{_slug(filing.accession)}",
        date=filing.filed,
        date_kind="filed",
        provider=provider,
        counterparty=UNKNOWN_PARTY,
        summary=f"{filing.symbol} {filing.title}",
        source=filing.url,
    )
    if reading is None:
        return draft
    if reading.reason:
        return replace(draft, note=f"the filing could not be read: {reading.reason}")
    if not reading.findings:
        items = ", ".join(reading.items) or "none found"
        return replace(draft, note=f"the filing was read: no deal language found (items {items})")
    return with_findings(draft, reading.findings, reading.accession)


def _first(findings: list[Finding], kind: str, unit: str | None = None) -> Finding | None:
    return next((f for f in findings if f.kind == kind and unit in (None, f.unit)), None)


def _end_of(value: str) -> date | None:
    """``2031-12`` as 2031-12-31, ``2031`` as 2031-12-31, ``2030-06-30`` as itself."""
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            return date(parts[0], parts[1], monthrange(parts[0], parts[1])[1])
        return date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        return None


def with_findings(draft: Draft, findings: Sequence[Finding], accession: str) -> Draft:
    """``draft`` with the filing's own words: the first amount of the primary document (an
    exhibit's when it has none) and, preferably from that sentence, the counterparty, the end
    or length of the term, the power and the GPUs. Values outside what a deal can be are left
    out (a hostile document cannot write an absurd draft)."""
    primary = [f for f in findings if not f.item.startswith("EX-")]
    ordered = primary + [f for f in findings if f.item.startswith("EX-")]
    amount = _first(ordered, "amount")
    sentence = amount.text if amount else ordered[0].text
    near = [f for f in ordered if f.text == sentence] + ordered
    read: list[str] = []
    fields: dict[str, Any] = {}
    if amount and amount.number is not None and 0 < amount.number <= 1e13:
        fields["value_usd"] = amount.number
        read.append("value_usd")
    party = _first(near, "counterparty")
    if party:
        fields["counterparty"] = party.value
        read.append("counterparty")
    until = _first(near, "term", "until")
    years = _first(near, "term", "years")
    if until and (end := _end_of(until.value)) and end > draft.date:
        fields["ends"] = end
        read.append("ends")
    if years and years.number is not None and 0 < years.number <= 100:
        fields["term_years"] = years.number
        read.append("term_years")
    power = _first(near, "power")
    if power and power.number is not None and 0 < power.number <= 1e6:
        fields.update(power=power.number, power_unit="MW")
        read.append("power")
    count = next((f for f in near if f.kind == "gpus" and f.unit != "model"), None)
    model = next((f for f in near if f.kind == "gpus" and f.unit == "model"), None)
    if count and count.number is not None and 0 < count.number <= 100_000_000:
        fields["gpus"] = int(count.number)
        read.append("gpus")
        if count.unit != "GPUs":
            fields["hardware"] = count.unit
    elif model:
        fields["hardware"] = model.value
    if "hardware" in fields:
        read.append("hardware")
    note = (
        f"read from the filing (to check): {', '.join(read) or 'nothing but the sentence'}; "
        f"all {len(findings)} findings: neotui filing {accession}"
    )
    return replace(draft, reported=sentence, note=note, **fields)


def draft_from_headline(
    headline: Headline, provider: str, counterparty: str | None, *, exclude: Sequence[str] = ()
) -> Draft:
    """A draft from a headline: the publication date (``reported``) and the story's URL, the
    first dollar amount its title names and, when no counterparty is given, the first party
    of the bundled list it names (never one in ``exclude``, the provider itself)."""
    from neotui.data.sec.documents import bundled_parties
    from neotui.data.sec.findings import amounts_in, parties_in, party_matcher

    key = headline.uuid or headline.link
    amounts = [a for a in amounts_in(headline.title) if 0 < a <= 1e13]
    if counterparty is None:
        named = parties_in(headline.title, party_matcher(bundled_parties(), (), exclude))
        counterparty = named[0] if named else None
    read = [name for name, ok in (("value_usd", amounts), ("counterparty", counterparty)) if ok]
    draft = Draft(
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
    if not read:
        return draft
    return replace(
        draft,
        value_usd=amounts[0] if amounts else None,
        reported=headline.title,
        note=f"read from the headline (to check): {', '.join(read)}",
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
    exclude = [n for n in (provider.name, provider.ticker) if n]
    return draft_from_headline(headline, provider.id, party, exclude=exclude)


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
