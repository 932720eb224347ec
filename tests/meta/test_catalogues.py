"""Both languages' catalogues hold every message the code uses, with the same placeholders,
and no member-facing text in the Discord layer is left outside them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.i18n import catalogue

REPO = Path(__file__).resolve().parents[2]
CHECKED = (
    "cogs",
    "bot/ui",
    # the rest of the Discord layer: what it says to members and directors
    "bot/roles.py",
    "bot/dm.py",
    "bot/threads.py",
    "bot/checks.py",
    "bot/tree.py",
    "bot/members.py",
    "bot/director_log.py",
    "bot/translator.py",
)
_TRANSLATING = {"_", "n_", "N_", "Nn_"}
_NOT_SHOWN = {
    # discord.py's command declarations: their texts reach Discord through the translator,
    # and the test below checks each has a translation.
    "command",
    "describe",
    "choices",
    "Choice",
    "Group",
    "rename",
    # messages for the operator's log and for programming mistakes
    "debug",
    "info",
    "warning",
    "error",
    "exception",
    "RuntimeError",
    "TypeError",
    "ValueError",
    "AssertionError",
    "KeyError",
    "getLogger",
    "TypeVar",
    # identifiers and formats, never read as words
    "compile",
    "fullmatch",
    "match",
    "strftime",
    "strptime",
    "getattr",
    "setattr",
    "hasattr",
    "get",
}
_INVISIBLE_KEYWORDS = {"custom_id", "template", "name", "url", "filename", "format", "style"}
_WORDS = re.compile(r"[A-Za-z]{2,}[,;]?\s+\S*[A-Za-z]|^[A-Z][a-z]+$|[A-Za-z]{2,}[.!?…]")


def _docstrings(tree: ast.AST) -> set[int]:
    """Strings standing alone as statements: docstrings, also of module attributes."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def untranslated(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """Literal texts that read as words and are not passed through a catalogue call."""
    tree = ast.parse(source, filename=filename)
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called(node)
            if name in _TRANSLATING or name in _NOT_SHOWN:
                skip |= {id(n) for arg in node.args for n in ast.walk(arg)}
                skip |= {id(n) for kw in node.keywords for n in ast.walk(kw.value)}
            for kw in node.keywords:
                if kw.arg in _INVISIBLE_KEYWORDS:
                    skip |= {id(n) for n in ast.walk(kw.value)}
        elif isinstance(node, ast.Compare):
            skip |= {id(n) for part in [node.left, *node.comparators] for n in ast.walk(part)}
        elif isinstance(node, ast.Subscript):
            skip |= {id(n) for n in ast.walk(node.slice)}
        elif isinstance(node, ast.Dict):
            skip |= {id(n) for key in node.keys if key is not None for n in ast.walk(key)}
        elif isinstance(node, ast.AnnAssign | ast.arg):
            annotation = node.annotation
            if annotation is not None:
                skip |= {id(n) for n in ast.walk(annotation)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and _WORDS.search(node.value)
        ):
            found.append((node.lineno, node.value))
    return sorted(found)


def test_the_catalogues_match_the_code() -> None:
    problems = catalogue.problems()
    assert problems == [], "\n".join(problems[:40])


def test_every_command_text_has_a_chinese_translation() -> None:
    texts = catalogue.command_texts()
    assert "Your mentoring goals" in texts
    chinese = dict(catalogue.all_messages("zh-CN"))
    missing = [t for t in texts if not all(chinese.get((t, None), [""]))]
    assert missing == []


def _checked_files() -> list[Path]:
    return sorted(
        p
        for top in CHECKED
        for p in ([REPO / top] if top.endswith(".py") else (REPO / top).rglob("*.py"))
    )


def test_no_member_facing_text_is_left_outside_the_catalogues() -> None:
    left = []
    for path in _checked_files():
        rel = path.relative_to(REPO).as_posix()
        for line, text in untranslated(path.read_text(encoding="utf-8"), rel):
            left.append(f"{rel}:{line}: {text!r}")
    assert left == [], "wrap these in _() (see bot/i18n):\n" + "\n".join(left)


MEMBER_ERRORS = {
    "UserError",
    "DirectorOnly",
    "DuplicateSessionError",
    "SessionInputError",
    "AnswerError",
    "WallClockError",
    "MemberTextError",
    "CohortInputError",
}
"""Errors whose text a member reads: raised with `_()` (or a `Text` from `N_()`)."""


def untranslated_errors(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Call) and _called(node) in MEMBER_ERRORS and node.args:
            first = node.args[0]
            if isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            ):
                found.append((node.lineno, ast.unparse(first)[:80]))
    return found


def test_member_facing_errors_are_translated() -> None:
    left = []
    for path in sorted(p for top in ("bot", "cogs") for p in (REPO / top).rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for line, text in untranslated_errors(path.read_text(encoding="utf-8"), rel):
            left.append(f"{rel}:{line}: {text}")
    assert left == [], "raise these with _() (see bot/i18n):\n" + "\n".join(left)


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ('await send("Your goal was saved.")', True),
        ('title = f"Goals of {name}"', True),
        ('label = "Mentee"', True),
        ('await send(_("Your goal was saved."))', False),
        ('log.warning("Could not send a prompt to %s", user)', False),
        ('custom_id = "mentor:goal:add"', False),
        ('if role == "mentee": pass', False),
        ('"""A docstring reads as words."""', False),
        ('raise RuntimeError("a bug, worded for developers")', False),
        ('fmt = "%Y-%m-%d"', False),
        ('ids = f"{PREFIX}:page:{n}"', False),
        ('text = "🗓️ Saved. "', True),
    ],
)
def test_the_literal_check_finds_what_it_looks_for(source: str, flagged: bool) -> None:
    assert bool(untranslated(source)) is flagged
