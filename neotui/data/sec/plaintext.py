"""A filing's document (HTML, inline XBRL or plain text) as plain text, safely.

A document from EDGAR is data written by someone else: it is never rendered, only read. The
stdlib :class:`html.parser.HTMLParser` is enough (it never executes anything, tolerates broken
markup, and decodes entities), so no library is added: scripts, styles, the document head and
the hidden inline-XBRL header (``ix:header``, a copy of the facts the reader never sees) are
dropped, block elements become line breaks, and every line passes :func:`clean_text`. Input is
capped before parsing and output after, and a body that is not text at all (a uuencoded or
binary payload, NUL bytes) is refused rather than read as HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from neotui.data.clean import clean_text

#: The most of one document read (bytes); EDGAR's largest 8-K exhibits are a few MB.
MAX_DOCUMENT = 8 * 1024 * 1024
#: The most plain text kept from one document (characters).
MAX_TEXT = 2 * 1024 * 1024

# Content that is never text for a reader: its data is skipped until the element closes.
_SKIP = frozenset({"script", "style", "head", "title", "ix:header", "noscript", "template"})
# Elements that end a line (a table cell ends a phrase: a tab-like space keeps cells apart).
_BLOCK = frozenset({
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "section", "article", "blockquote", "pre", "center", "dt", "dd", "body", "html",
})  # fmt: skip
_CELL = frozenset({"td", "th"})
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u3000]+")


class NotText(ValueError):
    """The body is not a text document (binary, uuencoded, NUL bytes)."""


class _TextParser(HTMLParser):
    """Collects the text of an HTML document, line by line, skipping what is never shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping.append(tag)
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            elif tag in self._skipping:  # a missing inner end tag: close back to this one
                del self._skipping[self._skipping.index(tag) :]
            return
        if tag in _BLOCK:
            self.parts.append("\n")
        elif tag in _CELL:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skipping or self.size > MAX_TEXT:
            return
        self.size += len(data)
        # In HTML a line break inside text is a space; only block elements end a line.
        self.parts.append(data.replace("\r", " ").replace("\n", " "))


def decode(body: bytes) -> str:
    """The bytes of a document as a string: UTF-8, else Windows-1252 (older EDGAR documents),
    never failing; a binary body raises :class:`NotText`."""
    head = body[:65536]
    if b"\x00" in head:
        raise NotText("a binary document (NUL bytes), not read")
    if re.search(rb"^begin [0-7]{3} ", head, re.MULTILINE):
        raise NotText("a uuencoded document, not read")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def looks_like_html(text: str) -> bool:
    """Whether a document is markup (HTML, XHTML, inline XBRL) rather than plain text."""
    head = text[:4096].lower()
    return (
        "<html" in head
        or "<body" in head
        or "<div" in head
        or "<?xml" in head
        or ("<p" in head and "</" in head)
    )


def _lines(raw: str) -> str:
    out: list[str] = []
    for line in raw.splitlines():
        text = _SPACES.sub(" ", clean_text(line)).strip()
        if text:
            out.append(text)
    return "\n".join(out)[:MAX_TEXT]


def html_text(markup: str) -> str:
    """The visible text of an HTML document, one cleaned line per block."""
    parser = _TextParser()
    parser.feed(markup[:MAX_DOCUMENT])
    parser.close()
    return _lines("".join(parser.parts))


def document_text(body: bytes) -> str:
    """Any document's text: HTML read through :func:`html_text`, plain text cleaned line by
    line. Raises :class:`NotText` for a body that is not text."""
    text = decode(body[:MAX_DOCUMENT])
    if looks_like_html(text):
        return html_text(text)
    # EDGAR's .txt documents wrap the text in <TEXT>/<PDF> style tags: drop tag-only lines.
    return _lines(re.sub(r"(?m)^\s*</?[A-Z][A-Z-]*>\s*$", "", text))
