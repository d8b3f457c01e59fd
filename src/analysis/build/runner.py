"""Running the batch: plan, skip the unchanged, build the rest in worker processes, record.

``build_reports`` is the whole run under the lock of the output folder; ``build_one`` executes
and renders one report in a worker and *stages* its files (temporary files beside the targets);
the parent moves them into place and records them in the manifest, one report at a time, so
``manifest.json`` always describes the files on disk. Each worker imports the in-process engine
once, so planning and the "nothing to do" decision never import IPython or matplotlib.

Workers are :class:`analysis.build.workers.WorkerPool` processes: a worker that dies fails only
its own report and is replaced; a report still running after its time limit plus
``KILL_GRACE_S`` is killed (the in-worker alarm covers notebook execution *and* rendering, but
cannot interrupt the Typst compiler mid-call). SIGTERM or SIGINT stops the workers, writes the
manifest and releases the lock before the run ends (exit code 1).

With ``scheduler`` the reports run on a Dask cluster instead (``analysis.build.executors``): the
same ``build_one`` stages the files there, and this process commits and records them as above.
At the end of every run the report site ``index.html`` is written from the manifest
(``analysis.build.site``).
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import render
from analysis.build import executors, fingerprint
from analysis.build import site as report_site
from analysis.build.guard import (
    BUILD_LOG,
    DEFAULT_TIMEOUT_S,
    BuildLog,
    Interrupted,
    Signals,
    build_lock,
    now,
    peak_rss_mb,
    time_limit,
)
from analysis.build.jobs import (
    FORMATS,
    NATIONAL_NOTEBOOK,
    PROVINCE_NOTEBOOK,
    REGENCY_NOTEBOOK,
    Job,
    plan_jobs,
)
from analysis.build.manifest import (
    MANIFEST,
    checked_inputs,
    is_unchanged,
    load_manifest,
    write_manifest,
)
from analysis.build.workers import STARTED, WorkerPool, start_server, watch_lifeline
from analysis.core import config
from analysis.core.errors import UserError
from analysis.core.files import atomic_write, sha256_bytes, stage_file
from analysis.render.notebook import notebook_bytes, report_meta
from analysis.render.stamp import make_stamp

EXIT_OK = 0
EXIT_FAILED = 1  # at least one report failed (or the run was interrupted); the others were built
EXIT_INPUT = 2  # the user's input: arguments, data, output folder; nothing was built
EXIT_LOCKED = 3  # another run holds the lock on the output folder
KILL_GRACE_S = 15.0  # a worker still busy this long after its report's time limit is killed
_COMMIT_ORDER = ("ipynb", "xlsx", "html", "pdf")


# --- Building one report (runs in a worker process) -----------------------------------------------


def _worker_init() -> None:
    """Import the analysis and the engine once per worker process."""
    # Late: the engine loads IPython; only worker processes need it, never the planning run.
    importlib.import_module("analysis.build.startup")  # before the engine: see its docstring
    from analysis.build import engine

    engine.get_shell()
    # The engine collects garbage between notebooks; objects alive now (the imported
    # libraries) never become garbage, so keep them out of those collections.
    gc.freeze()


def _worker_main(conn: Any, lifeline: Any) -> None:
    """A worker process: build the reports the parent sends, one at a time, until told to stop."""
    watch_lifeline(lifeline)
    # Ctrl-C reaches the whole process group: the parent decides, and stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_init()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job, out, stamp = message
        conn.send(STARTED)
        conn.send(build_one(job, out, stamp))


def build_one(job: Job, out: str, stamp: Any) -> dict[str, Any]:
    """Execute and render one report, stage its files, return its manifest entry.

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
        ``_log`` key with the traceback of a failure and, when built, ``_staged`` (format →
        temporary file to move into place); both are removed before the manifest is written.
    """
    started = now()
    clock = time.perf_counter()
    folder = Path(out) / job.lang
    entry: dict[str, Any] = _entry_base(job)
    entry["started"] = started
    failed_nb = folder / f"{job.stem}.failed.ipynb"
    staged: dict[str, str] = {}
    try:
        if job.error:
            raise LookupError(job.error)
        importlib.import_module("analysis.build.startup")  # before the engine: see its docstring
        from analysis.build import engine  # late: IPython only where notebooks run

        folder.mkdir(parents=True, exist_ok=True)
        with time_limit(job.timeout_s):  # execution and rendering both count
            try:
                nb = engine.execute_notebook(job.notebook, job.parameters)
            except Exception as exc:
                partial = getattr(exc, "nb", None)
                if partial is not None:
                    atomic_write(failed_nb, notebook_bytes(partial))
                    entry["failed_notebook"] = failed_nb.relative_to(out).as_posix()
                raise
            files = render.render(nb, stamp, FORMATS)  # everything in memory before any write
        entry["meta"] = _site_meta(nb)
        for fmt in _COMMIT_ORDER:
            staged[fmt] = str(stage_file(Path(out) / job.relpath(fmt), files[fmt]))
        entry.update(
            status="built",
            error=None,
            paths={fmt: job.relpath(fmt) for fmt in FORMATS},
            sha256={fmt: sha256_bytes(files[fmt]) for fmt in FORMATS},
            _staged=staged,
        )
    except Exception as exc:
        _discard(staged)
        entry.update(status="failed", error=_error_text(exc), _log=_traceback_text(exc))
    entry["finished"] = now()
    entry["duration_s"] = round(time.perf_counter() - clock, 2)
    entry["peak_rss_mb"] = peak_rss_mb()
    return entry


def _site_meta(nb: Any) -> dict[str, Any]:
    """What the report site shows of a report: its area, data date and headline figures."""
    meta = report_meta(nb)
    return {key: meta[key] for key in ("area", "province", "as_of", "headline") if key in meta}


def _discard(staged: dict[str, str]) -> None:
    for tmp in staged.values():
        Path(tmp).unlink(missing_ok=True)


def _commit(entry: dict[str, Any], out: Path) -> None:
    """Move a built report's staged files into place; on failure the entry becomes failed."""
    staged = entry.pop("_staged", None) or {}
    replaced: dict[str, str] = {}
    try:
        for fmt in _COMMIT_ORDER:
            if fmt in staged:
                os.replace(staged[fmt], out / entry["paths"][fmt])
                del staged[fmt]
                replaced[fmt] = entry["sha256"][fmt]
    except OSError as exc:
        _discard(staged)
        # The formats already moved are the new files: the manifest must say so (see _record).
        entry.update(status="failed", error=f"{type(exc).__name__}: {exc}",
                     _log=_traceback_text(exc), _replaced=replaced)


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
    interrupted: str | None = None  # the signal that stopped the run
    manifest_error: str | None = None  # manifest.json could not be written
    inputs_checked: str | None = None  # the inputs' key once they passed the pre-build checks

    @property
    def exit_code(self) -> int:
        problem = self.failed or self.interrupted or self.manifest_error
        return EXIT_FAILED if problem else EXIT_OK

    def summary(self) -> str:
        lines = [
            f"Reports in {self.out}: {len(self.built)} built, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed ({self.seconds:.1f} s)"
        ]
        lines += [f"  FAILED {rid}: {error}" for rid, error in sorted(self.failed.items())]
        if self.interrupted:
            lines.append(f"  STOPPED by {self.interrupted}: workers stopped; reports not yet "
                         "built keep their previous files")
        if self.manifest_error:
            lines.append(f"  MANIFEST NOT WRITTEN ({self.manifest_error}): the run stopped")
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


