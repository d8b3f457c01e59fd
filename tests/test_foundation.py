"""Foundation checks: dependency lists agree, notebooks are clean and thin, lint, CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
import yaml

from analysis.core import config

NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(spec: str) -> tuple[str, str]:
    name, rest = NAME.match(spec).groups()
    return name.lower().replace("_", "-"), rest.replace(" ", "")


def _pyproject_runtime() -> dict[str, str]:
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    return dict(_split(d) for d in project["dependencies"])


# conda-forge names that differ from the PyPI name of the same package.
CONDA_TO_PYPI = {"typst-py": "typst"}


def _environment_runtime() -> dict[str, str]:
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text())
    specs: list[str] = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs.extend(dep.get("pip", []))
        else:
            specs.append(dep)
    deps = dict(_split(s) for s in specs)
    deps = {CONDA_TO_PYPI.get(name, name): spec for name, spec in deps.items()}
    deps.pop("python", None)
    deps.pop("pip", None)
    return deps


def test_environment_yml_matches_pyproject():
    assert _environment_runtime() == _pyproject_runtime()


def test_python_floor_is_311():
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text())
    assert "python>=3.11" in env["dependencies"]


def _notebooks():
    return sorted(config.NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("nb_path", _notebooks(), ids=lambda p: p.name)
def test_notebook_is_clean_and_thin(nb_path, stored_outputs):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code cells"
    problem = stored_outputs(nb_path)
    assert problem is None, problem
    first = code[0]
    assert "parameters" in first.get("metadata", {}).get("tags", []), (
        "the first code cell must be tagged 'parameters'"
    )
    for cell in code:
        src = "".join(cell["source"])
        assert not re.search(r"^\s*(async\s+def|def|class)\s", src, re.M), (
            "function or class definitions belong in src/analysis"
        )


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(config.ROOT / ".venv" / "bin" / "ruff")
    result = subprocess.run(
        [ruff, "check", "--no-cache", str(config.ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_help_lists_subcommands():
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("data", "cost", "scenario", "reports"):
        assert command in out


def test_readme_quick_start_is_two_commands():
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert "make reports" in readme and "make test" in readme
    makefile = (config.ROOT / "Makefile").read_text()
    for target in ("reports:", "test:", "help:"):
        assert target in makefile


def test_ci_runs_make_test():
    assert "make test" in (config.ROOT / ".ci" / "run").read_text()
