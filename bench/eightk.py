"""An 8-K read for the user (issue 18): the cost of turning a cached filing into its items and
findings, and of a first read from the recorded documents.

- "cached": the filing's text as the feeds store holds it (JSON), decoded, split by item and
  searched (what a second ``x`` or ``neotui filing`` pays). Aim: <= 50 ms per 8-K.
- "from HTML": the same from the raw recorded documents (HTML parsing included), what the first
  read pays after its 2 to 6 requests (which the token bucket spaces at 100 ms).

Filings: the hand-written deal 8-K, NVIDIA's recorded inline-XBRL 8-K (5.02), and Adobe's 8-K
with its 233 KB EX-99.1 press release (the largest recorded document).
"""

from __future__ import annotations

import json
import sys

from bench.common import REPO, median_of, row, timed

RUNS = 15


def main() -> None:
    sys.path.insert(0, str(REPO))
    from neotui.data.sec.documents import DocumentText, FilingText, bundled_parties, from_json
    from neotui.data.sec.plaintext import document_text
    from tests.fake_archives import ADBE_8K, DEAL_8K, FIXTURES, NVDA_8K, body_of

    print("8-K reading: a cached filing to items and findings, and from the raw documents")
    parties = bundled_parties()
    # About the deals book's distinct counterparty names (the bundled book has ~40).
    names = [f"Counterparty {i}" for i in range(40)]
    filings = {
        "deal 8-K (hand-written)": (DEAL_8K, [
            ("crwv-20260115.htm", "8-K",
             "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_crwv-20260115.htm"),
            ("crwvex991.htm", "EX-99.1",
             "HANDWRITTEN_deal_8k_CRWV_0001769628-26-000099_crwvex991.htm"),
        ]),
        "NVIDIA 8-K (31 KB iXBRL)": (NVDA_8K, [
            ("nvda-20260302.htm", "8-K", "sec_8k_NVDA_0001045810-26-000024_nvda-20260302.htm"),
        ]),
        "Adobe 8-K + EX-99.1 (40 + 233 KB)": (ADBE_8K, [
            ("adbe-20230315.htm", "8-K", "sec_8k_ADBE_0000796343-23-000044_adbe-20230315.htm"),
            ("adbeex991q123.htm", "EX-99.1",
             "EX-99.1 of sec_8k_ADBE_0000796343-23-000044_full_submission_with_EX-99.1.txt"),
        ]),
    }  # fmt: skip
    worst = 0.0
    for label, ((cik, accession), docs) in filings.items():
        raw = [(name, kind, body_of(fixture) if fixture.startswith("EX-") else
                (FIXTURES / fixture).read_bytes()) for name, kind, fixture in docs]  # fmt: skip

        def from_html(raw: list[tuple[str, str, bytes]] = raw, cik: int = cik,
                      accession: str = accession) -> int:  # fmt: skip
            texts = tuple(DocumentText(n, k, document_text(b)) for n, k, b in raw)
            return len(FilingText(cik, accession, texts).findings(parties, names))

        stored = json.dumps(FilingText(cik, accession, tuple(
            DocumentText(n, k, document_text(b)) for n, k, b in raw)).to_json())  # fmt: skip

        def cached(stored: str = stored) -> int:
            text = from_json(json.loads(stored))
            assert text is not None
            text.items()
            return len(text.findings(parties, names))

        found = cached()
        hot, _ = median_of(lambda: timed(cached), RUNS)
        cold, _ = median_of(lambda: timed(from_html), RUNS)
        worst = max(worst, hot)
        row(f"{label}: cached -> {found} findings (median of {RUNS})", f"{hot * 1000:.1f} ms")
        row(f"{label}: from the raw documents", f"{cold * 1000:.1f} ms")
    row("aim: a cached 8-K <= 50 ms", "met" if worst <= 0.050 else "MISSED")


if __name__ == "__main__":
    main()
