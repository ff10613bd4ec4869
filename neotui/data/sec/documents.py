"""Reading one filing: its index, its primary document and its ``EX-99.*`` exhibits, as text.

Which index: EDGAR serves two for every filing folder today. ``index.json`` (the directory
listing the issue names) lists file names and sizes but **no document types** (every item's
``type`` is ``text.gif``), so it cannot tell the press release (``EX-99.1``) from an XBRL
schema; ``{accession}-index.htm`` (the "Filing Detail" page, also what the recorded fixtures
hold) gives each document's type and description. So the HTML index is read first (one request
says everything), and ``index.json`` is the fallback when it is missing or unreadable, with
exhibits then recognised by their file names (``ex99``, ``ex-99``, ``dex991``).

Every request goes through :class:`~neotui.data.sec.client.SecClient` (the one token bucket,
the contact User-Agent, a deadline, a size cap). A filing never changes once accepted, so its
text is cached in the feeds store for good and a second read sends nothing. Parsing runs in a
thread (``asyncio.to_thread``): a 200 KB press release is ~20 ms of HTML parsing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from neotui.data.clean import clean_text, parse_json, safe_relative_path
from neotui.data.sec.client import SecError, SecFailure
from neotui.data.sec.findings import (
    DEAL_ITEMS,
    Finding,
    Party,
    Section,
    find_in,
    party_matcher,
    split_items,
)
from neotui.data.sec.plaintext import MAX_DOCUMENT, NotText, document_text
from neotui.data.sec.submissions import ACCESSION, MAX_CIK

if TYPE_CHECKING:
    from neotui.data.feeds_store import JsonStore
    from neotui.data.sec.client import SecClient

#: The most exhibits read from one filing (a press release and a slide deck is the usual).
MAX_EXHIBITS = 4
#: The most an index page may weigh (the largest real ones are tens of KB).
MAX_INDEX = 1024 * 1024
# Exhibit 99 file names as filers write them: adbeex991q123.htm, d123dex991.htm, ex99-1.htm.
_EXHIBIT_NAME = re.compile(r"(?i)ex(?:hibit)?[-_]?99")
_READABLE = re.compile(r"(?i)\.(?:htm|html|txt|xml)$")


@dataclass(frozen=True)
class IndexEntry:
    """One document of a filing as its index lists it."""

    name: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class DocumentText:
    """One document read: its name, type, the plain text, or why it could not be read."""

    name: str
    type: str
    text: str = ""
    reason: str = ""


@dataclass(frozen=True)
class FilingText:
    """The documents of one filing as text (what is cached), and what they say."""

    cik: int
    accession: str
    documents: tuple[DocumentText, ...]
    index: str = "html"  # which index listed them: "html" or "json"
    cached: bool = False
    notes: tuple[str, ...] = field(default=())

    def sections(self) -> list[Section]:
        """The primary document split by item; each exhibit as one section named by its type."""
        out: list[Section] = []
        for doc in self.documents:
            if not doc.text:
                continue
            if doc.type.upper().startswith("EX-"):
                out.append(Section(doc.type.upper(), doc.name, doc.text))
            else:
                out.extend(split_items(doc.text, doc.name))
        return out

    def items(self) -> list[str]:
        """The item codes the primary document's headings name, in order, once each."""
        return list(dict.fromkeys(s.item for s in self.sections() if s.item[:1].isdigit()))

    def findings(self, parties: Sequence[Party] = (), names: Sequence[str] = (),
                 exclude: Sequence[str] = ()) -> list[Finding]:  # fmt: skip
        """What a deal row needs, read from the deal items and the exhibits."""
        return find_in(self.sections(), party_matcher(parties, names, exclude))

    def to_json(self) -> dict[str, Any]:
        """The cached form (text only: the raw documents are never kept)."""
        return {
            "cik": self.cik,
            "accession": self.accession,
            "index": self.index,
            "documents": [[d.name, d.type, d.text, d.reason] for d in self.documents],
        }


