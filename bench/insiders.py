"""Insider trades (issue 20 item 4): parsing a round of 40 Form 4 documents in a thread, as the
feed does after a burst (``asyncio.to_thread`` per document, one after another), against two
baselines in the same run.

- "neotui": :func:`neotui.data.sec.form4.parse_ownership` on each body (defusedxml with DTDs
  refused, the size cap, the ``<XML>`` extraction, footnote ranges, 10b5-1, cleaning), each in
  ``asyncio.to_thread``. Aim: <= 100 ms for the 40.
- baseline "stdlib parse": ``xml.etree.ElementTree.fromstring`` of the same bodies in one thread
  (no safety, no reading): what parsing alone costs.
- baseline "thread hops": 40 ``asyncio.to_thread`` calls of a no-op: what the hops cost.

The 40 bodies: the recorded Stevens Form 4 (7 KB, two sales), the Adams full submission text
(16 KB, seven sales, footnote-only 10b5-1) and the reformatted Snowflake Form 4 (22 KB, an option
exercise and five sales), in turn, as a mixed burst.
"""

from __future__ import annotations

import asyncio
import sys
from xml.etree import ElementTree

from bench.common import REPO, median_of, row, timed

RUNS = 21
BURST = 40


def main() -> None:
    sys.path.insert(0, str(REPO))
    from neotui.data.sec.form4 import extract_xml, parse_ownership

    fixtures = REPO / "tests" / "fixtures" / "sec_form4"
    names = [
        "sec_form4_NVDA_STEVENS_0001199039-26-000003_wk-form4_1774386816.xml",
        "sec_full_submission_txt_AAPL_Adams_0000320193-22-000061_form4_10b5-1_footnote.txt",
        "NOT_VERBATIM_reformatted_form4_SNOW_Scarpelli_2022-12-13_M_S_derivative.xml",
    ]
    bodies = [(fixtures / names[i % len(names)]).read_bytes() for i in range(BURST)]
    xml_only = [extract_xml(b) for b in bodies]

    async def neotui_round() -> int:
        docs = [await asyncio.to_thread(parse_ownership, b) for b in bodies]
        return sum(len(d.transactions) for d in docs)

    async def hops() -> None:
        for _ in bodies:
            await asyncio.to_thread(lambda: None)

    def stdlib() -> None:
        for b in xml_only:
            ElementTree.fromstring(b)

    print(f"Insider trades: {BURST} Form 4 documents parsed in a thread (median of {RUNS})")
    transactions = asyncio.run(neotui_round())
    ours, _ = median_of(lambda: timed(lambda: asyncio.run(neotui_round())), RUNS)
    base, _ = median_of(lambda: timed(lambda: asyncio.run(asyncio.to_thread(stdlib))), RUNS)
    hop, _ = median_of(lambda: timed(lambda: asyncio.run(hops())), RUNS)
    kb = sum(map(len, bodies)) / 1024
    row(f"neotui: {BURST} documents ({kb:.0f} KB) -> {transactions} transactions",
        f"{ours * 1000:.1f} ms")  # fmt: skip
    row("baseline: stdlib ElementTree parse only, one thread", f"{base * 1000:.1f} ms")
    row(f"baseline: {BURST} thread hops of a no-op", f"{hop * 1000:.1f} ms")
    row("neotui / stdlib parse", f"{ours / base:.1f}x")
    row("aim: 40 Form 4s <= 100 ms in a thread", "met" if ours <= 0.100 else "MISSED")


if __name__ == "__main__":
    main()
