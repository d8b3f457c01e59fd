"""What keeps a scheduled build safe: one run per output folder, a build log, a time limit.

``build_lock`` refuses a second run on the same folder (exit code 3), ``BuildLog`` appends to
``build.log`` (rotated once it grows large) and ``time_limit`` stops a notebook that runs longer
than its limit. These are the only places of the build that open files directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analysis.core.errors import ReportsLocked, ReportTimeout

BUILD_LOG = "build.log"
LOCK_FILE = ".lock"
LOG_MAX_BYTES = 2_000_000  # build.log is rotated to build.log.1 beyond this size
DEFAULT_TIMEOUT_S = 600.0


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking lock on ``<out>/.lock`` while building.

    Raises
    ------
    ReportsLocked
        When another run holds the lock.
    """
    import fcntl

    path = out / LOCK_FILE
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            raise ReportsLocked(
                f"another report build is running in {out} ({holder or 'lock held'}); "
                f"lock file {path}. Wait for it to finish, then run again."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {now()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


class BuildLog:
    """Appends timestamped lines to ``build.log`` (rotated once it grows large)."""

    def __init__(self, path: Path) -> None:
        if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        self._handle = open(path, "a", encoding="utf-8")

    def __call__(self, level: str, message: str) -> None:
        self._handle.write(f"{now()} {level:<5} {message}\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def now() -> str:
    """The current UTC time, ISO 8601 to the second (manifest, lock file, build log)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``ReportTimeout`` in this process after ``seconds`` (no limit when None or 0).

    The in-process engine has no kernel to kill, so a hung notebook is stopped with an alarm
    signal. Signals reach only the main thread; elsewhere no limit is set.
    """
    import signal
    import threading

    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: Any) -> None:
        raise ReportTimeout(f"stopped after {seconds:g} s (time limit, see --timeout)")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
