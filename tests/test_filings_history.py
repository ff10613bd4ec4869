"""The whole filing history (issue 18, part 4): no form crowds another out of the kept filings,
``--since`` reads the older submissions pages, and what could not be read is said on stderr.

Bodies: NVIDIA's real main page (1,007 recent rows: 580 Form 4s, 232 Form 144s, 60 8-Ks, and
one older page listed) and Apple's real older page, which the fake serves as NVIDIA's page 001.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from neotui.cli.feeds import _short_of
from neotui.data.feeds_store import JsonStore
from neotui.data.sec.client import SecClient
from neotui.data.sec.feed import KEEP_PER_FORM, FilingsFeed
from neotui.data.sec.submissions import (
    Filing,
    form_matches,
    keep_per_form,
    older_pages,
)
from tests.fake_sec import NVDA, OLDER_PAGE, FakeSec, recorded
from tests.fake_yahoo import free_port_refusing
from tests.helpers import wait_until

CONTACT = "Jane Doe jane@example.com"
NVDA_CIK = 1045810
PAGE = "CIK0001045810-submissions-001.json"
PAGE_PATH = f"/submissions/{PAGE}"


def accessions(name: str, forms: tuple[str, ...] = ("8-K",)) -> set[str]:
    """The accessions of ``forms`` in a recorded page, read straight from its columns."""
    body = json.loads(recorded(name)[2])
    columns = body["filings"]["recent"] if "filings" in body else body
    return {a for a, f in zip(columns["accessionNumber"], columns["form"], strict=True)
            if form_matches(f, forms)}  # fmt: skip


@pytest.fixture
def fake() -> FakeSec:
    with FakeSec() as server:
        server.bodies[NVDA_CIK] = recorded(NVDA)[2]
        yield server


def make_feed(fake: FakeSec, tmp_path: Path, read_timeout: float = 1.0) -> FilingsFeed:
    client = SecClient(
        CONTACT, data_url=fake.url, tickers_url=fake.tickers_url, read_timeout=read_timeout
    )
    return FilingsFeed(("NVDA",), client, JsonStore(tmp_path / "sec.db"))


def run(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {"NEOTUI_SEC_DATA_URL": url, "NEOTUI_SEC_CONTACT": CONTACT,
           "NEOTUI_SEC_TICKERS_URL": f"{url}/files/company_tickers.json"}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "neotui", "filings", *args, "--format", "json"],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


# --- logic ---------------------------------------------------------------------------------------


def _filing(form: str, day: int, n: int) -> Filing:
    return Filing(1, "X", form, date(2026, 1, day), f"0000000001-26-{n:06d}")


def test_keep_per_form_bounds_each_form_and_the_page_and_says_what_it_dropped() -> None:
    rows = [_filing("4", 1 + i % 28, i) for i in range(10)] + [_filing("8-K", 1, 100 + i)
                                                              for i in range(3)]  # fmt: skip
    kept, cut = keep_per_form(rows, per_form=4, total=100)
    assert sum(f.form == "8-K" for f in kept) == 3  # Form 4s crowd nothing out
    assert sum(f.form == "4" for f in kept) == 4
    assert [f.filed.day for f in kept if f.form == "4"] == [10, 9, 8, 7]  # the newest
    assert set(cut) == {"4"} and cut["4"].count == 6 and cut["4"].newest == date(2026, 1, 6)
    kept, cut = keep_per_form(rows, per_form=4, total=5)
    assert len(kept) == 5 and cut["8-K"].count == 2 and cut["4"].count == 6  # 13 in, 5 out


def test_older_pages_are_read_from_files_and_hostile_names_skipped() -> None:
    body = json.loads(recorded(NVDA)[2])
    (page,) = older_pages(body)
    assert page.name == PAGE and page.count == 1385
    assert (page.filed_from, page.filed_to) == (date(1998, 3, 6), date(2019, 11, 18))
    body["filings"]["files"] += [{"name": "../../files/company_tickers.json"}, {"name": 7}]
    assert older_pages(body) == (page,)
    assert older_pages(json.loads(recorded(OLDER_PAGE)[2])) == ()  # an overflow page lists none


async def test_every_recent_8k_is_kept_though_form_4s_outnumber_them(
    fake: FakeSec, tmp_path: Path
) -> None:
    feed = make_feed(fake, tmp_path)
    update = await feed.refresh_once()
    got = {f.accession for f in update.filings(["NVDA"], ["8-K"])}
    assert got == accessions(NVDA) and len(got) >= 60  # was 6: the 200 newest were mostly 4s
    nvda = update.companies["NVDA"]
    assert nvda.reach == date(2019, 11, 20)  # the recent page's oldest day; older pages exist
    assert nvda.cut["4"].count == 580 - KEEP_PER_FORM and "144" not in nvda.cut
    assert fake.counts[PAGE_PATH] == 0  # older pages only when asked for
    # A restart shows the same, with the same reach and cut, from the cache.
    cached = FilingsFeed(("NVDA",), None, JsonStore(tmp_path / "sec.db")).load_cached()
    assert {f.accession for f in cached.filings(["NVDA"], ["8-K"])} == got
    assert cached.companies["NVDA"].reach == nvda.reach
    assert cached.companies["NVDA"].cut == nvda.cut


async def test_since_inside_the_recent_page_reads_no_older_page(
    fake: FakeSec, tmp_path: Path
) -> None:
    update = await make_feed(fake, tmp_path).refresh_once(since=date(2020, 1, 1))
    assert fake.counts[PAGE_PATH] == 0
    assert _short_of(update.companies["NVDA"], date(2020, 1, 1), ["8-K"]) == []


async def test_the_deadline_while_reading_older_pages_is_said(
    fake: FakeSec, tmp_path: Path
) -> None:
    fake.page_faults[PAGE] = "hang"
    feed = make_feed(fake, tmp_path, read_timeout=10.0)  # the command's deadline comes first

    async def deadline_once_the_page_hangs(deadline: asyncio.Timeout) -> None:
        # The deadline falls while the older page hangs, after the recent page is in: a fixed
        # 1.5 s ran out before the recent page on a loaded machine.
        await wait_until(lambda: fake.counts[PAGE_PATH] >= 1, what="the older page asked for")
        deadline.reschedule(asyncio.get_running_loop().time())

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(30) as deadline:
            watcher = asyncio.create_task(deadline_once_the_page_hangs(deadline))
            await feed.refresh_once(since=date(2000, 1, 1))
    watcher.cancel()
    fake.heal()
    nvda = feed.give_up("no complete answer within 1.5 s").companies["NVDA"]
    assert not nvda.stale and nvda.reach == date(2019, 11, 20)  # its recent page is fresh
    assert _short_of(nvda, date(2000, 1, 1), ["8-K"]) == [
        "NVDA: filings only back to 2019-11-20 (asked from 2000-01-01): no complete answer "
        "within 1.5 s"
    ]


# --- the command ---------------------------------------------------------------------------------


def test_since_2000_lists_every_8k_of_the_recent_and_the_older_page(fake: FakeSec) -> None:
    result = run("--provider", "nvidia", "--since", "2000-01-01", "--forms", "8-K", url=fake.url)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    older = {a for a in accessions(OLDER_PAGE) if a not in accessions(NVDA)}
    page_rows = json.loads(recorded(OLDER_PAGE)[2])
    since_2000 = {a for a, d in zip(page_rows["accessionNumber"], page_rows["filingDate"],
                                    strict=True) if d >= "2000-01-01"}  # fmt: skip
    assert {r["accession"] for r in rows} == accessions(NVDA) | (older & since_2000)
    assert min(r["filed"] for r in rows) < "2013-01-01"  # from the older page
    assert fake.counts[PAGE_PATH] == 1
    # Again: the older page is cached and asked for conditionally (a 304), same rows.
    before = fake.not_modified
    again = run("--provider", "nvidia", "--since", "2000-01-01", "--forms", "8-K", url=fake.url)
    assert again.returncode == 0 and json.loads(again.stdout) == rows
    assert fake.counts[PAGE_PATH] == 2 and fake.not_modified == before + 2  # main page and page


def test_a_failed_older_page_is_said_and_exits_3(fake: FakeSec) -> None:
    fake.page_faults[PAGE] = "503"
    result = run("--provider", "nvidia", "--since", "2000-01-01", "--forms", "8-K", url=fake.url)
    assert result.returncode == 3
    assert result.stderr == (
        "neotui: NVDA: filings only back to 2019-11-20 (asked from 2000-01-01): older page "
        f"{PAGE}: SEC is throttling requests (503); trying later\n"
    )
    assert {r["accession"] for r in json.loads(result.stdout)} == accessions(NVDA)


def test_offline_from_the_cache_says_how_far_back_it_reaches(fake: FakeSec) -> None:
    assert run("--provider", "nvidia", url=fake.url).returncode == 0
    result = run("--provider", "nvidia", "--since", "2000-01-01", "--forms", "8-K",
                 url=free_port_refusing())  # fmt: skip
    assert result.returncode == 3
    assert "NVDA: filings only back to 2019-11-20 (asked from 2000-01-01): older pages not " \
        "read" in result.stderr  # fmt: skip


def test_form_4s_dropped_by_the_keep_are_said(fake: FakeSec) -> None:
    result = run("--provider", "nvidia", "--forms", "4", url=fake.url)
    assert result.returncode == 3
    assert f"NVDA: {580 - KEEP_PER_FORM} older 4 filings not kept" in result.stderr
    assert sum(r["form"] == "4" for r in json.loads(result.stdout)) == KEEP_PER_FORM
