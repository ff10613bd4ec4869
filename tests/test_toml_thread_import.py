"""Regression: toml-rs 0.4.3 segfaults on a later call when the thread that first imported it has
exited. Parsing deals in worker threads (live reload, `neotui doctor`) must never be the first
import. Run in a fresh interpreter, since this test process has long imported it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPO


def test_parsing_in_short_lived_threads_does_not_crash() -> None:
    script = textwrap.dedent(
        """
        import asyncio
        from neotui.data.deals import parse_toml
        text = open("config/deals.toml", encoding="utf-8").read()
        async def once():
            return await asyncio.to_thread(parse_toml, text)
        kept = [asyncio.run(once()) for _ in range(40)]
        print(len(kept))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "40"
