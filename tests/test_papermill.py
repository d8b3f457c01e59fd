"""The notebooks as a researcher runs them with papermill: parameters typed any way still work.

papermill reads ``-p regency_code 12.10`` as the float 12.1; the first code cell of each notebook
turns it back into the code ``"12.10"`` (``analysis.views.parameters.notebook_parameters``).
These tests run the notebooks through papermill's own API and command line, on a real kernel.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis.core.config import NOTEBOOKS

REGENCY = NOTEBOOKS / "03_regency_report.ipynb"
SCENARIOS = NOTEBOOKS / "02_funding_scenarios.ipynb"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))


def _code(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def _first_call(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The first code cell after the parameters (and papermill's injected parameters)."""
    return _code(nb)[2]


def _injected(nb: nbformat.NotebookNode) -> str:
    (cell,) = [c for c in _code(nb) if "injected-parameters" in c.metadata.get("tags", [])]
    return cell.source


def _papermill_cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "papermill", *args], check=True, capture_output=True,
                   text=True)


def test_papermill_cli_reads_p_as_a_number_and_r_as_text(tmp_path):
    # What the README's commands hand to the notebook: -p 12.10 is the float 12.1 (papermill's
    # own parsing), -r keeps the text.
    out = tmp_path / "prepared.ipynb"
    _papermill_cli(str(REGENCY), str(out), "--prepare-only", "-p", "regency_code", "12.10")
    assert "regency_code = 12.1\n" in _injected(nbformat.read(out, as_version=4))
    _papermill_cli(str(REGENCY), str(out), "--prepare-only", "-r", "regency_code", "12.10")
    assert 'regency_code = "12.10"' in _injected(nbformat.read(out, as_version=4))


def test_regency_report_builds_for_a_code_read_as_a_float(tmp_path):
    # -p regency_code 12.10 → 12.1 → "12.10", Kabupaten Labuhanbatu (not an unknown '12.1').
    nb = papermill.execute_notebook(
        str(REGENCY), str(tmp_path / "out.ipynb"), parameters={"regency_code": 12.1},
        progress_bar=False,
    )
    cover = _first_call(nb).outputs[0]["data"]["application/vnd.pekerja-rentan.meta+json"]
    assert (cover["code"], cover["area"]) == ("12.10", "Kabupaten Labuhanbatu")


def test_scenario_notebook_reads_a_float_code_and_refuses_nonsense_clearly(tmp_path):
    nb = papermill.execute_notebook(
        str(SCENARIOS), str(tmp_path / "ok.ipynb"),
        parameters={"regency": 12.1, "draws": 200, "lang": "en"}, progress_bar=False,
    )
    first = "".join(o.get("data", {}).get("text/markdown", "") for o in _first_call(nb).outputs)
    assert "Labuhanbatu" in first
    with pytest.raises(PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(SCENARIOS), str(tmp_path / "bad.ipynb"), parameters={"horizon": "lima"},
            progress_bar=False,
        )
    # One message naming the parameter, not a bare TypeError from deep in the model.
    assert info.value.ename == "UserError"
    assert "notebook parameter horizon must be a whole number" in info.value.evalue


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_parameter_is_visible_with_its_meaning(path):
    # papermill --help-notebook skips a line whose comment holds "=" and shows no help without
    # a comment: every name assigned in the parameters cell must come out with a help text.
    nb = nbformat.read(path, as_version=4)
    tree = ast.parse(_code(nb)[0].source)
    names = [
        (node.target if isinstance(node, ast.AnnAssign) else node.targets[0]).id
        for node in tree.body
    ]
    shown = papermill.inspect_notebook(str(path))
    assert list(shown) == names
    assert all(shown[name]["help"] for name in names), shown


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_first_code_call_reads_every_parameter(path):
    # The cell after the parameters passes each of them through notebook_parameters.
    nb = nbformat.read(path, as_version=4)
    params, first = _code(nb)[0].source, _code(nb)[1].source
    names = [
        (node.target if isinstance(node, ast.AnnAssign) else node.targets[0]).id
        for node in ast.parse(params).body
    ]
    call = next(
        node for node in ast.walk(ast.parse(first))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "notebook_parameters"
    )
    assert [k.arg for k in call.keywords] == names
