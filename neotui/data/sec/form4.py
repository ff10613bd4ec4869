"""Forms 3, 4 and 5 (SEC ownership documents) parsed into insider transactions.

The input is what EDGAR serves for a filing's XML: the bare ``ownershipDocument`` (the
``primaryDocument`` path *without* its ``xslF345X0x/`` folder; with it EDGAR sends an HTML page
rendered by XSL), or the full submission ``.txt`` that wraps it in ``<XML>`` … ``</XML>``.

The XML comes from anyone who can file with the SEC, so it is parsed with ``defusedxml`` and
DTDs refused outright: no entity expansion (billion laughs), no external entities, no network.
The body is capped before parsing (real Form 4s weigh 5-30 KB).

Traps the recorded documents show (``tests/fixtures/sec_form4/SOURCES.md``): numbers written as
decimals (``200000.0``), booleans as ``1``/``0`` or ``true``/``false`` in one document, empty
tables, a price that is a weighted average whose range is only in a footnote, a derivative row
whose ``exerciseDate`` holds only a footnote, and schemas before X0407 with no ``aff10b5One``
element (then a per-transaction footnote saying "Rule 10b5-1" is the only sign of a plan).

A value that is missing or implausible stays None (never 0) and the transaction says why in
``notes``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from neotui.data.clean import clean_text

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

#: The largest ownership document parsed (the biggest real ones, with dozens of rows, are
#: ~200 KB; a full submission .txt adds the SEC header).
MAX_FORM4 = 2 * 1024 * 1024
#: Plausibility bounds: no company has 1e12 shares, no share trades at $10M.
MAX_SHARES = 1e12
MAX_PRICE = 1e7

#: Transaction codes as the SEC defines them (Form 4 General Instructions, 8).
CODES: dict[str, str] = {
    "P": "open-market purchase",
    "S": "open-market sale",
    "A": "grant or award",
    "D": "disposition to the issuer",
    "F": "tax withholding",
    "I": "discretionary",
    "M": "option exercise",
    "C": "conversion",
    "E": "expiration of short derivative",
    "H": "expiration of long derivative",
    "O": "out-of-the-money exercise",
    "X": "in-the-money exercise",
    "G": "gift",
    "L": "small acquisition",
    "W": "will or laws of descent",
    "Z": "voting trust",
    "J": "other",
    "K": "equity swap",
    "U": "tender of shares",
    "V": "voluntarily reported",
}
_RANGE = re.compile(
    r"rang\w*\s+from\s+(?:a\s+low\s+of\s+)?\$\s?([\d,]+(?:\.\d+)?)\s+to\s+(?:a\s+high\s+of\s+)?"
    r"\$\s?([\d,]+(?:\.\d+)?)",
    re.IGNORECASE,
)
_PLAN = re.compile(r"10b5-?1", re.IGNORECASE)
_XML_START = re.compile(rb"<XML>\s*", re.IGNORECASE)
_XML_END = re.compile(rb"\s*</XML>", re.IGNORECASE)


class Form4Error(ValueError):
    """The body is not an ownership document; the message says what it is instead."""


@dataclass(frozen=True, slots=True)
class Transaction:
    """One row of a Form 4's tables (non-derivative or derivative), as reported.

    ``price`` is the reported price per share (a weighted average when the footnote gives a
    range: ``price_low``/``price_high``); for an option row without one, the exercise price.
    Every number is None when missing or implausible, never 0, and ``notes`` says why.
    """

    owner: str
    role: str
    day: date | None
    code: str
    shares: float | None
    price: float | None
    owned_after: float | None
    direct: bool | None
    plan_10b5_1: bool | None
    derivative: bool = False
    security: str = ""
    acquired: bool | None = None  # A (acquired) or D (disposed)
    price_low: float | None = None
    price_high: float | None = None
    nature: str = ""
    notes: tuple[str, ...] = ()

    @property
    def value(self) -> float | None:
        """Shares times price, when both are known."""
        if self.shares is None or self.price is None:
            return None
        return self.shares * self.price

    @property
    def open_market(self) -> bool:
        """A purchase or sale on the market (codes P and S of the stock itself), the trades
        that say what insiders think of the price (awards and tax withholding do not)."""
        return self.code in ("P", "S") and not self.derivative


@dataclass(frozen=True)
class OwnershipDocument:
    """One parsed Form 3, 4 or 5: who filed it about which issuer, and its transactions."""

    form: str
    period: date | None
    issuer_cik: int | None
    symbol: str
    owner: str
    owner_cik: int | None
    role: str
    transactions: tuple[Transaction, ...]
    original_filed: date | None = None  # an amendment's dateOfOriginalSubmission
    schema: str = ""
    notes: tuple[str, ...] = field(default=())


def extract_xml(body: bytes) -> bytes:
    """The ownership XML in ``body``: the bare document, or the one inside a full submission's
    ``<XML>`` wrapper.

    Raises:
        Form4Error: for an HTML page (the rendered ``xslF345X0x/`` path, an error page), an
            empty body, a body over :data:`MAX_FORM4`, or no ownership document at all.
    """
    if len(body) > MAX_FORM4:
        raise Form4Error(f"document over {MAX_FORM4 // 1024} KB: not read")
    head = body[:4096].lstrip().lower()
    if not head:
        raise Form4Error("empty document")
    if head.startswith(b"<sec-document>") or head.startswith(b"<document>") or b"<xml>" in head:
        start = _XML_START.search(body)
        end = _XML_END.search(body, start.end()) if start else None
        if start is None or end is None:
            raise Form4Error("a submission text without an <XML> document")
        body = body[start.end() : end.start()]
        head = body[:4096].lstrip().lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html") or b"<html" in head[:512]:
        raise Form4Error("got a web page where the Form 4 XML was expected")
    if b"<ownershipdocument" not in body[:8192].lower():
        raise Form4Error("not an SEC ownership document (no <ownershipDocument>)")
    return body


def _parse_tree(xml: bytes) -> Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        # forbid_dtd: an ownership document never has one, and a DTD is where entity bombs and
        # external entities live.
        root: Element = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Form4Error(f"unsafe XML refused ({type(exc).__name__})") from None
    except (ParseError, ValueError, RecursionError) as exc:
        raise Form4Error(f"malformed XML ({str(exc)[:80]})") from None
    if root.tag != "ownershipDocument":
        raise Form4Error(f"not an ownership document (root <{clean_text(root.tag)[:40]}>)")
    return root


def _text(node: Element | None, path: str = "") -> str:
    """The cleaned, stripped text at ``path`` (its ``value`` child when it has one)."""
    if node is None:
        return ""
    found = node.find(path) if path else node
    if found is None:
        return ""
    value = found.find("value")
    raw = (value.text if value is not None else found.text) or ""
    return " ".join(clean_text(raw).split())


def _bool(text: str) -> bool | None:
    """``1``/``0``/``true``/``false`` (both spellings occur in one real document)."""
    t = text.strip().lower()
    if t in ("1", "true", "y", "yes"):
        return True
    if t in ("0", "false", "n", "no"):
        return False
    return None


def _number(text: str, limit: float) -> float | None:
    """A finite, non-negative number below ``limit`` (``200000.0`` and ``1,000`` included)."""
    try:
        n = float(text.replace(",", "").replace("$", ""))
    except ValueError:
        return None
    return n if math.isfinite(n) and 0 <= n < limit else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _cik(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 10**10 else None


def _footnote_ids(node: Element) -> list[str]:
    return [f.get("id", "") for f in node.iter("footnoteId")]


def _role(rel: Element | None) -> str:
    """The role as people read it ("Director, CFO, 10% owner") from a
    ``reportingOwnerRelationship``."""
    if rel is None:
        return ""
    parts: list[str] = []
    if _bool(_text(rel, "isDirector")):
        parts.append("Director")
    if _bool(_text(rel, "isOfficer")):
        parts.append(_text(rel, "officerTitle")[:60] or "Officer")
    if _bool(_text(rel, "isTenPercentOwner")):
        parts.append("10% owner")
    if _bool(_text(rel, "isOther")):
        parts.append(_text(rel, "otherText")[:60] or "Other")
    return ", ".join(parts)


def _owners(root: Element) -> tuple[str, int | None, str]:
    """The first reporting owner's name, CIK and role; joint filers are counted in the name."""
    owners = root.findall("reportingOwner")
    if not owners:
        return "", None, ""
    first = owners[0]
    name = _text(first, "reportingOwnerId/rptOwnerName")[:80]
    if len(owners) > 1:
        name += f" +{len(owners) - 1}"
    return (
        name,
        _cik(_text(first, "reportingOwnerId/rptOwnerCik")),
        _role(first.find("reportingOwnerRelationship")),
    )


