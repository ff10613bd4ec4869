"""Watchlist groups, logic tier: the [[group]] tables checked (hostile ones included), how they
combine with market.symbols, --group on the commands, the equal-weight basket of a group, and
pictures of the screen that never overwrite a file."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from neotui.data.analytics.valuation import basket_line
from neotui.data.groups import (
    MAX_GROUPS,
    MAX_NAME,
    WATCHLIST,
    WatchGroup,
    find_group,
    parse_groups,
    resolve,
    slug,
    unknown_group,
)
from neotui.data.market.quote import Quote
from neotui.screenshot import write_new
from neotui.settings import DEFAULT_SYMBOLS, load_settings
from tests.fake_yahoo import FakeYahoo

BUNDLED = {
    "GPU clouds": ("CRWV", "NBIS"),
    "Powered shells": ("IREN", "CIFR", "WULF", "APLD", "CORZ"),
    "Supplier": ("NVDA",),
    "Hyperscalers": ("MSFT", "META", "GOOGL", "AMZN", "ORCL"),
}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the bundled groups, and how market.symbols combines with them ------------------------------


def test_bundled_groups_follow_the_watchlist() -> None:
    s = load_settings(environ={})
    assert [g.name for g in s.watch_groups] == [WATCHLIST, *BUNDLED]
    assert s.watch_groups[0].symbols == DEFAULT_SYMBOLS
    assert {g.name: g.symbols for g in s.groups} == BUNDLED
    assert s.notices == ()
    # every group's symbols are fetched (a switch needs no request), the watchlist's first
    assert s.feed_symbols[: len(DEFAULT_SYMBOLS)] == DEFAULT_SYMBOLS
    assert set(s.feed_symbols) == set(DEFAULT_SYMBOLS) | {s for g in BUNDLED.values() for s in g}


@pytest.mark.parametrize(
    "how",
    ["file", "env", "cli"],
)
def test_own_market_symbols_keep_their_meaning(how: str, tmp_path: Path) -> None:
    """A user's market.symbols without [[group]] tables: that one list, nothing else fetched."""
    kw: dict[str, Any] = {"environ": {}}
    if how == "file":
        kw["config"] = write(tmp_path / "n.toml", '[market]\nsymbols = ["CRWV", "NVDA"]\n')
    elif how == "env":
        kw["environ"] = {"NEOTUI_SYMBOLS": "CRWV,NVDA"}
    else:
        kw["overrides"] = {"market": {"symbols": ("CRWV", "NVDA")}}
    s = load_settings(**kw)
    assert s.groups == ()
    assert [g.name for g in s.watch_groups] == [WATCHLIST]
    assert s.feed_symbols == ("CRWV", "NVDA")


def test_own_groups_replace_the_bundled_ones_and_add_to_own_symbols(tmp_path: Path) -> None:
    path = write(
        tmp_path / "n.toml",
        '[market]\nsymbols = ["CRWV"]\n\n[[group]]\nname = "Mine"\nsymbols = ["nbis", "SMCI"]\n'
        'benchmark = "smh"\n',
    )
    s = load_settings(config=path, environ={})
    assert [(g.name, g.symbols, g.benchmark) for g in s.watch_groups] == [
        (WATCHLIST, ("CRWV",), None),
        ("Mine", ("NBIS", "SMCI"), "SMH"),
    ]
    assert s.feed_symbols == ("CRWV", "NBIS", "SMCI", "SMH")


def test_a_later_file_with_groups_wins_whole(tmp_path: Path, user_config_dir: Path) -> None:
    write(user_config_dir / "neotui.toml", '[[group]]\nname = "A"\nsymbols = ["CRWV"]\n')
    extra = write(tmp_path / "x.toml", '[[group]]\nname = "B"\nsymbols = ["NVDA"]\n')
    assert [g.name for g in load_settings(environ={}).groups] == ["A"]
    assert [g.name for g in load_settings(config=extra, environ={}).groups] == ["B"]


# --- bad groups: said, left out, never fatal ------------------------------------------------------


def test_bad_groups_are_notices_naming_the_file_and_the_group(tmp_path: Path) -> None:
    path = write(
        tmp_path / "n.toml",
        "\n".join(
            [
                '[[group]]\nname = "Empty"\nsymbols = []',
                '[[group]]\nname = "Good"\nsymbols = ["CRWV", "crwv", "NOT A SYMBOL", "ZZZZ9"]',
                '[[group]]\nname = "good"\nsymbols = ["NVDA"]',
                '[[group]]\nname = "Nested"\nsymbols = ["Good", "NVDA"]',
                '[[group]]\nname = "Typo"\nsymbol = ["NVDA"]',
                '[[group]]\nsymbols = ["NVDA"]',
                '[[group]]\nname = "Bench"\nsymbols = ["NVDA"]\nbenchmark = "../etc"',
            ]
        ),
    )
    s = load_settings(config=path, environ={})  # no SettingsError: neotui runs
    assert [(g.name, g.symbols) for g in s.groups] == [
        ("Good", ("CRWV", "ZZZZ9")),  # ZZZZ9 is a symbol: Yahoo says it is unknown, on screen
        ("Nested", ("NVDA",)),
        ("Bench", ("NVDA",)),
    ]
    text = "\n".join(s.notices)
    assert all(n.startswith(f"{path}: group #") for n in s.notices), s.notices
    assert "group #1 'Empty': no symbols; left out" in text
    assert "group #2 'Good': 'NOT A SYMBOL' left out: not a ticker symbol" in text
    assert "group #3 'good': the name is used by an earlier group; left out" in text
    assert "group #4 'Nested': 'Good' is another group: groups do not nest" in text
    assert "group #5 'Typo': unknown key 'symbol'" in text
    assert "group #5 'Typo': symbols must be a list of ticker symbols; left out" in text
    assert "group #6: needs a name (text), got None; left out" in text
    assert "group #7 'Bench': benchmark '../etc' is not a ticker symbol; ignored" in text


