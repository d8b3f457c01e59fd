"""The guard of a build on any system: the lock, the time limit and the memory figure.

The guard uses no Unix-only module (``fcntl``, ``SIGALRM``, ``resource`` is optional), so what
these tests check on Linux is what Windows and macOS get.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from analysis.build import guard
from analysis.core.errors import ReportsLocked, ReportTimeout

GUARD_SOURCE = Path(guard.__file__)


def test_guard_imports_no_unix_only_module():
    imported = set()
    for node in ast.walk(ast.parse(GUARD_SOURCE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert not imported & {"fcntl", "signal", "msvcrt"}
    assert "SIGALRM" not in GUARD_SOURCE.read_text(encoding="utf-8")


def test_time_limit_stops_a_loop_that_never_ends():
    with pytest.raises(ReportTimeout, match=r"stopped after 0.2 s \(time limit"):
        with guard.time_limit(0.2):
            while True:
                time.sleep(0.01)


def test_time_limit_works_outside_the_main_thread():
    # The Unix alarm signal reached only the main thread; the watchdog reaches any thread.
    caught: list[BaseException] = []

    def run() -> None:
        try:
            with guard.time_limit(0.2):
                while True:
                    time.sleep(0.01)
        except ReportTimeout as exc:
            caught.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert caught and "time limit" in str(caught[0])


def test_time_limit_ends_with_the_block():
    # A block that ends in time leaves nothing behind: no error arrives after the limit.
    with guard.time_limit(0.2):
        pass
    waited = 0
    while waited < 50:  # 50 × 10 ms, well past the limit: a stray ReportTimeout would fail here
        time.sleep(0.01)
        waited += 1
    assert waited == 50


def test_no_limit_when_zero_or_none():
    for seconds in (0, None):
        with guard.time_limit(seconds):
            pass


def test_second_lock_on_the_same_folder_is_refused(tmp_path):
    with guard.build_lock(tmp_path):
        assert (tmp_path / guard.HOLDER_FILE).read_text().startswith("pid ")
        with pytest.raises(ReportsLocked, match="another report build is running") as info:
            with guard.build_lock(tmp_path):
                pass
        assert "pid " in str(info.value)
    assert not (tmp_path / guard.HOLDER_FILE).exists()
    with guard.build_lock(tmp_path):  # released: the next run may build
        pass


def test_lock_of_a_killed_run_is_released(tmp_path):
    # A run that dies (killed, out of memory) leaves no stale lock: the system releases it.
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from analysis.build import guard
            with guard.build_lock(Path({str(tmp_path)!r})):
                print("locked", flush=True)
                time.sleep(60)
        """)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ReportsLocked):
            with guard.build_lock(tmp_path):
                pass
    finally:
        holder.kill()
        holder.wait()
    with guard.build_lock(tmp_path):
        pass


def test_peak_memory_is_at_least_the_current_memory():
    import psutil

    rss_mb = psutil.Process().memory_info().rss / (1024 * 1024)
    assert guard.peak_rss_mb() >= round(rss_mb, 1) - 0.1


def test_peak_memory_without_the_resource_module(monkeypatch):
    # Windows has no `resource` module: the figure still comes, from psutil.
    monkeypatch.setitem(sys.modules, "resource", None)
    assert guard.peak_rss_mb() > 0
