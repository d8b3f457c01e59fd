"""Report pipeline: run the report notebooks for every kab/kota and the province, render them.

``python -m analysis reports`` executes ``notebooks/03_regency_report.ipynb`` once per kab/kota
and ``notebooks/04_province_overview.ipynb`` once per province with papermill, then turns each
executed notebook into PDF, HTML and XLSX (``analysis.render``). Built for scheduled use:

- Notebooks run in a pool of worker processes (``--jobs``, default 2). Each worker imports the
  analysis once and executes many notebooks in-process (``analysis.engine``): no kernel start-up
  per report, no kernels racing each other, no change of working directory.
- A report whose inputs have not changed is not rebuilt. Its input hash covers the notebook, the
  parameters, every file under ``data/`` (and the user-data folder), the package's Python files,
  templates and locales. The decision is taken before matplotlib or IPython are imported, so a
  run with nothing to do takes seconds.
- One failing report does not stop the others: its error goes to ``manifest.json`` and
  ``build.log`` and the exit code is 1 at the end.
- Every file is written atomically (temporary file in the same folder, then ``os.replace``):
  readers see the old file or the new one, never half a PDF.
- A lock file (``<out>/.lock``) stops two runs from writing the same folder; the second run
  exits at once with code 3.

Outputs: ``<out>/<lang>/<code>_<slug>.{pdf,html,xlsx,ipynb}``, ``<out>/manifest.json`` and
``<out>/build.log``. The report-building helpers the notebooks call (sections, tables,
charts) are at the end of this module; they import the analysis modules inside each function so
that the scheduling part above stays light.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
import sys
import time
import traceback
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.core import config
from analysis.core.errors import ReportsLocked, ReportTimeout

REGENCY_NOTEBOOK = config.NOTEBOOKS / "03_regency_report.ipynb"
PROVINCE_NOTEBOOK = config.NOTEBOOKS / "04_province_overview.ipynb"
FORMATS = ("pdf", "html", "xlsx", "ipynb")
MANIFEST = "manifest.json"
BUILD_LOG = "build.log"
LOCK_FILE = ".lock"
MANIFEST_SCHEMA = 1
LOG_MAX_BYTES = 2_000_000  # build.log is rotated to build.log.1 beyond this size

EXIT_OK = 0
EXIT_FAILED = 1  # at least one report failed; the others were built
EXIT_USAGE = 2  # a user error (bad argument, bad input file)
EXIT_LOCKED = 3  # another run holds the lock on the output folder

# What the input hash covers besides the notebook and its parameters.
_PACKAGE = Path(__file__).resolve().parent


# --- Planning -------------------------------------------------------------------------------------


@dataclass
class Job:
    """One report to build: a notebook, its parameters and where its files go."""

    kind: str  # "regency" or "province"
    code: str
    name: str
    lang: str
    notebook: str
    parameters: dict[str, Any]
    stem: str
    input_hash: str = ""
    error: str | None = None  # set when the job cannot even be planned (unknown regency)
    timeout_s: float | None = None  # stop the notebook after this many seconds

    @property
    def id(self) -> str:
        return f"{self.lang}/{self.code}"

    def relpath(self, fmt: str) -> str:
        return f"{self.lang}/{self.stem}.{fmt}"


def slugify(text: str) -> str:
    """File-name form of a name: ``"Nias Selatan"`` → ``"nias-selatan"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "area"


def plan_jobs(
    *,
    province: str = "12",
    regencies: Sequence[str] | None = None,
    langs: Sequence[str] = ("id",),
    as_of: str | None = None,
    overview: bool | None = None,
    regency_notebook: Path = REGENCY_NOTEBOOK,
    province_notebook: Path = PROVINCE_NOTEBOOK,
) -> list[Job]:
    """List the reports to build.

    Parameters
    ----------
    province : str
        Province code; all its kab/kota when ``regencies`` is empty.
    regencies : sequence of str, optional
        Codes or names of kab/kota (any variant ``analysis.data.resolve_regency`` knows). A name
        that matches nothing gives a job that fails with the reason, not a stop.
    langs : sequence of {"id", "en"}
        Report languages.
    as_of : str, optional
        ISO date passed to the notebooks (data known on that date); None = everything.
    overview : bool, optional
        Build the province overview; by default only when no regency is named.
    regency_notebook, province_notebook : Path
        The notebooks to run.

    Returns
    -------
    list of Job
        Province overview first (the longest), then kab/kota by code, for each language.
    """
    from analysis import data
    from analysis.core import i18n

    for lang in langs:
        i18n.check_lang(lang)
    table = data.regencies(None if regencies else province)
    by_code = {row.regency_code: row for row in table.itertuples(index=False)}
    wanted: list[tuple[str, str | None]] = []  # (code or given text, error)
    if regencies:
        for given in regencies:
            try:
                wanted.append((data.resolve_regency(given, province), None))
            except Exception as exc:  # an unknown name fails that report only
                wanted.append((str(given), str(exc)))
    else:
        wanted = [(code, None) for code in sorted(by_code)]
    if overview is None:
        overview = not regencies
    jobs: list[Job] = []
    for lang in langs:
        if overview:
            prov_rows = data.regencies(province)
            prov_name = str(prov_rows["province_name"].iloc[0]) if len(prov_rows) else province
            jobs.append(Job(
                kind="province", code=str(province), name=prov_name, lang=lang,
                notebook=str(province_notebook),
                parameters={"province_code": str(province), "lang": lang, "as_of": as_of},
                stem=f"{province}_{slugify(prov_name)}_overview",
            ))
        seen: set[str] = set()
        for code, error in wanted:
            if code in seen:
                continue
            seen.add(code)
            row = by_code.get(code)
            name = str(row.name) if row is not None else code
            jobs.append(Job(
                kind="regency", code=code, name=name, lang=lang,
                notebook=str(regency_notebook),
                parameters={"regency_code": code, "lang": lang, "as_of": as_of,
                            "scenario_file": None},
                stem=f"{code}_{slugify(str(row.short_name))}" if row is not None else code,
                error=error,
            ))
    return jobs


