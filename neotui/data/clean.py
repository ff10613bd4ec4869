"""Making strings from files and the network safe to show in a terminal.

A deal note or a company name is data: it must not carry escape sequences (which a terminal would
obey) or other control characters. Markup is a separate concern, handled by always rendering
through ``rich.text.Text``; this module only removes what no renderer should receive.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline included: our fields are one-line), DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# An ANSI escape sequence: drop the whole sequence, not just ESC, so "[31m" does not remain.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def clean_text(value: str) -> str:
    """Return ``value`` with escape sequences removed and other control characters replaced
    by spaces (so words separated by a newline or tab stay separated)."""
    if value.isprintable():
        return value
    return _CONTROL.sub(" ", _ANSI.sub("", value))
