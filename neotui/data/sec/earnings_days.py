"""Past earnings days from EDGAR: the 8-Ks that report item 2.02 (Results of Operations and
Financial Condition), when they were accepted, whether before the open, during the session or
after the close, and the first session the market could react on.

The trap is the clock. ``acceptanceDateTime`` always ends in ``Z``, but the digits are genuine
UTC for some filers and the New York wall clock for others, and the convention belongs to the
filer: the recorded NVIDIA submissions (2026) hold stamps at 00:xx-02:xx, hours EDGAR is closed
in New York, so they are UTC (its earnings 8-Ks sit at 20:2x in summer and 21:2x in winter,
16:2x New York time both); the recorded Apple submissions (2023) have earnings 8-Ks at 16:30 all
year round and stamps at 06:xx, which read as UTC would be 01:xx-02:xx in New York, so they are
New York time. Nothing in one stamp says which. :func:`filer_clock` reads every stamp of the
filer and keeps the reading under which fewer of them fall outside EDGAR's hours (06:00-22:00
New York, weekdays); when neither reading is ruled out, a filing whose timing would differ
between the two says "unknown" rather than guess.

No network and no Textual here: the SEC client brings the bodies, the filings feed keeps the
parsed :class:`~neotui.data.sec.submissions.Filing` rows (their ``accepted`` carries the digits
as written), and both paths end in :func:`earnings_from_filings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Literal

from neotui.data.market.calendar import event_day0
from neotui.data.sec.submissions import (
    NEW_YORK,
    Filing,
    SubmissionsFormatError,
    parse_submissions,
)

Timing = Literal["bmo", "during", "amc"]
Clock = Literal["utc", "new_york"]

#: The regular session, New York time.
OPEN = time(9, 30)
CLOSE = time(16, 0)
#: EDGAR accepts filings from 06:00 to 22:00 New York time on weekdays; a stamp outside this,
#: under one reading of the clock, rules that reading out (a little slack at the close: EDGAR
#: finishes what was submitted by 22:00).
EDGAR_OPENS = time(6, 0)
EDGAR_CLOSES = time(22, 30)
#: The 8-K item that reports results (the pre-2004 numbering called it item 12).
RESULTS_ITEMS = frozenset({"2.02", "12"})
#: A stamp as EDGAR writes it, to the second; the fraction and the zone are optional.
_STAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?"
)


@dataclass(frozen=True, slots=True)
class EarningsDay:
    """One earnings release of one company, as its 8-K item 2.02 dates it."""

    symbol: str
    day: date  # the New York calendar day of the release
    accepted: datetime | None  # aware, UTC; None when EDGAR recorded the day only
    timing: Timing | None  # None: not known (see ``note``)
    reaction_day: date | None  # the first session that could react; None when not known
    accession: str
    url: str
    form: str = "8-K"
    items: str = ""
    clock: Clock | None = None  # how EDGAR writes this filer's stamps; None: could not tell
    note: str | None = None

    @property
    def accepted_local(self) -> datetime | None:
        """The acceptance time in New York."""
        return self.accepted.astimezone(NEW_YORK) if self.accepted is not None else None


def parse_stamp(value: Any) -> tuple[datetime, bool] | None:
    """An ``acceptanceDateTime`` string as (its digits, naive, to the second; whether it names a
    real offset other than ``Z``, in which case the datetime is aware). None for anything else.

    The digits are kept naive on purpose: whether a ``Z`` means UTC is the filer's convention
    (:func:`filer_clock`), not the string's.
    """
    if not isinstance(value, str) or len(value) > 40:
        return None
    m = _STAMP.fullmatch(value.strip())
    if m is None:
        return None
    try:
        y, mo, d, h, mi, se = (int(g) for g in m.groups()[:6])
        naive = datetime(y, mo, d, h, mi, se)
    except ValueError:
        return None
    zone = m.group(7)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 14 or minutes > 59:
            return None
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return naive.replace(tzinfo=offset), True
    return naive, False


def _reading(digits: datetime, clock: Clock) -> datetime:
    """The instant the digits stand for under ``clock`` (aware, UTC)."""
    zone = UTC if clock == "utc" else NEW_YORK
    return digits.replace(tzinfo=zone).astimezone(UTC)


def _possible(instant: datetime) -> bool:
    """Whether EDGAR could have accepted a filing at ``instant`` (a weekday, 06:00-22:30 NY)."""
    local = instant.astimezone(NEW_YORK)
    return local.weekday() < 5 and EDGAR_OPENS <= local.time() < EDGAR_CLOSES


def filer_clock(stamps: Iterable[datetime]) -> Clock | None:
    """How EDGAR writes one filer's stamps: the reading under which fewer of ``stamps`` (naive
    digits) fall outside EDGAR's hours; None when neither is ruled out more than the other."""
    bad: dict[Clock, int] = {"utc": 0, "new_york": 0}
    for digits in stamps:
        for clock in bad:
            if not _possible(_reading(digits, clock)):
                bad[clock] += 1
    if bad["utc"] < bad["new_york"]:
        return "utc"
    if bad["new_york"] < bad["utc"]:
        return "new_york"
    return None


def timing_of(instant: datetime) -> tuple[Timing, date]:
    """Before the open, during the session or after the close (New York time), and the first
    session that could react: the same day before the close, the next session after it (a
    weekend or NYSE holiday moves to the next session either way)."""
    local = instant.astimezone(NEW_YORK)
    at = local.time()
    timing: Timing = "bmo" if at < OPEN else "during" if at < CLOSE else "amc"
    return timing, event_day0(local.date(), at)