def _run_jobs(jobs: list[Job], out: Path, stamp: Any, workers: int, in_process: bool,
              signals: Signals, scheduler: str | None = None) -> Iterator[dict[str, Any]]:
    """Build ``jobs``, yielding manifest entries (files staged, not yet in place) as they finish."""
    if scheduler and jobs:  # on a Dask cluster (analysis.build.executors)
        yield from executors.run_on_dask(jobs, out, stamp, scheduler, build_one, _lost_entry,
                                         stop=lambda: signals.received is not None)
        return
    if in_process:
        for job in jobs:
            if signals.received:
                return
            yield build_one(job, str(out), stamp)
        return

    def deadline(job: Job) -> float | None:
        return job.timeout_s + KILL_GRACE_S if job.timeout_s else None

    with WorkerPool(min(workers, len(jobs)), _worker_main, (str(out), stamp), deadline) as pool:
        for outcome in pool.run(jobs, stop=lambda: signals.received is not None):
            if outcome.error is None:
                yield outcome.result
                continue
            yield _lost_entry(outcome.job, outcome.error)


def _lost_entry(job: Job, error: str) -> dict[str, Any]:
    """The manifest entry of a report whose worker or task was lost before it returned one."""
    entry = _entry_base(job)
    entry.update(status="failed", error=error, _log=error, started=None, finished=now())
    return entry


