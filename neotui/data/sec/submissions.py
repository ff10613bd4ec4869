"""SEC filings as data: the :class:`Filing` record, 8-K item names, form filters and the parser
of EDGAR's ``submissions/CIK##########.json`` and ``company_tickers.json`` bodies.

No network here (that is :mod:`neotui.data.sec.client`), so every trap of the recorded bodies is
tested as plain parsing: 14 parallel column arrays, ``items`` empty for every non-8-K form and
written in the pre-2004 numbering on old filings, an overflow page that is the columns without a
wrapper, and ``acceptanceDateTime`` stamped ``Z`` although its digits are New York time (Apple's
earnings 8-Ks are "accepted" at 16:30:21Z, half an hour after the 4 pm close, not at 12:30 in New
York).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from neotui.data.clean import clean_text, safe_relative_path
from neotui.data.symbols import symbol_problem

NEW_YORK = ZoneInfo("America/New_York")
ARCHIVES = "https://www.sec.gov/Archives/edgar/data"
#: An accession number as EDGAR writes it: filer id, year, sequence (``0001193125-25-123456``).
#: CIKs are at most ten digits (they are zero-padded to ten in URLs).
MAX_CIK = 10**10
ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")

#: Form 8-K items as numbered since August 2004 (Items 1.05 from 2023, 6.0x for asset-backed).
ITEM_NAMES: dict[str, str] = {
    "1.01": "Entry into a Material Definitive Agreement",
    "1.02": "Termination of a Material Definitive Agreement",
    "1.03": "Bankruptcy or Receivership",
    "1.04": "Mine Safety - Reporting of Shutdowns and Patterns of Violations",
    "1.05": "Material Cybersecurity Incidents",
    "2.01": "Completion of Acquisition or Disposition of Assets",
    "2.02": "Results of Operations and Financial Condition",
    "2.03": "Creation of a Direct Financial Obligation or an Obligation under an "
    "Off-Balance Sheet Arrangement of a Registrant",
    "2.04": "Triggering Events That Accelerate or Increase a Direct Financial Obligation or an "
    "Obligation under an Off-Balance Sheet Arrangement",
    "2.05": "Costs Associated with Exit or Disposal Activities",
    "2.06": "Material Impairments",
    "3.01": "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard; "
    "Transfer of Listing",
    "3.02": "Unregistered Sales of Equity Securities",
    "3.03": "Material Modification to Rights of Security Holders",
    "4.01": "Changes in Registrant's Certifying Accountant",
    "4.02": "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report "
    "or Completed Interim Review",
    "5.01": "Changes in Control of Registrant",
    "5.02": "Departure of Directors or Certain Officers; Election of Directors; Appointment of "
    "Certain Officers; Compensatory Arrangements of Certain Officers",
    "5.03": "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year",
    "5.04": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "5.05": "Amendment to Registrant's Code of Ethics, or Waiver of a Provision of the Code of "
    "Ethics",
    "5.06": "Change in Shell Company Status",
    "5.07": "Submission of Matters to a Vote of Security Holders",
    "5.08": "Shareholder Director Nominations",
    "6.01": "ABS Informational and Computational Material",
    "6.02": "Change of Servicer or Trustee",
    "6.03": "Change in Credit Enhancement or Other External Support",
    "6.04": "Failure to Make a Required Distribution",
    "6.05": "Securities Act Updating Disclosure",
    "6.06": "Static Pool",
    "7.01": "Regulation FD Disclosure",
    "8.01": "Other Events",
    "9.01": "Financial Statements and Exhibits",
}

#: Form 8-K items as numbered before August 2004 (EDGAR still serves them on old filings).
OLD_ITEM_NAMES: dict[str, str] = {
    "1": "Changes in Control of Registrant",
    "2": "Acquisition or Disposition of Assets",
    "3": "Bankruptcy or Receivership",
    "4": "Changes in Registrant's Certifying Accountant",
    "5": "Other Events",
    "6": "Resignations of Registrant's Directors",
    "7": "Financial Statements and Exhibits",
    "8": "Change in Fiscal Year",
    "9": "Regulation FD Disclosure",
    "10": "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code "
    "of Ethics",
    "11": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
    "12": "Results of Operations and Financial Condition",
}

#: Items that usually mean a deal: a material agreement, an acquisition, new debt, shares sold
#: to an investor (NVIDIA buying CoreWeave stock was a 3.02); "2" is the old acquisition item.
CANDIDATE_ITEMS: frozenset[str] = frozenset({"1.01", "2.01", "2.03", "3.02"})
_OLD_CANDIDATE_ITEMS: frozenset[str] = frozenset({"2"})


def item_name(code: str) -> str:
    """The name of one 8-K item code, in either numbering ("Item 13" for an unknown one)."""
    code = code.strip()
    if "." in code:
        return ITEM_NAMES.get(code, f"Item {code}")
    return OLD_ITEM_NAMES.get(code, f"Item {code}")


def split_items(items: str) -> tuple[str, ...]:
    """``"1.01,9.01"`` as ``("1.01", "9.01")``; ``""`` as ``()``."""
    return tuple(code.strip() for code in items.split(",") if code.strip())


def form_matches(form: str, patterns: Iterable[str]) -> bool:
    """Whether ``form`` is shown under ``patterns`` ("all", exact forms, ``424B*`` prefixes);
    an amendment ``X/A`` is shown when ``X`` is."""
    base = form.upper().removesuffix("/A")
    for pattern in patterns:
        p = pattern.strip().upper()
        if p == "ALL" or p == base or (p.endswith("*") and base.startswith(p[:-1])):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Filing:
    """One filing of one company, as EDGAR lists it."""

    cik: int
    symbol: str
    form: str
    filed: date
    accession: str
    accepted: datetime | None = None
    items: str = ""
    document: str = ""
    description: str = ""
    report_date: date | None = None

    @property
    def url(self) -> str:
        """The primary document on www.sec.gov (the filing's index when it names none)."""
        folder = f"{ARCHIVES}/{self.cik}/{self.accession.replace('-', '')}"
        return (
            f"{folder}/{self.document}" if self.document else f"{folder}/{self.accession}-index.htm"
        )

    @property
    def item_codes(self) -> tuple[str, ...]:
        """The 8-K item codes, as the SEC writes them."""
        return split_items(self.items)

    @property
    def item_names(self) -> list[str]:
        """The 8-K items, decoded."""
        return [item_name(code) for code in self.item_codes]

    @property
    def candidate(self) -> bool:
        """An 8-K (or its amendment) reporting an item that usually means a deal."""
        if self.form.upper().removesuffix("/A") != "8-K":
            return False
        codes = set(self.item_codes)
        return bool(codes & CANDIDATE_ITEMS or codes & _OLD_CANDIDATE_ITEMS)

    @property
    def title(self) -> str:
        """One line for people: the form and what it reports."""
        # 9.01 (exhibits) rides along with nearly every 8-K: name it only when it is alone.
        codes = [c for c in self.item_codes if c != "9.01"] or list(self.item_codes)
        if codes:
            return f"{self.form} " + "; ".join(f"{code} {item_name(code)}" for code in codes)
        return f"{self.form} {self.description}".strip()

    @property
    def sort_key(self) -> tuple[date, datetime, str]:
        """Newest first when sorted in reverse: filing date, then acceptance time."""
        return (self.filed, self.accepted or datetime.min.replace(tzinfo=NEW_YORK), self.accession)


class SubmissionsFormatError(ValueError):
    """The body is JSON but not EDGAR's submissions shape."""


def parse_accepted(value: Any) -> datetime | None:
    """EDGAR's ``acceptanceDateTime``: New York wall-clock digits despite the trailing ``Z``."""
    if not isinstance(value, str) or len(value) < 19:
        return None
    try:
        naive = datetime.fromisoformat(value[:19])
    except ValueError:
        return None
    return naive.replace(tzinfo=NEW_YORK)


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _column(columns: Mapping[str, Any], name: str, length: int) -> Sequence[Any]:
    values = columns.get(name)
    if not isinstance(values, list):
        return [None] * length
    if len(values) < length:
        return [*values, *([None] * (length - len(values)))]
    return values


def parse_submissions(body: Any, symbol: str, cik: int | None = None) -> list[Filing]:
    """The filings in a submissions body (the main page or an overflow page), newest first.

    Rows without a well-formed accession number, a form or a filing date are skipped; a
    primary document that is not a plain relative path is dropped (the filing's index is linked
    instead); a body with no filings at all gives an empty list (that is an answer, not an
    error).

    Raises:
        SubmissionsFormatError: when the body is not a submissions object at all.
    """
    if not isinstance(body, dict):
        raise SubmissionsFormatError(f"expected a JSON object, got {type(body).__name__}")
    if "filings" in body:
        filings = body.get("filings")
        columns = filings.get("recent") if isinstance(filings, dict) else None
        if cik is None:
            try:
                cik = int(str(body.get("cik", "")).strip() or "x")
            except ValueError:
                raise SubmissionsFormatError("no CIK in the submissions body") from None
            if not 0 < cik < MAX_CIK:
                raise SubmissionsFormatError("no CIK in the submissions body")
    else:
        columns = body  # an overflow page is the column arrays themselves
    if not isinstance(columns, dict) or not isinstance(columns.get("accessionNumber"), list):
        raise SubmissionsFormatError("no filings.recent columns in the submissions body")
    if cik is None:
        raise SubmissionsFormatError("no CIK for an overflow page")
    accessions = columns["accessionNumber"]
    n = len(accessions)
    forms = _column(columns, "form", n)
    filed = _column(columns, "filingDate", n)
    accepted = _column(columns, "acceptanceDateTime", n)
    items = _column(columns, "items", n)
    documents = _column(columns, "primaryDocument", n)
    descriptions = _column(columns, "primaryDocDescription", n)
    reports = _column(columns, "reportDate", n)
    out: list[Filing] = []
    for i in range(n):
        accession, form, day = accessions[i], forms[i], _date(filed[i])
        if not isinstance(accession, str) or not isinstance(form, str) or day is None:
            continue
        accession = accession.strip()
        # The accession and the document name become a URL path: nothing but the known shapes.
        if not ACCESSION.fullmatch(accession) or not clean_text(form).strip():
            continue
        out.append(
            Filing(
                cik=cik,
                symbol=symbol,
                form=clean_text(form).strip(),
                filed=day,
                accession=accession,
                accepted=parse_accepted(accepted[i]),
                items=clean_text(items[i]).strip() if isinstance(items[i], str) else "",
                document=safe_relative_path(documents[i]) or "",
                description=clean_text(descriptions[i]).strip()
                if isinstance(descriptions[i], str)
                else "",
                report_date=_date(reports[i]),
            )
        )
    out.sort(key=lambda f: f.sort_key, reverse=True)
    return out


#: An older page's name as EDGAR lists it in ``filings.files``: it becomes a URL path, so nothing
#: else is accepted (a hostile body cannot send the client elsewhere).
PAGE_NAME = re.compile(r"CIK\d{10}-submissions-\d{3}\.json")


@dataclass(frozen=True, slots=True)
class OlderPage:
    """One older submissions page listed in ``filings.files``: its name and the days it spans
    (None when EDGAR's entry does not say; such a page is read when history is asked for)."""

    name: str
    count: int | None = None
    filed_from: date | None = None
    filed_to: date | None = None


def older_pages(body: Any) -> tuple[OlderPage, ...]:
    """The older pages a main submissions body lists, newest first; none for an overflow page
    or a body without ``filings.files``. Entries with an unexpected name are skipped."""
    filings = body.get("filings") if isinstance(body, dict) else None
    files = filings.get("files") if isinstance(filings, dict) else None
    if not isinstance(files, list):
        return ()
    out: list[OlderPage] = []
    for entry in files:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not PAGE_NAME.fullmatch(name):
            continue
        count = entry.get("filingCount")
        count = count if isinstance(count, int) and not isinstance(count, bool) else None
        out.append(OlderPage(name, count, _date(entry.get("filingFrom")),
                             _date(entry.get("filingTo"))))  # fmt: skip
    out.sort(key=lambda p: (p.filed_to or date.max, p.name), reverse=True)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class Cut:
    """Filings of one form dropped by :func:`keep_per_form`: how many, and the newest one's
    date (every dropped one was filed on or before it)."""

    count: int
    newest: date


def keep_per_form(
    filings: Sequence[Filing], per_form: int, total: int
) -> tuple[tuple[Filing, ...], dict[str, Cut]]:
    """The newest ``per_form`` filings of each form, at most ``total`` in all (newest first),
    and what was dropped by form, so that a cut is said rather than silent.

    Per form, not in all: with one cap for everything, a company's Form 4s (580 of NVIDIA's
    1,007 recent filings) push its 8-Ks out.
    """
    ordered = sorted(filings, key=lambda f: f.sort_key, reverse=True)
    seen: dict[str, int] = {}
    kept: list[Filing] = []
    cut: dict[str, Cut] = {}
    for f in ordered:
        n = seen.get(f.form, 0)
        seen[f.form] = n + 1
        if n < per_form and len(kept) < total:
            kept.append(f)
            continue
        old = cut.get(f.form)
        cut[f.form] = Cut(old.count + 1, old.newest) if old else Cut(1, f.filed)
    return tuple(kept), cut


def parse_tickers(body: Any) -> dict[str, int]:
    """``company_tickers.json`` as ticker -> CIK (tickers upper case, ``BRK-B`` as written).

    Raises:
        SubmissionsFormatError: when the body is not the tickers table.
    """
    if not isinstance(body, dict):
        raise SubmissionsFormatError("the tickers table is not a JSON object")
    out: dict[str, int] = {}
    for row in body.values():
        if not isinstance(row, dict):
            continue
        ticker, cik = row.get("ticker"), row.get("cik_str")
        if (
            isinstance(ticker, str)
            and symbol_problem(ticker) is None
            and isinstance(cik, int)
            and not isinstance(cik, bool)
            and 0 < cik < MAX_CIK
        ):
            out.setdefault(ticker.strip().upper(), cik)
    if not out:
        raise SubmissionsFormatError("the tickers table has no ticker rows")
    return out


def cik_variants(symbol: str) -> tuple[str, ...]:
    """Spellings of a Yahoo symbol in the SEC's table: ``BRK.B`` is ``BRK-B`` there."""
    upper = symbol.upper()
    return tuple(dict.fromkeys((upper, upper.replace(".", "-"))))