def test_hostile_names_are_cleaned_and_cut() -> None:
    tables = parse_groups(
        [
            {"name": "\x1b]52;c;aGk=\x07Evil\u202e\x1b[2J name\nhere", "symbols": ["CRWV"]},
            {"name": "W" * 200, "symbols": ["NVDA"]},
            {"name": "\x1b[31m\u200b", "symbols": ["NVDA"]},  # nothing left once cleaned
            {"name": "Bad entry", "symbols": ["\x1b[31mCRWV\x07", 42, None]},
        ]
    )
    names = [g.name for g in tables.groups]
    assert names[0] == "Evil name here"
    assert names[1] == "W" * (MAX_NAME - 1) + "…"
    assert len(names) == 2
    for problem in tables.problems:
        assert "\x1b" not in problem and "\x07" not in problem and problem.isprintable()
    assert any("needs a name" in p for p in tables.problems)
    assert any("'Bad entry': no symbols" in p for p in tables.problems)


def test_structure_that_is_not_tables() -> None:
    (problem,) = parse_groups("GPU").problems
    assert problem == "group: expected [[group]] tables (an array of tables)"
    out = parse_groups([1, {"name": 3, "symbols": ["A"]}, {"name": "X", "symbols": "CRWV"}])
    assert out.groups == ()
    assert [p.split(":")[0] for p in out.problems] == ["group #1", "group #2", "group #3 'X'"]


def test_too_many_groups_and_too_many_symbols() -> None:
    many = [{"name": f"G{i}", "symbols": ["CRWV"]} for i in range(MAX_GROUPS + 3)]
    out = parse_groups(many)
    assert len(out.groups) == MAX_GROUPS
    (problem,) = out.problems
    assert problem == f"group #{MAX_GROUPS + 1} and later: at most {MAX_GROUPS} groups are read"
    big = [f"S{i}" for i in range(400)]
    groups, problems = resolve(["CRWV"], [WatchGroup("A", tuple(big)), WatchGroup("B", ("T1",) * 1
                               + tuple(f"T{i}" for i in range(200)))])  # fmt: skip
    assert [g.name for g in groups] == ["A"]
    assert problems == ("group 'B': left out, it would take the symbols fetched past 500",)


def test_a_group_named_like_the_watchlist_is_left_out() -> None:
    groups, problems = resolve(["CRWV"], [WatchGroup("watchlist", ("NVDA",))])
    assert groups == () and "market.symbols' group" in problems[0]


HOSTILE = ("\x1b]52;c;SGk=\x07", "\x1b[2J", "\x9b31m", "\u202e", "\u200b", "\x00", "\n",
           "[red]x[/red]", "../..", "Ünïcödé 株式", "CRWV", "nvda", "BRK-B", "^GSPC", "",
           "GPU clouds", "a" * 300)  # fmt: skip


def hostile_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 2 else 4)
    if kind == 0:
        return rng.choice(HOSTILE) + rng.choice(HOSTILE)
    if kind == 1:
        return rng.choice([0, -1, 1e308, float("nan"), True, None, 10**40])
    if kind in (2, 3):
        return rng.choice(HOSTILE)
    if kind in (4, 5):
        return [hostile_value(rng, depth + 1) for _ in range(rng.randrange(6))]
    return {rng.choice(["name", "symbols", "benchmark", "x"]): hostile_value(rng, depth + 1)
            for _ in range(rng.randrange(4))}  # fmt: skip


@pytest.mark.parametrize("seed", range(300))
def test_any_group_tables_give_clean_groups_or_words(seed: int) -> None:
    """Whatever the file holds: no exception, names clean and unique, symbols valid."""
    rng = random.Random(seed)
    body = [
        {k: hostile_value(rng) for k in rng.sample(["name", "symbols", "benchmark", "x"], 3)}
        if rng.random() < 0.85 else hostile_value(rng)
        for _ in range(rng.randrange(8))
    ]  # fmt: skip
    out = parse_groups(body if rng.random() < 0.95 else hostile_value(rng))
    folded = [g.name.casefold() for g in out.groups]
    assert len(folded) == len(set(folded))
    for g in out.groups:
        assert g.name and g.name.isprintable() and len(g.name) <= MAX_NAME
        assert g.symbols and all(s == s.upper() and s.isprintable() for s in g.symbols)
        assert g.benchmark is None or g.benchmark.isprintable()
    assert all(p.isprintable() for p in out.problems)


