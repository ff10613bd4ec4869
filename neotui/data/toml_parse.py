"""The one TOML reader for every file neotui reads: settings, deals, captured deals, alert
rules and the listed-companies map.

Both parsers recurse on nesting: toml-rs overflows its stack and kills the process (SIGSEGV)
on a value nested ~10,000 levels deep, tomllib raises RecursionError at ~1,000. So before any
parser sees a text, a linear scan measures how deep it nests — arrays, inline tables, dotted
keys and table headers, outside strings and comments — and refuses anything deeper than
:data:`MAX_NESTING` with the line and column where the limit is crossed.
"""

from __future__ import annotations

import re
from typing import Any

# Imported here, with this module, and never first inside a worker thread: toml-rs 0.4.3 crashes
# the process (SIGSEGV) on a later call when the thread that first imported it has exited —
# which is what a lazy import inside a parse run by asyncio.to_thread does.
try:
    import toml_rs
except ImportError:  # pragma: no cover - toml-rs is a dependency; tomllib is the safety net
    toml_rs = None  # type: ignore[assignment]
# tomllib, the fallback, is imported only where toml-rs is missing (in _parse): importing both
# parsers at launch cost ~5 ms of the first frame for one that is never called.

MAX_NESTING = 64
"""Deepest nesting accepted in a TOML file (no file neotui reads needs more than 4)."""


