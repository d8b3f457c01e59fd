"""Running the batch: plan, skip the unchanged, build the rest in worker processes, record.

``build_reports`` is the whole run under the lock of the output folder; ``build_one`` executes
and renders one report in a worker. Each worker imports the in-process engine once, in its
initialiser, so planning and the "nothing to do" decision never import IPython or matplotlib.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import render
from analysis.build import fingerprint
from analysis.build.guard import (
    BUILD_LOG,
    DEFAULT_TIMEOUT_S,
    BuildLog,
    build_lock,
    now,
    peak_rss_mb,
    time_limit,
)
from analysis.build.jobs import FORMATS, PROVINCE_NOTEBOOK, REGENCY_NOTEBOOK, Job, plan_jobs
from analysis.build.manifest import is_unchanged, load_manifest, write_manifest
from analysis.core import config
from analysis.core.files import atomic_write, sha256_bytes
from analysis.render.notebook import notebook_bytes
from analysis.render.stamp import make_stamp

EXIT_OK = 0
EXIT_FAILED = 1  # at least one report failed; the others were built
EXIT_LOCKED = 3  # another run holds the lock on the output folder


# --- Building one report (runs in a worker process) -----------------------------------------------


def _worker_init() -> None:
    """Import the analysis and the engine once per worker process."""
    # Late: the engine loads IPython; only worker processes need it, never the planning run.
    from analysis.build import engine

    engine.get_shell()


def build_one(job: Job, out: str, stamp: Any) -> dict[str, Any]:
    """Execute and render one report, write its files atomically, return its manifest entry.

    Parameters
    ----------
    job : Job
        What to build.
    out : str
        Output folder.
    stamp : analysis.render.stamp.Stamp
        Version and generation time shared by the whole run.

    Returns
    -------
    dict
        The manifest entry, with ``status`` ``built`` or ``failed`` (and ``error``), plus a
        ``_log`` key with the traceback of a failure (removed before the manifest is written).
    """
    started = now()
    clock = time.perf_counter()
    folder = Path(out) / job.lang
    entry: dict[str, Any] = _entry_base(job)
    entry["started"] = started
    failed_nb = folder / f"{job.stem}.failed.ipynb"
    try:
        if job.error:
            raise LookupError(job.error)
        from analysis.build import engine  # late: IPython only where notebooks run

        folder.mkdir(parents=True, exist_ok=True)
        try:
            with time_limit(job.timeout_s):
                nb = engine.execute_notebook(job.notebook, job.parameters)
        except Exception as exc:
            partial = getattr(exc, "nb", None)
            if partial is not None:
                atomic_write(failed_nb, notebook_bytes(partial))
                entry["failed_notebook"] = failed_nb.relative_to(out).as_posix()
            raise
        files = render.render(nb, stamp, FORMATS)  # everything in memory before any write
        for fmt in ("ipynb", "xlsx", "html", "pdf"):
            atomic_write(Path(out) / job.relpath(fmt), files[fmt])
        failed_nb.unlink(missing_ok=True)
        entry.update(
            status="built",
            error=None,
            paths={fmt: job.relpath(fmt) for fmt in FORMATS},
            sha256={fmt: sha256_bytes(files[fmt]) for fmt in FORMATS},
        )
    except Exception as exc:
        entry.update(status="failed", error=_error_text(exc), _log=_traceback_text(exc))
    entry["finished"] = now()
    entry["duration_s"] = round(time.perf_counter() - clock, 2)
    entry["peak_rss_mb"] = peak_rss_mb()
    return entry


def _entry_base(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "code": job.code,
        "name": job.name,
        "language": job.lang,
        "parameters": dict(job.parameters),
        "input_hash": job.input_hash,
    }


def _error_text(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    if ename is not None:  # papermill.exceptions.PapermillExecutionError
        return f"{ename}: {getattr(exc, 'evalue', '')} (notebook cell In[{exc.exec_count}])"
    if isinstance(exc, LookupError) and exc.args:
        return str(exc.args[0])
    return f"{type(exc).__name__}: {exc}"


def _traceback_text(exc: BaseException) -> str:
    lines = getattr(exc, "traceback", None)
    if isinstance(lines, list) and lines:
        return "\n".join(lines)
    return "".join(traceback.format_exception(exc))


# --- The run --------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    """Outcome of a run: counts, failures, time, exit code."""

    out: Path
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK

    def summary(self) -> str:
        lines = [
            f"Reports in {self.out}: {len(self.built)} built, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed ({self.seconds:.1f} s)"
        ]
        lines += [f"  FAILED {rid}: {error}" for rid, error in sorted(self.failed.items())]
        return "\n".join(lines)


class _Progress:
    """A tqdm bar on a terminal; one plain line per report otherwise (cron mail, CI logs)."""

    def __init__(self, total: int, enabled: bool | None) -> None:
        self.total, self.done = total, 0
        tty = sys.stderr.isatty()
        self.enabled = True if enabled is None else enabled
        self.bar = None
        if self.enabled and tty:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True)

    def update(self, job_id: str, status: str, seconds: float | None = None) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(f"{job_id} {status}", refresh=False)
            self.bar.update(1)
        elif self.enabled:
            took = f" ({seconds:.1f} s)" if seconds is not None else ""
            print(f"[{self.done}/{self.total}] {status:<9} {job_id}{took}", file=sys.stderr,
                  flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _pool_context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    # forkserver: workers do not inherit the lock, threads or open files of this process.
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["analysis.build.engine", "analysis.render"])
    return ctx


def _run_jobs(jobs: list[Job], out: Path, stamp: Any, workers: int) -> Iterator[dict[str, Any]]:
    """Build ``jobs``, yielding manifest entries as they finish."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield build_one(job, str(out), stamp)
        return
    with cf.ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=_pool_context(),
        initializer=_worker_init,
        max_tasks_per_child=100,  # bounds memory growth of long in-process runs
    ) as pool:
        futures = {pool.submit(build_one, job, str(out), stamp): job for job in jobs}
        for future in cf.as_completed(futures):
            job = futures[future]
            try:
                yield future.result()
            except Exception as exc:  # the worker process died (killed, out of memory)
                entry = _entry_base(job)
                entry.update(status="failed", error=f"worker process failed: {exc!r}",
                             _log=_traceback_text(exc), started=None, finished=now())
                yield entry


