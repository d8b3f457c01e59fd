"""Where the project finds its data and writes its output: a checkout, an install, a chosen folder.

The paths are resolved when ``analysis.core.config`` is imported, so the environment variable is
checked in a fresh interpreter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from analysis.core import config


def test_a_checkout_reads_its_own_folders():
    assert config.CHECKOUT
    assert (config.ROOT / "pyproject.toml").is_file()
    assert config.RAW == config.ROOT / "data" / "raw"
    assert config.NOTEBOOKS == config.ROOT / "notebooks"


def test_an_install_writes_under_the_working_folder(monkeypatch, tmp_path):
    # Installed, the data is the copy inside the package: outputs never go into site-packages.
    monkeypatch.setattr(config, "CHECKOUT", False)
    monkeypatch.setattr(config, "DATA", config.SHIPPED_DATA)
    monkeypatch.delenv("PEKERJA_RENTAN_USER_DATA", raising=False)
    monkeypatch.delenv("PEKERJA_RENTAN_REPORTS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config.reports_dir() == tmp_path / "reports"
    assert config.user_data_dir() == tmp_path / "data" / "user"


def test_data_folder_chosen_by_environment_variable(tmp_path):
    data = tmp_path / "my data"
    shutil.copytree(config.ROOT / "data", data, ignore=shutil.ignore_patterns("user"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEKERJA_RENTAN_")}
    env["PEKERJA_RENTAN_DATA"] = str(data)
    probe = ("from analysis.core import config; "
             "print(config.RAW); print(config.SCENARIOS); print(config.user_data_dir())")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == [str(data / "raw"), str(data / "scenarios"), str(data / "user")]
    checked = subprocess.run([sys.executable, "-m", "analysis", "data", "check"], env=env,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert f"raw {data / 'raw'}" in checked.stdout
