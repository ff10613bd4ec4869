"""Issue 22, the settings cases: hostile settings files stop neotui with one line and exit 2
(never a traceback, a segfault or a feed that dies later). Each test is named after its case."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from neotui.cli import cli
from neotui.settings import SettingsError, load_settings
from tests.conftest import REPO


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def nested(depth: int) -> str:
    """A TOML value nested ``depth`` levels deep, under a key the settings know."""
    return "[market]\nsymbols = " + "[" * depth + "]" * depth + "\n"


# --- case 2: nesting deep enough to overflow the parser's stack -------------------------------


def test_case_2_deep_nesting_is_rejected_before_any_parser_sees_it(tmp_path: Path) -> None:
    """10,000 levels crashed the process inside toml-rs (SIGSEGV) for a deals file and gave a
    RecursionError for the others; run in a child so a regression cannot take pytest down."""
    deep = "[" * 10_000 + "]" * 10_000
    files = {
        "deals": f"[[deal]]\nid = {deep}\n",
        "settings": f"[market]\nsymbols = {deep}\n",
        "alerts": f"[[alert]]\nsymbol = {deep}\n",
        "listed": f"[[company]]\nname = {deep}\n",
    }
    for name, text in files.items():
        write(tmp_path / f"{name}.toml", text)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from neotui.data.alerts.engine import RuleFile
        from neotui.data.deals import DealsSource, read_file
        from neotui.data.deals.listed import ListedError, parse_listed
        from neotui.settings import SettingsError, read_layer
        tmp = Path({str(tmp_path)!r})
        problem = read_file(DealsSource(tmp / "deals.toml", "file")).problems[0]
        print("deals:", problem.message, f"(at line {{problem.line}})")
        try:
            read_layer(tmp / "settings.toml")
        except SettingsError as err:
            print("settings:", err)
        try:
            RuleFile(tmp / "alerts.toml").load()
        except ValueError as err:
            print("alerts:", err)
        try:
            parse_listed((tmp / "listed.toml").read_text(), "listed.toml")
        except ListedError as err:
            print("listed:", err)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["deals", "settings", "alerts", "listed"]
    for line in lines:
        assert "nested deeper than 64 levels" in line, line
        assert "line 2" in line, line


def test_case_2_nesting_within_the_limit_still_parses(tmp_path: Path) -> None:
    from neotui.data.toml_parse import MAX_NESTING, parse_toml

    assert parse_toml("a = " + "[" * MAX_NESTING + "]" * MAX_NESTING) is not None
    # brackets inside strings and comments are text, not nesting
    text = 'a = "' + "[" * 500 + "\"\nb = '" + "{" * 500 + "'\n# " + "[" * 500 + "\n"
    text += 'c = """\n' + "[" * 500 + '\n"""\n'
    assert parse_toml(text)["b"] == "{" * 500


def test_case_2_dotted_keys_count_as_nesting(tmp_path: Path) -> None:
    from neotui.data.toml_parse import TomlSyntaxError, parse_toml

    with pytest.raises(TomlSyntaxError, match="nested deeper than 64 levels"):
        parse_toml(".".join(["a"] * 200) + " = 1\n")
    with pytest.raises(TomlSyntaxError, match="nested deeper than 64 levels"):
        parse_toml("[" + ".".join(["a"] * 200) + "]\nx = 1\n")
    # the limit itself: 64 tables deep is fine, 65 is not
    assert parse_toml(".".join(["a"] * 65) + " = 1\n")
    assert parse_toml("[" + ".".join(["a"] * 64) + "]\n")
    for text in (".".join(["a"] * 66) + " = 1\n", "[[" + ".".join(["a"] * 64) + "]]\n"):
        with pytest.raises(TomlSyntaxError, match=r"nested deeper than 64 levels \(at line 1"):
            parse_toml(text)


@pytest.mark.parametrize(
    "string",
    [r'"x\\"', r'"x\n"', r"'C:\'", r'"""x\\"""', "'''x''''", '"""x""""'],
)
def test_case_2_escapes_and_quotes_cannot_hide_nesting(string: str) -> None:
    """A string ending in an escaped backslash (or extra quotes) ends there: the brackets on
    the next line are nesting, not text."""
    from neotui.data.toml_parse import TomlSyntaxError, check_nesting

    deep = "b = " + "[" * 65 + "]" * 65 + "\n"
    with pytest.raises(TomlSyntaxError, match=r"deeper than 64 levels \(at line 2"):
        check_nesting(f"a = {string}\n{deep}")  # the guard before the parser, on its own


def test_case_2_an_escaped_quote_does_not_end_a_string() -> None:
    from neotui.data.toml_parse import check_nesting, parse_toml

    text = 'a = "x\\"' + "[" * 65 + '"\n'
    check_nesting(text)
    assert parse_toml(text)["a"] == 'x"' + "[" * 65
    # an escaped backslash is a pair: the quote after it ends the string, the next one opens
    text = 'a = ["x\\\\", "' + "[" * 65 + '"]\n'
    check_nesting(text)
    assert parse_toml(text)["a"] == ["x\\", "[" * 65]


# --- case 3: deep settings exit 2, not 1 with a traceback ------------------------------------


def test_case_3_settings_nested_2000_levels_exit_2(tmp_path: Path) -> None:
    bad = write(tmp_path / "deep.toml", nested(2_000))
    result = CliRunner().invoke(cli, ["--config", str(bad), "deals"])
    assert result.exit_code == 2, result.output
    assert f"{bad}: TOML syntax error: nested deeper than 64 levels" in result.output


# --- case 5: an alert command that cannot be split into words -------------------------------


def test_case_5_unsplittable_alert_command_is_a_settings_error(tmp_path: Path) -> None:
    bad = write(tmp_path / "s.toml", '[alerts]\ncommand = "\\"unterminated"\n')
    with pytest.raises(SettingsError) as err:
        load_settings(config=bad, environ={})
    assert err.value.key == "alerts.command"
    assert str(bad) in str(err.value) and "No closing quotation" in str(err.value)
    ok = write(tmp_path / "ok.toml", "[alerts]\ncommand = \"notify-send -u 'critical'\"\n")
    assert load_settings(config=ok, environ={}).alerts.command == "notify-send -u 'critical'"


# --- case 6: every number finite and within its field's limits ------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[refresh]\nregular = nan\n", "refresh.regular"),
        ("[refresh]\nregular = inf\n", "refresh.regular"),
        ("[refresh]\nregular = 1e300\n", "refresh.regular"),
        ("[refresh]\nclosed = -inf\n", "refresh.closed"),
        ("[market]\nread_timeout = nan\n", "market.read_timeout"),
        ("[market]\nconcurrency = 9223372036854775807\n", "market.concurrency"),
        ("[filings]\nmax_rate = inf\n", "filings.max_rate"),
        ("[news]\ncount = 100000\n", "news.count"),
        ("[alerts]\nrearm_pct = nan\n", "alerts.rearm_pct"),
        ("[alerts]\ncommand_timeout = 1e300\n", "alerts.command_timeout"),
    ],
)
def test_case_6_non_finite_and_absurd_numbers_are_rejected(
    tmp_path: Path, text: str, key: str
) -> None:
    bad = write(tmp_path / "n.toml", text)
    with pytest.raises(SettingsError) as err:
        load_settings(config=bad, environ={})
    assert err.value.key == key
    assert str(bad) in str(err.value) and "must be" in err.value.detail


def test_case_6_environment_numbers_are_checked_too() -> None:
    for raw in ("nan", "inf", "1e999"):
        with pytest.raises(SettingsError, match=r"NEOTUI_CONCURRENCY: market\.concurrency"):
            load_settings(environ={"NEOTUI_CONCURRENCY": raw})


def test_case_6_the_message_says_what_is_allowed(tmp_path: Path) -> None:
    bad = write(tmp_path / "n.toml", "[refresh]\nregular = 1e300\n")
    with pytest.raises(SettingsError) as err:
        load_settings(config=bad, environ={})
    assert str(err.value) == (
        f"{bad}: refresh.regular: must be greater than 0 and at most 86400, got 1e+300"
    )


# --- case 25: a byte order mark is fine; a directory is named ---------------------------------


def test_case_25_settings_file_with_a_bom_is_read(user_config_dir: Path) -> None:
    (user_config_dir / "neotui.toml").write_bytes(b'\xef\xbb\xbf[ui]\ntheme = "nord"\n')
    assert load_settings(environ={}).ui.theme == "nord"


def test_case_25_settings_path_that_is_a_directory_exits_2(user_config_dir: Path) -> None:
    (user_config_dir / "neotui.toml").mkdir()
    with pytest.raises(SettingsError, match=r"neotui\.toml: is a directory, not a settings file"):
        load_settings(environ={})
    result = CliRunner().invoke(cli, ["deals"])
    assert result.exit_code == 2
    assert "is a directory" in result.output


def test_case_25_neotui_config_naming_a_directory_exits_2(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="is a directory, not a settings file"):
        load_settings(environ={"NEOTUI_CONFIG": str(tmp_path)})


# --- the watchlist follows the one symbol rule and its size limit ----------------------------


def test_case_17_watched_symbols_follow_the_one_symbol_rule_and_cap(tmp_path: Path) -> None:
    from neotui.data.symbols import MAX_WATCHED

    bad = write(tmp_path / "s.toml", '[market]\nsymbols = ["NVDA", ".."]\n')
    with pytest.raises(SettingsError, match=r"market\.symbols: not a ticker symbol: '\.\.'"):
        load_settings(config=bad, environ={})
    many = ",".join(f"S{i}" for i in range(MAX_WATCHED + 1))
    with pytest.raises(SettingsError, match=f"must name at most {MAX_WATCHED} symbols, got 501"):
        load_settings(environ={"NEOTUI_SYMBOLS": many})
    ok = ",".join(f"S{i}" for i in range(MAX_WATCHED))
    assert len(load_settings(environ={"NEOTUI_SYMBOLS": ok}).market.symbols) == MAX_WATCHED
