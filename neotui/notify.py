"""Alerts off the screen: terminal bell, desktop notification by escape sequence, a command.

All of it is off by default (``[alerts]`` in the settings). The app always shows a toast too.

Desktop notifications go through the terminal, so they work over ssh and need no D-Bus: OSC 777
(``ESC ] 777 ; notify ; title ; body BEL``: urxvt, foot, ghostty, WezTerm …) or OSC 9
(``ESC ] 9 ; text BEL``: iTerm2, WezTerm, ghostty …). A terminal ignores the one it does not
know, but one that knows both would show two notifications, so by default neotui picks one from
the environment and sends both only when it cannot tell (``alerts.desktop_escape``).

Under tmux each sequence is wrapped in tmux's passthrough (``ESC P tmux ; … ESC \\`` with
inner escapes doubled), which tmux 3.3+ forwards only with ``set -g allow-passthrough on``.

The texts come from deals files, feeds and rules: control characters are stripped so a title
can never end the sequence early or smuggle in another one, and ``;`` (OSC 777's separator) is
replaced in the title.

The command is run with ``asyncio.create_subprocess_exec`` — never a shell — with the title and
text as its last two arguments, under a time limit; its failure is reported once, not per alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import shlex
from collections.abc import Callable, Mapping

from neotui.data.alerts.rules import Alert
from neotui.data.clean import clean_text
from neotui.settings import AlertsSettings

ESC = "\x1b"
BEL = "\x07"
#: Long enough for a headline; short enough for any terminal's OSC buffer.
MAX_TITLE = 80
MAX_BODY = 240


def sanitize(text: str, limit: int) -> str:
    """One line of printable text, at most ``limit`` characters."""
    line = " ".join(clean_text(text).split())
    line = "".join(c for c in line if c.isprintable())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def tmux_wrap(sequence: str) -> str:
    """Wrap an escape sequence in tmux's DCS passthrough (inner ESCs doubled)."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"


#: Which escape each known terminal shows. A terminal that knows both (WezTerm, ghostty) would
#: show two notifications for one alert if sent both, so "auto" sends one where it can tell.
ESCAPES = ("auto", "both", "osc777", "osc9")


def detect_escape(environ: Mapping[str, str]) -> str:
    """The escape for the terminal in ``environ``: osc777, osc9, or both when unknown.

    Under tmux ``TERM_PROGRAM`` names tmux, but variables the outer terminal set when the tmux
    server started (``WEZTERM_PANE``, ``KITTY_WINDOW_ID`` …) are usually still there.
    """
    program = environ.get("TERM_PROGRAM", "")
    term = environ.get("TERM", "")
    if program == "WezTerm" or "WEZTERM_PANE" in environ:
        return "osc777"
    if program == "ghostty" or "GHOSTTY_RESOURCES_DIR" in environ:
        return "osc777"
    if term.startswith(("foot", "rxvt")):
        return "osc777"
    if program == "iTerm.app" or "ITERM_SESSION_ID" in environ:
        return "osc9"
    if "KITTY_WINDOW_ID" in environ or term == "xterm-kitty":
        return "osc9"
    return "both"


def desktop_sequences(title: str, body: str, *, tmux: bool = False, escape: str = "both") -> str:
    """OSC 777 and/or OSC 9 for a desktop notification, wrapped for tmux when asked."""
    t = sanitize(title, MAX_TITLE).replace(";", ",")
    b = sanitize(body, MAX_BODY)
    sequences = []
    if escape in ("both", "osc777"):
        sequences.append(f"{ESC}]777;notify;{t};{b}{BEL}")
    if escape in ("both", "osc9"):
        # OSC 9 has one text; ConEmu/Windows Terminal read "9;<digit>;" as a sub-command, so
        # the text starts with "neotui:" and never with a digit.
        sequences.append(f"{ESC}]9;neotui: {t}: {b}{BEL}")
    return "".join(tmux_wrap(s) if tmux else s for s in sequences)


class CommandFailed(Exception):
    """The alert command could not run, failed or timed out."""


async def run_command(argv: list[str], timeout: float) -> None:
    """Run ``argv`` (no shell), wait at most ``timeout`` seconds.

    Raises:
        CommandFailed: with a short reason (not found, exit status, stderr's last line, timeout).
    """
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise CommandFailed(f"cannot run {argv[0]!r}: {exc.strerror or exc}") from None
    try:
        _, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        raise CommandFailed(f"{argv[0]!r} stopped after {timeout:g} s") from None
    if proc.returncode:
        last = (err or b"").decode("utf-8", "replace").strip().splitlines()
        detail = f": {sanitize(last[-1], 120)}" if last else ""
        raise CommandFailed(f"{argv[0]!r} exited with status {proc.returncode}{detail}")


class Notifier:
    """Delivers alerts off the screen as the settings say.

    ``write`` puts text on the terminal (the app passes its driver's writer, so the sequence
    goes out in order with the frames); ``bell`` rings.
    """

    def __init__(
        self,
        settings: AlertsSettings,
        *,
        write: Callable[[str], None] | None = None,
        bell: Callable[[], None] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        import os

        self.settings = settings
        self.write = write
        self.bell = bell
        env = os.environ if environ is None else environ
        self.tmux = bool(env.get("TMUX"))
        chosen = settings.desktop_escape
        self.escape = detect_escape(env) if chosen == "auto" else chosen
        self.argv = shlex.split(settings.command) if settings.command.strip() else []
        self._failing = False

    def on_screen(self, alert: Alert) -> None:
        """Bell and desktop notification (immediate; call from the event loop)."""
        if self.settings.bell and self.bell is not None:
            self.bell()
        if self.settings.desktop and self.write is not None:
            text = desktop_sequences(alert.title, alert.message, tmux=self.tmux, escape=self.escape)
            self.write(text)

    async def command(self, alert: Alert) -> str | None:
        """Run the alert command; a failure message the first time it fails, else None.

        After a success the next failure is reported again.
        """
        if not self.argv:
            return None
        argv = [*self.argv, sanitize(alert.title, MAX_TITLE), sanitize(alert.message, MAX_BODY)]
        try:
            await run_command(argv, self.settings.command_timeout)
        except CommandFailed as exc:
            first, self._failing = not self._failing, True
            return f"Alert command failed: {exc}" if first else None
        self._failing = False
        return None
