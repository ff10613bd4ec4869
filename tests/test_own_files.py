"""neotui's own files under concurrent writers, crashes and damage (issue 22, cases 11 and 26)."""

from __future__ import annotations

import subprocess
import sys
import threading
import tomllib
from datetime import date
from pathlib import Path

import pytest

from neotui.data.alerts.engine import AlertStore, RuleFile
from neotui.data.alerts.rules import parse_alerts
from neotui.data.deals.capture import Draft, write_draft
from neotui.data.files import FileLocked, update_file, write_lock

WRITER = """
import sys
from datetime import date
from pathlib import Path
from neotui.data.deals.capture import Draft, write_draft
path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(count):
    draft = Draft(f"captured-{tag}-{i}", date(2026, 1, 2), "reported", "alpha", "Meta",
                  f"draft {i} of {tag}", f"https://example.com/{tag}/{i}")
    assert write_draft(path, draft)
"""


def _draft(i: int) -> Draft:
    return Draft(f"captured-t-{i}", date(2026, 1, 2), "reported", "alpha", "Meta", f"draft {i}",
                 f"https://example.com/{i}")  # fmt: skip


def _ids(path: Path) -> list[str]:
    return [d["id"] for d in tomllib.loads(path.read_text(encoding="utf-8"))["deal"]]


def test_case_11_two_processes_capturing_lose_nothing(tmp_path: Path) -> None:
    """Two writers, 150 drafts each: read-modify-write without a lock kept 353 of 600."""
    path = tmp_path / "captured.toml"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag, "150"])
        for tag in ("a", "b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    ids = _ids(path)
    assert len(ids) == 300 and len(set(ids)) == 300
    assert not list(tmp_path.glob(".captured.toml.*"))  # no temporary file left behind


def test_case_11_a_burst_of_captures_in_threads_loses_nothing(tmp_path: Path) -> None:
    """x pressed 30 times fast: one thread worker each (10 of 30 kept before the lock)."""
    path = tmp_path / "captured.toml"
    results: list[bool] = []
    threads = [threading.Thread(target=lambda i=i: results.append(write_draft(path, _draft(i))))
               for i in range(30)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [True] * 30
    assert sorted(_ids(path)) == sorted(f"captured-t-{i}" for i in range(30))


def test_case_11_stray_temporary_files_are_swept_by_the_next_writer(tmp_path: Path) -> None:
    path = tmp_path / "captured.toml"
    stray = tmp_path / ".captured.toml.k1ll3d"
    stray.write_text("half a table", encoding="utf-8")
    assert write_draft(path, _draft(1))
    assert not stray.exists() and _ids(path) == ["captured-t-1"]


def test_case_11_a_writer_waits_for_the_lock_then_says_why_it_gave_up(tmp_path: Path) -> None:
    path = tmp_path / "captured.toml"
    errors: list[str] = []

    def second_writer() -> None:
        try:
            with write_lock(path, timeout=0.2):
                errors.append("got the lock")
        except FileLocked as exc:
            errors.append(str(exc))

    with write_lock(path):
        other = threading.Thread(target=second_writer)
        other.start()
        other.join(timeout=5)
    assert len(errors) == 1 and "being written by another neotui" in errors[0]
    assert update_file(path, lambda old: "free again\n") and path.read_text() == "free again\n"


def test_case_11_alert_rules_and_state_are_written_under_the_same_lock(tmp_path: Path) -> None:
    rules = RuleFile(tmp_path / "alerts.toml")
    parsed = parse_alerts([{"symbol": "CRWV", "above": 200.0}, {"symbol": "NBIS", "below": 9.0}])
    threads = [threading.Thread(target=rules.append, args=(rule,)) for rule in parsed]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert {r.symbol for r in rules.load()} == {"CRWV", "NBIS"}
    store = AlertStore(tmp_path / "alerts-state.json")
    store.save({"rules": {}}, generation=1)
    assert store.warning is None and store.load() == {"rules": {}}


def test_case_26_a_captured_file_that_is_not_utf8_is_named_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "captured.toml"
    damaged = b'# drafts\n[[deal]]\nid = "caf\xe9"\n'
    path.write_bytes(damaged)
    with pytest.raises(ValueError, match=r"captured.toml is not UTF-8 text \(byte 0xe9 at offset"):
        write_draft(path, _draft(1))
    assert path.read_bytes() == damaged  # nothing lost
