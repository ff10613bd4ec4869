"""The README's two commands are the contract with a first-time user; CI must run the second."""

from __future__ import annotations

import ast
import io
import re
import tokenize

from tests.conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick)


def test_quick_start_has_exactly_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    launch, test = commands
    assert "pip install ." in launch and "neotui" in launch
    assert "pip install -e '.[test]'" in test and "pytest" in test


def test_ci_runs_the_readme_test_command_exactly() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in ci
    lines = [line.strip() for line in ci.splitlines()]
    assert readme_commands()[1] in lines


def test_ci_checks_lint_format_and_types_before_the_tests() -> None:
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    checks = ["ruff check neotui tests bench", "ruff format --check neotui tests bench", "mypy"]
    assert all(check in lines for check in checks)
    assert max(lines.index(c) for c in checks) < lines.index(readme_commands()[1])


#: A run of this many words seen twice in the README is taken for merge damage (a paragraph
#: pasted twice, a bullet half-repeated), not for style: 12 words rarely repeat by chance.
REPEAT_WORDS = 12


def repeated_runs(text: str, size: int = REPEAT_WORDS) -> list[str]:
    """Every run of ``size`` words found twice in ``text`` (case, punctuation and line breaks
    ignored), overlapping runs of one repetition merged into the longest stretch."""
    words = re.findall(r"[\w'’.-]+", text.lower())
    words = [w.strip(".-'’") for w in words]
    words = [w for w in words if w]
    first: dict[tuple[str, ...], int] = {}
    repeats: list[tuple[int, int]] = []  # (start of the second copy, end)
    for start in range(len(words) - size + 1):
        run = tuple(words[start : start + size])
        if run in first and start >= first[run] + size:
            if repeats and start <= repeats[-1][1]:
                repeats[-1] = (repeats[-1][0], start + size)
            else:
                repeats.append((start, start + size))
        first.setdefault(run, start)
    return [" ".join(words[a:b]) for a, b in repeats]


def test_no_run_of_words_appears_twice_in_the_readme() -> None:
    runs = repeated_runs((REPO / "README.md").read_text(encoding="utf-8"))
    assert not runs, "README.md repeats itself (merge damage?):\n" + "\n".join(
        f"  “{run}”" for run in runs
    )


def test_repeated_runs_finds_a_pasted_sentence_across_lines() -> None:
    sentence = "the latest backlog and debt with their dates, to read contracted value against debt"
    wrapped = sentence.replace(" ", "\n  ", 3)  # the copy broken over lines
    damaged = f"- Capacity: {sentence}.\n- Alerts: `a` adds one. {wrapped}."
    (run,) = repeated_runs(damaged)
    assert run.endswith("to read contracted value against debt")
    assert repeated_runs(f"- Capacity: {sentence}.") == []


#: Paths that leave the repository: the workspace the code was written in (``/work/...``), its
#: ``shared/`` folder, or any climb out with ``../``. A reader of a clone has none of them.
OUTSIDE_PATH = re.compile(r"(?<![\w/.-])(?:/work/|\.\./|shared/)[\w./-]*")


def outside_paths(source: str) -> list[tuple[int, str]]:
    """(line, path) for every path outside the repository named in a comment or docstring."""
    found: list[tuple[int, str]] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = node.body[0] if node.body else None
            if (isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
                    and isinstance(doc.value.value, str)):  # fmt: skip
                text = doc.value.value
                found += [(doc.lineno + text.count("\n", 0, m.start()), m.group())
                          for m in OUTSIDE_PATH.finditer(text)]  # fmt: skip
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found += [(token.start[0], m.group()) for m in OUTSIDE_PATH.finditer(token.string)]
    return found


def test_no_docstring_or_comment_names_a_path_outside_the_repository() -> None:
    bad = [
        f"{path.relative_to(REPO)}:{line}: {name}"
        for path in sorted((REPO / "neotui").rglob("*.py"))
        for line, name in outside_paths(path.read_text(encoding="utf-8"))
    ]
    assert not bad, "paths outside the repository (point at tests/fixtures/ instead):\n" + (
        "\n".join(bad)
    )


def test_outside_paths_finds_docstrings_and_comments_only() -> None:
    source = (
        '"""Traps\n(see ``shared/yahoo-fixtures/SOURCES.md``)."""\n'
        "def f():\n"
        '    """Read ``tests/fixtures/yahoo/SOURCES.md``."""\n'
        "    return '../data'  # as in /work/shared/notes.md\n"
    )
    assert outside_paths(source) == [
        (2, "shared/yahoo-fixtures/SOURCES.md"),
        (5, "/work/shared/notes.md"),
    ]
