"""Every rule of DESIGN.md's "Layout and import rules", checked by reading the source with ast.

What each rule checks, as far as reading the source can tell:
- protocol is stdlib only: every import is of the standard library or of protocol itself.
- server and app never import each other; app/core imports no Qt; app/ui imports the view-models
  and models, never app.core (nor the server).
- Only server/store writes SQL: outside it, no module imports a SQLite driver, calls
  execute/executemany/executescript, or holds a string that reads as an SQL statement.
- app/ui does no network or disk I/O: it imports no network, database, file or process module
  (aiohttp, socket, ssl, sqlite3, os, pathlib, shutil, subprocess, QtNetwork ...), calls no
  `open()` and no pathlib read/write method, and opens QFile only read-only on a Qt search path
  (the bundled icons, "icons:name.svg"), never a writable QFile, QSaveFile or QSettings.
- No module-level mutable state, no singletons: a module-level list/dict/set is allowed only as
  an UPPER_CASE lookup table that nothing in the module changes (no item assignment, no
  append/update/...); a module-level call only of a factory known to give a constant (loggers,
  AppKeys, frozensets, compiled patterns, the project's frozen dataclasses, Qt value types, ...);
  and no function rebinds module state with `global`. Mutation from another module, or of a
  class attribute, is beyond what this test reads: reviews catch those.
Files that break a rule on purpose are listed in ALLOWED with the reason, to be removed.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("protocol", "server", "app")
QT_MODULES = ("PySide6", "shiboken6", "qasync", "PyQt5", "PyQt6", "PySide2")
SQLITE_DRIVERS = ("sqlcipher3", "sqlite3", "pysqlcipher3")
SQL_CALLS = frozenset({"execute", "executemany", "executescript"})
# A string that reads as an SQL statement (upper-case keywords, as the store writes them).
SQL_TEXT = re.compile(
    r"\s*(SELECT\b.*\bFROM\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|REPLACE\s+INTO\b|UPDATE\s+\w+\s+SET\b"
    r"|DELETE\s+FROM\b|(CREATE|DROP)\s+(TABLE|INDEX|VIEW|TRIGGER)\b|ALTER\s+TABLE\b|PRAGMA\s+\w+"
    r"|(BEGIN|COMMIT|ROLLBACK|VACUUM)\b(\s+\w+)?\s*$)",
    re.DOTALL,
)
UI_IO_MODULES = (
    "aiohttp",
    "asyncio.subprocess",
    "ftplib",
    "glob",
    "http",
    "io",
    "os",
    "pathlib",
    "requests",
    "shutil",
    "smtplib",
    "socket",
    "sqlite3",
    "ssl",
    "subprocess",
    "tempfile",
    "urllib",
    "websockets",
    "PySide6.QtNetwork",
    "PySide6.QtWebSockets",
    "PySide6.QtSql",
    *SQLITE_DRIVERS,
)
UI_IO_CALLS = frozenset(
    {
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "unlink",
        "mkdir",
        "rmdir",
        "touch",
        "rename",
        "iterdir",
        "rglob",
        "chmod",
        "QSaveFile",
        "QTemporaryFile",
        "QSettings",
        "QNetworkAccessManager",
    }
)
UI_WRITE_MODES = frozenset({"WriteOnly", "ReadWrite", "Append", "Truncate", "NewOnly"})
# Qt search paths the ui may read bundled, read-only resources from.
UI_RESOURCE_PREFIXES = ("icons:", ":/")
# Module-level calls that give a constant (or a registry filled once at import, RouteTableDef).
CONSTANT_FACTORIES = frozenset(
    {
        "logging.getLogger",
        "getLogger",
        "web.AppKey",
        "web.RequestKey",
        "web.RouteTableDef",
        "frozenset",
        "tuple",
        "MappingProxyType",
        "types.MappingProxyType",
        "re.compile",
        "struct.Struct",
        "fractions.Fraction",
        "Fraction",
        "TypeVar",
        "ParamSpec",
        "NewType",
        "get_args",
        "Path",
        "QColor",
        "QSize",
        # Project objects that hold no changing state (frozen dataclasses are found by reading):
        "Codec",  # a message-type table, fixed when built
        "Failed",  # a sentinel with no attributes
    }
)
# Methods that give a str, bytes or Path, whatever they are called on.
CONSTANT_METHODS = frozenset({"decode", "encode", "hexdigest", "with_name", "with_suffix"})
MUTATORS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "popitem",
        "clear",
        "update",
        "setdefault",
        "add",
        "discard",
        "sort",
        "reverse",
        "appendleft",
        "__setitem__",
    }
)
CONTAINERS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
_CONSTANT_NAME = re.compile(r"_*[A-Z][A-Z0-9_]*|__all__")

# Files that break a rule today, each with why; the lead removes an entry once its file is fixed.
ALLOWED: dict[str, frozenset[str]] = {}


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


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports_of(path: Path) -> set[str]:
    """imports_in() for a file of the project."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return imports_in(path.read_text(encoding="utf-8"), ".".join(parts), is_package=is_package)


