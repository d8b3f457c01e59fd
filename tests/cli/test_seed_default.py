"""One Monte Carlo seed by default everywhere: command line, notebooks and reports agree.

The seed lives in ``analysis.model.scenarios.DEFAULT_SEED``; nothing else names a number.
"""

from __future__ import annotations

import json
import re

import nbformat

from analysis.cli import main
from analysis.core import config
from analysis.model import scenarios

LABUHANBATU = config.SCENARIOS / "12.10-labuhanbatu.yml"
# A seed written as a number: `seed=0`, `seed: int = 0`, `SEED = 2026`, `"--seed", default=0`.
LITERAL_SEED = re.compile(r"seed\w*\s*(?::\s*\w+\s*)?=\s*\d|seed.*default=\d", re.IGNORECASE)


def test_command_line_uses_the_default_seed(capsys):
    assert main(["scenario", str(LABUHANBATU), "--json", "--draws", "50"]) == 0
    assert json.loads(capsys.readouterr().out)["simulation"]["seed"] == scenarios.DEFAULT_SEED


def test_notebook_leaves_the_seed_to_the_model():
    nb = nbformat.read(config.NOTEBOOKS / "02_funding_scenarios.ipynb", as_version=4)
    params = next(c for c in nb.cells if c.cell_type == "code").source
    assert re.search(r"^seed = None\b", params, re.M)
    s = scenarios.load_scenario(LABUHANBATU)
    assert scenarios.analyse(s, draws=50, seed=None).simulation.seed == scenarios.DEFAULT_SEED


def test_no_other_seed_is_written_as_a_number():
    spec = config.PACKAGE / "model" / "scenarios" / "spec.py"
    files = [p for p in config.PACKAGE.rglob("*.py") if p != spec]
    files += sorted(config.NOTEBOOKS.glob("*.ipynb"))
    found = [
        f"{path.name}: {line.strip()}"
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if LITERAL_SEED.search(line)
    ]
    assert found == []