# --- Input hashing and the manifest ---------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_files(root: Path, patterns: Sequence[str]) -> list[Path]:
    files: set[Path] = set()
    for pattern in patterns:
        for path in root.glob(pattern):
            rel = path.relative_to(root).parts
            if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in rel):
                files.add(path)
    return sorted(files)


def inputs_digest() -> str:
    """Hash of every input shared by all reports: data, user data, code, templates, locales.

    Returns
    -------
    str
        sha256 hex digest over (relative path, content) of each file, in sorted order.
    """
    digest = hashlib.sha256()
    groups = [
        ("data", config.DATA, ("**/*",)),
        ("user", config.user_data_dir(), ("**/*",)),
        ("code", _PACKAGE, ("**/*.py", "templates/*", "locales/*")),
    ]
    for label, root, patterns in groups:
        if not root.is_dir() or (label == "user" and config.DATA in root.resolve().parents):
            continue  # the default user folder (data/user) is already part of data/
        for path in _tree_files(root, patterns):
            digest.update(f"{label}:{path.relative_to(root).as_posix()}\0".encode())
            digest.update(_sha256_file(path).encode())
    for name, version in library_versions().items():
        digest.update(f"lib:{name}={version}\0".encode())
    return digest.hexdigest()


# Libraries whose upgrade can change what a report shows (numbers, charts, PDF layout).
REPORT_LIBRARIES = ("numpy", "pandas", "matplotlib", "seaborn", "papermill", "ipython", "typst",
                    "openpyxl", "markdown-it-py")


