"""toml-rs reads every TOML file; tomllib is only its fallback.

Regression: toml-rs 0.4.3 segfaults on a later call when the thread that first imported it has
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


def test_one_toml_parser_is_imported_at_launch() -> None:
    """toml-rs reads every file; the standard library's tomllib, its fallback, is not imported
    with the app (~5 ms of the first frame for a parser never called)."""
    script = (
        "import sys, neotui.__main__, neotui.app, neotui.build\n"
        "print(sorted(m for m in ('toml_rs', 'tomllib') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['toml_rs']"


def test_tomllib_reads_where_toml_rs_is_missing(monkeypatch) -> None:
    """The fallback parses the same text and reports an error with its position."""
    from neotui.data import toml_parse

    monkeypatch.setattr(toml_parse, "toml_rs", None)
    assert toml_parse.parse_toml('a = [1, 2]\n[t]\nb = "x"\n') == {"a": [1, 2], "t": {"b": "x"}}
    try:
        toml_parse.parse_toml("a = 1\nb = \n")
    except toml_parse.TomlSyntaxError as exc:
        assert exc.line == 2 and "at line 2" in exc.located()
    else:
        raise AssertionError("invalid TOML parsed")
