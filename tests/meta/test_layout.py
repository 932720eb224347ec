"""How the tests are laid out: helpers that several test modules use live in support
modules (tests/support.py, tests/e2e/support/, tests/unit/support.py), fixtures in
conftest.py files. No module imports a test module or a conftest: a test module is
collected on its own, and pytest hands out a conftest's fixtures without an import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"


def _module_file(dotted: str) -> Path | None:
    """The file of a dotted module name inside the repository, if there is one."""
    base = REPO.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_test_module_or_conftest(path: Path) -> bool:
    return path.name.startswith("test_") or path.name == "conftest.py"


def forbidden_imports(path: Path, source: str) -> list[str]:
    """The test modules and conftests that `source` (the text of `path`) imports."""
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            imported.add(base)
            # `from package import module` imports a module too
            imported |= {f"{base}.{alias.name}" for alias in node.names}
    found = []
    for name in sorted(imported):
        target = _module_file(name)
        if target is not None and _is_test_module_or_conftest(target):
            found.append(name)
    return found


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    offenders = {
        str(path.relative_to(REPO)): names
        for path in sorted(TESTS.rglob("*.py"))
        if (names := forbidden_imports(path, path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "move what they share into a support module"


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        (
            "tests/e2e/test_x.py",
            "from tests.e2e.test_checkins import fire",
            ["tests.e2e.test_checkins"],
        ),
        ("tests/e2e/test_x.py", "from tests.e2e.conftest import clock", ["tests.e2e.conftest"]),
        (
            "tests/unit/test_x.py",
            "from tests.unit import test_checkin_service",
            ["tests.unit.test_checkin_service"],
        ),
        ("tests/unit/test_x.py", "import tests.unit.test_schedule", ["tests.unit.test_schedule"]),
        ("tests/e2e/test_x.py", "from .conftest import clock", ["tests.e2e.conftest"]),
        (
            "tests/e2e/support/x.py",
            "from ..test_matching import fire",
            ["tests.e2e.test_matching"],
        ),
        ("tests/e2e/test_x.py", "from tests.e2e.support.checkins import fire", []),
        ("tests/harness/test_x.py", "from .testbot import HarnessBot", []),
        ("tests/unit/test_x.py", "from tests.unit.support import GUILD", []),
    ],
)
def test_the_check_finds_imports_of_test_modules_and_conftests(
    where: str, source: str, expected: list[str]
) -> None:
    assert forbidden_imports(REPO / where, source) == expected
