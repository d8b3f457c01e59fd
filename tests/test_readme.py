"""Every command of the README runs as written.

Each line of each ```bash block is run with bash, exactly as a reader would paste it, from a
copy of the project's folders (so files the commands write stay out of the repository) with the
report and user-data folders pointed at the copy. The few commands that take minutes, start a
server or change the checkout are listed in ``NOT_RUN`` with the reason, and show as skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from analysis.core import config

README = config.ROOT / "README.md"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.M | re.S)

# Command (start of the line) → why this test does not run it.
NOT_RUN = {
    "make reports": "builds all 34 reports (minutes); the report tests build some",
    "make test": "is this test suite",
    "make venv": "installs the environment",
    "make strip": "rewrites the notebooks in place; tests/test_strip.py runs it on a copy",
    ".venv/bin/jupyter lab": "starts a server",
    ".venv/bin/python -m analysis reports --province": "builds a whole province (39 reports) or "
    "the country (553); tests/build/test_national.py builds Kalimantan Utara",
}
# What the commands read, copied into the folder they run in.
COPIED = ("Makefile", "pyproject.toml", "notebooks", "data", "tests/fixtures/data/import")


def readme_commands() -> list[str]:
    """The command lines of the README's bash blocks, continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    lines = []
    for block in BLOCK.findall(text):
        lines += [line.strip() for line in block.replace("\\\n", " ").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _not_run(command: str) -> str | None:
    return next((why for start, why in NOT_RUN.items() if command.startswith(start)), None)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A copy of what the commands read, with .venv pointing at the test environment's."""
    venv = config.ROOT / ".venv"
    if os.name == "nt" or not (venv / "bin" / "python").exists():
        pytest.skip("the README's bash commands use .venv/bin (make venv); none here")
    work = tmp_path_factory.mktemp("readme")
    ignore = shutil.ignore_patterns("user", "__pycache__", ".ipynb_checkpoints")
    for name in COPIED:
        source = config.ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)
        else:
            shutil.copy2(source, work / name)
    (work / "reports").mkdir()
    (work / ".venv").symlink_to(venv.resolve(), target_is_directory=True)
    env = dict(os.environ)
    env["PEKERJA_RENTAN_REPORTS"] = str(work / "reports")
    env["PEKERJA_RENTAN_USER_DATA"] = str(work / "data" / "user")
    return work, env


def test_readme_has_commands_and_names_real_files():
    commands = readme_commands()
    assert len(commands) >= 10
    assert not [c for c in commands if "data/scenarios/labuhanbatu.yml" in c]
    for path in re.findall(r"\b(?:data|notebooks|tests)/[\w./-]+\.(?:yml|ipynb|csv)\b",
                           " ".join(commands)):
        assert (config.ROOT / path).is_file(), path


def _id(command: str) -> str:
    return command.split(" #")[0].strip().replace(".venv/bin/", "")[:70]


@pytest.mark.parametrize("command", readme_commands(), ids=_id)
def test_readme_command_runs_as_written(command, workspace):
    why = _not_run(command)
    if why:
        pytest.skip(f"not run here: {why}")
    work, env = workspace
    result = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
