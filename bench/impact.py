"""The deal-day event study of the bundled deals from cached history. Aim: < 200 ms (median).

The cache is filled once from the fake Yahoo server (its synthetic two-year daily series, one per
symbol: the providers', the listed counterparties' and SPY), as a day's first run would. Then,
with the network out of the picture, each timed run reads every history from SQLite and studies
every deal, which is what the app's worker and ``neotui impact --offline`` do. numpy's import is
paid once per process and shown apart; so is a whole ``neotui impact --offline`` in a fresh
interpreter, which is what a user waits for at the prompt.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.common import REPO, fake_server, free_port, median_of, row, timed

RUNS = 20
CLI_RUNS = 5


def numpy_import_seconds(env: dict[str, str]) -> float:
    code = "import time; t = time.perf_counter(); import numpy; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60, check=True)  # fmt: skip
    return float(out.stdout)


def main() -> None:
    print("impact: event study of the bundled deals from cached history")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_CACHE_HOME": f"{home}/cache", "XDG_CONFIG_HOME": f"{home}/cfg",
               "PYTHONPATH": str(REPO)}  # fmt: skip
        with fake_server(free_port()) as url:
            subprocess.run([sys.executable, "-m", "neotui", "impact", "--format", "json"],
                           env={**env, "NEOTUI_YAHOO_URL": url}, capture_output=True,
                           timeout=120, check=True)  # fmt: skip
        os.environ.update({k: env[k] for k in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME")})

        from neotui.data.analytics.events import study_book, symbols_for
        from neotui.data.deals import DealsSource, load_book
        from neotui.data.market.history import cached_histories
        from neotui.data.resources import bundled_config_path
        from neotui.sources import listed_map, open_cache

        book = load_book([DealsSource(bundled_config_path("deals.toml"), "bundled")])
        listed = listed_map(book)
        symbols = [*symbols_for(book, listed), "SPY"]
        cache = open_cache()
        have = cached_histories(cache, symbols)
        assert not have.errors, have.errors
        import numpy  # noqa: F401  (paid once per process; measured apart below)

        rows: list = []

        def full() -> None:
            prices = cached_histories(cache, symbols).prices
            rows[:] = study_book(book, prices, listed, benchmark="SPY")

        full()  # warm SQLite's page cache
        total, _ = median_of(lambda: timed(full), RUNS)
        study, _ = median_of(
            lambda: timed(lambda: study_book(book, have.prices, listed, benchmark="SPY")), RUNS
        )
        cache.close()
        studied = sum(1 for r in rows if r.study.model is not None)

        cli = []
        for _ in range(CLI_RUNS):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "neotui", "impact", "--offline", "--format",
                            "json"], env=env, capture_output=True, timeout=60,
                           check=True)  # fmt: skip
            cli.append(time.perf_counter() - start)
        numpy_cold = statistics.median(numpy_import_seconds(env) for _ in range(3))

    row("symbols with two years of daily closes", f"{len(symbols)} ({', '.join(symbols)})")
    row("impact rows (deal x symbol) / with figures", f"{len(rows)} / {studied}")
    row(f"cache read + event study, median of {RUNS}", f"{total * 1000:.1f} ms  (aim < 200 ms)")
    row("  of which the study (numpy, no I/O)", f"{study * 1000:.1f} ms")
    row("numpy import, once per process (fresh interpreter)", f"{numpy_cold * 1000:.0f} ms")
    row(f"`neotui impact --offline`, whole command, median of {CLI_RUNS}",
        f"{statistics.median(cli) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
