"""Running the reports on a Dask distributed cluster: ``reports --scheduler ADDRESS``.

When one machine is not enough, the same build runs on an existing cluster. Only the execution
moves: planning, the "unchanged" decision, the manifest, the build log and the site stay in the
process that runs ``reports`` (``analysis.build.runner``). Each report is one task that calls the
same ``build_one`` as a local worker does: it executes and renders the report and stages its
files (temporary files beside the targets); the runner then moves them into place and records
them, exactly as for local workers. So the isolation (a failing notebook fails its report only)
and the atomic writes are the same. The workers must see the output folder at the same path (a
shared file system) and run the same version of this package and its data.

Dask runs tasks in threads of its worker processes; the in-process notebook engine has one
IPython shell per process and redirects ``sys.stdout`` while a cell runs, so within one worker
process reports run one at a time (a lock). Start workers with several processes and one thread
each (``dask worker ADDRESS --nworkers 4 --nthreads 1``). The per-report time limit (a watchdog
thread, ``analysis.build.guard.time_limit``) applies as locally, but a worker stuck inside one
long C call is not killed from here: use the cluster's own limits for that.

``distributed`` is an optional dependency (``pip install "pekerja-rentan[distributed]"``).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from analysis.core.errors import UserError

# One report at a time per worker process (see the module docstring).
_ENGINE_LOCK = threading.Lock()
_FROZEN = False
CONNECT_TIMEOUT = "10s"  # how long to wait for the scheduler before giving up


def run_task(build: Callable[..., dict[str, Any]], job: Any, out: str, stamp: Any
             ) -> dict[str, Any]:
    """Build one report on a Dask worker (the task the scheduler runs).

    Parameters
    ----------
    build : callable
        ``analysis.build.runner.build_one``.
    job : analysis.build.jobs.Job
        The report.
    out : str
        Output folder, as the worker sees it.
    stamp : analysis.render.stamp.Stamp
        Version and generation time shared by the whole run.

    Returns
    -------
    dict
        The manifest entry (``build_one``'s).
    """
    global _FROZEN
    with _ENGINE_LOCK:
        entry = build(job, out, stamp)
        if not _FROZEN:  # as a local worker does after its start (runner._worker_init)
            import gc

            gc.freeze()
            _FROZEN = True
        return entry


def connect(address: str) -> Any:
    """A ``distributed.Client`` connected to ``address``.

    Raises
    ------
    UserError
        When ``distributed`` is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError:
        raise UserError(
            "--scheduler needs the optional dependency 'distributed': "
            "pip install \"pekerja-rentan[distributed]\" (or \"dask[distributed]\")"
        ) from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from None


def run_on_dask(
    jobs: Sequence[Any],
    out: Path,
    stamp: Any,
    address: str,
    build: Callable[..., dict[str, Any]],
    lost_entry: Callable[[Any, str], dict[str, Any]],
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[dict[str, Any]]:
    """Build ``jobs`` on the cluster at ``address``, yielding manifest entries as they finish.

    Parameters
    ----------
    jobs : sequence of Job
        Reports to build (the unchanged ones are already left out).
    out : Path
        Output folder; passed to the workers as an absolute path.
    stamp : Stamp
        Version and generation time shared by the whole run.
    address : str
        Scheduler address (``tcp://host:8786``); a ``LocalCluster``'s address works the same.
    build : callable
        ``analysis.build.runner.build_one``.
    lost_entry : callable
        ``(job, error text)`` → the entry of a report whose task was lost (its worker died,
        the cluster went away).
    stop : callable
        Asked after each report; when it answers True (SIGTERM, SIGINT) the reports not yet
        finished are cancelled and nothing more is yielded.

    Yields
    ------
    dict
        Manifest entries, in the order the reports finish.
    """
    from distributed import as_completed

    client = connect(address)
    run = uuid.uuid4().hex[:8]  # task keys unique per run: a cluster may keep old results
    try:
        futures = {
            client.submit(run_task, build, job, str(Path(out).resolve()), stamp,
                          key=f"report-{job.id}-{run}", pure=False): job
            for job in jobs
        }
        for future in as_completed(futures, loop=client.loop):
            job = futures[future]
            try:
                entry = future.result()
            except Exception as exc:  # the task was lost: its worker died, or the cluster
                entry = lost_entry(job, f"task lost on the Dask cluster: {exc!r}")
            finally:
                future.release()
            yield entry
            if stop():
                client.cancel([f for f in futures if not f.done()])
                return
    finally:
        client.close()
