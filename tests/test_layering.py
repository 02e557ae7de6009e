"""The import rules of DESIGN.md, checked by reading every module's imports with ast."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("protocol", "server", "app")
QT_MODULES = ("PySide6", "shiboken6", "qasync", "PyQt5", "PyQt6", "PySide2")


def imports_in(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute names of every module imported anywhere in the source (also inside functions)."""
    # `from a import b` yields both "a" and "a.b", since b may be a submodule.
    package = module.split(".") if is_package else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, node.module] if node.module else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _dynamic_import_target(node):
            names.add(_dynamic_import_target(node))
    return names


def _dynamic_import_target(node: ast.Call) -> str:
    """The module named by __import__("x") / importlib.import_module("x"), else ""."""
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if name not in ("__import__", "import_module") or not node.args:
        return ""
    argument = node.args[0]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    return ""


def _python_files(folder: str) -> Iterator[Path]:
    yield from sorted((ROOT / folder).rglob("*.py"))


def imports_of(path: Path) -> set[str]:
    """imports_in() for a file of the project."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return imports_in(path.read_text(encoding="utf-8"), ".".join(parts), is_package=is_package)


def _within(name: str, roots: tuple[str, ...]) -> bool:
    return any(name == root or name.startswith(f"{root}.") for root in roots)


def violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    """ "file: module" for every import of a forbidden module by a file under folder."""
    return [
        f"{path.relative_to(ROOT)}: {name}"
        for path in _python_files(folder)
        for name in sorted(imports_of(path))
        if _within(name, forbidden)
    ]


def test_every_package_is_checked() -> None:
    for package in PACKAGES:
        assert any(_python_files(package)), f"no Python files found under {package}/"


def test_protocol_imports_nothing_of_the_project() -> None:
    assert violations("protocol", ("server", "app")) == []


def test_server_never_imports_the_app() -> None:
    assert violations("server", ("app",)) == []


def test_app_never_imports_the_server() -> None:
    # The app runs the server only as a child process, by module name.
    assert violations("app", ("server",)) == []


def test_app_core_has_no_qt() -> None:
    assert violations("app/core", QT_MODULES) == []


def test_ui_goes_through_viewmodels_not_core() -> None:
    assert violations("app/ui", ("app.core",)) == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import server.app", "app.x", "server.app"),
        ("from app.core import api_client", "app.ui.x", "app.core.api_client"),
        ("def f():\n    import PySide6.QtCore", "app.core.x", "PySide6.QtCore"),
        ("__import__('server')", "app.x", "server"),
        ("importlib.import_module('server.cli')", "app.x", "server.cli"),
        ("from ..core import api_client", "app.ui.x", "app.core.api_client"),
        ("from . import widgets", "app.ui.x", "app.ui.widgets"),
    ],
)
def test_the_import_reader_sees_every_form(source: str, module: str, expected: str) -> None:
    assert expected in imports_in(source, module)


def test_relative_imports_in_a_package_init_start_at_the_package() -> None:
    assert "app.core.paths" in imports_in("from .paths import x", "app.core", is_package=True)


def test_a_forbidden_import_is_reported() -> None:
    assert _within("app.core.api_client", ("app.core",))
    assert not _within("application", ("app",))
