"""One exit-code contract for every command (0 done, 1 reports failed, 2 your input, 3 busy) and
no traceback for a user error: hand-made broken files and arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.cli import main
from analysis.core import config

SCENARIO = config.SCENARIOS / "12.14-nias-selatan.yml"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, words", [
    (lambda d: d, "is a folder"),
    (lambda d: Path("/dev/zero"), "not a regular file"),
    (lambda d: _write(d / "u16.yml", "regency: 12.14\n".encode("utf-16")), "saved as UTF-16"),
    (lambda d: _write(d / "deep.yml", b"a: " + b"[" * 5000 + b"]" * 5000), "nested too deeply"),
    (lambda d: _write(d / "bad.yml", b"regency: [12.14\n"), "not valid YAML"),
], ids=["folder", "device", "utf16", "nested", "invalid"])
def test_broken_scenario_files_exit_2_with_one_message(tmp_path, capsys, make, words):
    assert main(["scenario", str(make(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, words", [
    (["--seed", "-1"], "--seed must be 0 or more"),
    (["--draws", "0"], "--draws must be 1 or more"),
    (["--draws", "2000000"], "above the limit 1000000"),
    (["--prob", "1.5"], "--prob must lie between 0 and 1"),
])
def test_bad_scenario_arguments_exit_2(capsys, args, words):
    assert main(["scenario", str(SCENARIO), *args]) == 2
    assert words in capsys.readouterr().err


def test_draws_limit_can_be_raised(capsys):
    assert main(["scenario", str(SCENARIO), "--draws", "20", "--max-draws", "10"]) == 2
    assert main(["scenario", str(SCENARIO), "--draws", "20", "--max-draws", "20"]) == 0


def test_argparse_errors_are_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["reports", "--jobs", "many"])
    assert stop.value.code == 2


def test_unreadable_path_is_one_line_not_a_traceback(tmp_path, capsys):
    # A raw table given to `data check` that is a folder.
    folder = config.RAW / "claims.csv"
    assert folder.is_file()
    assert main(["data", "check", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
