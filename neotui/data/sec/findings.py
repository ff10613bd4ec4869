"""What a deal row needs, read from an 8-K's plain text: items, amounts, parties, terms, power,
GPUs.

Everything here works on text :mod:`neotui.data.sec.plaintext` already cleaned, with regular
expressions written for the way 8-Ks phrase things ("$2.1 billion", "through December 2031",
"a five-year term", "200 MW", "100,000 NVIDIA GB300 GPUs"). Each finding keeps the verbatim
sentence it came from, so a person can check it: nothing here decides that a deal exists, it
only points at the words that say so.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from neotui.data.clean import clean_text

#: Items whose text is read for deal terms (the others are split but not searched).
DEAL_ITEMS: frozenset[str] = frozenset({"1.01", "1.02", "2.01", "2.03", "3.02", "7.01", "8.01"})
#: The most findings kept from one filing (a hostile document cannot fill memory or a screen).
MAX_FINDINGS = 200
#: The longest sentence kept verbatim (characters); a longer one is cut with an ellipsis.
MAX_SENTENCE = 600
KINDS = ("amount", "counterparty", "term", "power", "gpus")


@dataclass(frozen=True)
class Section:
    """One item of one document (``EX-99.1`` for a whole exhibit, ``""`` for a cover page)."""

    item: str
    document: str
    text: str


@dataclass(frozen=True)
class Finding:
    """One thing read from a filing, with the sentence that says it."""

    kind: str
    value: str
    unit: str
    text: str
    document: str
    item: str = ""

    @property
    def number(self) -> float | None:
        """The value as a number (amounts in dollars, power in MW, GPUs), else None."""
        try:
            return float(self.value)
        except ValueError:
            return None


_ITEM_HEAD = re.compile(r"(?im)^\s*item\s*(\d{1,2}\.\d{2})\b")


def split_items(text: str, document: str) -> list[Section]:
    """``text`` cut at its ``Item N.NN`` headings (each at a line start, as 8-Ks write them:
    "Item 5.02." or "ITEM 1.01"); what comes before the first heading is the cover (item "")."""
    heads = list(_ITEM_HEAD.finditer(text))
    if not heads:
        return [Section("", document, text)] if text else []
    out = [Section("", document, text[: heads[0].start()])] if heads[0].start() else []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        out.append(Section(head.group(1), document, text[head.start() : end]))
    return out


# Sentence ends, but not after the abbreviations filings are full of.
_ABBREV = re.compile(
    r"(?:\b(?:Inc|Corp|Co|Ltd|LLC|L\.P|N\.V|S\.A|No|Nos|Mr|Ms|Dr|U\.S|vs|approx|e\.g|i\.e|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|St|Ave)|\b[A-Z])\.$"
)


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (and lines: a heading or a table row is its own)."""
    out: list[str] = []
    for line in text.splitlines():
        start = 0
        for m in re.finditer(r"[.!?][\"”’)]?\s+(?=[A-Z0-9\"“(])", line):
            if _ABBREV.search(line[start : m.start() + 1]):
                continue
            out.append(line[start : m.end()].strip())
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return out


def _verbatim(sentence: str) -> str:
    text = clean_text(sentence).strip()
    return text if len(text) <= MAX_SENTENCE else text[: MAX_SENTENCE - 1] + "…"


_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mm": 1e6, "m": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "trillion": 1e12, "t": 1e12}  # fmt: skip
_AMOUNT = re.compile(
    r"(?:US)?\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(thousand|million|billion|trillion|"
    r"bn|mm|[kmbt])\b)?",
    re.IGNORECASE,
)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                 "twenty": 20, "thirty": 30}  # fmt: skip
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December")  # fmt: skip
_THROUGH = re.compile(
    rf"\b(?:through|until|expir(?:es|ing)\s+(?:in|on)|matur(?:es|ing)\s+(?:in|on)|"
    rf"ending(?:\s+in)?)\s+"
    rf"((?:(?:{_MONTHS})\s+(?:\d{{1,2}},\s+)?)?(?:19|20)\d\d)\b"
)
_YEARS = re.compile(
    r"\b(\d{1,2}|" + "|".join(_WORD_NUMBERS) + r")[- ](?:year|yr)\b(?![- ]old)", re.IGNORECASE
)
_TERM_OF = re.compile(
    r"\bterm of (\d{1,2}|" + "|".join(_WORD_NUMBERS) + r")\s+years\b", re.IGNORECASE
)
_POWER = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(MW|GW|megawatts?|gigawatts?)\b", re.IGNORECASE
)
GPU_MODELS = ("GB300", "GB200", "B300", "B200", "H200", "H100", "A100", "L40S", "MI355X",
              "MI325X", "MI300X", "Vera Rubin", "Rubin", "Blackwell", "Hopper")  # fmt: skip
_MODEL = "|".join(re.escape(m) for m in GPU_MODELS)
_GPU_COUNT = re.compile(
    rf"\b(\d{{1,3}}(?:,\d{{3}})+|\d+)\s+(?:(?:NVIDIA|AMD)\s+)?(?:({_MODEL})\s+)?"
    r"(?:GPUs|graphics processing units|accelerators)\b"
)
_GPU_MODEL = re.compile(rf"\b({_MODEL})\b")


def _number(digits: str, decimals: str | None = "") -> float:
    return float(digits.replace(",", "") + (decimals or ""))


