"""The engine is pure: standard library, NumPy and itself only, no I/O, no Django, no upper layers.

Each module of parindex/engine/ is parsed (not imported) and every import is resolved;
the checker itself is tested on crafted sources so that a regression cannot slip past a
checker that silently accepts everything.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import parindex.engine

ENGINE = "parindex.engine"
ENGINE_DIR = Path(parindex.engine.__file__).parent

# Standard-library modules that do I/O or import code at run time; the engine needs none.
FORBIDDEN_STDLIB = {
    "builtins",
    "http",
    "importlib",
    "io",
    "os",
    "pathlib",
    "shutil",
    "socket",
    "sqlite3",
    "subprocess",
    "urllib",
}
# Third-party packages the engine may import. NumPy only: the batch engine scores every unit
# of a group at once in integer arrays (parindex/engine/batch/). NumPy's own file functions
# are forbidden below, like `open`.
ALLOWED_THIRD_PARTY = {"numpy"}
NUMPY_IO = {
    "load", "save", "savez", "savez_compressed", "loadtxt", "savetxt", "genfromtxt",
    "fromfile", "tofile", "fromregex", "memmap",
}  # fmt: skip
# Builtins that read, write or import; `open` above all.
FORBIDDEN_CALLS = {"open", "print", "input", "__import__", "exec", "eval"}


def _imported_modules(tree: ast.Module, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import; relative imports resolved from `package`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def _why_forbidden(module: str) -> str:
    top = module.split(".")[0]
    if module == ENGINE or module.startswith(ENGINE + "."):
        return ""
    if top == "parindex":
        return "a parindex package above the engine"
    if top in FORBIDDEN_STDLIB:
        return "an I/O or dynamic-import module"
    if top in ALLOWED_THIRD_PARTY:
        return ""
    if top not in sys.stdlib_module_names:
        return "not in the standard library"
    return ""


def impurities(source: str, package: str = ENGINE, filename: str = "<source>") -> list[str]:
    """Every forbidden import or call in `source`, as "file:line: what"; [] when pure."""
    tree = ast.parse(source, filename)
    problems = [
        f"{filename}:{line}: imports {module} ({why})"
        for line, module in _imported_modules(tree, package)
        if (why := _why_forbidden(module))
    ]
    problems.extend(
        f"{filename}:{node.lineno}: calls {node.func.id}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in FORBIDDEN_CALLS
    )
    problems.extend(
        f"{filename}:{node.lineno}: calls .{node.func.attr}() (file I/O)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in NUMPY_IO
    )
    return problems


def engine_modules() -> list[Path]:
    return sorted(ENGINE_DIR.rglob("*.py"))


def test_the_engine_has_the_modules_this_test_expects_to_check() -> None:
    names = {path.name for path in engine_modules()}
    assert {"__init__.py", "model.py", "rules.py", "scoring.py", "ranking.py"} <= names


@pytest.mark.parametrize("path", engine_modules(), ids=lambda path: path.name)
def test_every_engine_module_imports_only_the_standard_library_and_the_engine(path: Path) -> None:
    relative = path.relative_to(ENGINE_DIR).with_suffix("")
    package = ".".join([ENGINE, *relative.parts[:-1]])
    assert impurities(path.read_text(encoding="utf-8"), package, str(path)) == []


# --- the checker can fail ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import os", "<source>:1: imports os (an I/O or dynamic-import module)"),
        ("from pathlib import Path", "<source>:1: imports pathlib (an I/O or dynamic-import module)"),
        ("import urllib.request", "<source>:1: imports urllib.request (an I/O or dynamic-import module)"),
        ("from http import client", "<source>:1: imports http (an I/O or dynamic-import module)"),
        ("import io, socket", "<source>:1: imports io (an I/O or dynamic-import module)"),
        ("import sqlite3", "<source>:1: imports sqlite3 (an I/O or dynamic-import module)"),
        ("import shutil", "<source>:1: imports shutil (an I/O or dynamic-import module)"),
        ("import subprocess", "<source>:1: imports subprocess (an I/O or dynamic-import module)"),
        ("from django.db import models", "<source>:1: imports django.db (not in the standard library)"),
        ("import pandas as pd", "<source>:1: imports pandas (not in the standard library)"),
        ("from scipy import optimize", "<source>:1: imports scipy (not in the standard library)"),
        ("from parindex.web import views", "<source>:1: imports parindex.web (a parindex package above the engine)"),
        ("from ..cli import app", "<source>:1: imports parindex.cli (a parindex package above the engine)"),
        ("from .. import __version__", "<source>:1: imports parindex (a parindex package above the engine)"),
        ("x = 1\nwith open('kq.csv') as f:\n    pass", "<source>:2: calls open()"),
        ("def f():\n    return __import__('os')", "<source>:2: calls __import__()"),
        ("print('debug')", "<source>:1: calls print()"),
        ("import numpy as np\nnp.save('kq.npy', x)", "<source>:2: calls .save() (file I/O)"),
        ("points.tofile('kq.bin')", "<source>:1: calls .tofile() (file I/O)"),
    ],
)  # fmt: skip
def test_the_checker_flags_a_forbidden_import_or_call(source: str, expected: str) -> None:
    assert expected in impurities(source)


def test_the_checker_accepts_stdlib_numpy_and_engine_imports_absolute_or_relative() -> None:
    source = "\n".join(
        [
            "from __future__ import annotations",
            "import collections.abc",
            "from decimal import Decimal",
            "from . import rules",
            "from .numbers import ZERO",
            "from parindex.engine.model import Framework",
            "import numpy as np",
            "from numpy.typing import NDArray",
            "text = str(Decimal(1))",
        ]
    )
    assert impurities(source) == []


# --- at run time ------------------------------------------------------------------------------

_PROBE = """
import json, sys
{statement}
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] == "django"
    or (name.startswith("parindex.") and not name.startswith("parindex.engine"))
)
print(json.dumps({{"engine": "parindex.engine" in sys.modules, "outside": loaded}}))
"""


def _modules_loaded_by(statement: str) -> dict[str, object]:
    """Import in a fresh interpreter; report Django and non-engine parindex modules loaded."""
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_importing_the_engine_in_a_fresh_interpreter_loads_no_django_nor_upper_layers() -> None:
    assert _modules_loaded_by("import parindex.engine") == {"engine": True, "outside": []}


def test_the_run_time_probe_does_see_django_or_an_upper_layer_once_loaded() -> None:
    # Stand-in modules, so that the probe is checked without depending on other packages.
    statement = "\n".join(
        [
            "import sys, types, parindex.engine",
            "sys.modules['django.db'] = types.ModuleType('django.db')",
            "sys.modules['parindex.web'] = types.ModuleType('parindex.web')",
        ]
    )
    assert _modules_loaded_by(statement) == {
        "engine": True,
        "outside": ["django.db", "parindex.web"],
    }