def build_reports(
    *,
    province: str = "12",
    regencies: Sequence[str] | None = None,
    langs: Sequence[str] = ("id",),
    jobs: int = 2,
    out: str | Path | None = None,
    force: bool = False,
    as_of: str | None = None,
    overview: bool | None = None,
    progress: bool | None = None,
    regency_notebook: Path = REGENCY_NOTEBOOK,
    province_notebook: Path = PROVINCE_NOTEBOOK,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
) -> BuildResult:
    """Build the reports; skip those whose inputs and files are unchanged.

    Parameters
    ----------
    province : str
        Province code (``"12"`` Sumatera Utara).
    regencies : sequence of str, optional
        Kab/kota codes or names; all of the province when omitted.
    langs : sequence of {"id", "en"}
        Report languages (default Indonesian).
    jobs : int
        Worker processes; 1 builds in this process.
    out : str or Path, optional
        Output folder; ``config.reports_dir()`` when omitted.
    force : bool
        Rebuild even when nothing changed.
    as_of : str, optional
        ISO date: use only data known on that date.
    overview : bool, optional
        Build the province overview (default: only when no regency is named).
    progress : bool, optional
        Show progress on stderr (default yes: a bar on a terminal, one line per report
        otherwise).
    regency_notebook, province_notebook : Path
        Notebooks to run (tests pass their own).
    timeout_s : float, optional
        Time limit per report notebook in seconds; a report that runs longer fails (and the
        others go on). None or 0: no limit.

    Returns
    -------
    BuildResult
        Counts and failures; ``exit_code`` is 1 when a report failed.

    Raises
    ------
    ReportsLocked
        When another run is writing to ``out``.
    """
    clock = time.perf_counter()
    out_dir = Path(out) if out is not None else config.reports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult(out=out_dir)
    with build_lock(out_dir):
        log = BuildLog(out_dir / BUILD_LOG)
        try:
            stamp = make_stamp()
            log("INFO", f"run started: version {stamp.version}, jobs {jobs}, force {force}")
            planned = plan_jobs(
                province=province, regencies=regencies, langs=langs, as_of=as_of,
                overview=overview, regency_notebook=Path(regency_notebook),
                province_notebook=Path(province_notebook),
            )
            shared = fingerprint.inputs_digest()
            manifest = load_manifest(out_dir)
            progress_bar = _Progress(len(planned), progress)
            todo: list[Job] = []
            for job in planned:
                job.timeout_s = timeout_s
                job.input_hash = fingerprint.job_hash(job, shared) if not job.error else ""
                old = manifest.get(job.id)
                if not force and not job.error and is_unchanged(job, old, out_dir):
                    old = dict(old or {})
                    old.update(status="unchanged", checked=now())
                    manifest[job.id] = old
                    result.unchanged.append(job.id)
                    progress_bar.update(job.id, "unchanged")
                else:
                    todo.append(job)
            if result.unchanged:
                log("INFO", f"{len(result.unchanged)} report(s) unchanged")
            try:
                for entry in _run_jobs(todo, out_dir, stamp, jobs):
                    detail = entry.pop("_log", None)
                    if entry["status"] == "failed":
                        previous = manifest.get(entry["id"], {})
                        for key in ("paths", "sha256"):  # older files stay, marked stale
                            if previous.get(key):
                                entry[key] = previous[key]
                                entry["stale"] = True
                        result.failed[entry["id"]] = entry["error"]
                        log("ERROR", f"{entry['id']} failed: {entry['error']}")
                        if detail:
                            log("ERROR", "  " + detail.replace("\n", "\n    "))
                    else:
                        result.built.append(entry["id"])
                        log("INFO", f"{entry['id']} built in {entry['duration_s']} s")
                    entry["version"] = stamp.version
                    manifest[entry["id"]] = entry
                    write_manifest(out_dir, manifest, stamp.version)
                    progress_bar.update(entry["id"], entry["status"], entry.get("duration_s"))
            finally:
                progress_bar.close()
            write_manifest(out_dir, manifest, stamp.version)
            result.seconds = time.perf_counter() - clock
            log("INFO", result.summary().splitlines()[0])
        finally:
            log.close()
    return result