def plain(number: float) -> str:
    """A number as scripts read it: ``11900000000``, ``2.5``; never ``1.19e+10``."""
    number = round(number, 4)  # 1.1 * 1e9 is 1100000000.0000002 in binary floating point
    return str(int(number)) if number.is_integer() and abs(number) < 1e18 else repr(number)


def _years(word: str) -> int:
    return int(word) if word.isdigit() else _WORD_NUMBERS[word.lower()]


def _month_end(phrase: str) -> str:
    """``"December 2031"`` as ``"2031-12"``, ``"2031"`` as ``"2031"``, ``"June 30, 2030"`` as
    ``"2030-06-30"``."""
    months = _MONTHS.split("|")
    m = re.fullmatch(rf"(?:({_MONTHS})\s+(?:(\d{{1,2}}),\s+)?)?(\d{{4}})", phrase)
    if m is None:
        return phrase
    month, day, year = m.groups()
    if month is None:
        return year
    out = f"{year}-{months.index(month) + 1:02d}"
    return f"{out}-{int(day):02d}" if day else out


@dataclass(frozen=True)
class Party:
    """A name to look for and the counterparty a deal row calls it."""

    name: str
    aliases: tuple[str, ...]


def load_parties(path: Path) -> list[Party]:
    """The bundled list of AI labs, hyperscalers, suppliers and lenders
    (``config/counterparties.toml``); a missing or broken file gives an empty list."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out: list[Party] = []
    for row in data.get("party", []):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            continue
        aliases = tuple(a for a in row.get("aliases", []) if isinstance(a, str) and a.strip())
        out.append(Party(row["name"], aliases or (row["name"],)))
    return out


def party_matcher(
    parties: Iterable[Party], extra: Iterable[str] = (), exclude: Iterable[str] = ()
) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One pattern for every alias (longest first, whole words) and alias -> name; names in
    ``exclude`` (the filer itself) are never reported as its counterparty."""
    names: dict[str, str] = {}
    for party in parties:
        for alias in party.aliases:
            names.setdefault(alias, party.name)
    for name in extra:
        # Book names like "xAI (via SPV)" or "Undisclosed lenders" are matched by their head.
        head = re.split(r"\s*[(,]", name, maxsplit=1)[0].strip()
        if len(head) >= 3 and not head.lower().startswith(("undisclosed", "public ")):
            names.setdefault(head, head)
    skip = {e.lower() for e in exclude if e}
    names = {a: n for a, n in names.items() if a.lower() not in skip and n.lower() not in skip}
    if not names:
        return None
    alternation = "|".join(re.escape(a) for a in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alternation})(?![\w&])"), names


def find_in(
    sections: Sequence[Section],
    matcher: tuple[re.Pattern[str], dict[str, str]] | None = None,
    items: frozenset[str] = DEAL_ITEMS,
) -> list[Finding]:
    """The findings in the deal items of ``sections`` (exhibits, whose item is ``EX-…``, and
    cover-less single documents are read whole), each value once per document."""
    out: list[Finding] = []
    seen: set[tuple[str, str, str, str]] = set()

    def add(kind: str, value: str, unit: str, sentence: str, section: Section) -> None:
        key = (kind, value, unit, section.document)
        if key not in seen and len(out) < MAX_FINDINGS:
            seen.add(key)
            out.append(Finding(kind, value, unit, _verbatim(sentence), section.document,
                               section.item))  # fmt: skip

    for section in sections:
        if section.item and section.item not in items and not section.item.startswith("EX-"):
            continue
        if section.item == "" and any(s.document == section.document and s.item
                                      for s in sections):  # fmt: skip
            continue  # the cover page of an 8-K with items: names, addresses, no terms
        for sentence in sentences(section.text):
            for m in _AMOUNT.finditer(sentence):
                scale = _SCALE.get((m.group(3) or "").lower(), 1.0)
                add("amount", plain(_number(m.group(1), m.group(2)) * scale), "USD", sentence,
                    section)  # fmt: skip
            if matcher is not None:
                pattern, names = matcher
                for m in pattern.finditer(sentence):
                    add("counterparty", names[m.group(0)], "", sentence, section)
            for m in _THROUGH.finditer(sentence):
                add("term", _month_end(m.group(1)), "until", sentence, section)
            for m in (*_YEARS.finditer(sentence), *_TERM_OF.finditer(sentence)):
                add("term", str(_years(m.group(1))), "years", sentence, section)
            for m in _POWER.finditer(sentence):
                mw = _number(m.group(1)) * (1000.0 if m.group(2).lower()[0] == "g" else 1.0)
                add("power", plain(mw), "MW", sentence, section)
            counted: set[str] = set()
            for m in _GPU_COUNT.finditer(sentence):
                model = m.group(2) or ""
                counted.add(model)
                add("gpus", plain(_number(m.group(1))), model or "GPUs", sentence, section)
            for m in _GPU_MODEL.finditer(sentence):
                if m.group(1) not in counted:
                    add("gpus", m.group(1), "model", sentence, section)
    return out


def amounts_in(text: str) -> list[float]:
    """The dollar amounts of one line (a headline), in dollars, in order."""
    out = []
    for m in _AMOUNT.finditer(clean_text(text)):
        out.append(_number(m.group(1), m.group(2)) * _SCALE.get((m.group(3) or "").lower(), 1.0))
    return out


def parties_in(text: str, matcher: tuple[re.Pattern[str], dict[str, str]] | None) -> list[str]:
    """The counterparties one line (a headline) names, in order, once each."""
    if matcher is None:
        return []
    pattern, names = matcher
    return list(dict.fromkeys(names[m.group(0)] for m in pattern.finditer(clean_text(text))))