def _write_site(out: Path, manifest: dict[str, dict[str, Any]], langs: Sequence[str],
                stamp: Any, result: BuildResult, log: BuildLog) -> None:
    """Write ``index.html``; a failure is recorded like a failed report, the reports stay."""
    try:
        path = report_site.write_site(out, manifest, report_site.site_language(manifest, langs),
                                      stamp.version, stamp.generated)
        log("INFO", f"report site written: {path.name}")
    except Exception as exc:
        result.failed[report_site.SITE_FILE] = _error_text(exc)
        log("ERROR", f"report site not written: {_error_text(exc)}")
        log("ERROR", "  " + _traceback_text(exc).replace("\n", "\n    "))


def _check_inputs(preflight: Callable[[], None] | None, key: str, out_dir: Path,
                  log: BuildLog, *, start_workers: bool, needed: bool) -> str | None:
    """Run ``preflight`` unless these inputs passed it already; return the key to record.

    The fork server is started first, so the workers' imports (a second or so) overlap the
    checks instead of following them.
    """
    if preflight is None:
        return None
    if checked_inputs(out_dir) == key:
        log("INFO", "inputs unchanged since they were last checked today")
        return key
    if not needed:
        return None  # nothing to build: nothing read from these inputs
    if start_workers:
        start_server()
    preflight()
    log("INFO", "inputs checked")
    return key


