"""Layering the user's file over the bundled data, and live reload of both."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from neotui.data.deals import DealsSource, deal_sources, load_book, load_lenient
from neotui.data.deals.watcher import DealsWatcher
from tests.helpers import PROVIDER, SMALL_BOOK, deal_toml, write


def test_user_file_adds_and_replaces(tmp_path: Path) -> None:
    user = write(
        tmp_path / "user.toml",
        deal_toml(id='"beta-msft"', provider='"beta"', value_usd="6e9", summary='"Mine."')
        + deal_toml(id='"alpha-new"', counterparty='"Oracle"'),
    )
    base = load_book([DealsSource(SMALL_BOOK, "bundled")])
    book = load_book([DealsSource(SMALL_BOOK, "bundled"), DealsSource(user, "user")])
    assert len(book.deals) == len(base.deals) + 1
    by_id = {d.id: d for d in book.deals}
    assert by_id["beta-msft"].value_usd == 6e9 and by_id["beta-msft"].summary == "Mine."
    assert by_id["alpha-new"].counterparty == "Oracle"  # uses the bundled provider id
    assert book.files == (str(SMALL_BOOK), str(user))


def test_bundled_off(tmp_path: Path) -> None:
    user = write(tmp_path / "deals.toml", PROVIDER + deal_toml())
    sources = deal_sources(user, bundled=False, user_required=False)
    book = load_book(sources)
    assert [d.id for d in book.deals] == ["d1"]
    assert list(book.providers) == ["alpha"]


def test_default_user_file_may_be_absent(tmp_path: Path) -> None:
    sources = deal_sources(tmp_path / "absent.toml", bundled=True, user_required=False)
    book, problems = load_lenient(sources)
    assert problems == [] and len(book.deals) > 30  # the bundled dataset alone


def test_explicit_user_file_must_exist(tmp_path: Path) -> None:
    sources = deal_sources(tmp_path / "absent.toml", bundled=True, user_required=True)
    book, problems = load_lenient(sources)
    assert len(problems) == 1 and "file not found" in problems[0].message
    assert len(book.deals) > 30  # the bundled layer still loads


def test_bad_user_file_keeps_bundled_layer_at_start(tmp_path: Path) -> None:
    user = write(tmp_path / "u.toml", deal_toml(id='"x"', provider='"alpha"', kind='"nope"'))
    book, problems = load_lenient([DealsSource(SMALL_BOOK, "b"), DealsSource(user, "u")])
    assert [p.field for p in problems] == ["kind"]
    assert len(book.deals) == 6 and "x" not in {d.id for d in book.deals}


def bump(path: Path, text: str) -> None:
    """Rewrite a file so its signature surely changes, even on coarse-mtime file systems."""
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


async def next_update(watcher: DealsWatcher, stream) -> object:
    return await asyncio.wait_for(anext(stream), timeout=5)


async def test_live_reload_good_bad_recovery(tmp_path: Path) -> None:
    user = write(tmp_path / "deals.toml", PROVIDER + deal_toml())
    watcher = DealsWatcher([DealsSource(user, "user")], poll_interval=0.05)
    first = watcher.load()
    assert first.ok and [d.id for d in first.book.deals] == ["d1"]
    stream = watcher.updates()

    bump(user, PROVIDER + deal_toml() + deal_toml(id='"d2"'))
    good = await next_update(watcher, stream)
    assert good.ok and {d.id for d in good.book.deals} == {"d1", "d2"}

    bump(user, PROVIDER + deal_toml() + deal_toml(id='"d2"', value_usd="-3"))
    bad = await next_update(watcher, stream)
    assert not bad.ok
    assert bad.problems[0].field == "value_usd" and bad.problems[0].index == 2
    assert {d.id for d in bad.book.deals} == {"d1", "d2"}  # last good book kept
    assert bad.book is good.book

    bump(user, PROVIDER + deal_toml(id='"d3"'))
    fixed = await next_update(watcher, stream)
    assert fixed.ok and [d.id for d in fixed.book.deals] == ["d3"]
    await stream.aclose()


async def test_atomic_replace_and_delete(tmp_path: Path) -> None:
    user = write(tmp_path / "deals.toml", PROVIDER + deal_toml())
    watcher = DealsWatcher([DealsSource(user, "user")], poll_interval=0.05)
    watcher.load()
    stream = watcher.updates()
    tmp = write(tmp_path / ".deals.toml.swp", PROVIDER + deal_toml(id='"swapped"'))
    tmp.replace(user)  # what editors do: write a temp file, rename over the original
    update = await next_update(watcher, stream)
    assert [d.id for d in update.book.deals] == ["swapped"]

    user.unlink()
    gone = await next_update(watcher, stream)
    assert "file not found" in gone.problems[0].message
    assert [d.id for d in gone.book.deals] == ["swapped"]
    await stream.aclose()


async def test_no_reload_while_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = write(tmp_path / "deals.toml", PROVIDER + deal_toml())
    watcher = DealsWatcher([DealsSource(user, "user")], poll_interval=0.01)
    watcher.load()
    loads = 0
    original = watcher.load

    def counting_load():
        nonlocal loads
        loads += 1
        return original()

    monkeypatch.setattr(watcher, "load", counting_load)
    stream = watcher.updates()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(stream), timeout=0.3)
    assert loads == 0