def is_results_8k(filing: Filing) -> bool:
    """An original 8-K reporting item 2.02 (or the old item 12). An 8-K/A amends a release that
    was dated when it came out: it is not another earnings day."""
    return filing.form.strip().upper() == "8-K" and bool(RESULTS_ITEMS & set(filing.item_codes))


def _digits(filing: Filing) -> datetime | None:
    # parse_submissions tags the digits with New York: the digits are what EDGAR wrote.
    return filing.accepted.replace(tzinfo=None) if filing.accepted is not None else None


def _timed(digits: datetime | None) -> bool:
    """Whether a stamp records a time: old filings (before ~2001) carry 00:00:00, a date alone."""
    return digits is not None and digits.time() != time(0, 0)


def earnings_from_filings(filings: Sequence[Filing], symbol: str) -> list[EarningsDay]:
    """The earnings days among one filer's ``filings`` (all its forms: every stamp helps tell
    its clock), newest first; releases with the same reaction day count once (the first one)."""
    clock = filer_clock(d for d in map(_digits, filings) if d is not None and _timed(d))
    days: dict[object, EarningsDay] = {}
    for f in sorted(filings, key=lambda f: (f.accepted is None, f.accepted or 0, f.accession)):
        digits = _digits(f)
        if not is_results_8k(f) or digits is None:
            continue
        day = _earnings_day(f, symbol, digits, clock)
        key = day.reaction_day or (day.day, day.accession)
        days.setdefault(key, day)
    return sorted(days.values(), key=_newest, reverse=True)


def _newest(day: EarningsDay) -> tuple[date, datetime]:
    return day.day, day.accepted or datetime.min.replace(tzinfo=UTC)


def _earnings_day(f: Filing, symbol: str, digits: datetime, clock: Clock | None) -> EarningsDay:
    def made(accepted: datetime | None, timing: Timing | None, reaction: date | None,
             note: str | None, day: date | None = None) -> EarningsDay:  # fmt: skip
        local = accepted.astimezone(NEW_YORK).date() if accepted else digits.date()
        return EarningsDay(symbol, day or local, accepted, timing, reaction, f.accession, f.url,
                           f.form, f.items, clock, note)  # fmt: skip

    if not _timed(digits):
        return made(None, None, None, "EDGAR recorded the day of this filing, not its time")
    if clock is not None:
        accepted = _reading(digits, clock)
        timing, reaction = timing_of(accepted)
        note = None
    else:
        accepted = _reading(digits, "utc")
        as_utc, as_ny = timing_of(accepted), timing_of(_reading(digits, "new_york"))
        if as_utc != as_ny:
            return made(None, None, None,
                        f"timing unknown: {digits:%H:%M:%S} is {as_utc[0]} read as UTC, "
                        f"{as_ny[0]} read as New York time, and this filer's clock cannot be "
                        "told", day=digits.date())  # fmt: skip
        timing, reaction = as_utc
        note = "EDGAR's clock for this filer is unknown; both readings give the same session"
    if timing == "during":
        note = "accepted during the session (unusual for results: check the filing)"
    return made(accepted, timing, reaction, note)


def earnings_days(submissions: Any, symbol: str, cik: int | None = None) -> list[EarningsDay]:
    """The past earnings days in an EDGAR submissions body (``submissions/CIK….json``, or an
    older page with ``cik``), newest first. A body that is not a submissions object, or one
    without any results 8-K, gives an empty list.

    Stamps with an explicit offset (not ``Z``) are taken at their word.
    """
    try:
        filings = parse_submissions(submissions, symbol, cik)
    except SubmissionsFormatError:
        return []
    stamps = _raw_stamps(submissions)
    # The filings parser reads the first 19 characters of a stamp; here a stamp is whole or out.
    filings = [f if stamps.get(f.accession) else replace(f, accepted=None) for f in filings]
    out = []
    for day in earnings_from_filings(filings, symbol):
        parsed = stamps.get(day.accession)
        if parsed is not None and parsed[1]:  # a real offset: no clock to guess
            aware = parsed[0]
            timing, reaction = timing_of(aware)
            day = EarningsDay(day.symbol, aware.astimezone(NEW_YORK).date(),
                              aware.astimezone(UTC), timing, reaction, day.accession, day.url,
                              day.form, day.items, day.clock)  # fmt: skip
        out.append(day)
    return out


def _raw_stamps(body: Any) -> dict[str, tuple[datetime, bool] | None]:
    """Accession -> the parsed ``acceptanceDateTime`` as written (None when malformed)."""
    filings = body.get("filings") if isinstance(body, dict) else None
    recent = filings.get("recent") if isinstance(filings, dict) else None
    columns = recent if isinstance(recent, dict) else body if isinstance(body, dict) else {}
    accessions, stamps = columns.get("accessionNumber"), columns.get("acceptanceDateTime")
    if not isinstance(accessions, list) or not isinstance(stamps, list):
        return {}
    return {
        accession.strip(): parse_stamp(stamp)
        for accession, stamp in zip(accessions, stamps, strict=False)
        if isinstance(accession, str)
    }


def earnings_by_symbol(filings: Mapping[str, Sequence[Filing]]) -> list[EarningsDay]:
    """The earnings days of every symbol's filings (as the filings feed keeps them)."""
    return [day for symbol, rows in filings.items() for day in earnings_from_filings(rows, symbol)]


def results_accessions(filings: Mapping[str, Sequence[Filing]]) -> frozenset[str]:
    """The accessions of every results 8-K: when they change, the earnings study is redone."""
    return frozenset(f.accession for rows in filings.values() for f in rows if is_results_8k(f))


def last_earnings(days: Sequence[EarningsDay]) -> EarningsDay | None:
    """The newest earnings day (what ``neotui earnings`` prints as ``last_date``/``last_time``)."""
    return max(days, key=_newest, default=None)
