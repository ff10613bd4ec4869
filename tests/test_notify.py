"""Off-screen delivery: the command runs with arguments and no shell; OSC sequences, plain and
wrapped for tmux; texts cannot break out of the sequence; failures reported once."""

from __future__ import annotations

import asyncio
import json
import shlex
import sys
from pathlib import Path

from neotui.data.alerts.rules import Alert, AlertKind
from neotui.notify import Notifier, desktop_sequences, tmux_wrap
from neotui.settings import AlertsSettings
from tests.helpers import FROZEN

ESC, BEL = "\x1b", "\x07"


def alert(title: str = "CRWV: above 120", message: str = "CRWV at 120.50, above 120.00") -> Alert:
    return Alert("CRWV above 120", AlertKind.ABOVE, "CRWV", title, message, FROZEN, 120.5)


RECORDER = """
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as fh:
    json.dump(sys.argv[2:], fh)
"""


def test_command_gets_title_and_text_as_literal_arguments(tmp_path: Path) -> None:
    script = tmp_path / "record.py"
    script.write_text(RECORDER, encoding="utf-8")
    out = tmp_path / "argv.json"
    victim = tmp_path / "victim"
    victim.mkdir()
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {shlex.quote(str(out))}"
    notifier = Notifier(AlertsSettings(command=command), environ={})
    hostile = alert(f"X; rm -rf {victim}", "$(touch pwned) `id` && echo | cat > ~/x")
    assert asyncio.run(notifier.command(hostile)) is None
    assert json.loads(out.read_text(encoding="utf-8")) == [
        f"X; rm -rf {victim}", "$(touch pwned) `id` && echo | cat > ~/x",
    ]  # fmt: skip
    assert victim.is_dir() and not (tmp_path / "pwned").exists()


def test_command_failure_is_reported_once_then_again_after_a_success(tmp_path: Path) -> None:
    flag = tmp_path / "fail"
    flag.touch()
    code = "import os,sys; sys.exit(3 if os.path.exists(sys.argv[1]) else 0)"
    argv = [sys.executable, "-c", code, str(flag)]
    notifier = Notifier(AlertsSettings(command=shlex.join(argv)), environ={})

    async def go() -> list[str | None]:
        results = [await notifier.command(alert()), await notifier.command(alert())]
        flag.unlink()
        results.append(await notifier.command(alert()))
        flag.touch()
        results.append(await notifier.command(alert()))
        return results

    first, second, ok, again = asyncio.run(go())
    assert first is not None and "exited with status 3" in first
    assert second is None and ok is None and again is not None


def test_missing_program_and_timeout_are_reported(tmp_path: Path) -> None:
    missing = Notifier(AlertsSettings(command=str(tmp_path / "nope")), environ={})
    assert "cannot run" in (asyncio.run(missing.command(alert())) or "")
    slow = shlex.join([sys.executable, "-c", "import time; time.sleep(30)"])
    hung = Notifier(AlertsSettings(command=slow, command_timeout=0.3), environ={})
    assert "stopped after 0.3 s" in (asyncio.run(hung.command(alert())) or "")


def test_no_command_configured_runs_nothing() -> None:
    assert asyncio.run(Notifier(AlertsSettings(), environ={}).command(alert())) is None


def test_osc_777_and_9_plain() -> None:
    seq = desktop_sequences("CRWV: above 120", "CRWV at 120.50")
    assert seq == (
        f"{ESC}]777;notify;CRWV: above 120;CRWV at 120.50{BEL}"
        f"{ESC}]9;neotui: CRWV: above 120: CRWV at 120.50{BEL}"
    )


def test_osc_wrapped_for_tmux_passthrough() -> None:
    seq = desktop_sequences("T", "B", tmux=True)
    assert seq == (
        f"{ESC}Ptmux;{ESC}{ESC}]777;notify;T;B{BEL}{ESC}\\"
        f"{ESC}Ptmux;{ESC}{ESC}]9;neotui: T: B{BEL}{ESC}\\"
    )
    assert tmux_wrap(f"{ESC}]9;x{BEL}") == f"{ESC}Ptmux;{ESC}{ESC}]9;x{BEL}{ESC}\\"


def test_one_escape_per_known_terminal_both_when_unknown() -> None:
    from neotui.notify import detect_escape

    assert detect_escape({"TERM_PROGRAM": "WezTerm"}) == "osc777"
    assert detect_escape({"TERM_PROGRAM": "tmux", "WEZTERM_PANE": "0"}) == "osc777"
    assert detect_escape({"TERM_PROGRAM": "ghostty"}) == "osc777"
    assert detect_escape({"TERM": "foot"}) == "osc777"
    assert detect_escape({"TERM": "rxvt-unicode-256color"}) == "osc777"
    assert detect_escape({"TERM_PROGRAM": "iTerm.app"}) == "osc9"
    assert detect_escape({"TERM": "xterm-kitty"}) == "osc9"
    assert detect_escape({"TERM": "xterm-256color"}) == "both"
    assert desktop_sequences("T", "B", escape="osc9") == f"{ESC}]9;neotui: T: B{BEL}"
    assert desktop_sequences("T", "B", escape="osc777") == f"{ESC}]777;notify;T;B{BEL}"
    sent: list[str] = []
    wez = Notifier(AlertsSettings(desktop=True), write=sent.append,
                   environ={"TERM_PROGRAM": "WezTerm"})  # fmt: skip
    wez.on_screen(alert())
    forced = Notifier(AlertsSettings(desktop=True, desktop_escape="both"), write=sent.append,
                      environ={"TERM_PROGRAM": "WezTerm"})  # fmt: skip
    forced.on_screen(alert())
    assert sent[0].count(ESC) == 1 and "]777;" in sent[0] and sent[1].count(ESC) == 2


def test_texts_cannot_break_out_of_the_sequence() -> None:
    seq = desktop_sequences(f"a;b{BEL}{ESC}]0;owned{BEL}\n", f"x{ESC}\\y\x9d" + "z" * 500)
    # Exactly the two sequences' own escapes and terminators, nothing injected.
    assert seq.count(ESC) == 2 and seq.count(BEL) == 2 and "\x9d" not in seq and "\n" not in seq
    assert ";notify;a,b" in seq  # OSC 777's separator replaced in the title
    assert len(seq) < 700


def test_bell_and_desktop_only_when_enabled() -> None:
    written: list[str] = []
    rings: list[int] = []
    tmux = {"TMUX": "/tmp/tmux-0/default,1,0"}
    off = Notifier(
        AlertsSettings(), write=written.append, bell=lambda: rings.append(1), environ=tmux
    )
    off.on_screen(alert())
    assert written == [] and rings == []
    on_settings = AlertsSettings(bell=True, desktop=True, desktop_escape="both")
    on = Notifier(on_settings, write=written.append, bell=lambda: rings.append(1), environ=tmux)
    on.on_screen(alert())
    assert rings == [1] and len(written) == 1 and written[0].startswith(f"{ESC}Ptmux;")
