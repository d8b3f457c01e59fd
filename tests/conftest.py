"""Shared test fixtures: the hand-written fixture files, and the catalogue pointed at them.

``FIXTURES`` is the folder ``tests/fixtures``. Tests in any sub-folder get it through the
``fixtures_dir`` fixture (test modules are not a package, so they cannot import this file).

``stored_outputs`` is the check that refuses a notebook saved with its outputs (JupyterLab's
*Save*), with the message that says how to strip them.

``fixture_data`` points the data layer at the hand-written tables of ``tests/fixtures/data``
(through ``config.RAW``, which every loader reads at call time) and the user data folder at an
empty temporary folder; ``user_dir`` is that user folder, ``raw_copy`` a writable copy of the
fixture tables. ``fixture_params`` and ``fixture_assumptions`` are the hand-written parameters
and assumptions log, whose values the model tests state their arithmetic with.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.core import config
from analysis.data.parameters import Parameters, load_assumptions, load_parameters

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """The folder ``tests/fixtures``."""
    return FIXTURES


@pytest.fixture
def fixture_data(monkeypatch, tmp_path) -> Path:
    """Point the loaders at the hand-written fixture tables and an empty user folder."""
    monkeypatch.setattr(config, "RAW", FIXTURES / "data")
    monkeypatch.setenv("PEKERJA_RENTAN_USER_DATA", str(tmp_path / "user"))
    return FIXTURES / "data"


@pytest.fixture
def user_dir(fixture_data, tmp_path) -> Path:
    """Fixture tables as raw data; the (not yet created) temporary user data folder."""
    return tmp_path / "user"


@pytest.fixture
def raw_copy(monkeypatch, tmp_path) -> Path:
    """A writable copy of the fixture tables as the raw folder."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURES / "data", raw)
    monkeypatch.setattr(config, "RAW", raw)
    monkeypatch.setenv("PEKERJA_RENTAN_USER_DATA", str(tmp_path / "user"))
    return raw


@pytest.fixture(scope="session")
def fixture_params() -> Parameters:
    """The hand-written parameters of ``tests/fixtures/parameters``."""
    return load_parameters(FIXTURES / "parameters")


@pytest.fixture(scope="session")
def fixture_assumptions() -> dict:
    """The hand-written assumptions log ``tests/fixtures/benefits_assumptions.yml``."""
    return load_assumptions(FIXTURES / "benefits_assumptions.yml")


@pytest.fixture
def fixture_rates(monkeypatch) -> Path:
    """``config.PARAMETERS`` → ``tests/fixtures/parameters``, for code that loads the defaults."""
    folder = FIXTURES / "parameters"
    monkeypatch.setattr(config, "PARAMETERS", folder)
    return folder


def _stored_outputs(path: Path) -> str | None:
    """Why the repository refuses notebook ``path`` as saved (outputs, counts), or None."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    found = [
        what
        for what, key in (("outputs", "outputs"), ("execution counts", "execution_count"))
        if any(c.get(key) for c in code)
    ]
    if not found:
        return None
    return (
        f"{path.name} has stored {' and '.join(found)} (saved after running): run `make strip`, "
        f"or `.venv/bin/nbstripout --keep-id notebooks/{path.name}` (Windows: "
        f"`.venv\\Scripts\\nbstripout --keep-id notebooks\\{path.name}`); README, 'Working in "
        "JupyterLab'"
    )


@pytest.fixture(scope="session")
def stored_outputs() -> Callable[[Path], str | None]:
    """The check of a notebook file for stored outputs: a message saying how to strip, or None."""
    return _stored_outputs
