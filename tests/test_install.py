"""A plain install works outside the repository: the wheel carries the data and the notebooks.

The wheel is built from a copy of the project (``pip wheel --no-build-isolation``: nothing is
downloaded) and installed with ``--no-deps`` into a temporary virtual environment that sees the
test environment's libraries through a ``.pth`` file. ``cost`` and one report then run from an
empty folder, with no ``PYTHONPATH`` and no checkout in sight.

Marked ``install``: ``pytest -m "not install"`` leaves it out where building is impossible.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from analysis.core import config

pytestmark = pytest.mark.install

# What a wheel is built from (everything else in the repository stays out of the copy).
PROJECT_FILES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "src", "data", "notebooks")


def _can_build() -> str:
    """Why the wheel cannot be built here, or an empty string."""
    try:
        from importlib.metadata import version

        major = int(version("setuptools").split(".")[0])
    except Exception:  # noqa: BLE001 - any failure means: no usable setuptools
        return "setuptools is not installed"
    return "" if major >= 77 else "setuptools>=77 is needed (pip install -e '.[dev]')"


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(args: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A temporary virtual environment with the project's wheel installed; its python."""
    reason = _can_build()
    if reason:
        pytest.skip(f"cannot build the wheel here: {reason}")
    base = tmp_path_factory.mktemp("install")
    source, wheels, venv = base / "source", base / "wheels", base / "venv"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "user", "*.egg-info", ".ipynb_checkpoints")
    for name in PROJECT_FILES:
        path = config.ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    env = {k: v for k, v in os.environ.items()
           if k != "PYTHONPATH" and not k.startswith("PEKERJA_RENTAN_")}
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--wheel-dir", wheels, source], base, env)
    wheel = next(wheels.glob("pekerja_rentan-*.whl"))
    _run([sys.executable, "-m", "venv", "--without-pip", venv], base, env)
    python = _venv_python(venv)
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                base, env).stdout.strip()
    # The libraries come from the test environment: nothing is downloaded. Its own copy of the
    # project (an editable install) is not seen: .pth files of an added folder are not read.
    libraries = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "libraries.pth").write_text("\n".join(sorted(libraries)) + "\n")
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed",
          wheel], base, env)
    work = base / "elsewhere"
    work.mkdir()
    return python, work, env


def test_installed_package_is_not_the_checkout(installed):
    python, work, env = installed
    out = _run([python, "-c", "import analysis.core.config as c; print(c.__file__, c.CHECKOUT)"],
               work, env).stdout
    path, checkout = out.split()
    assert checkout == "False"
    assert config.ROOT not in Path(path).resolve().parents


def test_installed_cost_reads_shipped_rates(installed):
    python, work, env = installed
    out = _run([python, "-m", "analysis", "cost", "--budget", "Rp 1,2 M", "--months", "12"],
               work, env).stdout
    # Rp1,2 miliar / (Rp16.800 JKK+JKM × 12 months = Rp201.600) = 5.952,38 → 5.952 workers.
    assert "5.952 pekerja" in out


def test_installed_package_builds_a_report_in_the_working_folder(installed):
    python, work, env = installed
    _run([python, "-m", "analysis", "reports", "--regency", "12.14", "--jobs", "1"], work, env)
    manifest = json.loads((work / "reports" / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["reports"]
    assert entry["status"] == "built" and entry["name"] == "Kabupaten Nias Selatan"
    assert (work / "reports" / entry["paths"]["pdf"]).stat().st_size > 0
