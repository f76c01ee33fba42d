"""sleeve.learn stays pure: it imports only core (and numpy, pydantic, the stdlib)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LEARN = Path(__file__).resolve().parents[2] / "sleeve" / "learn"
ALLOWED = {"numpy", "pydantic", "sleeve.core", "sleeve.learn"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_learn_imports_only_core_numpy_and_the_stdlib() -> None:
    for path in LEARN.glob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or name == "__future__":
                continue
            assert any(name == a or name.startswith(a + ".") for a in ALLOWED), (path, name)