def _row(
    node: Element,
    *,
    derivative: bool,
    owner: str,
    role: str,
    footnotes: dict[str, str],
    plan_box: bool | None,
) -> Transaction:
    notes: list[str] = []
    code = _text(node, "transactionCoding/transactionCode").upper()[:1]
    if not code:
        notes.append("no transaction code")
    day = _day(_text(node, "transactionDate"))
    if day is None:
        notes.append("no transaction date")
    shares_text = _text(node, "transactionAmounts/transactionShares")
    shares = _number(shares_text, MAX_SHARES)
    if shares is None:
        notes.append("no share count" if not shares_text else f"share count {shares_text[:20]!r}")
    price_node = node.find("transactionAmounts/transactionPricePerShare")
    price_text = _text(price_node)
    price = _number(price_text, MAX_PRICE)
    if price == 0:
        price = None  # an award or gift carries "0": no price, not a price of zero
    low = high = None
    if price_node is not None:
        for fid in _footnote_ids(price_node):
            m = _RANGE.search(footnotes.get(fid, ""))
            if m:
                low, high = _number(m.group(1), MAX_PRICE), _number(m.group(2), MAX_PRICE)
                break
    if derivative and price is None:
        price = _number(_text(node, "conversionOrExercisePrice"), MAX_PRICE) or None
        if price is not None:
            notes.append("price: the exercise price")
    if price is None:
        why = CODES.get(code, "")
        notes.append(f"no price reported ({why})" if why and code not in "PS" else "no price")
    after = _number(_text(node, "postTransactionAmounts/sharesOwnedFollowingTransaction"),
                    MAX_SHARES)  # fmt: skip
    if after is None:
        notes.append("no holding after")
    di = _text(node, "ownershipNature/directOrIndirectOwnership").upper()
    direct = True if di == "D" else False if di == "I" else None
    ad = _text(node, "transactionAmounts/transactionAcquiredDisposedCode").upper()
    plan = plan_box
    if any(_PLAN.search(footnotes.get(fid, "")) for fid in _footnote_ids(node)):
        plan = True  # a footnote on this row says so (the only sign before schema X0407)
    return Transaction(
        owner=owner, role=role, day=day, code=code, shares=shares, price=price,
        owned_after=after, direct=direct, plan_10b5_1=plan, derivative=derivative,
        security=_text(node, "securityTitle")[:80], acquired=ad == "A" if ad in "AD" and ad
        else None, price_low=low, price_high=high,
        nature=_text(node, "ownershipNature/natureOfOwnership")[:80], notes=tuple(notes),
    )  # fmt: skip