def _within(name: str, roots: tuple[str, ...]) -> bool:
    return any(name == root or name.startswith(f"{root}.") for root in roots)


def _allowed(rule: str, path: Path) -> bool:
    return _relative(path) in ALLOWED.get(rule, frozenset())


def violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    """ "file: module" for every import of a forbidden module by a file under folder."""
    return [
        f"{_relative(path)}: {name}"
        for path in _python_files(folder)
        for name in sorted(imports_of(path))
        if _within(name, forbidden)
    ]


def _call_name(node: ast.Call) -> str:
    """`f`, `mod.f` or `obj.method` as written, for the called expression."""
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value
        prefix = f"{owner.id}." if isinstance(owner, ast.Name) else "?."
        return prefix + func.attr
    return ""


def _method(node: ast.Call) -> str:
    return node.func.attr if isinstance(node.func, ast.Attribute) else ""


def sql_violations(tree: ast.Module) -> list[str]:
    """SQL work in a module: driver imports, execute* calls, statement-shaped strings."""
    found = [
        f"{node.lineno}: imports {name}"
        for node in ast.walk(tree)
        for name in _imported_names(node)
        if _within(name, SQLITE_DRIVERS)
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _method(node) in SQL_CALLS:
            found.append(f"{node.lineno}: calls {_method(node)}()")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL_TEXT.match(node.value)
        ):
            found.append(f"{node.lineno}: SQL text {node.value[:40]!r}")
    return found


