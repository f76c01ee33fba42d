"""``sleeve/core`` and ``sleeve/render`` are pure: configuration comes in as arguments. No module
there reads settings or the environment, or imports a layer that does (DESIGN.md's layout)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sleeve"
# What each pure layer may import from the package: itself, the layers under it, and the
# version leaf (it imports nothing).
ALLOWED = {
    "core": ("sleeve.core", "sleeve.version"),
    "render": ("sleeve.core", "sleeve.render", "sleeve.version"),
}
ENVIRONMENT_NAMES = {"environ", "getenv", "environb", "getenvb", "putenv", "unsetenv",
                     "get_settings"}


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _imported(tree: ast.Module, path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``tree``, relative ones resolved."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            # ``from sleeve import config`` imports the module sleeve.config.
            names = [f"{base}.{a.name}" for a in node.names] if base == "sleeve" else [base]
            for name in names:
                yield node.lineno, name


def _violations(layer: str) -> list[str]:
    found: list[str] = []
    for path in _modules(layer):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        where = path.relative_to(PACKAGE.parent)
        for line, name in _imported(tree, path):
            if name.startswith("sleeve") and not name.startswith(ALLOWED[layer]):
                found.append(f"{where}:{line} imports {name}")
        for node in ast.walk(tree):
            named = (node.attr if isinstance(node, ast.Attribute)
                     else node.id if isinstance(node, ast.Name)
                     else None)
            if named in ENVIRONMENT_NAMES:
                found.append(f"{where}:{node.lineno} uses {named}")
            if isinstance(node, ast.ImportFrom):
                found.extend(f"{where}:{node.lineno} imports {a.name}" for a in node.names
                             if a.name in ENVIRONMENT_NAMES)
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_pure_layers_read_no_settings_and_no_environment(layer: str) -> None:
    assert _modules(layer), f"no modules found under sleeve/{layer}"
    assert _violations(layer) == []


def test_the_check_sees_what_it_forbids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A module written the way render/fonts.py used to be is caught, whatever the import form.
    fake = tmp_path / "sleeve"
    (fake / "render").mkdir(parents=True)
    (fake / "render" / "bad.py").write_text(
        "import os\nfrom sleeve.config import get_settings\nfrom .. import config\n"
        "from sleeve import pipeline\nfrom os import environ\n"
        "FONT_DIR = os.environ.get('SLEEVE_FONT_DIR') or os.getenv('X')\n"
        "from sleeve.core.plan import CoverPlan\n", "utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", fake)
    found = {f.split(":", 1)[1] for f in _violations("render")}
    assert found == {
        "2 imports sleeve.config", "2 imports get_settings", "3 imports sleeve.config",
        "4 imports sleeve.pipeline", "5 imports environ", "6 uses environ", "6 uses getenv",
    }
