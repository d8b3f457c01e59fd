"""Fault injection on the report build: a killed worker, SIGTERM and SIGKILL to the main process, a
report over its time limit, a full disk, and what the manifest says afterwards.

A stub report notebook (written by the fixture: a ReportMeta and one sentence) keeps these fast;
its cells crash (``os._exit``), hang or record the worker's pid for the codes the test names.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from analysis import cli
from analysis.build import guard, runner
from analysis.core import config
from analysis.core import files as core_files
from analysis.core.files import sha256_file

SRC = Path(runner.__file__).resolve().parents[2]
CODES = ["12.10", "12.14", "12.71", "12.72"]


def _stub(path: Path, markers: Path, crash=(), hang=(), block_alarm=()) -> Path:
    """A tiny report notebook: crash, hang or (with SIGALRM blocked) hang for the given codes."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'regency_code = "12.14"\nlang = "id"\nas_of = None\nscenario_file = None'
    )
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import os, pathlib, signal, time\n"
        "from IPython.display import display\n"
        "from analysis.render.blocks import ReportMeta, Text\n"
        f"pathlib.Path({str(markers)!r}, regency_code).write_text(str(os.getpid()))\n"
        f"if regency_code in {list(crash)!r}:\n    os._exit(9)\n"
        f"if regency_code in {list(block_alarm)!r}:\n"
        "    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
        f"if regency_code in {list(hang) + list(block_alarm)!r}:\n    time.sleep(300)\n"
        'display(ReportMeta(kind="regency", code=regency_code, title="Stub", area=regency_code,\n'
        '                   province="Sumatera Utara", as_of="2024-01-01", lang=lang))\n'
        'display(Text(f"Laporan uji {regency_code}."))\n'
    )
    nb.cells = [params, body]
    markers.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _manifest_matches_files(out: Path) -> dict:
    """Every path the manifest lists exists with the recorded sha256; no temporary file left."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["reports"]:
        for fmt, rel in (entry.get("paths") or {}).items():
            assert sha256_file(out / rel) == entry["sha256"][fmt], (entry["id"], fmt)
    assert not list(out.rglob("*.tmp"))
    return {e["id"]: e for e in manifest["reports"]}


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_for(predicate, limit_s: float = 120.0) -> bool:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_killed_worker_fails_only_its_report(tmp_path):
    # 12.10 kills its worker at once, while 12.14 runs in the other worker and 12.71, 12.72 wait.
    # A ProcessPoolExecutor failed all of them (BrokenProcessPool); here only 12.10 fails.
    stub = _stub(tmp_path / "stub.ipynb", tmp_path / "pids", crash=["12.10"])
    out = tmp_path / "out"
    result = runner.build_reports(regencies=CODES, out=out, jobs=2, in_process=False,
                                  regency_notebook=stub, progress=False, timeout_s=120)
    assert sorted(result.failed) == ["id/12.10"]
    assert "died (exit code 9)" in result.failed["id/12.10"]
    assert sorted(result.built) == ["id/12.14", "id/12.71", "id/12.72"]
    assert result.exit_code == runner.EXIT_FAILED
    entries = _manifest_matches_files(out)
    assert entries["id/12.10"]["status"] == "failed" and "paths" not in entries["id/12.10"]


def test_worker_past_its_deadline_is_killed(tmp_path, monkeypatch):
    # 12.14 blocks the alarm signal, so the in-worker time limit cannot stop it (as inside the
    # Typst compiler): the parent kills the worker at the limit plus the grace period.
    monkeypatch.setattr(runner, "KILL_GRACE_S", 1.0)
    stub = _stub(tmp_path / "stub.ipynb", tmp_path / "pids", block_alarm=["12.14"])
    result = runner.build_reports(regencies=["12.14", "12.71"], out=tmp_path / "out", jobs=2,
                                  in_process=False, regency_notebook=stub, progress=False,
                                  timeout_s=2)
    assert sorted(result.failed) == ["id/12.14"] and result.built == ["id/12.71"]
    assert "time limit" in result.failed["id/12.14"]
    pid = int((tmp_path / "pids" / "12.14").read_text())
    assert _wait_for(lambda: _gone(pid), 30)


def test_time_limit_covers_rendering(tmp_path, monkeypatch):
    # Rendering that would take 60 s is stopped by the 1 s limit (it used to cover only the
    # notebook's execution).
    stub = _stub(tmp_path / "stub.ipynb", tmp_path / "pids")
    monkeypatch.setattr(runner.render, "render", lambda *a, **k: time.sleep(60))
    result = runner.build_reports(regencies=["12.14"], out=tmp_path / "out", jobs=1,
                                  regency_notebook=stub, progress=False, timeout_s=1)
    assert "time limit" in result.failed["id/12.14"]


def _run_build_in_subprocess(tmp_path: Path, codes: list[str], stub: Path) -> subprocess.Popen:
    script = (
        "import sys\n"
        "from analysis.build import runner\n"
        f"r = runner.build_reports(regencies={codes!r}, out={str(tmp_path / 'out')!r}, jobs=2,\n"
        f"    in_process=False, regency_notebook={str(stub)!r}, progress=False, timeout_s=300)\n"
        "print(r.summary())\n"
        "sys.exit(r.exit_code)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_signal_to_main_process_leaves_no_worker(tmp_path, sig):
    # 12.14 is built; 12.71 and 12.72 hang in the two workers when the signal arrives.
    markers = tmp_path / "pids"
    stub = _stub(tmp_path / "stub.ipynb", markers, hang=["12.71", "12.72"])
    proc = _run_build_in_subprocess(tmp_path, ["12.14", "12.71", "12.72"], stub)
    try:
        assert _wait_for(lambda: all((markers / c).exists() for c in ("12.71", "12.72")))
        workers = [int((markers / c).read_text()) for c in ("12.71", "12.72")]
        proc.send_signal(sig)
        stdout, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    # No worker is left running (SIGTERM: stopped by the run; SIGKILL: by their lifeline).
    assert _wait_for(lambda: all(_gone(pid) for pid in workers), 30)
    out = tmp_path / "out"
    with guard.build_lock(out):  # the lock is free
        pass
    if sig == signal.SIGTERM:
        assert proc.returncode == runner.EXIT_FAILED and "STOPPED by SIGTERM" in stdout
        entries = _manifest_matches_files(out)
        assert entries["id/12.14"]["status"] == "built"
        assert set(entries) == {"id/12.14"}  # the interrupted reports are not recorded as built
    else:
        # Killed outright: whatever the manifest lists is on disk as listed.
        if (out / "manifest.json").exists():
            _manifest_matches_files_or_leftovers(out)


def _manifest_matches_files_or_leftovers(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["reports"]:
        for fmt, rel in (entry.get("paths") or {}).items():
            assert sha256_file(out / rel) == entry["sha256"][fmt]


def _no_space(real_fdopen):
    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, _data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k))


def test_full_disk_fails_reports_without_traceback(tmp_path, monkeypatch):
    stub = _stub(tmp_path / "stub.ipynb", tmp_path / "pids")
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(core_files.os, "fdopen", _no_space(os.fdopen))
    # The command line refuses up front: the output folder cannot take a file (exit 2).
    code = cli.main(["reports", "--regency", "12.14", "--out", str(out)])
    assert code == 2
    # A disk that fills during the run: the report fails, the manifest cannot be written.
    monkeypatch.setattr(runner, "_prepare_out", lambda out_dir: None)
    result = runner.build_reports(regencies=["12.14"], out=out, jobs=1,
                                  regency_notebook=stub, progress=False)
    assert "No space left on device" in result.failed["id/12.14"]
    assert result.manifest_error and result.exit_code == runner.EXIT_FAILED
    assert not list(out.rglob("*.tmp"))


def test_unwritable_out_and_manifest_are_input_errors(tmp_path, capsys):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    assert cli.main(["reports", "--regency", "12.14", "--out", str(a_file / "sub")]) == 2
    assert "cannot write reports there" in capsys.readouterr().err
    out = tmp_path / "out"
    (out / "manifest.json").mkdir(parents=True)  # a manifest that cannot be replaced
    assert cli.main(["reports", "--regency", "12.14", "--out", str(out)]) == 2
    assert "manifest.json: not a file" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--as-of", "2024-13-40"], "--as-of"),
    (["--timeout", "-5"], "--timeout"),
    (["--timeout", "nan"], "--timeout"),
    (["--jobs", "0"], "--jobs"),
    (["--province", "99"], "--province"),
])
def test_bad_arguments_exit_2_before_building(tmp_path, capsys, args, message):
    code = cli.main(["reports", "--regency", "12.14", "--out", str(tmp_path), *args])
    assert code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists()


def test_jobs_are_capped_at_the_cpu_count(tmp_path, capsys, monkeypatch):
    seen = {}

    def fake_build(**kwargs):
        seen.update(kwargs)
        return runner.BuildResult(out=tmp_path)

    monkeypatch.setattr(runner, "build_reports", fake_build)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert cli.main(["reports", "--jobs", "64", "--out", str(tmp_path)]) == 0
    assert seen["jobs"] == 2 and "capped at 2" in capsys.readouterr().err
    assert cli.main(["reports", "--jobs", "64", "--max-jobs", "8", "--out", str(tmp_path)]) == 0
    assert seen["jobs"] == 8


def test_tampered_raw_file_is_refused_before_building(raw_copy, tmp_path, capsys):
    # An edited raw value (the sidecar's sha256 no longer matches): exit 2, nothing built.
    claims = raw_copy / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines()
    lines[1] += " (edited)"  # the note of the first row: still a valid table
    claims.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = cli.main(["reports", "--regency", "12.14", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "claims.csv" in err and "does not match" in err
    assert not (tmp_path / "out" / "manifest.json").exists()
    assert config.RAW == raw_copy


def test_command_line_names_the_build_manifest():
    from analysis.build import manifest
    from analysis.cli import reports

    assert reports.MANIFEST_NAME == manifest.MANIFEST
