"""The JupyterLab round trip: Run All, Save, `make strip`, and the tests pass again.

A copy of a notebook is given what JupyterLab's *Save* stores after *Run All* (outputs,
execution counts, timing metadata); the foundation check refuses it with a message naming
`make strip`; the Makefile's `strip` target, run on the copy, gives back the committed file byte
for byte (cell ids and tags kept). The pre-commit hooks do the same at each commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from analysis.core import config

NOTEBOOK = config.NOTEBOOKS / "04_province_overview.ipynb"
BIN = Path(sys.executable).parent


def _saved_after_run_all(path: Path) -> None:
    """Give ``path`` the outputs, counts and metadata that Run All + Save leave in it."""
    nb = nbformat.read(path, as_version=4)
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00.000000Z"}
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="computed\n"),
            nbformat.v4.new_output("display_data", data={"text/plain": "a table"}),
        ]
    nbformat.write(nb, path)


@pytest.fixture
def saved(tmp_path):
    copy = tmp_path / NOTEBOOK.name
    shutil.copy2(NOTEBOOK, copy)
    _saved_after_run_all(copy)
    return copy


def test_saved_notebook_is_refused_with_the_way_to_strip_it(saved, stored_outputs):
    message = stored_outputs(saved)
    assert message is not None
    assert "make strip" in message and "nbstripout --keep-id" in message


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed (Windows)")
@pytest.mark.skipif(not (BIN / "nbstripout").exists(), reason="nbstripout is not installed")
def test_make_strip_gives_back_the_committed_notebook(saved, stored_outputs):
    # -o: never rebuild the environment from here; BIN: the tools of this test environment.
    result = subprocess.run(
        ["make", "-C", str(config.ROOT), "-o", ".venv/.installed-stamp", "strip",
         f"NOTEBOOKS={saved}", f"BIN={BIN}"],
        capture_output=True, text=True, env={**os.environ, "MAKEFLAGS": ""},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert stored_outputs(saved) is None
    assert saved.read_bytes() == NOTEBOOK.read_bytes()


def test_pre_commit_strips_notebooks_and_runs_ruff():
    config_file = config.ROOT / ".pre-commit-config.yaml"
    hooks = {h["id"]: h for repo in yaml.safe_load(config_file.read_text())["repos"]
             for h in repo["hooks"]}
    assert hooks["nbstripout"]["entry"] == "nbstripout --keep-id"  # as `make strip`
    assert hooks["ruff"]["entry"].startswith("ruff check")
    makefile = (config.ROOT / "Makefile").read_text()
    assert "nbstripout --keep-id $(NOTEBOOKS)" in makefile
    if shutil.which("pre-commit") or (BIN / "pre-commit").exists():
        pre_commit = shutil.which("pre-commit") or str(BIN / "pre-commit")
        result = subprocess.run([pre_commit, "validate-config", str(config_file)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
