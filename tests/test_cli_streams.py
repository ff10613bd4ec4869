"""Output that nobody reads (issue 22, case 23): a reader that goes away ends the command
quietly with a shell's broken-pipe status; a closed standard output is said, not ignored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PROVIDER, deal_toml, write


@pytest.fixture(scope="module")
def big_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough that its CSV cannot sit in a pipe's buffer."""
    deals = "".join(deal_toml(id=f'"d{i}"') for i in range(3000))
    return write(tmp_path_factory.mktemp("book") / "deals.toml", PROVIDER + deals)


def test_case_23_head_closing_the_pipe_is_quiet_and_exits_141(big_book: Path) -> None:
    """``neotui deals --format csv | head -1`` exited 1, the deals-problem status."""
    command = [sys.executable, "-m", "neotui", "--no-bundled-deals", "--deals", str(big_book),
               "deals", "--format", "csv"]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().startswith(b"id,")
        proc.stdout.close()
        err = proc.stderr.read()
        assert proc.wait(timeout=60) == 141
    assert err == b""  # no traceback, no "Exception ignored"


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_case_23_a_closed_stdout_is_an_error_not_silence(output: str) -> None:
    """Tables exited 0 having printed nothing; CSV and JSON printed a traceback."""
    result = subprocess.run(
        f"{sys.executable} -m neotui deals --format {output} >&-",
        shell=True, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 74
    assert result.stderr.strip() == "neotui: standard output is closed: nothing to print to"
