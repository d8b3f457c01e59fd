"""The package runs on Linux, macOS and Windows: no Unix-only module, text always UTF-8.

Windows has no ``fcntl``, ``resource``, ``termios``, ``pwd`` or ``grp``, and no ``SIGALRM``;
its default text encoding is not UTF-8. These checks read the source, so they hold on Linux CI
what a Windows run would otherwise find out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.core import config

UNIX_ONLY = {"fcntl", "resource", "termios", "pwd", "grp"}
SOURCES = sorted(config.PACKAGE.rglob("*.py"))
TEXT_CALLS = {"read_text", "write_text", "open", "fdopen"}


def _rel(path: Path) -> str:
    return path.relative_to(config.PACKAGE).as_posix()


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_no_unix_only_module_at_import_time(path):
    # Imported inside a function under try/except ImportError is allowed (a fallback).
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    names = {a.name.split(".")[0] for n in top if isinstance(n, ast.Import) for a in n.names}
    names |= {(n.module or "").split(".")[0] for n in top if isinstance(n, ast.ImportFrom)}
    assert not names & UNIX_ONLY
    text = path.read_text(encoding="utf-8")
    assert "SIGALRM" not in text and "setitimer" not in text and "os.fork(" not in text


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_text_files_are_opened_as_utf8(path):
    # open()/read_text()/write_text() without encoding= use the system's code page on Windows.
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        if name not in TEXT_CALLS:
            continue
        mode = next((a.value for a in node.args[1:2] if isinstance(a, ast.Constant)), "")
        mode = next((k.value.value for k in node.keywords
                     if k.arg == "mode" and isinstance(k.value, ast.Constant)), mode)
        if "b" in str(mode) or any(k.arg == "encoding" for k in node.keywords):
            continue
        found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    assert found == []
