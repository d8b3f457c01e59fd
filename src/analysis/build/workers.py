"""Worker processes of a build that know which report each one runs, so a crash costs one report.

``concurrent.futures.ProcessPoolExecutor`` cannot say which task killed a worker: one killed
worker breaks the whole pool (``BrokenProcessPool``) and every pending report fails with it. Here
each worker has its own pipe and runs one report at a time, so the parent always knows what a
worker was doing:

- a worker that dies (killed, out of memory, ``os._exit`` in a notebook) fails only the report it
  was running and is replaced by a fresh one;
- a worker still busy after its report's deadline (a time limit the in-worker alarm could not
  enforce, e.g. inside the Typst compiler) is killed and replaced, and that report fails;
- :meth:`WorkerPool.close` stops every worker (terminate, then kill) before the caller releases
  the build lock, so no worker writes after the lock is gone;
- if the parent itself dies without cleaning up (SIGKILL), each worker notices within a moment
  (its *lifeline* pipe from the parent reaches end-of-file) and exits.

The worker's work is a function ``task(conn, lifeline)`` given by the caller
(``analysis.build.runner``); this module only moves jobs and results.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

# A worker is retired after this many reports: bounds the memory growth of in-process runs.
TASKS_PER_WORKER = 100
# What a worker sends when it begins a job: the job's deadline counts from then, not from the
# worker's start-up (importing the analysis takes seconds).
STARTED = "started"


def pool_context() -> multiprocessing.context.BaseContext:
    """forkserver where available (workers inherit no lock, thread or open file), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        # The server imports the analysis once (pandas, matplotlib, IPython) and forks each
        # worker from it, so a worker replaced after TASKS_PER_WORKER starts in a moment.
        # analysis.build.startup comes first: it leaves out a slow optional import.
        ctx.set_forkserver_preload(["analysis.build.startup", "analysis.build.engine",
                                    "analysis.render", "analysis.briefs"])
    return ctx


def start_server() -> None:
    """Start the fork server now, so that it imports what the workers need while this process
    goes on (checking the inputs); a pool made later forks its workers from it. Does nothing
    where workers are spawned."""
    if pool_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver  # not importable where there is no forkserver

        forkserver.ensure_running()


def watch_lifeline(lifeline: Connection) -> None:
    """In a worker: exit at once when the parent's end of ``lifeline`` closes (the parent died)."""

    def watch() -> None:
        try:
            lifeline.recv()
        except (EOFError, OSError):
            pass
        os._exit(70)  # the parent is gone: stop writing to a folder nobody holds the lock of

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def describe_exit(code: int | None) -> str:
    """A process exit code as words: ``"killed by SIGKILL"``, ``"exit code 3"``."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass
class _Worker:
    process: Any
    conn: Connection
    job: Any = None
    deadline: float | None = None
    limit: float | None = None
    tasks: int = 0


@dataclass
class Outcome:
    """What became of one job: ``result`` from the worker, or ``error`` when the worker failed."""

    job: Any
    result: Any = None
    error: str | None = None


class WorkerPool:
    """``size`` worker processes running ``task`` one job at a time.

    Parameters
    ----------
    size : int
        Number of workers (at least 1).
    task : callable
        ``task(conn, lifeline)``, run in each worker: receives ``(job, *args)`` tuples from
        ``conn`` until it receives None; for each job sends ``STARTED``, then one result.
        Must be importable.
    args : tuple
        Sent with every job.
    deadline : callable
        ``deadline(job)`` → seconds the job may take before its worker is killed, or None.
    """

    def __init__(self, size: int, task: Callable[..., None], args: tuple = (),
                 deadline: Callable[[Any], float | None] = lambda job: None) -> None:
        self.ctx = pool_context()
        self.size = max(1, size)
        self.task, self.args, self.deadline = task, args, deadline
        self.workers: list[_Worker] = []
        # The parent keeps the write end; workers hold the read end and exit when it closes.
        self._life_r, self._life_w = self.ctx.Pipe(duplex=False)

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=self.task, args=(child, self._life_r), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, *, kill: bool = False) -> None:
        self.workers.remove(worker)
        try:
            if not kill:
                worker.conn.send(None)
        except OSError:
            kill = True
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=None if kill else 10)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def run(self, jobs: list[Any], stop: Callable[[], bool] = lambda: False
            ) -> Iterator[Outcome]:
        """Run ``jobs``, yielding each outcome as it arrives; stop early when ``stop()``.

        A job whose worker dies or overruns its deadline yields an ``Outcome`` with ``error``;
        the worker is replaced and the other jobs go on.
        """
        pending = deque(jobs)
        while pending or any(w.job is not None for w in self.workers):
            if stop():
                return
            while pending and (len(self.workers) < self.size
                               or any(w.job is None for w in self.workers)):
                worker = next((w for w in self.workers if w.job is None), None) or self._spawn()
                job = pending.popleft()
                worker.job, worker.tasks = job, worker.tasks + 1
                worker.limit, worker.deadline = self.deadline(job), None
                try:
                    worker.conn.send((job, *self.args))
                except OSError:
                    pass  # the worker is dead; its sentinel reports it below
            yield from self._collect()

    def _collect(self) -> Iterator[Outcome]:
        busy = [w for w in self.workers if w.job is not None]
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        wait_s = 0.5 if not deadlines else max(0.0, min(0.5, min(deadlines) - time.monotonic()))
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_s))
        for worker in busy:
            job = worker.job
            if worker.conn in ready:
                try:
                    result = worker.conn.recv()
                except (EOFError, OSError):
                    result = None
                else:
                    if isinstance(result, str) and result == STARTED:
                        if worker.limit:
                            worker.deadline = time.monotonic() + worker.limit
                        continue
                    worker.job = worker.deadline = None
                    if worker.tasks >= TASKS_PER_WORKER:
                        self._retire(worker)
                    yield Outcome(job, result=result)
                    continue
            if worker.conn in ready or worker.process.sentinel in ready:
                worker.process.join(timeout=5)
                why = describe_exit(worker.process.exitcode)
                self._retire(worker, kill=True)
                yield Outcome(job, error=f"the worker process running this report died ({why}); "
                                         "it was replaced and the other reports went on")
            elif worker.deadline is not None and time.monotonic() >= worker.deadline:
                self._retire(worker, kill=True)
                yield Outcome(job, error="stopped: still running after its time limit "
                                         "(see --timeout); the worker was replaced")

    def close(self) -> None:
        """Stop every worker: ask idle ones to exit, terminate busy ones, kill what remains."""
        for worker in list(self.workers):
            if worker.job is not None:
                worker.process.terminate()
        deadline = time.monotonic() + 5
        for worker in list(self.workers):
            if worker.job is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        for worker in list(self.workers):
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers.clear()
        self._life_w.close()
        self._life_r.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
