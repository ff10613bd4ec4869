"""EDGAR's archives for the fake SEC: filing indexes and documents from recorded bodies.

``/Archives/edgar/data/{cik}/{accession without dashes}/{name}`` serves the recorded NVIDIA and
Adobe 8-K pages (``tests/fixtures/sec_8k``, see its SOURCES.md), the hand-written deal 8-K and
the recorded Form 4s (``tests/fixtures/sec_form4``); anything else is S3's 404. Kept out of
``fake_sec.py`` so that file only routes here.

NVIDIA's recorded submissions list 580 Form 4s but only one Form 4 document was recorded (filed
after that listing): every other ``wk-form4_*.xml`` under NVIDIA's CIK is served that recorded
document as a **stand-in** (same bytes, another path), so a round over the real listing reads
real XML; tests that need a document's own contents use its own path.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from tests.fake_server import Response

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sec_8k"
FORM4_FIXTURES = FIXTURES.parent / "sec_form4"
NVDA_FORM4 = (1045810, "0001199039-26-000003")
AAPL_FORM4 = (320193, "0000320193-22-000061")
_STEVENS = "sec_form4_NVDA_STEVENS_0001199039-26-000003_wk-form4_1774386816.xml"
_ADAMS_FULL = "sec_full_submission_txt_AAPL_Adams_0000320193-22-000061_form4_10b5-1_footnote.txt"
_NVDA_STAND_IN = re.compile(r"wk-form4_\d+\.xml")
NVDA_8K = (1045810, "0001045810-26-000024")
ADBE_8K = (796343, "0000796343-23-000044")
DEAL_8K = (1769628, "0001769628-26-000099")
_ADBE_FULL = "sec_8k_ADBE_0000796343-23-000044_full_submission_with_EX-99.1.txt"

#: (cik, folder, file name) -> fixture file (or a callable slice of one).
FILES: dict[tuple[int, str, str], str] = {
    (1045810, "000104581026000024", "0001045810-26-000024-index.htm"):
        "sec_8k_NVDA_0001045810-26-000024-index.html",
    (1045810, "000104581026000024", "nvda-20260302.htm"):
        "sec_8k_NVDA_0001045810-26-000024_nvda-20260302.htm",
    (796343, "000079634323000044", "0000796343-23-000044-index.htm"):
        "sec_8k_ADBE_0000796343-23-000044-index.html",
    (796343, "000079634323000044", "adbe-20230315.htm"):
        "sec_8k_ADBE_0000796343-23-000044_adbe-20230315.htm",
    (796343, "000079634323000044", "0000796343-23-000044.txt"): _ADBE_FULL,
    (796343, "000079634323000044", "adbeex991q123.htm"): "EX-99.1 of " + _ADBE_FULL,
    (1769628, "000176962826000099", "0001769628-26-000099-index.htm"):
        "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099-index.html",
    (1769628, "000176962826000099", "index.json"):
        "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_index.json",
    (1769628, "000176962826000099", "crwv-20260115.htm"):
        "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_crwv-20260115.htm",
    (1769628, "000176962826000099", "crwvex991.htm"):
        "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_crwvex991.htm",
    (1045810, "000119903926000003", "wk-form4_1774386816.xml"): "form4/" + _STEVENS,
    (1045810, "000119903926000003", "index.json"):
        "form4/sec_filing_index_json_NVDA_0001199039-26-000003.json",
    (320193, "000032019322000061", "0000320193-22-000061.txt"): "form4/" + _ADAMS_FULL,
    (320193, "000032019322000061", "wf-form4_165187623819106.xml"): "XML of form4/" + _ADAMS_FULL,
}  # fmt: skip
_PATH = re.compile(r"/Archives/edgar/data/(\d{1,10})/(\d{18})/([A-Za-z0-9._-]+)")


@functools.lru_cache(maxsize=32)
def body_of(name: str) -> bytes:
    """A fixture's bytes; ``"EX-99.1 of X"`` is that document's ``<TEXT>`` in the full
    submission X, as EDGAR serves it at its own URL; ``"XML of X"`` the ``<XML>`` inside X;
    ``"form4/X"`` a file of ``tests/fixtures/sec_form4``."""
    if name.startswith("XML of "):
        full = body_of(name.removeprefix("XML of "))
        start = full.index(b"<XML>\n") + len(b"<XML>\n")
        return full[start : full.index(b"</XML>", start)]
    if name.startswith("form4/"):
        return (FORM4_FIXTURES / name.removeprefix("form4/")).read_bytes()
    if name.startswith("EX-99.1 of "):
        full = (FIXTURES / name.removeprefix("EX-99.1 of ")).read_bytes()
        start = full.index(b"<TYPE>EX-99.1")
        text = full.index(b"<TEXT>", start) + len(b"<TEXT>\n")
        return full[text : full.index(b"</TEXT>", text)]
    return (FIXTURES / name).read_bytes()


def archived(path: str) -> tuple[str, tuple[int, str, bytes]] | None:
    """``(file name, (status, content type, body))`` for an archives path, None if not one."""
    m = _PATH.fullmatch(path)
    if m is None:
        return None
    name = m.group(3)
    fixture = FILES.get((int(m.group(1)), m.group(2), name))
    if fixture is None and int(m.group(1)) == 1045810 and _NVDA_STAND_IN.fullmatch(name):
        fixture = "form4/" + _STEVENS  # the stand-in (see the module's docstring)
    if fixture is None:
        return name, (404, "application/xml", b"<?xml version=\"1.0\"?><Error><Code>NoSuchKey"
                      b"</Code></Error>")  # fmt: skip
    ctype = (
        "application/json"
        if name.endswith(".json")
        else ("text/plain" if name.endswith(".txt") else "text/html")
    )
    ctype = "text/xml" if name.endswith(".xml") else ctype
    return name, (200, ctype, body_of(fixture))


def as_response(answer: tuple[int, str, bytes]) -> Response:
    """The recorded answer as the fake's :class:`Response`."""
    return Response(*answer)