# --- names on the command line --------------------------------------------------------------


def test_find_group_by_name_or_slug() -> None:
    groups = load_settings(environ={}).watch_groups
    assert slug("Powered shells") == "powered-shells"
    assert find_group(groups, "powered-shells") is groups[2]
    assert find_group(groups, "  POWERED   shells ") is groups[2]
    assert find_group(groups, "watchlist") is groups[0]
    assert find_group(groups, "miners") is None
    assert 'did you mean "gpu-clouds"' in unknown_group(groups, "gpu")
    assert "groups: watchlist, gpu-clouds, powered-shells, supplier, hyperscalers" in (
        unknown_group(groups, "\x1b[2Jzzz")
    )
    assert "\x1b" not in unknown_group(groups, "\x1b[2Jzzz")


def neotui(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEOTUI_YAHOO_URL": url}
    return subprocess.run([sys.executable, "-m", "neotui", *args], env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def test_quotes_group_option_covers_that_group_only(fake_yahoo: FakeYahoo) -> None:
    result = neotui(fake_yahoo.url, "quotes", "--group", "hyperscalers", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert [r["symbol"] for r in json.loads(result.stdout)] == list(BUNDLED["Hyperscalers"])
    assert sorted(fake_yahoo.counts) == sorted(BUNDLED["Hyperscalers"])  # nothing else fetched
    before = dict(fake_yahoo.counts)
    result = neotui(fake_yahoo.url, "--group", "GPU clouds", "quotes", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == ["CRWV", "NBIS"]
    assert {s for s in fake_yahoo.counts if fake_yahoo.counts[s] != before.get(s)} == {
        "CRWV",
        "NBIS",
    }


def test_unknown_group_is_a_usage_error(fake_yahoo: FakeYahoo) -> None:
    result = neotui(fake_yahoo.url, "quotes", "--group", "gpu")
    assert result.returncode == 2
    assert "no group 'gpu' (did you mean \"gpu-clouds\"?)" in result.stderr
    assert fake_yahoo.counts == {}


def test_group_option_on_every_symbol_command() -> None:
    from click.testing import CliRunner

    from neotui.cli.group import cli

    for command in ("quotes", "filings", "news", "facts"):
        out = CliRunner().invoke(cli, [command, "--help"])
        assert "--group NAME" in out.output, command


def test_bad_groups_reach_stderr_and_the_command_runs(
    fake_yahoo: FakeYahoo, tmp_path: Path
) -> None:
    path = write(tmp_path / "n.toml", '[[group]]\nname = "Empty"\nsymbols = []\n')
    result = neotui(fake_yahoo.url, "--config", str(path), "quotes", "--format", "json")
    assert result.returncode == 0
    assert f"neotui: {path}: group #1 'Empty': no symbols; left out" in result.stderr


# --- a group's equal-weight line ------------------------------------------------------------------


def quote(symbol: str, pct: float | None, series: tuple[float, ...] = ()) -> Quote:
    from datetime import UTC, datetime

    price = None if pct is None else 100.0 * (1 + pct / 100)
    return Quote(symbol=symbol, price=price, prev_close=100.0, series=series,
                 fetched_at=datetime(2026, 3, 10, tzinfo=UTC))  # fmt: skip


def test_basket_line_weighs_every_member_equally_whatever_its_role() -> None:
    quotes = {"MSFT": quote("MSFT", 2.0, (100, 102)), "META": quote("META", -1.0, (100, 99)),
              "NVDA": quote("NVDA", 0.0), "AMZN": None, "ORCL": quote("ORCL", None)}  # fmt: skip
    line = basket_line(["MSFT", "META", "NVDA", "AMZN", "ORCL", "MSFT"], quotes)
    assert line.members == ("MSFT", "META", "NVDA") and line.missing == ("AMZN", "ORCL")
    assert line.change_pct == pytest.approx(1.0 / 3)
    assert (line.advancing, line.declining, line.unchanged) == (1, 1, 1)
    assert line.series == (100.0, 100.5) and line.suppliers == ()
    assert basket_line(["AMZN"], quotes).change_pct is None  # never a made-up 0


# --- pictures of the screen ---------------------------------------------------------------------


def test_pictures_never_overwrite(tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    first = write_new(folder, "neotui-x", "<svg>1</svg>")
    second = write_new(folder, "neotui-x", "<svg>2</svg>")
    assert (first.name, second.name) == ("neotui-x.svg", "neotui-x-2.svg")
    assert first.read_text() == "<svg>1</svg>" and second.read_text() == "<svg>2</svg>"
    target = tmp_path / "users-own.txt"
    target.write_text("mine")
    (folder / "neotui-y.svg").symlink_to(target)  # a planted link is not followed
    third = write_new(folder, "neotui-y", "<svg>3</svg>")
    assert third.name == "neotui-y-2.svg" and target.read_text() == "mine"
