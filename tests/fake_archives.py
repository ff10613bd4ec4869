"""EDGAR's archives for the fake SEC: filing indexes and documents from recorded bodies.

``/Archives/edgar/data/{cik}/{accession without dashes}/{name}`` serves the recorded NVIDIA and
Adobe 8-K pages (``tests/fixtures/sec_8k``, see its SOURCES.md) and the hand-written deal 8-K;
anything else is S3's 404. Kept out of ``fake_sec.py`` so that file only routes here.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from tests.fake_server import Response

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sec_8k"
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
}  # fmt: skip
_PATH = re.compile(r"/Archives/edgar/data/(\d{1,10})/(\d{18})/([A-Za-z0-9._-]+)")


@functools.lru_cache(maxsize=32)
def body_of(name: str) -> bytes:
    """A fixture's bytes; ``"EX-99.1 of X"`` is that document's ``<TEXT>`` in the full
    submission X, as EDGAR serves it at its own URL."""
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
    if fixture is None:
        return name, (404, "application/xml", b"<?xml version=\"1.0\"?><Error><Code>NoSuchKey"
                      b"</Code></Error>")  # fmt: skip
    ctype = (
        "application/json"
        if name.endswith(".json")
        else ("text/plain" if name.endswith(".txt") else "text/html")
    )
    return name, (200, ctype, body_of(fixture))


def as_response(answer: tuple[int, str, bytes]) -> Response:
    """The recorded answer as the fake's :class:`Response`."""
    return Response(*answer)
