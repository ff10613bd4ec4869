"""Past earnings days from EDGAR submissions (issue 20): the cost of reading them from a
recorded body and from the filings the feed keeps, against the submissions parse they follow.

- baseline: ``parse_submissions`` of NVIDIA's recorded body (1,007 filings), what the filings
  feed already pays per company and refresh.
- "from the body": ``earnings_days`` on the same body (the parse, the stamps and the clock).
- "from kept filings": ``earnings_from_filings`` on the parsed rows (what the app's event study
  pays per symbol, in its thread).
- the earnings event study of NVIDIA's 26 days on two synthetic years of prices.
"""

from __future__ import annotations

import json
import sys

from bench.common import REPO, median_of, row, timed

RUNS = 21


def main() -> None:
    sys.path.insert(0, str(REPO))
    from neotui.data.analytics.earnings import baselines, study_earnings
    from neotui.data.market.quote import parse_history
    from neotui.data.sec.earnings_days import earnings_days, earnings_from_filings
    from neotui.data.sec.submissions import parse_submissions
    from tests.fake_yahoo import synthetic_daily
    from tests.helpers import FROZEN

    body = json.loads(
        (
            REPO / "tests/fixtures/edgar/sec_submissions_CIK0001045810_NVDA_2026-03-05.json"
        ).read_bytes()
    )
    filings = parse_submissions(body, "NVDA")
    days = earnings_days(body, "NVDA")
    histories = {
        s: parse_history(json.loads(synthetic_daily(s)), s, FROZEN) for s in ("NVDA", "SPY")
    }
    print(
        f"Earnings days: NVIDIA's recorded submissions ({len(filings)} filings, {len(days)} days)"
    )
    base = 1000 * median_of(lambda: timed(lambda: parse_submissions(body, "NVDA")), RUNS)[0]
    body_ms = 1000 * median_of(lambda: timed(lambda: earnings_days(body, "NVDA")), RUNS)[0]
    kept_ms = 1000 * median_of(lambda: timed(lambda: earnings_from_filings(filings, "NVDA")),
                               RUNS)[0]  # fmt: skip
    study_ms = 1000 * median_of(lambda: timed(lambda: baselines(study_earnings(days, histories))),
                                RUNS)[0]  # fmt: skip
    row("parse_submissions (baseline)", f"{base:.2f} ms")
    row("earnings_days from the body", f"{body_ms:.2f} ms ({body_ms / base:.2f}x the parse)")
    row("earnings_from_filings (kept rows)", f"{kept_ms:.2f} ms ({kept_ms / base:.2f}x)")
    row("earnings study + median (26 days)", f"{study_ms:.2f} ms")


if __name__ == "__main__":
    main()
