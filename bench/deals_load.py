"""Loading and validating a generated 10,000-deal file, and building the analytics frames.

Aim: under 0.3 s to load and validate on this machine.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.common import generate_deals, median_of, row, timed

RUNS = 7


def main() -> None:
    from neotui.data.analytics import tables as analytics
    from neotui.data.deals import DealsSource, load_book

    with tempfile.TemporaryDirectory() as tmp:
        path = generate_deals(Path(tmp) / "deals.toml", 10_000)
        size = path.stat().st_size / 1024 / 1024
        sources = [DealsSource(path, "bench")]
        book = load_book(sources)
        print(f"deals: load + validate + analytics ({len(book.deals)} deals, {size:.1f} MB)")
        load, _ = median_of(lambda: timed(lambda: load_book(sources)), RUNS)
        row("load + validate 10,000 deals (median of 7)", f"{load * 1000:.0f} ms  (aim < 300 ms)")
        import tomllib

        from neotui.data.deals import parse_toml

        text = path.read_text()
        parse, _ = median_of(lambda: timed(lambda: parse_toml(text)), RUNS)
        row("  of which TOML parsing (toml-rs)", f"{parse * 1000:.0f} ms")
        baseline, _ = median_of(lambda: timed(lambda: tomllib.loads(text)), 3)
        row("  baseline: the same parse with stdlib tomllib", f"{baseline * 1000:.0f} ms "
            f"({baseline / parse:.0f}x slower)")  # fmt: skip
        analytics.deals_frame(book)  # import pandas outside the timing

        def frames() -> None:
            analytics.totals_by_provider(book)
            analytics.totals_by_counterparty(book)
            analytics.backlog_vs_debt(book)
            analytics.capacity_pivot(book)
            analytics.timeline(book)

        build, _ = median_of(lambda: timed(frames), RUNS)
        row("analytics frames (totals x2, backlog/debt, pivot, timeline)", f"{build * 1000:.0f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
