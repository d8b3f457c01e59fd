"""The package's shape: imports flow one way, no cycles, no hidden function-local imports.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); import-linter reads imports
inside function bodies too, so an upward import cannot hide in a function.
"""

from __future__ import annotations

import ast
import subprocess
import sys

from importlinter.cli import lint_imports

from analysis.core import config

PACKAGE = config.PACKAGE

# Function-local imports of the package are allowed only where they keep start-up light: the CLI
# command bodies (so `--help` loads no pandas) and the report runner (the engine loads IPython).
LAZY_ALLOWED = ("cli/", "build/runner.py")


def _local_imports() -> list[str]:
    """Every ``analysis`` import written inside a function, as ``file:line module``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
                    found.append(f"{where}:{node.lineno} {node.module}")
                elif isinstance(node, ast.Import):
                    found += [f"{where}:{node.lineno} {a.name}"
                              for a in node.names if a.name.startswith("analysis")]
    return sorted(set(found))


def _graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in the file)."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        modules[name] = path
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            edges[name] |= {t for t in targets if t in modules and t != name}
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_import_contracts_hold():
    assert lint_imports(config_filename=str(config.ROOT / "pyproject.toml"), no_cache=True) == 0


def test_no_import_cycle():
    # A package __init__ that re-exports its own submodules is not a cycle between modules.
    edges = _graph()
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in edges.items()}
    assert _cycles(edges) == []


def test_function_local_imports_only_where_lazy_loading_is_the_point():
    local = _local_imports()
    misplaced = [line for line in local if not line.startswith(LAZY_ALLOWED)]
    assert misplaced == []
    assert len(local) <= 10, local  # was 86 before the package was layered


def test_cli_help_does_not_load_pandas():
    code = ("import sys; from analysis.cli import build_parser; build_parser(); "
            "print('pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_module_opens_with_a_docstring_and_stays_small():
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert ast.get_docstring(ast.parse(text)), f"{path.name}: no module docstring"
        assert len(text.splitlines()) <= 620, f"{path.relative_to(PACKAGE)}: over 600 lines"