def library_versions() -> dict[str, str]:
    """Installed versions of ``REPORT_LIBRARIES``, read from package metadata (no import).

    Returns
    -------
    dict
        Distribution name → version ("missing" when not installed).
    """
    from importlib import metadata

    versions = {}
    for name in REPORT_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def job_hash(job: Job, shared: str) -> str:
    """Input hash of one report: shared inputs, notebook bytes, parameters, scenario file."""
    digest = hashlib.sha256(shared.encode())
    digest.update(Path(job.notebook).read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    scenario = job.parameters.get("scenario_file")
    if scenario and Path(scenario).is_file():
        digest.update(Path(scenario).read_bytes())
    return digest.hexdigest()


def load_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """Entries of ``<out>/manifest.json`` by report id (empty if missing or unreadable)."""
    try:
        content = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {entry["id"]: entry for entry in content.get("reports", [])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_manifest(out: Path, entries: dict[str, dict[str, Any]], version: str) -> None:
    """Write ``manifest.json`` atomically, reports sorted by language, kind and code."""
    from analysis.render import atomic_write

    order = {"province": 0, "regency": 1}
    reports = sorted(
        entries.values(),
        key=lambda e: (e.get("language", ""), order.get(e.get("kind"), 2), e.get("code", "")),
    )
    content = {
        "schema": MANIFEST_SCHEMA,
        "updated": _now(),
        "version": version,
        "reports": reports,
    }
    atomic_write(out / MANIFEST, json.dumps(content, indent=2, ensure_ascii=False) + "\n")


def is_unchanged(job: Job, entry: dict[str, Any] | None, out: Path) -> bool:
    """True when the last build of ``job`` used the same inputs and its files are intact."""
    if not entry or entry.get("status") not in ("built", "unchanged"):
        return False
    if entry.get("input_hash") != job.input_hash:
        return False
    hashes = entry.get("sha256") or {}
    for fmt in FORMATS:
        path = out / job.relpath(fmt)
        if entry.get("paths", {}).get(fmt) != job.relpath(fmt) or not path.is_file():
            return False
        if hashes.get(fmt) != _sha256_file(path):
            return False
    return True


# --- Locking and logging --------------------------------------------------------------------------


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
        handle.write(f"pid {os.getpid()} since {_now()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


class _Log:
    """Appends timestamped lines to ``build.log`` (rotated once it grows large)."""

    def __init__(self, path: Path) -> None:
        if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        self._handle = open(path, "a", encoding="utf-8")

    def __call__(self, level: str, message: str) -> None:
        self._handle.write(f"{_now()} {level:<5} {message}\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# --- Building one report (runs in a worker process) -----------------------------------------------


def _worker_init() -> None:
    """Import the analysis and the engine once per worker process."""
    from analysis import engine

    engine.get_shell()


DEFAULT_TIMEOUT_S = 600.0


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
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


def build_one(job: Job, out: str, stamp: Any) -> dict[str, Any]:
    """Execute and render one report, write its files atomically, return its manifest entry.

    Parameters
    ----------
    job : Job
        What to build.
    out : str
        Output folder.
    stamp : analysis.render.Stamp
        Version and generation time shared by the whole run.

    Returns
    -------
    dict
        The manifest entry, with ``status`` ``built`` or ``failed`` (and ``error``), plus a
        ``_log`` key with the traceback of a failure (removed before the manifest is written).
    """
    started = _now()
    clock = time.perf_counter()
    folder = Path(out) / job.lang
    entry: dict[str, Any] = _entry_base(job)
    entry["started"] = started
    failed_nb = folder / f"{job.stem}.failed.ipynb"
    try:
        if job.error:
            raise LookupError(job.error)
        from analysis import engine, render

        folder.mkdir(parents=True, exist_ok=True)
        try:
            with _time_limit(job.timeout_s):
                nb = engine.execute_notebook(job.notebook, job.parameters)
        except Exception as exc:
            partial = getattr(exc, "nb", None)
            if partial is not None:
                render.atomic_write(failed_nb, render.notebook_bytes(partial))
                entry["failed_notebook"] = failed_nb.relative_to(out).as_posix()
            raise
        files = render.render(nb, stamp, FORMATS)  # everything in memory before any write
        for fmt in ("ipynb", "xlsx", "html", "pdf"):
            render.atomic_write(Path(out) / job.relpath(fmt), files[fmt])
        failed_nb.unlink(missing_ok=True)
        entry.update(
            status="built",
            error=None,
            paths={fmt: job.relpath(fmt) for fmt in FORMATS},
            sha256={fmt: hashlib.sha256(files[fmt]).hexdigest() for fmt in FORMATS},
        )
    except Exception as exc:
        entry.update(status="failed", error=_error_text(exc), _log=_traceback_text(exc))
    entry["finished"] = _now()
    entry["duration_s"] = round(time.perf_counter() - clock, 2)
    entry["peak_rss_mb"] = _peak_rss_mb()
    return entry


def _peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (kilobytes on Linux, bytes on macOS)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


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
        ctx.set_forkserver_preload(["analysis.engine", "analysis.render"])
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
                             _log=_traceback_text(exc), started=None, finished=_now())
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
    from analysis.render import make_stamp

    clock = time.perf_counter()
    out_dir = Path(out) if out is not None else config.reports_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BuildResult(out=out_dir)
    with build_lock(out_dir):
        log = _Log(out_dir / BUILD_LOG)
        try:
            stamp = make_stamp()
            log("INFO", f"run started: version {stamp.version}, jobs {jobs}, force {force}")
            planned = plan_jobs(
                province=province, regencies=regencies, langs=langs, as_of=as_of,
                overview=overview, regency_notebook=Path(regency_notebook),
                province_notebook=Path(province_notebook),
            )
            shared = inputs_digest()
            manifest = load_manifest(out_dir)
            progress_bar = _Progress(len(planned), progress)
            todo: list[Job] = []
            for job in planned:
                job.timeout_s = timeout_s
                job.input_hash = job_hash(job, shared) if not job.error else ""
                old = manifest.get(job.id)
                if not force and not job.error and is_unchanged(job, old, out_dir):
                    old = dict(old or {})
                    old.update(status="unchanged", checked=_now())
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


def run_cli(args: Any) -> int:
    """Entry point of ``python -m analysis reports`` (arguments parsed in ``analysis.cli``).

    Returns
    -------
    int
        0 all built or unchanged; 1 some report failed; 3 another run holds the lock.
    """
    try:
        result = build_reports(
            province=args.province,
            regencies=args.regency or None,
            langs=args.lang or ["id"],
            jobs=max(1, args.jobs),
            out=args.out,
            force=args.force,
            as_of=args.as_of,
            timeout_s=args.timeout,
        )
    except ReportsLocked as exc:
        print(f"reports: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    print(result.summary())
    return result.exit_code


# --- Report content: what the notebooks call ------------------------------------------------------
#
# Each method returns a display object from analysis.render (or a Section of several). Numbers
# come from the analysis modules; sentences come from locales/reports.yml with those numbers
# filled in, formatted by analysis.numbers. The analysis modules are imported inside the methods so
# that planning a scheduled run above does not import pandas or matplotlib.


def _t(key: str, lang: str, **values: Any) -> str:
    from analysis.core import i18n

    return i18n.t(f"reports.{key}", lang, **values)


def setup() -> None:
    """Prepare a report notebook: the shared chart style."""
    from analysis import figures

    figures.apply_style()


def _md_escape(text: Any) -> str:
    """Text from the data shown literally in Markdown (no stray emphasis or links)."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in str(text))


def _period(start: Any, end: Any) -> str:
    """A claims period as "2024-01-01 – 2024-12-31", or the one known end ("… 2024-10-17")."""
    def iso(value: Any) -> str:
        return value.isoformat()[:10] if hasattr(value, "isoformat") and value == value else ""

    a, b = iso(start), iso(end)
    if a and b:
        return f"{a} – {b}"
    return a or (f"… {b}" if b else "–")


def data_as_of(as_of: str | None = None) -> str:
    """The date a report's data speak for: ``as_of`` when given, else the newest dated fact.

    Parameters
    ----------
    as_of : str, optional
        ISO date chosen by the caller.

    Returns
    -------
    str
        ISO date: the newest ``date`` in coverage facts and declared targets on or before
        ``as_of`` (or today).
    """
    import pandas as pd

    from analysis import data

    if as_of:
        return pd.Timestamp(as_of).strftime("%Y-%m-%d")
    today = pd.Timestamp.today().normalize()
    newest = []
    for name in ("coverage_facts", "declared_targets"):
        dates = pd.to_datetime(data.load_table(name)["date"], errors="coerce")
        dates = dates[dates <= today].dropna()
        if len(dates):
            newest.append(dates.max())
    return (max(newest) if newest else today).strftime("%Y-%m-%d")


SCENARIO_YEARS = 5  # horizon of the default scenario in the regency brief
SCENARIO_DRAWS = 10_000
SCENARIO_SEED = 2026  # fixed so the same inputs give the same report


def _code_label(kind: str, code: Any, lang: str) -> str:
    """Readable name of a data code (``segment``, ``funding``, ``status``); else the code.

    Empty and missing codes give an empty string, so a table cell stays blank.
    """
    from analysis.core import i18n

    if code is None or code != code or str(code) == "":
        return ""
    try:
        return i18n.t(f"reports.{kind}_{code}", lang)
    except KeyError:
        return str(code)


def _dbh_row(area_code: str, as_of: str | None = None) -> dict[str, Any] | None:
    """The newest DBH Sawit row of an area up to the year of ``as_of`` (None when absent)."""
    import pandas as pd

    from analysis import data

    table = data.load_table("dbh_sawit")
    rows = table[table["area_code"] == area_code]
    if as_of:
        rows = rows[rows["year"] <= pd.Timestamp(as_of).year]
    if rows.empty:
        return None
    return rows.sort_values("year").iloc[-1].to_dict()


class _Report:
    """Shared part of the regency and province reports: language, date, sources used."""

    def __init__(self, lang: str = "id", as_of: str | None = None) -> None:
        from analysis.core import i18n

        self.lang = i18n.check_lang(lang)
        # Every section computes on the date the footer prints, so a narrative never says
        # "per <today>" above a stamp saying "data per <newest fact>".
        self.as_of = data_as_of(as_of)
        self.cited: set[str] = set()
        self.assumption_ids: set[str] = set()

    def _use(self, *source_ids: Any) -> list[str]:
        ids = [str(s) for s in source_ids if s is not None and str(s) not in ("", "nan")]
        for sid in ids:
            for part in sid.split(";"):
                if part.strip():
                    self.cited.add(part.strip())
        return ids

    def _n(self, value: Any, decimals: int = 0) -> str:
        from analysis.core import numbers

        return numbers.format_number(float(value), self.lang, decimals)

    def _rp(self, value: Any) -> str:
        from analysis.core import numbers

        return numbers.format_rupiah(float(value), self.lang)

    def _pct(self, share: Any) -> str:
        from analysis.core import numbers

        return numbers.format_percent(float(share), self.lang)

    def sources_table(self) -> Any:
        """Every source the report cited: a list in the PDF and HTML, a sheet in the workbook."""
        import pandas as pd

        from analysis import data
        from analysis.render import Column, Section, Table, Text

        table = data.load_table("sources")
        used = table[table["source_id"].isin(sorted(self.cited))].copy()
        if used.empty:
            return Text(_t("sources_none", self.lang))
        used["date_published"] = pd.to_datetime(used["date_published"], errors="coerce")
        used = used.sort_values(["date_published", "source_id"], na_position="first")
        lines = []
        for row in used.itertuples(index=False):
            day = row.date_published.strftime("%Y-%m-%d") if pd.notna(row.date_published) else "–"
            url = str(row.url or "")
            link = f" <{url}>" if url.startswith(("http://", "https://")) else f" {url}"
            lines.append(f"- **{row.publisher}** ({day}). {row.title}.{link} `{row.source_id}`")
        listing = Text(f"**{_t('sources_title', self.lang)}**\n\n" + "\n".join(lines)
                       + f"\n\n{_t('sources_note', self.lang)}")
        sheet = Table(
            used,
            [
                Column("source_id", _t("col_source_id", self.lang)),
                Column("publisher", _t("col_publisher", self.lang)),
                Column("title", _t("col_title", self.lang)),
                Column("date_published", _t("col_date", self.lang), "date"),
                Column("url", _t("col_url", self.lang), "link"),
                Column("grade", _t("col_grade", self.lang)),
            ],
            title=_t("sources_title", self.lang),
            lang=self.lang,
            sheet=_t("sheet_sources_short", self.lang),
            sources=used["source_id"],
            role="sources",
            workbook_only=True,
        )
        return Section(listing, sheet)


class RegencyReport(_Report):
    """Content of the policy brief of one kab/kota (notebook 03_regency_report).

    Parameters
    ----------
    regency_code : str
        Kemendagri code (``"12.14"``) or a name.
    lang : {"id", "en"}
        Report language.
    as_of : str, optional
        ISO date: use only data known on that date.
    scenario_file : str, optional
        Perkada scenario YAML; the regency's file in data/scenarios or a default scenario
        built from data when omitted.
    """

    def __init__(
        self, regency_code: str, lang: str = "id", as_of: str | None = None,
        scenario_file: str | None = None,
    ) -> None:
        from analysis import data

        super().__init__(lang, as_of)
        self.code = data.resolve_regency(str(regency_code))
        table = data.regencies(self.code.split(".")[0])
        self.row = table.set_index("regency_code").loc[self.code]
        self.scenario_file = scenario_file
        self._use(self.row["source_id"])

    @property
    def name(self) -> str:
        return str(self.row["name"])

    def cover(self) -> Any:
        """The report's title, area and data date (shown on the cover and in the footer)."""
        from analysis.render import ReportMeta

        return ReportMeta(
            kind="regency", code=self.code, title=_t("title_regency", self.lang),
            area=self.name, province=str(self.row["province_name"]),
            as_of=self.as_of, lang=self.lang,
        )

    def villages(self) -> Any:
        """Desa and kelurahan, and the "1 desa 100 pekerja rentan" village target."""
        from analysis import coverage
        from analysis.params import load_parameters
        from analysis.render import Callout, KeyFigures, Section, Text

        entry = load_parameters().entry("targets.workers_per_desa", self.as_of)
        self._use(entry.get("source_id"))
        target = coverage.village_targets(self.row.to_frame().T.reset_index(
            names="regency_code"), float(entry["value"])).iloc[0]
        desa, kel = int(self.row["desa"]), int(self.row["kelurahan"])
        parts = [
            Text(_t("villages_text", self.lang, name=self.name, desa=self._n(desa),
                    kelurahan=self._n(kel), kecamatan=self._n(self.row["kecamatan"]))),
        ]
        figures = [(self._n(desa), _t("kf_desa", self.lang)),
                   (self._n(kel), _t("kf_kelurahan", self.lang))]
        if target["target_village_reason"]:
            parts.append(Callout(_t("village_target_none", self.lang, name=self.name)))
        else:
            figures.append((self._n(target["target_village"]), _t("kf_village_target", self.lang)))
            parts.append(Text(_t(
                "village_target_text", self.lang, per_desa=self._n(entry["value"]),
                desa=self._n(desa), target=self._n(target["target_village"]),
                reference=entry["reference"],
            )))
            if kel:
                parts.append(Text(_t("village_target_kelurahan", self.lang,
                                     kelurahan=self._n(kel))))
        return Section(KeyFigures(figures), *parts)

    # -- coverage ---------------------------------------------------------------------------------

    def _summary(self) -> dict[str, Any]:
        from analysis import coverage

        if not hasattr(self, "_cached_summary"):
            self._cached_summary = coverage.regency_summary(self.code, self.as_of)
        return self._cached_summary

    def coverage(self) -> Any:
        """Workers covered by segment (date, source), coverage against each target basis, rank."""
        import pandas as pd

        from analysis import coverage
        from analysis.render import Callout, Column, KeyFigures, Section, Table, Text

        summary = self._summary()
        parts: list[Any] = []
        if summary["status"] == coverage.NO_DATA or pd.isna(summary["covered_total"]):
            parts.append(Callout(_t("coverage_no_data", self.lang, name=self.name), "warning"))
        else:
            self._use(*str(summary.get("coverage_sources") or "").split(";"))
            day = pd.Timestamp(summary["coverage_date"]).strftime("%Y-%m-%d")
            rank = summary["rank"]
            figures = [(self._n(summary["covered_total"]), _t("kf_covered", self.lang, day=day))]
            if pd.notna(summary["rate"]):
                figures.append((self._pct(summary["rate"]), _t("kf_rate", self.lang)))
            if pd.notna(rank) and summary["status"] != coverage.NO_DATA:
                figures.append((f"{int(rank)}/{int(summary['regencies_ranked'])}",
                                _t("kf_rank", self.lang)))
            parts.append(KeyFigures(figures))
            parts.append(Text(_t("coverage_text", self.lang, name=self.name,
                                 covered=self._n(summary["covered_total"]), day=day)))
        bases = []
        for basis in coverage.BASES:
            bases.append({
                "basis": _t(f"basis_{basis}", self.lang),
                "target": summary.get(f"target_{basis}"),
                "rate": summary.get(f"rate_{basis}"),
                "gap": summary.get(f"gap_workers_{basis}"),
                "gap_rp": summary.get(f"gap_rp_year_{basis}"),
            })
        parts.append(Table(
            pd.DataFrame(bases),
            [Column("basis", _t("col_basis", self.lang)),
             Column("target", _t("col_target", self.lang), "count"),
             Column("rate", _t("col_rate", self.lang), "share"),
             Column("gap", _t("col_gap", self.lang), "count"),
             Column("gap_rp", _t("col_gap_rp", self.lang), "rupiah")],
            title=_t("bases_title", self.lang),
            note=_t("bases_note", self.lang, rank=self._n(summary["rank"])
                    if pd.notna(summary["rank"]) and summary["status"] != coverage.NO_DATA
                    else "–",
                    ranked=self._n(summary["regencies_ranked"])),
            lang=self.lang, sheet=_t("sheet_bases", self.lang),
        ))
        informal = coverage.informal_explanation(summary, self.lang)
        if informal:
            parts.append(Text(_t("informal_note", self.lang, note=informal)))
        segments = coverage.segment_table(self.code, self.as_of)
        if not segments.empty:
            self._use(*segments["source_id"])
            segments = segments.assign(
                segment_label=[_code_label("segment", v, self.lang) for v in segments["segment"]],
                funding_source=[_code_label("funding", v, self.lang)
                                for v in segments["funding_source"]],
                status=[_code_label("status", v, self.lang) for v in segments["status"]],
                flag=segments["flag"].fillna(""),
            )
            parts.append(Table(
                segments,
                [Column("segment_label", _t("col_segment", self.lang)),
                 Column("date", _t("col_date", self.lang), "date"),
                 Column("workers", _t("col_workers", self.lang), "count"),
                 Column("funding_source", _t("col_funding", self.lang)),
                 Column("status", _t("col_status", self.lang)),
                 Column("flag", _t("col_flag", self.lang)),
                 Column("source_id", _t("col_source_id", self.lang), width="3.6cm")],
                title=_t("segments_title", self.lang),
                note=_t("segments_note", self.lang),
                lang=self.lang, sheet=_t("sheet_segments", self.lang),
                sources=segments["source_id"],
            ))
        parts.append(self._payment_cases())
        return Section(*parts)

    def _payment_cases(self) -> Any:
        """Local-government contribution payments recorded for this kab/kota (with sources)."""
        from analysis import data
        from analysis.render import Column, Section, Table, Text

        cases = data.load_table("payment_cases")
        cases = cases[cases["area_code"] == self.code]
        if cases.empty:
            return None
        self._use(*cases["source_id"])
        cases = cases.assign(
            segment_label=[_code_label("segment", v, self.lang) for v in cases["segment"]],
            funding_source=[_code_label("funding", v, self.lang) for v in cases["funding_source"]],
            flag=cases["flag"].fillna(""),
            note=cases["note"].fillna(""),
        )
        table = Table(
            cases,
            [Column("case_id", _t("col_case", self.lang), width="auto"),
             Column("year", _t("col_year", self.lang), width="auto"),
             Column("segment_label", _t("col_segment", self.lang), width="1fr"),
             Column("workers", _t("col_workers", self.lang), "count"),
             Column("budget_rp", _t("col_budget", self.lang), "rupiah"),
             Column("funding_source", _t("col_funding", self.lang)),
             Column("flag", _t("col_flag", self.lang)),
             Column("source_id", _t("col_source_id", self.lang), width="3.6cm")],
            title=_t("cases_title", self.lang),
            note=_t("cases_note", self.lang),
            lang=self.lang, sheet=_t("sheet_cases", self.lang), sources=cases["source_id"],
        )
        # What the sources say about each case (plans, who pays, the words quoted) is too long
        # for a table cell on A4; it follows the table as a list.
        notes = [f"- **{row.case_id}** ({row.year}): {_md_escape(row.note)} "
                 f"[{_md_escape(row.source_id)}]"
                 for row in cases.itertuples() if row.note]
        if not notes:
            return table
        return Section(table, Text(f"**{_t('col_note', self.lang)}**\n\n" + "\n".join(notes)))

    # -- cost and DBH Sawit ---------------------------------------------------------------------

    def cost(self) -> Any:
        """The yearly cost of the target at the JKK+JKM contribution."""
        import pandas as pd

        from analysis import funding
        from analysis.render import KeyFigures, Section, Text

        summary = self._summary()
        target = summary.get("target_village")
        basis = "village"
        if pd.isna(target):
            target, basis = summary.get("target_informal"), "informal"
        if pd.isna(target):
            return Text(_t("cost_no_target", self.lang))
        monthly = funding.monthly_contribution("jkk-jkm", on=self.as_of)
        yearly = funding.budget_for(int(round(target)), 12, "jkk-jkm", on=self.as_of)
        parts = [
            KeyFigures([(self._rp(yearly), _t("kf_cost_year", self.lang)),
                        (self._rp(monthly), _t("kf_monthly", self.lang))]),
            Text(_t("cost_text", self.lang, target=self._n(round(target)),
                    basis=_t(f"basis_{basis}", self.lang), monthly=self._rp(monthly),
                    yearly=self._rp(yearly))),
        ]
        if pd.notna(summary.get("gap_rp_year")):
            parts.append(Text(_t("gap_cost_text", self.lang,
                                 gap=self._n(summary["gap_workers"]),
                                 cost=self._rp(summary["gap_rp_year"]))))
        return Section(*parts)

    def dbh(self) -> Any:
        """DBH Sawit allocation, its at-most-20% envelope and the palm workers it can fund."""
        from analysis.render import Callout, KeyFigures, Section, Text

        row = _dbh_row(self.code, self.as_of)
        if row is None:
            return Callout(_t("dbh_none", self.lang, name=self.name))
        from analysis import funding
        from analysis.params import load_parameters

        year = int(row["year"])
        allocation = funding.dbh_allocation(self.code, year)
        envelope = funding.dbh_envelope(allocation, on=self.as_of)
        workers = funding.palm_workers_fundable(envelope, 12, on=self.as_of)
        share = load_parameters().entry("dbh_sawit.other.max_share", self.as_of)
        self._use(row["source_id"], share.get("source_id"))
        parts = [
            KeyFigures([(self._rp(allocation), _t("kf_dbh", self.lang, year=year)),
                        (self._rp(envelope), _t("kf_envelope", self.lang)),
                        (self._n(workers), _t("kf_palm", self.lang))]),
            Text(_t("dbh_text", self.lang, year=year, allocation=self._rp(allocation),
                    share=self._pct(share["value"]), envelope=self._rp(envelope),
                    workers=self._n(workers), reference=share["reference"])),
        ]
        if str(row.get("flag") or ""):
            parts.append(Callout(_t("flagged", self.lang, flag=row["flag"],
                                    note=row.get("note") or ""), "warning"))
        return Section(*parts)

    # -- scenarios and benefits -----------------------------------------------------------------

    def _analysis(self) -> Any:
        from analysis import scenarios

        if not hasattr(self, "_cached_analysis"):
            scenario = scenarios.resolve(self.code, self.scenario_file, years=SCENARIO_YEARS)
            self._cached_analysis = scenarios.analyse(
                scenario, draws=SCENARIO_DRAWS, seed=SCENARIO_SEED, lang=self.lang
            )
        return self._cached_analysis

    def scenarios(self) -> Any:
        """Funding scenario: per-year projection, variants compared, recommended mix."""
        from analysis import figures, scenarios
        from analysis.core import i18n
        from analysis.render import Column, Figure, Section, Table, Text

        an = self._analysis()
        sc = an.scenario
        for item in getattr(sc, "provenance", []) or []:
            self._use(item.get("source"))

        def col(key: str) -> str:
            return i18n.t(f"scenarios.col_{key}", self.lang)

        mix_lines = scenarios.format_mix(an.mix, self.lang).splitlines()
        mix_md = f"**{mix_lines[0]}**\n\n" + "\n".join(f"- {line}" for line in mix_lines[1:])
        return Section(
            Text(scenarios.narrative(an, self.lang)),
            Table(
                an.table,
                [Column("year", col("year"), width="auto"),
                 Column("target_workers", col("target"), "count"),
                 Column("dbh_workers", col("dbh"), "count"),
                 Column("dana_desa_workers", col("dana_desa"), "count"),
                 Column("csr_workers", col("csr"), "count"),
                 Column("apbd_workers", col("apbd"), "count"),
                 Column("coverage", col("coverage"), "share"),
                 Column("apbd_rp", col("apbd_rp"), "rupiah")],
                title=_t("scenario_table_title", self.lang, name=sc.regency_name),
                lang=self.lang, sheet=_t("sheet_scenario", self.lang),
            ),
            Figure(figures.scenario_variants(an.variants, self.lang, prob=an.mix["prob"],
                                             regency=sc.regency_name),
                   _t("variants_caption", self.lang)),
            Text(mix_md),
        )

    def benefits(self) -> Any:
        """Expected benefits paid to residents against the contributions of the scenario."""
        from analysis.render import Callout, Column, Section, Table, Text

        an = self._analysis()
        table = an.benefits
        observed = self._observed_claims()
        if table is None or table.empty:
            return Section(Callout(_t("benefits_none", self.lang)), observed)
        contributions = float(table["contributions_rp"].sum())
        paid = float(table["benefits_rp"].sum())
        ratio = paid / contributions if contributions else float("nan")
        self.assumption_ids.update(
            a.strip() for text in table["assumptions"] for a in str(text).split(",") if a.strip()
        )
        return Section(
            Text(_t("benefits_text", self.lang, paid=self._rp(paid),
                    contributions=self._rp(contributions), ratio=self._n(ratio, 2))),
            Table(
                table,
                [Column("year", _t("col_year", self.lang), width="auto"),
                 Column("covered_workers", _t("col_workers", self.lang), "count"),
                 Column("contributions_rp", _t("col_contributions", self.lang), "rupiah"),
                 Column("benefits_rp", _t("col_benefits", self.lang), "rupiah"),
                 Column("jkm_deaths", _t("col_jkm_deaths", self.lang), "number", 1),
                 Column("jkk_accidents", _t("col_jkk_accidents", self.lang), "number", 1),
                 Column("assumptions", _t("col_assumptions", self.lang), width="1fr")],
                title=_t("benefits_title", self.lang),
                note=_t("benefits_note", self.lang),
                lang=self.lang, sheet=_t("sheet_benefits", self.lang),
            ),
            observed,
        )

    def _observed_claims(self) -> Any:
        """Claims published as paid in this kab/kota, shown beside the model, not fitted to it."""
        from analysis import benefits
        from analysis.render import Column, Table

        claims = benefits.observed_claims(self.code)
        if claims.empty:
            return None
        self._use(*claims["source_id"])
        claims = claims.assign(
            benefit_label=[_t(f"benefit_{b}", self.lang) for b in claims["benefit"]],
            period=[_period(a, b) for a, b in zip(claims["period_start"], claims["period_end"],
                                                   strict=True)],
            covered_context=claims["covered_context"].fillna(""),
        )
        return Table(
            claims,
            [Column("period", _t("col_period", self.lang), width="auto"),
             Column("benefit_label", _t("col_benefit", self.lang), width="auto"),
             Column("cases", _t("col_cases", self.lang), "count"),
             Column("amount_rp", _t("col_amount", self.lang), "rupiah"),
             Column("covered_context", _t("col_context", self.lang), width="1fr"),
             Column("source_id", _t("col_source_id", self.lang), width="3cm")],
            title=_t("claims_title", self.lang),
            note=_t("claims_note", self.lang),
            lang=self.lang, sheet=_t("sheet_claims", self.lang), sources=claims["source_id"],
        )

    # -- uncertainty ----------------------------------------------------------------------------

    def uncertain(self) -> Any:
        """Flagged facts (UNCONFIRMED, CONFLICT, ESTIMATE) and the assumptions used, by id."""
        import pandas as pd

        from analysis import coverage, data
        from analysis.params import load_assumptions
        from analysis.render import Column, Section, Table, Text

        parts: list[Any] = []
        facts = coverage.segment_table(self.code, self.as_of)
        flagged = [facts[facts["flag"].fillna("") != ""]] if not facts.empty else []
        for name in ("payment_cases", "dbh_sawit", "declared_targets"):
            table = data.load_table(name)
            table = table[(table["area_code"] == self.code) & (table["flag"].fillna("") != "")]
            flagged.append(table)
        rows = [
            {"flag": r["flag"], "what": r.get("note") or "", "source_id": r["source_id"]}
            for frame in flagged for _, r in frame.iterrows()
        ]
        if rows:
            frame = pd.DataFrame(rows)
            self._use(*frame["source_id"])
            parts.append(Table(
                frame,
                [Column("flag", _t("col_flag", self.lang), width="auto"),
                 Column("what", _t("col_note", self.lang), width="1fr"),
                 Column("source_id", _t("col_source_id", self.lang), width="3.6cm")],
                title=_t("flagged_title", self.lang), note=_t("flagged_note", self.lang),
                lang=self.lang, sheet=_t("sheet_flagged", self.lang),
                sources=frame["source_id"],
            ))
        else:
            parts.append(Text(_t("flagged_none", self.lang)))
        log = load_assumptions()
        self.assumption_ids.update({"A01", "A02"} & set(log))
        # The log is written in English; Indonesian reports show its Indonesian titles.
        title_key = "title_id" if self.lang == "id" else "title"
        used = [log[a] | {"id": a, "title": log[a].get(title_key, log[a]["title"]),
                          "uncertainty": _t(f"uncertainty_{log[a]['uncertainty']}", self.lang)}
                for a in sorted(self.assumption_ids) if a in log]
        if used:
            frame = pd.DataFrame(used)
            parts.append(Table(
                frame,
                [Column("id", "ID", width="auto"),
                 Column("title", _t("col_assumption", self.lang), width="1fr"),
                 Column("uncertainty", _t("col_uncertainty", self.lang), width="auto")],
                title=_t("assumptions_title", self.lang),
                note=_t("assumptions_note", self.lang),
                lang=self.lang, sheet=_t("sheet_assumptions", self.lang),
            ))
        return Section(*parts)

    def sources(self) -> Any:
        """The sources cited in this report."""
        return self.sources_table()


class ProvinceReport(_Report):
    """Content of the overview of all kab/kota of a province (notebook 04_province_overview).

    Parameters
    ----------
    province_code : str
        Province code (``"12"``).
    lang : {"id", "en"}
        Report language.
    as_of : str, optional
        ISO date: use only data known on that date.
    """

    def __init__(self, province_code: str = "12", lang: str = "id",
                 as_of: str | None = None) -> None:
        from analysis import data

        super().__init__(lang, as_of)
        self.code = str(province_code)
        self.regencies = data.regencies(self.code)
        if self.regencies.empty:
            raise LookupError(f"no kab/kota known for province {province_code!r}")
        self._use(*self.regencies["source_id"].unique())

    def cover(self) -> Any:
        """The report's title, province and data date."""
        from analysis.render import ReportMeta

        name = str(self.regencies["province_name"].iloc[0])
        return ReportMeta(
            kind="province", code=self.code, title=_t("title_province", self.lang),
            area=_t("province_area", self.lang, name=name), province=name,
            as_of=self.as_of, lang=self.lang,
        )

    def villages(self) -> Any:
        """Desa, kelurahan and the village target of every kab/kota."""
        from analysis import coverage
        from analysis.params import load_parameters
        from analysis.render import Column, Table

        entry = load_parameters().entry("targets.workers_per_desa", self.as_of)
        self._use(entry.get("source_id"))
        targets = coverage.village_targets(self.regencies, float(entry["value"]))
        table = self.regencies.merge(targets, on="regency_code")
        return Table(
            table,
            [
                Column("name", _t("col_regency", self.lang)),
                Column("kecamatan", _t("col_kecamatan", self.lang), "count"),
                Column("desa", _t("col_desa", self.lang), "count"),
                Column("kelurahan", _t("col_kelurahan", self.lang), "count"),
                Column("target_village", _t("col_village_target", self.lang), "count"),
            ],
            title=_t("villages_table_title", self.lang),
            note=_t("villages_table_note", self.lang, per_desa=self._n(entry["value"])),
            lang=self.lang,
            sheet=_t("sheet_villages", self.lang),
            sources=[*table["source_id"], entry.get("source_id")],
        )

    def _table(self) -> Any:
        from analysis import coverage

        if not hasattr(self, "_cached_table"):
            self._cached_table = coverage.coverage_table(self.code, self.as_of)
        return self._cached_table

    def league(self) -> Any:
        """League table of coverage (village target basis), its summary and chart."""
        from analysis import coverage, figures
        from analysis.render import Column, Figure, Section, Table, Text

        table = self._table()
        for sources in table["coverage_sources"].dropna():
            self._use(*str(sources).split(";"))
        shown = table.assign(_missing=table["status"] == coverage.NO_DATA).sort_values(
            ["rank", "_missing", "covered_total"], ascending=[True, True, False], kind="stable"
        )
        notes = coverage.league_table(table, self.lang).iloc[:, -1].to_list()
        ranked = shown["rank"].notna() & ~shown["_missing"]
        shown = shown.assign(
            notes=notes, rank_text=shown["rank"].astype("string").where(ranked, "–")
        )
        return Section(
            Text(coverage.narrative(table, self.lang)),
            Table(
                shown,
                [Column("rank_text", "#", width="auto"),
                 Column("name", _t("col_regency", self.lang), width="3.4cm"),
                 Column("covered_total", _t("col_workers", self.lang), "count"),
                 Column("target", _t("col_village_target", self.lang), "count"),
                 Column("rate", _t("col_rate", self.lang), "share"),
                 Column("gap_workers", _t("col_gap", self.lang), "count"),
                 Column("gap_rp_year", _t("col_gap_rp", self.lang), "rupiah"),
                 Column("notes", _t("col_note", self.lang), width="2.8cm")],
                title=_t("league_title", self.lang),
                note=_t("league_note", self.lang),
                lang=self.lang, sheet=_t("sheet_league", self.lang),
                sources=[s for v in table["coverage_sources"].dropna() for s in str(v).split(";")],
            ),
            Figure(figures.coverage_by_regency(table, lang=self.lang),
                   _t("league_caption", self.lang)),
        )

    def coverage_map(self) -> Any:
        """Tile map of coverage against the village target."""
        from analysis import figures
        from analysis.render import Figure

        return Figure(figures.coverage_map(self._table(), lang=self.lang),
                      _t("map_caption", self.lang), width="85%")

    def gaps(self) -> Any:
        """Cost of closing each kab/kota's gap per year."""
        from analysis import figures
        from analysis.render import Figure

        return Figure(figures.gap_cost(self._table(), lang=self.lang),
                      _t("gap_caption", self.lang))

    def dbh(self) -> Any:
        """DBH Sawit allocation, 20% envelope and fundable palm workers of every kab/kota."""
        import pandas as pd

        from analysis import funding
        from analysis.render import Column, Table, Text

        rows = []
        for region in self.regencies.itertuples(index=False):
            row = _dbh_row(region.regency_code, self.as_of)
            if row is None:
                continue
            allocation = funding.dbh_allocation(region.regency_code, int(row["year"]))
            envelope = funding.dbh_envelope(allocation, on=self.as_of)
            rows.append({
                "name": region.name, "year": int(row["year"]), "allocation": allocation,
                "envelope": envelope,
                "workers": funding.palm_workers_fundable(envelope, 12, on=self.as_of),
                "flag": row.get("flag") or "", "source_id": row["source_id"],
            })
        if not rows:
            return Text(_t("dbh_none", self.lang, name=self.code))
        frame = pd.DataFrame(rows)
        self._use(*frame["source_id"])
        return Table(
            frame,
            [Column("name", _t("col_regency", self.lang)),
             Column("year", _t("col_year", self.lang), width="auto"),
             Column("allocation", _t("col_dbh", self.lang), "rupiah"),
             Column("envelope", _t("col_envelope", self.lang), "rupiah"),
             Column("workers", _t("col_palm", self.lang), "count"),
             Column("flag", _t("col_flag", self.lang), width="auto")],
            title=_t("dbh_table_title", self.lang), note=_t("dbh_table_note", self.lang),
            lang=self.lang, sheet="DBH Sawit", sources=frame["source_id"],
        )

    def sources(self) -> Any:
        """The sources cited in this report."""
        return self.sources_table()