def from_json(body: Any) -> FilingText | None:
    """A cached :class:`FilingText` (None if the stored value is not one)."""
    if not isinstance(body, dict) or not isinstance(body.get("documents"), list):
        return None
    docs = []
    for row in body["documents"]:
        if isinstance(row, list) and len(row) == 4 and all(isinstance(x, str) for x in row):
            docs.append(DocumentText(*row))
    cik, accession = body.get("cik"), body.get("accession")
    if not isinstance(cik, int) or not isinstance(accession, str):
        return None
    return FilingText(cik, accession, tuple(docs), str(body.get("index", "html")), cached=True)


def folder_url(archives_url: str, cik: int, accession: str) -> str:
    """``{archives}/Archives/edgar/data/{cik}/{accession without dashes}``."""
    return f"{archives_url.rstrip('/')}/Archives/edgar/data/{cik}/{accession.replace('-', '')}"


class _IndexParser(HTMLParser):
    """The rows of the "Filing Detail" page's document tables: cells' text and the link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[list[str], str]] = []
        self._cells: list[str] | None = None
        self._href = ""
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._cells, self._href = [], ""
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append("")
            self._in_cell = True
        elif tag == "a" and self._in_cell and not self._href:
            self._href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._in_cell = False
        elif tag == "tr" and self._cells is not None:
            self.rows.append((self._cells, self._href))
            self._cells = None

    def handle_data(self, data: str) -> None:
        if self._in_cell and self._cells is not None:
            self._cells[-1] += data


def parse_index_html(body: bytes) -> list[IndexEntry]:
    """The documents of a ``-index.htm`` page: rows of Seq, Description, Document, Type, Size.
    A link through the inline viewer (``/ix?doc=/Archives/...``) gives the same file name."""
    parser = _IndexParser()
    parser.feed(body[:MAX_INDEX].decode("utf-8", errors="replace"))
    out: list[IndexEntry] = []
    for cells, href in parser.rows:
        if len(cells) < 4 or not href:
            continue
        name = safe_relative_path(href.rsplit("/", 1)[-1])
        if name is None:
            continue
        kind = " ".join(clean_text(cells[3]).split())
        out.append(IndexEntry(name, kind, " ".join(clean_text(cells[1]).split())))
    return out


def parse_index_json(body: bytes) -> list[IndexEntry]:
    """The documents of an ``index.json`` listing; types guessed from names (it has none)."""
    try:
        data = parse_json(body[:MAX_INDEX])
    except ValueError:
        return []
    directory = data.get("directory") if isinstance(data, dict) else None
    items = directory.get("item") if isinstance(directory, dict) else None
    out: list[IndexEntry] = []
    for item in items if isinstance(items, list) else []:
        name = safe_relative_path(item.get("name")) if isinstance(item, dict) else None
        if name is None or not _READABLE.search(name) or name.endswith("-index.html"):
            continue
        kind = "EX-99" if _EXHIBIT_NAME.search(name) else ""
        out.append(IndexEntry(name, kind))
    return out


def wanted(entries: Sequence[IndexEntry], form: str, primary: str) -> list[IndexEntry]:
    """The primary document (typed as the form, or named by the submissions row) and the
    readable ``EX-99.*`` exhibits, at most :data:`MAX_EXHIBITS`."""
    base = form.upper().removesuffix("/A")
    main = [e for e in entries if e.name == primary] or [
        e for e in entries if e.type.upper().removesuffix("/A") == base and _READABLE.search(e.name)
    ]
    exhibits = [
        e for e in entries if e.type.upper().startswith("EX-99") and _READABLE.search(e.name)
    ]
    return [*main[:1], *exhibits[:MAX_EXHIBITS]]


def _key(cik: int, accession: str) -> str:
    return f"sec:filing:{cik}:{accession}"


def check_accession(accession: str, cik: int) -> None:
    """Refuse what cannot become a safe URL path (checked before any request)."""
    if not ACCESSION.fullmatch(accession) or not 0 < cik < MAX_CIK:
        raise ValueError(f"not an accession number and CIK: {accession!r}, {cik}")


async def fetch_filing_text(
    client: SecClient,
    store: JsonStore | None,
    cik: int,
    accession: str,
    *,
    archives_url: str | None = None,
    form: str = "8-K",
    primary: str = "",
) -> FilingText:
    """The filing's documents as text, from the cache or from EDGAR (then cached).

    Raises:
        SecError: when no index could be read, or none of its documents (the reason says
            which request failed and how).
    """
    check_accession(accession, cik)
    if store is not None:
        stored = await asyncio.to_thread(store.get, _key(cik, accession))
        cached = from_json(stored.body) if stored else None
        if cached is not None and any(d.text for d in cached.documents):
            return cached
    folder = folder_url(archives_url or client.archives_url, cik, accession)
    notes: list[str] = []
    index = "html"
    try:
        _, body = await client.document(f"{folder}/{accession}-index.htm", MAX_INDEX)
        entries = await asyncio.to_thread(parse_index_html, body)
    except SecError as err:
        if err.kind not in (SecFailure.NOT_FOUND, SecFailure.BAD_RESPONSE):
            raise
        notes.append(f"index page: {err.reason}")
        entries = []
    if not entries:
        index = "json"
        _, body = await client.document(f"{folder}/index.json", MAX_INDEX)
        entries = parse_index_json(body)
    chosen = wanted(entries, form, safe_relative_path(primary) or "")
    if not chosen:
        raise SecError(SecFailure.BAD_RESPONSE, "SEC: the filing's index lists no document to read")
    documents: list[DocumentText] = []
    for entry in chosen:
        try:
            _, body = await client.document(f"{folder}/{entry.name}", MAX_DOCUMENT)
            text = await asyncio.to_thread(document_text, body)
        except SecError as err:
            documents.append(DocumentText(entry.name, entry.type, reason=err.reason))
            continue
        except NotText as err:
            documents.append(DocumentText(entry.name, entry.type, reason=str(err)))
            continue
        documents.append(DocumentText(entry.name, entry.type or "EX-99", text))
    if not any(d.text for d in documents):
        why = "; ".join(f"{d.name}: {d.reason}" for d in documents)
        raise SecError(
            SecFailure.BAD_RESPONSE, f"SEC: no document of the filing could be read ({why})"
        )
    out = FilingText(cik, accession, tuple(documents), index, notes=tuple(notes))
    if store is not None:
        await asyncio.to_thread(store.put, _key(cik, accession), out.to_json())
    return out


@dataclass(frozen=True)
class FilingReading:
    """What was read from one filing for people and drafts: its items and findings, or why it
    could not be read (``reason``; then there are neither)."""

    cik: int
    accession: str
    items: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    documents: tuple[DocumentText, ...] = ()
    reason: str = ""
    cached: bool = False

    @property
    def deal_language(self) -> bool:
        """Whether anything a deal row needs was found."""
        return bool(self.findings)


def worth_reading(form: str, items: Sequence[str]) -> bool:
    """Whether a filing is read for deal terms: an 8-K reporting a deal item, or a 6-K (a
    foreign filer's current report, which has no items)."""
    base = form.upper().removesuffix("/A")
    return base == "6-K" or (base == "8-K" and bool(DEAL_ITEMS.intersection(items)))


def bundled_parties() -> list[Party]:
    """The bundled list of AI labs, hyperscalers, suppliers and lenders."""
    from neotui.data.resources import bundled_config_path
    from neotui.data.sec.findings import load_parties

    try:
        return load_parties(bundled_config_path("counterparties.toml"))
    except FileNotFoundError:
        return []


async def read_filing(
    client: SecClient,
    store: JsonStore | None,
    cik: int,
    accession: str,
    *,
    archives_url: str | None = None,
    form: str = "8-K",
    primary: str = "",
    names: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> FilingReading:
    """Read one filing (cached or fetched) and extract its findings; a failure is a reading
    with a ``reason``, never an exception, so callers keep their fallback in one place."""
    try:
        text = await fetch_filing_text(
            client, store, cik, accession, archives_url=archives_url, form=form, primary=primary
        )
    except SecError as err:
        return FilingReading(cik, accession, reason=err.reason)
    except ValueError as err:
        return FilingReading(cik, accession, reason=str(err))
    parties = await asyncio.to_thread(bundled_parties)
    findings = await asyncio.to_thread(text.findings, parties, names, exclude)
    return FilingReading(cik, accession, tuple(text.items()), tuple(findings), text.documents,
                         cached=text.cached)  # fmt: skip
