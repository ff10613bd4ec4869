"""What a ticker symbol is: one rule for the deals files, the settings, the alert rules and the
URLs built from symbols.

Yahoo's symbols are upper-case letters and digits with a few separators: ``BRK-B`` (class
shares), ``0700.HK`` (exchange suffix), ``^GSPC`` (index), ``EURUSD=X`` and ``CL=F`` (currency
and futures). Anything else — a slash, a space, ``..``, a control character — is not a symbol:
it cannot name a quote, and in a URL it would change the path (``/v8/finance/chart/..`` is
``/v8/finance/``). Files neotui writes (captured deals, alert rules) pass the same rule as the
files it reads, so a file it wrote is always one it can read.
"""

from __future__ import annotations

import re
from urllib.parse import quote

#: The longest symbol accepted (Yahoo's longest listed symbols are ~12 characters).
MAX_LENGTH = 20
#: The most symbols one watchlist may hold: each costs requests on every refresh and every
#: headline cycle, and the screen cannot show more.
MAX_WATCHED = 500

_SYMBOL = re.compile(r"\^?[A-Z0-9](?:[A-Z0-9]|[.\-=](?=[A-Z0-9]))*")


def symbol_problem(value: object) -> str | None:
    """Why ``value`` (already upper-cased by the caller, or not) is not a ticker symbol; None
    when it is one."""
    if not isinstance(value, str):
        return f"expected a ticker symbol, got {type(value).__name__}"
    text = value.strip().upper()
    if not text:
        return "expected a ticker symbol, got an empty string"
    if len(text) > MAX_LENGTH:
        return f"not a ticker symbol (over {MAX_LENGTH} characters): {value!r}"
    if not _SYMBOL.fullmatch(text):
        return (
            f"not a ticker symbol: {value!r} (letters, digits and . - = ^ between them, "
            "like BRK-B, 0700.HK, ^GSPC)"
        )
    return None


def normalize_symbol(value: str) -> str:
    """A symbol as neotui keys it: stripped, upper case.

    Raises:
        ValueError: with :func:`symbol_problem`'s reason when it is not a symbol.
    """
    problem = symbol_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value.strip().upper()


def url_symbol(symbol: str) -> str:
    """A symbol as one URL path segment or query value: checked, then percent-quoted (``^GSPC``
    is ``%5EGSPC``), never able to add a path segment.

    Raises:
        ValueError: when it is not a symbol (a bug upstream: symbols are checked on input).
    """
    return quote(normalize_symbol(symbol), safe="")
