"""What keeps a scheduled build safe: one run per output folder, a build log, a time limit.

``build_lock`` refuses a second run on the same folder (exit code 3), ``BuildLog`` appends to
``build.log`` (rotated once it grows large), ``time_limit`` stops a notebook that runs longer
than its limit, ``Signals`` turns SIGTERM/SIGINT into an orderly stop and ``peak_rss_mb``
reports the memory a worker used. These are the only places of
the build that open files directly.

Everything here behaves the same on Linux, macOS and Windows: the lock is an operating-system
file lock taken through ``filelock`` (released by the system if the process dies), the time
limit is a watchdog thread rather than a Unix alarm signal, and memory is read through
``psutil`` (or ``resource`` where the system keeps a peak).
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import filelock

from analysis.core.errors import ReportsLocked, ReportTimeout

BUILD_LOG = "build.log"
LOCK_FILE = ".lock"
HOLDER_FILE = ".lock.holder"  # who holds the lock: "pid N since T" (information only)
LOG_MAX_BYTES = 2_000_000  # build.log is rotated to build.log.1 beyond this size
DEFAULT_TIMEOUT_S = 600.0


@contextlib.contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking lock on ``<out>/.lock`` while building.

    The lock is the operating system's (``flock`` on Linux and macOS, ``LockFileEx`` on
    Windows), so a run that crashes or is killed releases it. ``<out>/.lock.holder`` names the
    process holding it, for the message of a refused run.

    Raises
    ------
    ReportsLocked
        When another run holds the lock.
    """
    path = out / LOCK_FILE
    holder = out / HOLDER_FILE
    lock = filelock.FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        try:
            who = holder.read_text(encoding="utf-8").strip()
        except OSError:
            who = ""
        raise ReportsLocked(
            f"another report build is running in {out} ({who or 'lock held'}); "
            f"lock file {path}. Wait for it to finish, then run again."
        ) from None
    try:
        holder.write_text(f"pid {os.getpid()} since {now()}\n", encoding="utf-8")
        yield
    finally:
        with contextlib.suppress(OSError):
            holder.unlink()
        lock.release()


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


def _raise_in(thread_id: int, exc_type: type[BaseException] | None) -> None:
    """Make ``thread_id`` raise ``exc_type`` at its next Python instruction (None: cancel)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc_type) if exc_type else None
    )


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``ReportTimeout`` in the calling thread after ``seconds`` (no limit: None or 0).

    A watchdog thread waits for the limit, then raises the error in the thread running the
    notebook; the in-process engine has no kernel to kill. This works the same on every system
    and in any thread (a worker process's main thread or the command's own). The error arrives
    at the notebook's next Python instruction: a cell blocked inside one long call (a C
    extension, ``time.sleep``) stops when that call returns.

    Parameters
    ----------
    seconds : float or None
        The limit; None or 0 sets none.

    Raises
    ------
    ReportTimeout
        Inside the block, when it runs longer than ``seconds``. Raised inside a notebook cell,
        it becomes that cell's error ("ReportTimeout: stopped after 1 s (time limit, ...)").
    """
    if not seconds:
        yield
        return
    message = f"stopped after {seconds:g} s (time limit, see --timeout)"
    # The pending exception is given as a class; this one carries the message.
    expired = type("ReportTimeout", (ReportTimeout,), {"__init__": _timeout_init(message)})
    target = threading.get_ident()
    done = threading.Event()
    guard = threading.Lock()  # the watchdog fires only while the block is still running
    state = {"running": True}

    def watchdog() -> None:
        if not done.wait(seconds):
            with guard:
                if state["running"]:
                    _raise_in(target, expired)

    thread = threading.Thread(target=watchdog, name="report-time-limit", daemon=True)
    thread.start()
    try:
        yield
    finally:
        with guard:
            state["running"] = False
            _raise_in(target, None)  # a limit reached as the block ended no longer applies
        done.set()
        thread.join()


def _timeout_init(message: str):
    """An ``__init__`` giving a ``ReportTimeout`` raised without arguments its ``message``."""

    def __init__(self: ReportTimeout, *args: object) -> None:
        ReportTimeout.__init__(self, *(args or (message,)))

    return __init__


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB, on any system.

    Windows keeps the peak in ``psutil``'s ``peak_wset``; Linux and macOS in
    ``resource.getrusage`` (kilobytes on Linux, bytes on macOS). Elsewhere the current resident
    memory is the best figure known.

    Returns
    -------
    float
        Megabytes (2**20 bytes), one decimal.
    """
    import psutil

    info = psutil.Process().memory_info()
    peak = getattr(info, "peak_wset", None)  # Windows
    if peak is None:
        try:
            import resource
        except ImportError:  # neither Windows nor a Unix with getrusage
            peak = info.rss
        else:
            kilo = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            peak = kilo if sys.platform == "darwin" else kilo * 1024
    return round(max(peak, info.rss) / (1024 * 1024), 1)


class Interrupted(BaseException):
    """SIGTERM or SIGINT reached the run (a BaseException: no report's ``except`` catches it)."""


class Signals:
    """SIGTERM/SIGINT while building: remember them; stop the in-process build at once.

    With worker processes the handler only records the signal: the run loop sees it, stops the
    workers, writes the manifest and releases the lock. Building in this process, the handler
    raises, except while a report's files are being moved into place (``committing``).
    """

    def __init__(self, in_process: bool) -> None:
        self.in_process = in_process
        self.received: int | None = None
        self.committing = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, _frame: Any) -> None:
        self.received = signum
        if self.in_process and not self.committing:
            raise Interrupted(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[Signals]:
        if threading.current_thread() is not threading.main_thread():
            yield self  # signals reach only the main thread: nothing to install
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._previous[sig] = signal.signal(sig, self._handle)
        try:
            yield self
        finally:
            for sig, handler in self._previous.items():
                signal.signal(sig, handler)

    @property
    def name(self) -> str:
        return signal.Signals(self.received).name if self.received else ""