def parse_ownership(body: bytes) -> OwnershipDocument:
    """Parse one Form 3/4/5 (bare XML or full submission text) into its transactions.

    Raises:
        Form4Error: when the body is not a readable, safe ownership document (the message
            says what it was instead).
    """
    root = _parse_tree(extract_xml(body))
    footnotes = {
        f.get("id", ""): " ".join(clean_text("".join(f.itertext())).split())
        for f in root.iter("footnote")
    }
    owner, owner_cik, role = _owners(root)
    box = root.find("aff10b5One")
    plan_box = _bool(_text(box)) if box is not None else None
    rows: list[Transaction] = []
    for path, derivative in (("nonDerivativeTable/nonDerivativeTransaction", False),
                             ("derivativeTable/derivativeTransaction", True)):  # fmt: skip
        for node in root.findall(path):
            rows.append(_row(node, derivative=derivative, owner=owner, role=role,
                             footnotes=footnotes, plan_box=plan_box))  # fmt: skip
    notes: list[str] = []
    form = _text(root, "documentType").upper()[:8] or "4"
    if not rows:
        notes.append("no transactions (holdings only)" if form.startswith("3") else
                     "no transactions reported")  # fmt: skip
    if not owner:
        notes.append("no reporting owner named")
    return OwnershipDocument(
        form=form, period=_day(_text(root, "periodOfReport")),
        issuer_cik=_cik(_text(root, "issuer/issuerCik")),
        symbol=_text(root, "issuer/issuerTradingSymbol").upper()[:12], owner=owner,
        owner_cik=owner_cik, role=role, transactions=tuple(rows),
        original_filed=_day(_text(root, "dateOfOriginalSubmission")),
        schema=_text(root, "schemaVersion")[:12], notes=tuple(notes),
    )  # fmt: skip


def xml_document(primary: str) -> str:
    """The raw XML's path from a submissions ``primaryDocument``: ``xslF345X05/wk-form4.xml``
    serves the XSL-rendered HTML; the XML is the same name without the folder."""
    folder, _, name = primary.rpartition("/")
    return name if folder.lower().startswith("xsl") else primary