def _imported_names(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def ui_io_violations(tree: ast.Module) -> list[str]:
    """Network or disk I/O in a ui module: I/O modules, open(), file calls, writable QFiles."""
    found = [
        f"{node.lineno}: imports {name}"
        for node in ast.walk(tree)
        for name in _imported_names(node)
        if _within(name, UI_IO_MODULES)
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            short = name.rsplit(".", 1)[-1]
            if name == "open" or short in UI_IO_CALLS:
                found.append(f"{node.lineno}: calls {name}()")
            elif short == "QFile" and not _reads_a_resource(node):
                found.append(f"{node.lineno}: QFile outside the resource search paths")
        elif isinstance(node, ast.Attribute) and node.attr in UI_WRITE_MODES:
            found.append(f"{node.lineno}: opens for writing ({node.attr})")
    return found


def _reads_a_resource(node: ast.Call) -> bool:
    first = node.args[0] if node.args else None
    if isinstance(first, ast.JoinedStr) and first.values:
        first = first.values[0]
    return (
        isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and first.value.startswith(UI_RESOURCE_PREFIXES)
    )


def _module_level_assignments(tree: ast.Module) -> Iterator[tuple[ast.stmt, list[str], ast.expr]]:
    """(statement, target names, value) for assignments at module level (also in if/try)."""
    statements: list[ast.stmt] = list(tree.body)
    while statements:
        node = statements.pop(0)
        if isinstance(node, ast.If | ast.Try):
            statements[:0] = [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
            for handler in getattr(node, "handlers", []):
                statements[:0] = handler.body
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            yield node, names, node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            yield node, [node.target.id], node.value


def _mutated_names(tree: ast.Module) -> set[str]:
    """Names whose object is changed in place somewhere in the module."""
    names: set[str] = set()
    for node in ast.walk(tree):
        target: ast.expr | None = None
        if isinstance(node, ast.Call) and _method(node) in MUTATORS:
            assert isinstance(node.func, ast.Attribute)
            target = node.func.value
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            items = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for item in items:
                if isinstance(item, ast.Subscript | ast.Attribute):
                    target = item.value
                    if isinstance(target, ast.Name):
                        names.add(target.id)
            continue
        if isinstance(target, ast.Name):
            names.add(target.id)
    return names


@cache
def _frozen_dataclasses() -> frozenset[str]:
    """Names of the project's classes declared @dataclass(frozen=True)."""
    return frozenset(
        node.name
        for package in PACKAGES
        for path in _python_files(package)
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.ClassDef) and any(map(_is_frozen_dataclass, node.decorator_list))
    )


def _is_frozen_dataclass(decorator: ast.expr) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and _call_name(decorator) in ("dataclass", "dataclasses.dataclass")
        and any(
            k.arg == "frozen" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in decorator.keywords
        )
    )


def _gives_a_constant(node: ast.Call) -> bool:
    name = _call_name(node)
    return (
        name in CONSTANT_FACTORIES
        or name in _frozen_dataclasses()
        or _method(node) in CONSTANT_METHODS
    )


def state_violations(tree: ast.Module) -> list[str]:
    """Module-level mutable state: changed containers, non-constant calls, `global` rebinding."""
    mutated = _mutated_names(tree)
    found: list[str] = []
    for node, names, value in _module_level_assignments(tree):
        for name in names:
            if isinstance(value, CONTAINERS):
                if not _CONSTANT_NAME.fullmatch(name):
                    found.append(f"{node.lineno}: {name} is a mutable container")
                elif name in mutated:
                    found.append(f"{node.lineno}: {name} is changed in place")
            elif isinstance(value, ast.Call) and not _gives_a_constant(value):
                found.append(f"{node.lineno}: {name} = {_call_name(value) or 'a call'}(...)")
    found += [
        f"{node.lineno}: global {', '.join(node.names)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Global)
    ]
    return found


def _file_violations(folders: tuple[str, ...], rule: str, check: object) -> list[str]:
    assert callable(check)
    return [
        f"{_relative(path)}:{problem}"
        for folder in folders
        for path in _python_files(folder)
        if not _allowed(rule, path)
        for problem in check(_tree(path))
    ]


def test_every_package_is_checked() -> None:
    for package in PACKAGES:
        assert any(_python_files(package)), f"no Python files found under {package}/"


def test_protocol_imports_nothing_of_the_project() -> None:
    assert violations("protocol", ("server", "app")) == []


def test_protocol_uses_the_standard_library_only() -> None:
    outside = [
        f"{_relative(path)}: {name}"
        for path in _python_files("protocol")
        for name in sorted(imports_of(path))
        if name.split(".")[0] not in (*sys.stdlib_module_names, "__future__", "protocol")
    ]
    assert outside == []


def test_server_never_imports_the_app() -> None:
    assert violations("server", ("app",)) == []


def test_app_never_imports_the_server() -> None:
    # The app runs the server only as a child process, by module name.
    assert violations("app", ("server",)) == []


def test_app_core_has_no_qt() -> None:
    assert violations("app/core", QT_MODULES) == []


def test_ui_goes_through_viewmodels_not_core() -> None:
    assert violations("app/ui", ("app.core",)) == []


def test_ui_imports_only_viewmodels_models_and_itself_of_the_project() -> None:
    project = [
        f"{_relative(path)}: {name}"
        for path in _python_files("app/ui")
        for name in sorted(imports_of(path))
        if _within(name, ("app", "protocol", "server"))
        and not _within(name, ("app.ui", "app.viewmodels", "app.models"))
    ]
    assert project == []


def test_only_the_store_writes_sql() -> None:
    outside = [
        problem
        for problem in _file_violations(PACKAGES, "sql", sql_violations)
        if not problem.startswith("server/store/")
    ]
    assert outside == []


def test_ui_does_no_network_or_disk_io() -> None:
    assert _file_violations(("app/ui",), "ui_io", ui_io_violations) == []


def test_no_module_level_mutable_state() -> None:
    assert _file_violations(PACKAGES, "state", state_violations) == []


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


@pytest.mark.parametrize(
    "source",
    [
        "import sqlcipher3",
        "def f(conn):\n    conn.execute('x')",
        "db.run(lambda c: c.executemany(q, rows))",
        "QUERY = 'SELECT id FROM users WHERE id = ?'",
        "def f():\n    return f'DELETE FROM {table} WHERE id = ?'",
        "STEP = 'INSERT OR IGNORE INTO t (a) VALUES (?)'",
        "x = 'PRAGMA secure_delete = ON'",
    ],
)
def test_the_sql_reader_sees_sql(source: str) -> None:
    assert sql_violations(ast.parse(source))


@pytest.mark.parametrize(
    "source",
    ["label = 'Select a camera'", "x = 'Delete from my address book'", "pool.submit(work)"],
)
def test_the_sql_reader_leaves_plain_text_alone(source: str) -> None:
    assert sql_violations(ast.parse(source)) == []


@pytest.mark.parametrize(
    "source",
    [
        "import aiohttp",
        "from pathlib import Path",
        "import os.path",
        "from PySide6.QtNetwork import QTcpSocket",
        "def f(p):\n    return open(p).read()",
        "def f(p):\n    p.write_text('x')",
        "f = QFile(path)",
        "f.open(QIODevice.OpenModeFlag.WriteOnly)",
        "s = QSettings()",
    ],
)
def test_the_ui_io_reader_sees_io(source: str) -> None:
    assert ui_io_violations(ast.parse(source))


def test_the_ui_may_read_bundled_icons() -> None:
    source = "f = QFile(f'icons:{name}.svg')\nf.open(QIODevice.OpenModeFlag.ReadOnly)"
    assert ui_io_violations(ast.parse(source)) == []


@pytest.mark.parametrize(
    "source",
    [
        "cache = {}",
        "_seen = []",
        "REGISTRY = {}\ndef add(k, v):\n    REGISTRY[k] = v",
        "NAMES = []\ndef add(n):\n    NAMES.append(n)",
        "client = ApiClient('http://x')",
        "lock = asyncio.Lock()",
        "if True:\n    pending = set()",
        "def f():\n    global count\n    count = 1",
    ],
)
def test_the_state_reader_sees_state(source: str) -> None:
    assert state_violations(ast.parse(source))


@pytest.mark.parametrize(
    "source",
    [
        "LABELS = {'a': 'A'}",
        "__all__ = ['x']",
        "log = logging.getLogger(__name__)",
        "ROLES = frozenset({'admin'})",
        "KEY = web.AppKey('k', int)",
        "T = TypeVar('T')",
        "LIMIT = 5 * 1024",
        "def f():\n    seen = []\n    seen.append(1)",
    ],
)
def test_the_state_reader_leaves_constants_alone(source: str) -> None:
    assert state_violations(ast.parse(source)) == []