def _prepare_out(out_dir: Path) -> None:
    """Create the output folder and check it can be written; UserError (exit 2) otherwise."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        manifest = out_dir / MANIFEST
        if manifest.exists() and not manifest.is_file():
            raise UserError(f"{manifest}: not a file; move it away, then run again")
        stage_file(out_dir / ".write-check", b"").unlink()
    except UserError:
        raise
    except OSError as exc:
        raise UserError(
            f"--out {out_dir}: cannot write reports there ({exc.strerror or exc}); choose "
            "another folder with --out"
        ) from None


def _remove_leftovers(out_dir: Path) -> None:
    """Temporary files of a run that was killed (only ever removed under the lock)."""
    for folder in [out_dir, *[p for p in out_dir.iterdir() if p.is_dir()]]:
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


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
    in_process: bool | None = None,
    scheduler: str | None = None,
    site: bool = True,
    national_notebook: Path = NATIONAL_NOTEBOOK,
    preflight: Callable[[], None] | None = None,
) -> BuildResult:
    """Build the reports; skip those whose inputs and files are unchanged.

    Parameters
    ----------
    province : str
        Province code (``"12"`` Sumatera Utara; any of the 38), or ``"all"``: every province,
        all 514 kab/kota and the national overview.
    regencies : sequence of str, optional
        Kab/kota codes or names; all of the province when omitted.
    langs : sequence of {"id", "en"}
        Report languages (default Indonesian).
    jobs : int
        Worker processes.
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
    regency_notebook, province_notebook, national_notebook : Path
        Notebooks to run (tests pass their own).
    timeout_s : float, optional
        Time limit per report (notebook execution and rendering) in seconds; a report that
        runs longer fails (and the others go on). None or 0: no limit.
    in_process : bool, optional
        Build in this process instead of worker processes (default: when ``jobs`` is 1). A
        crash then ends the run, and the time limit cannot stop the Typst compiler mid-call;
        the command line always uses workers.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``): run the reports on that
        cluster instead of local worker processes (``analysis.build.executors``). Skipping,
        the manifest, isolation and atomic writes are the same; the workers must see ``out``.
    site : bool
        Write ``<out>/index.html``, the report site (``analysis.build.site``).
    preflight : callable, optional
        Checks of the inputs (the command line's: raw checksums, tables, parameters, scenario
        files) that raise ``UserError`` to refuse the run. Called once the run knows it has
        reports to build, while the worker processes start, and skipped when the manifest
        records that these same inputs passed it today (``inputs_checked``: the inputs' digest
        and the date). A refusal writes no report and no manifest.

    Returns
    -------
    BuildResult
        Counts and failures; ``exit_code`` is 1 when a report failed or the run was
        interrupted.

    Raises
    ------
    ReportsLocked
        When another run is writing to ``out``.
    UserError
        When ``out`` cannot be written, or ``preflight`` refuses the inputs.
    """
    clock = time.perf_counter()
    out_dir = Path(out) if out is not None else config.reports_dir()
    in_process = jobs <= 1 if in_process is None else in_process
    in_process = in_process and not scheduler
    _prepare_out(out_dir)
    result = BuildResult(out=out_dir)
    with build_lock(out_dir), Signals(in_process).installed() as signals:
        log = BuildLog(out_dir / BUILD_LOG)
        manifest: dict[str, dict[str, Any]] = {}
        stamp = None
        refused = False
        try:
            _remove_leftovers(out_dir)
            stamp = make_stamp()
            where = f"scheduler {scheduler}" if scheduler else f"jobs {jobs}"
            log("INFO", f"run started: version {stamp.version}, {where}, force {force}")
            planned = plan_jobs(
                province=province, regencies=regencies, langs=langs, as_of=as_of,
                overview=overview, regency_notebook=Path(regency_notebook),
                province_notebook=Path(province_notebook),
                national_notebook=Path(national_notebook),
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
                result.inputs_checked = _check_inputs(
                    preflight, f"{shared}:{dt.date.today().isoformat()}", out_dir, log,
                    start_workers=bool(todo) and not in_process and not scheduler,
                    needed=bool(todo))
            except UserError:
                refused = True
                raise
            if site and todo and not in_process:  # the main process waits on the workers
                threading.Thread(target=report_site.prefetch, name="site-prefetch",
                                 daemon=True).start()
            try:
                for entry in _run_jobs(todo, out_dir, stamp, jobs, in_process, signals,
                                       scheduler):
                    signals.committing = True
                    try:
                        _record(entry, manifest, out_dir, stamp, result, log)
                    finally:
                        signals.committing = False
                    progress_bar.update(entry["id"], entry["status"], entry.get("duration_s"))
                    if signals.received and in_process:
                        raise Interrupted(signals.received)
            finally:
                progress_bar.close()
        except Interrupted:
            pass  # the manifest is written below, then the lock is released
        finally:
            if signals.received:
                result.interrupted = signals.name
                log("ERROR", f"run stopped by {signals.name}: workers stopped, "
                             "reports not yet built left as they were")
            if refused:
                pass  # the inputs were refused: leave the folder as it was
            elif stamp is not None and manifest and result.manifest_error is None:
                try:
                    write_manifest(out_dir, manifest, stamp.version, result.inputs_checked)
                except OSError as exc:
                    result.manifest_error = f"{out_dir / MANIFEST}: {exc.strerror or exc}"
            if result.manifest_error:
                log("ERROR", f"manifest not written: {result.manifest_error}")
            elif (site and stamp is not None and manifest and not signals.received
                  and not refused):
                _write_site(out_dir, manifest, langs, stamp, result, log)
            result.seconds = time.perf_counter() - clock
            log("INFO", result.summary().splitlines()[0])
            log.close()
    return result


def _record(entry: dict[str, Any], manifest: dict[str, dict[str, Any]], out_dir: Path,
            stamp: Any, result: BuildResult, log: BuildLog) -> None:
    """Put a finished report's files in place and write the manifest that lists them."""
    if entry["status"] == "built":
        _commit(entry, out_dir)
    detail = entry.pop("_log", None)
    replaced = entry.pop("_replaced", {})
    new_paths = entry.get("paths") or {}
    if entry["status"] == "failed":
        previous = manifest.get(entry["id"], {})
        entry["paths"], entry["sha256"] = {}, {}
        for key in ("paths", "sha256"):  # older files stay, marked stale
            if previous.get(key):
                entry[key] = dict(previous[key])
                entry["stale"] = True
        for fmt, sha in replaced.items():  # a commit that failed half way: what is on disk now
            entry["paths"][fmt], entry["sha256"][fmt] = new_paths[fmt], sha
            entry["stale"] = True
        if not entry["paths"]:
            del entry["paths"], entry["sha256"]
        result.failed[entry["id"]] = entry["error"]
        log("ERROR", f"{entry['id']} failed: {entry['error']}")
        if detail:
            log("ERROR", "  " + detail.replace("\n", "\n    "))
    else:
        result.built.append(entry["id"])
        log("INFO", f"{entry['id']} built in {entry['duration_s']} s")
    entry["version"] = stamp.version
    manifest[entry["id"]] = entry
    try:
        write_manifest(out_dir, manifest, stamp.version, result.inputs_checked)
    except OSError as exc:
        # The files are in place but cannot be recorded: stop rather than replace more.
        result.manifest_error = f"{out_dir / MANIFEST}: {exc.strerror or exc}"
        raise Interrupted(0) from None