class TomlSyntaxError(ValueError):
    """The text is not valid TOML; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self.located())

    def located(self) -> str:
        """The message with its position, for errors printed on one line."""
        if self.line is None:
            return self.message
        return f"{self.message} (at line {self.line}, column {self.column})"


# Only these bytes can open or close a string, a comment or a nesting level.
_STRUCTURE = b"[]{}\"'#\n"
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in _STRUCTURE)
# Strings and comments of the skeleton, and anything else but brackets, removed in one pass of
# the regex engine. Each string pattern is an unrolled loop (a run of plain characters, then
# one quote at a time), so it cannot backtrack exponentially over an unterminated string.
_NOT_NESTING = re.compile(
    r'"""[^"]*(?:"(?!"")[^"]*)*"""(?:"{0,2})'
    r"|'''.*?'''(?:'{0,2})"
    r'|"[^"\n]*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"""|[^\[\]{}"'#]+""",
    re.DOTALL,
)
# Both kinds of bracket count alike; a stray quote or # (an unterminated string) is dropped.
_ONE_KIND = str.maketrans({"{": "[", "}": "]", '"': None, "'": None, "#": None})


def _skeleton(text: str) -> str:
    """The text reduced to the characters that shape it: brackets, quotes, ``#`` and newlines.

    Escapes go first, in pairs from the left as a parser reads them: ``\\\\`` then ``\\"``
    (an escaped quote never ends a string). A backslash means nothing else to the structure,
    and in a literal string or a comment these bytes are content either way. ``bytes``
    methods run in C: 2.6 MB of deals become 330 KB in about 7 ms.
    """
    raw = text.encode("utf-8", "surrogatepass")
    raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    return raw.translate(None, _NOT_STRUCTURE).decode("ascii")


# Characters that can change the nesting; everything else is skipped by the regex engine.
_SPECIAL = re.compile(r"[\"'#\[\]{}\n=,.]")
_HEADER = re.compile(r"[ \t]*(\[\[?)")
_BASIC_END = re.compile(r'(?:[^"\\\n]|\\.)*"')
# One character at a time, never a run inside the repeat: a run would backtrack exponentially
# over an unterminated string.
_MULTI_BASIC_END = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""(?:"{0,2})', re.DOTALL)


def _too_deep(text: str, pos: int) -> TomlSyntaxError:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return TomlSyntaxError(f"nested deeper than {MAX_NESTING} levels", line, column)


def _skip_string(text: str, pos: int) -> int:
    """The position after the string starting at ``pos`` (the end of the text if it never
    ends: the parser reports that)."""
    if text.startswith('"""', pos):
        m = _MULTI_BASIC_END.match(text, pos + 3)
        return m.end() if m else len(text)
    if text.startswith("'''", pos):
        end = text.find("'''", pos + 3)
        if end < 0:
            return len(text)
        end += 3
        for _ in range(2):  # up to two quotes before the closing three belong to the string
            if text.startswith("'", end):
                end += 1
        return end
    if text[pos] == '"':
        m = _BASIC_END.match(text, pos + 1)
        return m.end() if m else pos + 1
    end = text.find("'", pos + 1)
    newline = text.find("\n", pos + 1)
    if end < 0 or (0 <= newline < end):
        return pos + 1  # unterminated: the parser says so
    return end + 1


def _locate(text: str) -> None:
    """Find where a text nests deeper than :data:`MAX_NESTING` and raise there.

    Depth counts what the parsed data would have: a table header's parts, a dotted key's
    parts, and one level per array or inline table. A token at a time in Python, four times
    the parse of a large deals file, so it runs only once the fast checks found a problem.

    Raises:
        TomlSyntaxError: where the limit is crossed.
    """
    # Depth counts containers below the root table: ``a = [[]]`` is 2, ``[[deal]]`` is 2.
    # Each open array or inline table: its kind and the depth of what it holds.
    stack: list[tuple[str, int]] = []
    base = 0  # depth of the current [table]
    parts = 1  # parts of the key being read
    in_key = True  # reading a key (where dots nest), not a value (where they are decimals)
    header = 0  # inside a [table] (1) or [[table]] (2) header
    value = 0  # depth of the value being read
    pos = 0
    line_start = True
    size = len(text)
    while pos < size:
        if line_start and not stack:
            line_start = False
            in_key, parts = True, 1
            if m := _HEADER.match(text, pos):
                header = len(m.group(1))
                pos = m.end()
                continue
        m = _SPECIAL.search(text, pos)
        if m is None:
            return
        pos = m.start()
        char = text[pos]
        if char in "\"'":
            pos = _skip_string(text, pos)
            continue
        pos += 1
        if char == "#":
            newline = text.find("\n", pos)
            pos = size if newline < 0 else newline
        elif char == "\n":
            line_start = not stack
        elif char == "." and (in_key or header):
            parts += 1
        elif char == "=" and in_key and not header:
            in_key = False
            # x.y.z = ... makes tables x and y; the value is one deeper (if it is a container)
            value = (stack[-1][1] if stack else base) + parts
            if value - 1 > MAX_NESTING:
                raise _too_deep(text, pos - 1)
        elif char == "]" and header:
            base, header = parts + header - 1, 0
            if base > MAX_NESTING:
                raise _too_deep(text, pos - 1)
            pos += text.startswith("]", pos)
        elif char in "[{" and (not in_key or stack):
            if value > MAX_NESTING or len(stack) >= MAX_NESTING:
                raise _too_deep(text, pos - 1)
            stack.append((char, value + 1 if char == "[" else value))
            if char == "[":
                value += 1
            else:
                in_key, parts = True, 1
        elif char in "]}" and stack:
            stack.pop()
            if stack and stack[-1][0] == "[":
                value = stack[-1][1]
        elif char == "," and stack and stack[-1][0] == "{":
            in_key, parts = True, 1


def check_nesting(text: str) -> None:
    """Refuse a text whose arrays and inline tables nest deeper than :data:`MAX_NESTING`,
    before it reaches a parser.

    Done in the regex engine and ``str.replace``: strings, comments and everything but brackets
    are cut out in one pass, then innermost pairs removed a layer at a time — three passes
    over 40 KB of brackets for a 2.6 MB deals file (15 ms; its parse takes 30), at most
    :data:`MAX_NESTING` for a hostile one. Invalid TOML is not judged here.

    Raises:
        TomlSyntaxError: at the line and column where the limit is crossed.
    """
    if "[" not in text and "{" not in text:
        return
    brackets = _NOT_NESTING.sub("", _skeleton(text)).translate(_ONE_KIND)
    depth = 0
    while len(shorter := brackets.replace("[]", "")) < len(brackets):
        brackets, depth = shorter, depth + 1
        if depth > MAX_NESTING:
            break
    # What is left is closers then openers the text never closes, nested all the same.
    if depth + brackets.count("[") > MAX_NESTING:
        _locate(text)
        raise TomlSyntaxError(f"nested deeper than {MAX_NESTING} levels", None, None)


def _deeper_than_limit(data: dict[str, Any]) -> bool:
    """Whether parsed data nests deeper than :data:`MAX_NESTING` (dotted keys and table
    headers nest without brackets, and whatever reads the data may recurse on it).

    A level at a time, with list comprehensions: about 6 ms for 10,000 deals."""
    level: list[Any] = [data]
    for _ in range(MAX_NESTING + 1):  # the last round finds what sits one level too deep
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) in (dict, list)
        ]
        if not level:
            return False
    return True


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML with toml-rs (Rust, about 15x faster than tomllib on a large deals file),
    falling back to the standard library's tomllib where toml-rs is not installed.

    Raises:
        TomlSyntaxError: with the parser's message and position, or the nesting limit's.
    """
    check_nesting(text)
    data = _parse(text)
    if _deeper_than_limit(data):
        _locate(text)
        raise TomlSyntaxError(f"nested deeper than {MAX_NESTING} levels", None, None)
    return data


def _parse(text: str) -> dict[str, Any]:
    if toml_rs is not None:
        try:
            return toml_rs.loads(text)
        except toml_rs.TOMLDecodeError as exc:
            raw = str(exc)
            m = re.search(r"at line (\d+), column (\d+)", raw)
            message = raw.strip().splitlines()[-1] if raw.strip() else "invalid TOML"
            line, column = (int(m.group(1)), int(m.group(2))) if m else (None, None)
            raise TomlSyntaxError(message, line, column) from None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(m.group(1)), int(m.group(2))) if m else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise TomlSyntaxError(message, line, column) from None
