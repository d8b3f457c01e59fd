"""Golden outputs: record what the package produces on one tree, then compare two recordings.

This is the before/after proof of a behaviour-preserving restructure
(``docs``: architecture guide §10). The same commands run on the branch point and on the result,
each into its own folder, with the same fixed environment; ``compare`` then says what differs.

``record --tree DIR --out OUTDIR`` runs the code of ``DIR/src`` (``PYTHONPATH=DIR/src``, working
directory ``DIR``) and saves into ``OUTDIR``:

- ``cli/``: stdout, stderr and exit code of ``python -m analysis --help``, of every
  ``COMMAND --help`` and ``COMMAND ACTION --help`` found in those help texts, and of
  ``python -m analysis.render --help``; every ``cost`` example of the top-level help, of
  ``cost --help`` and of ``DIR/README.md``, each with ``--json`` and as text, in ``--lang id`` and
  ``--lang en``, with a fixed ``--on`` date; ``scenario data/scenarios/<file> --json --draws 2000``
  for each scenario file, plus ``--json --lang en`` and the text form in both languages
  (``--seed 0``); ``data check``; a few user errors (exit code 2, not a traceback).
- ``notebooks/``: every ``DIR/notebooks/*.ipynb`` executed by the papermill CLI on the
  ``python3`` kernel at its default parameters.
- ``reports/``: ``python -m analysis reports --lang id --lang en --out OUTDIR/reports --jobs 2
  --as-of DATE`` for the whole province (every kab/kota plus the overview).
- ``render/``: ``python -m analysis.render`` of one executed report notebook to PDF, HTML, XLSX.
- ``meta.json``: the tree, its commit, the environment, where ``analysis`` was imported from
  (by ``python -c`` and inside a papermill kernel; the run stops if it is not ``DIR/src``), and
  the paths that ``compare`` replaces by placeholders.

``compare BEFORE AFTER`` prints one line per difference (capped) and ``N compared, M differ``;
the exit code is 1 when something differs or is missing on one side, 0 otherwise. It compares:

- CLI runs: stdout and stderr byte for byte, and the exit code. Only the tree folder, the
  temporary user-data folder and the output folder are replaced by placeholders first.
- Notebooks (``notebooks/*.ipynb`` and each report's ``.ipynb``): cell by cell, the cell type,
  the tags and the outputs: output type, stream name and text, error name and value, and for
  display and result outputs ``text/plain``, ``text/markdown``, ``text/html``, the project's
  ``application/vnd.*`` payloads (as JSON values), ``image/png`` bytes, and the output metadata
  (figure captions). Ignored: cell sources, execution counts, cell and notebook metadata
  (papermill, timings) and error tracebacks.
- XLSX: sheet names, then cell values sheet by sheet (openpyxl). A cell holding exactly a code
  version (``0.1.0+1ec8a89``) or a generation time (``2026-11-22T14:25:45+00:00``) reads as a
  placeholder: the "Tentang"/"About" sheet stamps every workbook with both.
- HTML: the ``<main>`` element byte for byte; the rest of the page (head, cover, footer) too,
  with the code version and the generation time replaced by placeholders.
- PDF: the text of every page extracted with pypdf, with the stamp of the footer line
  (``Data per … · Versi kode … · Dibuat …``; the page number after it stays) replaced by
  ``<STAMP>`` and the version and time on the cover replaced by placeholders.
- ``manifest.json``: the set of reports, each with kind, code, name, language, parameters,
  status, error and file paths (not the hashes, times, memory or version); the exit code and
  the summary line of the ``reports`` run without its duration.

Run (the branch point checked out with ``git worktree add ../golden-base 1ec8a89``)::

    PY=.venv/bin/python
    $PY benchmarks/golden_outputs.py record --tree ../golden-base --out ../golden/before
    $PY benchmarks/golden_outputs.py record --tree . --out ../golden/after
    $PY benchmarks/golden_outputs.py compare ../golden/before ../golden/after

``record`` takes a few minutes on two cores. Fixed: ``TZ=UTC``, ``LC_ALL=C.UTF-8``,
``COLUMNS=80`` (argparse wraps help at the terminal width), ``PYTHONHASHSEED=0``,
``SOURCE_DATE_EPOCH`` and the ``--on``/``--as-of`` date (the branch point's commit time and day).
The notebooks run at their default parameters, so with ``as_of = None`` they read "today": record
both sides on the same day, or check that no dated input falls between the two days.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

# --- Fixed inputs ---------------------------------------------------------------------------------

#: Commit time of the branch point 1ec8a89 (2026-11-22 14:25:45 UTC).
SOURCE_DATE_EPOCH = 1795357545
#: The ``--on`` date of every cost command and the ``--as-of`` date of the reports run.
FIXED_DATE = dt.datetime.fromtimestamp(SOURCE_DATE_EPOCH, dt.UTC).date().isoformat()
SCENARIO_DRAWS = "2000"
SCENARIO_SEED = "0"
#: Report notebook rendered by ``python -m analysis.render`` (language/code of a report id).
RENDER_REPORT_ID = "id/12.14"
#: Commands that must fail with a user error (exit 2): checks that UserError stays one class.
USER_ERRORS: list[tuple[str, list[str]]] = [
    ("cost-one-of-three", ["cost", "--workers", "2500", "--on", FIXED_DATE]),
    ("cost-bad-amount", ["cost", "--budget", "banyak", "--months", "7", "--on", FIXED_DATE]),
    ("cost-bad-package", ["cost", "--workers", "10", "--months", "1", "--package", "xyz",
                          "--on", FIXED_DATE]),
    ("scenario-missing-file", ["scenario", "data/scenarios/no-such-file.yml", "--draws", "10"]),
    ("data-check-missing-file", ["data", "check", "no-such-file.csv"]),
]

META = "meta.json"
MARKER = ".golden-recording"  # written first: --overwrite deletes only folders holding it
CLI_INDEX = "cli/index.json"
MIME_VENDOR = "application/vnd."
COMPARED_MIME = ("text/plain", "text/markdown", "text/html", "image/png")
PLACEHOLDER_VERSION = "<VERSION>"
PLACEHOLDER_GENERATED = "<GENERATED>"
PLACEHOLDER_TODAY = "<TODAY>"
# A code version as render.code_version() writes it, and a generation time as make_stamp() does.
VERSION_RE = re.compile(r"\b\d+\.\d+(?:\.\d+)?(?:[.\w-]*)\+(?:[0-9a-f]{4,40}|unknown)\b")
GENERATED_RE = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:\+00:00|Z)")
# The stamp in the footer of every PDF page, in both languages (locales/reports.yml "stamp"):
# "Data per 2026-11-22 · Versi kode 0.1.0+1ec8a89 · Dibuat 2026-11-29T21:46:57+00:00", followed
# on the same extracted line by the page number ("Halaman 1 dari 6"), which is kept.
STAMP_RE = re.compile(
    r"(?:Data per|Data as of) \S+ · (?:Versi kode|Code version) \S+ · (?:Dibuat|Generated) \S+"
)
PLACEHOLDER_STAMP = "<STAMP>"
DURATION_RE = re.compile(r"\(\d+(?:\.\d+)? s\)")


# --- Recording ------------------------------------------------------------------------------------


def fixed_env(tree: Path, python: Path, user_data: Path, reports: Path) -> dict[str, str]:
    """The environment of every command of a recording.

    Parameters
    ----------
    tree : Path
        Repository root whose ``src`` is imported.
    python : Path
        Interpreter of the virtual environment (its folder goes first on ``PATH``).
    user_data : Path
        Empty folder for ``PEKERJA_RENTAN_USER_DATA``.
    reports : Path
        Folder for ``PEKERJA_RENTAN_REPORTS``.

    Returns
    -------
    dict of str to str
        A new environment; nothing else of the caller's environment leaks in but ``HOME``.

    Examples
    --------
    >>> env = fixed_env(Path("/t"), Path("/v/bin/python"), Path("/u"), Path("/r"))
    >>> env["PYTHONPATH"], env["TZ"], env["PATH"].split(":")[0]
    ('/t/src', 'UTC', '/v/bin')
    """
    return {
        "PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH),
        "PYTHONPATH": str(tree / "src"),
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        "COLUMNS": "80",
        "LINES": "24",
        "PEKERJA_RENTAN_USER_DATA": str(user_data),
        "PEKERJA_RENTAN_REPORTS": str(reports),
    }


class Recorder:
    """Runs the commands of one recording and writes their outputs under ``out``.

    Parameters
    ----------
    tree : Path
        Repository root to run.
    out : Path
        Empty output folder.
    python : Path
        Interpreter with the project's dependencies.
    jobs : int
        Commands and notebooks run at the same time (and ``reports --jobs``).
    """

    def __init__(self, tree: Path, out: Path, python: Path, jobs: int = 2) -> None:
        self.tree, self.out, self.python, self.jobs = tree, out, python, jobs
        self.user_data = Path(tempfile.mkdtemp(prefix="golden-user-data-"))
        self.env = fixed_env(tree, python, self.user_data, out / "reports")
        self.cli: dict[str, dict[str, Any]] = {}

    def log(self, message: str) -> None:
        """Progress on stderr."""
        print(f"[record {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def run(self, argv: Sequence[str], cwd: Path | None = None,
            timeout: float | None = None) -> subprocess.CompletedProcess[bytes]:
        """Run ``argv`` in the fixed environment, capturing bytes."""
        return subprocess.run(list(argv), cwd=cwd or self.tree, env=self.env,
                              capture_output=True, timeout=timeout, check=False)

    def analysis(self, name: str, args: Sequence[str], group: str,
                 module: str = "analysis") -> dict[str, Any]:
        """Run ``python -m MODULE ARGS`` and save its stdout, stderr and exit code as ``name``."""
        argv = [str(self.python), "-m", module, *args]
        start = time.perf_counter()
        done = self.run(argv, timeout=900)
        folder = self.out / "cli"
        (folder / f"{name}.stdout").write_bytes(done.stdout)
        (folder / f"{name}.stderr").write_bytes(done.stderr)
        entry = {"group": group, "argv": ["python", "-m", module, *args], "rc": done.returncode,
                 "seconds": round(time.perf_counter() - start, 2)}
        self.cli[name] = entry
        return entry

    def run_many(self, tasks: Iterable[tuple[str, list[str], str]]) -> None:
        """Run ``(name, args, group)`` analysis commands ``jobs`` at a time."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs) as pool:
            futures = [pool.submit(self.analysis, *task) for task in tasks]
            for future in futures:
                future.result()

    # -- Steps --

    def check_imports(self) -> dict[str, Any]:
        """Where ``analysis`` comes from, in a plain process and in a papermill kernel.

        Raises
        ------
        SystemExit
            When either is not ``TREE/src/analysis``.
        """
        import nbformat

        code = "import analysis, sys; print(analysis.__file__); print(sys.executable)"
        done = self.run([str(self.python), "-c", code])
        plain = done.stdout.decode().split()
        scratch = Path(tempfile.mkdtemp(prefix="golden-kernel-check-"))
        try:
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                         "language": "python"}
            nb.cells = [nbformat.v4.new_code_cell(code)]
            nbformat.write(nb, scratch / "check.ipynb")
            ran = self.run([str(self.python), "-m", "papermill", str(scratch / "check.ipynb"),
                            str(scratch / "out.ipynb"), "--kernel", "python3",
                            "--cwd", str(self.tree / "notebooks"), "--no-progress-bar",
                            "--log-level", "WARNING"], timeout=300)
            kernel: list[str] = []
            if ran.returncode == 0:
                executed = nbformat.read(scratch / "out.ipynb", as_version=4)
                kernel = "".join(o.get("text", "") for o in executed.cells[0].outputs).split()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        expected = str((self.tree / "src" / "analysis").resolve())
        found = {"plain_analysis_file": plain[0] if plain else None,
                 "plain_executable": plain[1] if len(plain) > 1 else None,
                 "kernel_analysis_file": kernel[0] if kernel else None,
                 "kernel_executable": kernel[1] if len(kernel) > 1 else None}
        for key in ("plain_analysis_file", "kernel_analysis_file"):
            value = found[key]
            if not value or not str(Path(value).resolve()).startswith(expected + os.sep):
                raise SystemExit(f"record: {key} is {value!r}, expected a file under {expected}"
                                 f"\n{done.stderr.decode()}")
        self.log(f"analysis imported from {found['plain_analysis_file']} "
                 f"(kernel: {found['kernel_analysis_file']})")
        return found

    def helps(self) -> dict[str, str]:
        """Every ``--help`` of the command tree; returns the help texts by command path."""
        texts: dict[str, str] = {}

        def walk(path: list[str]) -> None:
            name = "help__" + ("__".join(path) or "top")
            self.analysis(name, [*path, "--help"], "help")
            text = (self.out / "cli" / f"{name}.stdout").read_text(encoding="utf-8")
            texts[" ".join(path)] = text
            for sub in subcommands(text):
                walk([*path, sub])

        walk([])
        self.analysis("help__analysis.render", ["--help"], "help", module="analysis.render")
        return texts

    def cost(self, helps: dict[str, str]) -> None:
        """Every cost example, with ``--json`` and as text, in both languages."""
        if "cost" not in helps:
            raise SystemExit("record: no `cost` command in `python -m analysis --help`")
        sources = [("help", helps[""]), ("cost --help", helps["cost"]),
                   ("README.md", (self.tree / "README.md").read_text(encoding="utf-8"))]
        takes_on = "--on" in helps["cost"]
        examples = cost_examples(sources)
        self.examples = {slug(args): {"args": args, "from": origin}
                         for args, origin in examples}
        tasks = []
        for args, _origin in examples:
            base = [*args, "--on", FIXED_DATE] if takes_on and "--on" not in args else args
            for fmt in ("text", "json"):
                for lang in ("id", "en"):
                    extra = ["--json"] if fmt == "json" else []
                    tasks.append((f"cost__{slug(args)}__{fmt}__{lang}",
                                  ["cost", *base, "--lang", lang, *extra], "cost"))
        self.run_many(tasks)

    def scenarios(self) -> None:
        """Each scenario file: JSON (as in the guide, and in English) and text in both languages."""
        files = sorted((self.tree / "data" / "scenarios").glob("*.yml"))
        if len(files) != 5:
            self.log(f"warning: {len(files)} scenario files, the guide expects 5")
        tasks = []
        for file in files:
            rel = file.relative_to(self.tree).as_posix()
            stem = file.stem
            tasks.append((f"scenario__{stem}__json",
                          ["scenario", rel, "--json", "--draws", SCENARIO_DRAWS], "scenario"))
            tasks.append((f"scenario__{stem}__json__en",
                          ["scenario", rel, "--json", "--draws", SCENARIO_DRAWS,
                           "--seed", SCENARIO_SEED, "--lang", "en"], "scenario"))
            for lang in ("id", "en"):
                tasks.append((f"scenario__{stem}__text__{lang}",
                              ["scenario", rel, "--draws", SCENARIO_DRAWS, "--seed",
                               SCENARIO_SEED, "--lang", lang], "scenario"))
        self.run_many(tasks)

    def data_and_errors(self) -> None:
        """``data check`` and the user-error commands."""
        tasks = [("data__check", ["data", "check"], "data")]
        tasks += [(f"error__{name}", args, "error") for name, args in USER_ERRORS]
        self.run_many(tasks)

    def notebooks(self) -> list[dict[str, Any]]:
        """Execute every notebook with the papermill CLI on the ``python3`` kernel."""
        folder = self.out / "notebooks"
        folder.mkdir()
        runs: list[dict[str, Any]] = []

        def one(nb: Path) -> dict[str, Any]:
            start = time.perf_counter()
            done = self.run([str(self.python), "-m", "papermill", str(nb), str(folder / nb.name),
                             "--kernel", "python3", "--cwd", str(nb.parent),
                             "--no-progress-bar", "--log-level", "WARNING"], timeout=1800)
            (folder / f"{nb.stem}.papermill.stderr").write_bytes(done.stderr)
            seconds = round(time.perf_counter() - start, 1)
            self.log(f"notebook {nb.name}: exit {done.returncode} in {seconds} s")
            return {"notebook": nb.name, "rc": done.returncode, "seconds": seconds}

        notebooks = sorted((self.tree / "notebooks").glob("*.ipynb"))
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.jobs) as pool:
            runs = list(pool.map(one, notebooks))
        return runs

    def reports(self, helps: dict[str, str]) -> dict[str, Any]:
        """The full report set in both languages."""
        args = ["reports", "--lang", "id", "--lang", "en", "--out", str(self.out / "reports"),
                "--jobs", str(self.jobs)]
        if "--as-of" in helps.get("reports", ""):
            args += ["--as-of", FIXED_DATE]
        start = time.perf_counter()
        done = self.run([str(self.python), "-m", "analysis", *args], timeout=7200)
        folder = self.out / "reports_run"
        folder.mkdir()
        (folder / "stdout").write_bytes(done.stdout)
        (folder / "stderr").write_bytes(done.stderr)
        seconds = round(time.perf_counter() - start, 1)
        self.log(f"reports: exit {done.returncode} in {seconds} s: "
                 f"{done.stdout.decode(errors='replace').strip()}")
        return {"argv": ["python", "-m", "analysis", *args], "rc": done.returncode,
                "seconds": seconds}

    def render(self) -> dict[str, Any] | None:
        """``python -m analysis.render`` of one executed report notebook."""
        manifest = self.out / "reports" / "manifest.json"
        try:
            entries = json.loads(manifest.read_text(encoding="utf-8"))["reports"]
            entry = next(e for e in entries if e["id"] == RENDER_REPORT_ID)
            notebook = self.out / "reports" / entry["paths"]["ipynb"]
        except (OSError, ValueError, KeyError, StopIteration) as exc:
            self.log(f"warning: no executed notebook for {RENDER_REPORT_ID} to render ({exc})")
            return None
        folder = self.out / "render"
        folder.mkdir()
        args = [str(notebook), "--pdf", str(folder / "report.pdf"),
                "--html", str(folder / "report.html"), "--xlsx", str(folder / "report.xlsx")]
        entry = self.analysis("render__report", args, "render", module="analysis.render")
        return {"notebook": str(notebook), "rc": entry["rc"]}

    def record(self) -> None:
        """Run every step and write ``meta.json`` last (a folder without it is incomplete)."""
        clock = time.perf_counter()
        self.out.mkdir(parents=True)
        (self.out / MARKER).write_text("golden_outputs.py record\n", encoding="utf-8")
        (self.out / "cli").mkdir()
        try:
            meta: dict[str, Any] = {
                "tree": str(self.tree),
                "commit": git(self.tree, "rev-parse", "HEAD"),
                "dirty_src": bool(git(self.tree, "status", "--porcelain", "--", "src")),
                "python": str(self.python),
                "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "fixed_date": FIXED_DATE,
                "env": self.env,
                "placeholders": {"<TREE>": str(self.tree), "<USER_DATA>": str(self.user_data),
                                 "<OUT>": str(self.out)},
            }
            meta["imports"] = self.check_imports()
            self.log("help texts")
            helps = self.helps()
            self.log("cost examples")
            self.cost(helps)
            meta["cost_examples"] = self.examples
            self.log("scenarios")
            self.scenarios()
            self.log("data check and user errors")
            self.data_and_errors()
            self.log("notebooks")
            day = dt.datetime.now(dt.UTC).date().isoformat()
            meta["notebooks"] = self.notebooks()
            # The notebooks run with as_of = None: "today" (UTC) shows in their outputs.
            meta["notebook_days"] = sorted({day, dt.datetime.now(dt.UTC).date().isoformat()})
            self.log("reports (full province, id and en)")
            meta["reports_run"] = self.reports(helps)
            meta["render"] = self.render()
            leftovers = sorted(p.name for p in self.user_data.iterdir())
            meta["user_data_after"] = leftovers
            (self.out / CLI_INDEX).write_text(
                json.dumps(self.cli, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            meta["seconds"] = round(time.perf_counter() - clock, 1)
            meta["counts"] = recording_counts(self.out)
            (self.out / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            self.log(f"done in {meta['seconds']} s: {meta['counts']}")
        finally:
            shutil.rmtree(self.user_data, ignore_errors=True)


def subcommands(help_text: str) -> list[str]:
    """Names of the sub-commands listed in an argparse help text.

    Parameters
    ----------
    help_text : str
        Output of ``--help``.

    Returns
    -------
    list of str
        The choices shown under a ``COMMAND``/``ACTION`` positional, in order.

    Examples
    --------
    >>> subcommands("positional arguments:\\n  ACTION\\n    check     validate\\n"
    ...             "    import    add\\n\\noptions:\\n  -h, --help  show\\n")
    ['check', 'import']
    """
    names: list[str] = []
    inside = False
    for line in help_text.splitlines():
        if line.startswith("positional arguments:"):
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            break
        match = re.match(r"^ {4}([a-z][\w-]*)(?: {2,}|$)", line) if inside else None
        if match:
            names.append(match.group(1))
    return names


def cost_examples(sources: Sequence[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """The distinct ``cost`` examples of some help texts and documents.

    ``--json``, ``--lang`` and ``--on`` are taken out (every example runs in every form);
    examples equal after that are kept once, with the first source that shows them.

    Parameters
    ----------
    sources : sequence of (str, str)
        ``(origin, text)`` pairs.

    Returns
    -------
    list of (list of str, str)
        Arguments after ``cost``, and where the example was found.

    Examples
    --------
    >>> cost_examples([("a", "  python -m analysis cost --workers 5 --months 7 --json"),
    ...                ("b", ".venv/bin/python -m analysis cost --workers 5 --months 7  # x")])
    [(['--workers', '5', '--months', '7'], 'a')]
    """
    found: list[tuple[list[str], str]] = []
    seen: set[tuple[str, ...]] = set()
    for origin, text in sources:
        for line in text.splitlines():
            match = re.match(r"^\s*(?:\S*/)?python3? -m analysis cost(\s.*)?$", line)
            if not match:
                continue
            args = shlex.split(match.group(1) or "", comments=True)
            kept: list[str] = []
            skip = False
            for i, arg in enumerate(args):
                if skip:
                    skip = False
                    continue
                if arg == "--json" or arg.startswith(("--lang=", "--on=")):
                    continue
                if arg in ("--lang", "--on") and i + 1 < len(args):
                    skip = True
                    continue
                kept.append(arg)
            if tuple(kept) not in seen:
                seen.add(tuple(kept))
                found.append((kept, origin))
    return found


def slug(args: Sequence[str]) -> str:
    """File-name form of a command's arguments.

    Examples
    --------
    >>> slug(["--budget", "Rp 294 juta", "--workers", "2.500"])
    'budget-Rp-294-juta-workers-2.500'
    """
    return re.sub(r"[^A-Za-z0-9.]+", "-", " ".join(args)).strip("-") or "none"


def git(tree: Path, *args: str) -> str:
    """Output of a git command in ``tree`` ("" when git fails)."""
    done = subprocess.run(["git", *args], cwd=tree, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def recording_counts(out: Path) -> dict[str, int]:
    """How many outputs of each kind a recording holds."""
    cli = json.loads((out / CLI_INDEX).read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for entry in cli.values():
        counts[f"cli_{entry['group']}"] = counts.get(f"cli_{entry['group']}", 0) + 1
    counts["notebooks"] = len(list((out / "notebooks").glob("*.ipynb")))
    for fmt in ("ipynb", "pdf", "html", "xlsx"):
        counts[f"report_{fmt}"] = len(list((out / "reports").glob(f"*/*.{fmt}")))
    counts["render_files"] = len(list((out / "render").glob("*"))) if (out / "render").is_dir() \
        else 0
    return counts


# --- Comparing ------------------------------------------------------------------------------------


class Comparison:
    """Collects compared items and the differences found in them.

    Parameters
    ----------
    limit : int
        Difference lines printed in all (the counts include the ones not printed).
    per_item : int
        Difference lines printed for one item.
    """

    def __init__(self, limit: int = 200, per_item: int = 5) -> None:
        self.limit, self.per_item = limit, per_item
        self.compared: dict[str, int] = {}
        self.differ: dict[str, int] = {}
        self.printed = 0
        self.hidden = 0

    def item(self, kind: str, name: str, problems: list[str]) -> None:
        """Count one compared item of ``kind`` and print its ``problems`` (if any)."""
        self.compared[kind] = self.compared.get(kind, 0) + 1
        if not problems:
            return
        self.differ[kind] = self.differ.get(kind, 0) + 1
        shown = problems[: self.per_item]
        if len(problems) > len(shown):
            shown.append(f"... {len(problems) - len(shown)} more in this item")
        for problem in shown:
            if self.printed < self.limit:
                print(f"DIFF {kind} {name}: {problem}")
                self.printed += 1
            else:
                self.hidden += 1

    def summary(self) -> int:
        """Print the counts per kind and in all; return the exit code."""
        if self.hidden:
            print(f"... {self.hidden} more difference lines not shown")
        for kind in sorted(self.compared):
            print(f"  {kind:<16} {self.compared[kind]:>5} compared, "
                  f"{self.differ.get(kind, 0):>3} differ")
        total, bad = sum(self.compared.values()), sum(self.differ.values())
        print(f"{total} compared, {bad} differ")
        return 1 if bad else 0


class Side:
    """One recording folder, with the substitutions that make its paths comparable."""

    def __init__(self, root: Path) -> None:
        self.root = root
        meta_path = root / META
        if not meta_path.is_file():
            raise SystemExit(f"compare: {meta_path} is missing (record did not finish?)")
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        pairs = sorted(self.meta.get("placeholders", {}).items(), key=lambda kv: -len(kv[1]))
        self.pairs = [(value.encode(), key.encode()) for key, value in pairs if value]
        self.days = self.meta.get("notebook_days") or [self.meta["started"][:10]]

    def clean_today(self, text: str) -> str:
        """Replace the day(s) the notebooks ran (their "today") by ``<TODAY>``."""
        for day in self.days:
            text = text.replace(day, PLACEHOLDER_TODAY)
        return text

    def clean(self, data: bytes) -> bytes:
        """Replace this side's tree, user-data and output folders by placeholders."""
        for value, key in self.pairs:
            data = data.replace(value, key)
        return data

    def clean_text(self, text: str) -> str:
        """``clean`` for text."""
        return self.clean(text.encode("utf-8")).decode("utf-8")


def first_difference(a: bytes, b: bytes, context: int = 50) -> str:
    """Where two byte strings part: the line number and both texts around the first difference.

    Examples
    --------
    >>> first_difference(b"line one\\nline two\\n", b"line one\\nline 2\\n")
    "line 2: 'line two' != 'line 2'"
    >>> first_difference(b"abc", b"abcd")
    "line 1: 'abc' != 'abcd'"
    """
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
             min(len(a), len(b)))
    line = a[:i].count(b"\n") + 1
    start = max(a.rfind(b"\n", 0, i) + 1, i - context)

    def around(data: bytes) -> str:
        end = data.find(b"\n", i)
        end = len(data) if end < 0 else end
        text = data[start:min(end, i + context)].decode(errors="replace")
        return ("…" if start > 0 and data[start - 1:start] != b"\n" else "") + text

    return f"line {line}: {around(a)!r} != {around(b)!r}"


def compare_cli(before: Side, after: Side, result: Comparison) -> None:
    """stdout, stderr and exit code of every recorded command."""
    index_a = json.loads((before.root / CLI_INDEX).read_text(encoding="utf-8"))
    index_b = json.loads((after.root / CLI_INDEX).read_text(encoding="utf-8"))
    for name in sorted(set(index_a) | set(index_b)):
        kind = f"cli-{(index_a.get(name) or index_b[name])['group']}"
        if name not in index_a or name not in index_b:
            result.item(kind, name, [f"only in {'AFTER' if name in index_b else 'BEFORE'}"])
            continue
        problems = []
        if index_a[name]["rc"] != index_b[name]["rc"]:
            problems.append(f"exit code {index_a[name]['rc']} != {index_b[name]['rc']}")
        argv_a = [before.clean_text(arg) for arg in index_a[name]["argv"]]
        argv_b = [after.clean_text(arg) for arg in index_b[name]["argv"]]
        if argv_a != argv_b:
            problems.append(f"argv {argv_a} != {argv_b}")
        for stream in ("stdout", "stderr"):
            a = before.clean((before.root / "cli" / f"{name}.{stream}").read_bytes())
            b = after.clean((after.root / "cli" / f"{name}.{stream}").read_bytes())
            if a != b:
                problems.append(f"{stream} {first_difference(a, b)}")
        result.item(kind, name, problems)


def _text(value: Any) -> str:
    """nbformat multiline text (a string or a list of strings) as one string."""
    return "".join(value) if isinstance(value, list) else str(value)


def _mime_value(mime: str, value: Any) -> Any:
    """A MIME payload in comparable form: PNG as bytes, JSON as canonical text, text joined."""
    if mime == "image/png":
        return base64.b64decode(_text(value))
    if mime.endswith("json") and not isinstance(value, (str, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return _text(value)


def output_view(output: dict[str, Any], side: Side, today: bool = False) -> dict[str, Any]:
    """The compared part of one notebook output.

    Parameters
    ----------
    output : dict
        One nbformat output.
    side : Side
        The recording it comes from (its folders become placeholders).
    today : bool
        Also replace the day the notebook ran by ``<TODAY>`` in text (for notebooks run with
        ``as_of = None``).
    """
    clean = (lambda t: side.clean_today(side.clean_text(t))) if today else side.clean_text
    kind = output.get("output_type")
    view: dict[str, Any] = {"output_type": kind}
    if kind == "stream":
        view["name"] = output.get("name")
        view["text"] = clean(_text(output.get("text", "")))
    elif kind == "error":
        view["ename"] = output.get("ename")
        view["evalue"] = clean(str(output.get("evalue")))
    else:
        data = output.get("data", {})
        for mime in sorted(data):
            if mime in COMPARED_MIME or mime.startswith(MIME_VENDOR):
                value = _mime_value(mime, data[mime])
                view[mime] = clean(value) if isinstance(value, str) else value
        view["metadata"] = json.dumps(output.get("metadata", {}), sort_keys=True)
    return view


def compare_notebook(path_a: Path, path_b: Path, before: Side, after: Side,
                     today: bool = False) -> list[str]:
    """Cell-by-cell differences of two executed notebooks (``today``: see ``output_view``)."""
    nb_a = json.loads(path_a.read_text(encoding="utf-8"))
    nb_b = json.loads(path_b.read_text(encoding="utf-8"))
    cells_a, cells_b = nb_a.get("cells", []), nb_b.get("cells", [])
    problems = []
    if len(cells_a) != len(cells_b):
        problems.append(f"{len(cells_a)} cells != {len(cells_b)} cells")
    for i, (a, b) in enumerate(zip(cells_a, cells_b, strict=False)):
        where = f"cell {i}"
        if a.get("cell_type") != b.get("cell_type"):
            problems.append(f"{where}: {a.get('cell_type')} != {b.get('cell_type')}")
            continue
        tags_a = a.get("metadata", {}).get("tags", [])
        tags_b = b.get("metadata", {}).get("tags", [])
        if tags_a != tags_b:
            problems.append(f"{where}: tags {tags_a} != {tags_b}")
        outs_a = [output_view(o, before, today) for o in a.get("outputs", [])]
        outs_b = [output_view(o, after, today) for o in b.get("outputs", [])]
        if len(outs_a) != len(outs_b):
            problems.append(f"{where}: {len(outs_a)} outputs != {len(outs_b)} outputs "
                            f"({[o['output_type'] for o in outs_a]} vs "
                            f"{[o['output_type'] for o in outs_b]})")
        for j, (oa, ob) in enumerate(zip(outs_a, outs_b, strict=False)):
            for key in sorted(set(oa) | set(ob)):
                va, vb = oa.get(key), ob.get(key)
                if va == vb:
                    continue
                if va is None or vb is None:
                    problems.append(f"{where} output {j}: {key} only in "
                                    f"{'AFTER' if va is None else 'BEFORE'}")
                elif isinstance(va, bytes):
                    problems.append(f"{where} output {j}: {key} differs ({len(va)} and "
                                    f"{len(vb)} bytes)")
                else:
                    problems.append(f"{where} output {j}: {key} "
                                    f"{first_difference(va.encode(), vb.encode())}")
    return problems


def mask_stamp(text: str) -> str:
    """Replace code versions and generation times by placeholders.

    Examples
    --------
    >>> mask_stamp("Versi kode 0.1.0+1ec8a89 · Dibuat 2026-11-22T14:25:45+00:00")
    'Versi kode <VERSION> · Dibuat <GENERATED>'
    """
    return GENERATED_RE.sub(PLACEHOLDER_GENERATED, VERSION_RE.sub(PLACEHOLDER_VERSION, text))


def xlsx_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Cell values of every sheet; a cell that is exactly a version or a time is masked."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    sheets: dict[str, list[tuple[Any, ...]]] = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(tuple(
                PLACEHOLDER_VERSION if isinstance(v, str) and VERSION_RE.fullmatch(v)
                else PLACEHOLDER_GENERATED if isinstance(v, str) and GENERATED_RE.fullmatch(v)
                else v
                for v in row
            ))
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        sheets[ws.title] = rows
    wb.close()
    return sheets


def compare_xlsx(path_a: Path, path_b: Path) -> list[str]:
    """Sheet names, then cell values sheet by sheet."""
    from openpyxl.utils import get_column_letter

    a, b = xlsx_values(path_a), xlsx_values(path_b)
    problems = []
    if list(a) != list(b):
        problems.append(f"sheets {list(a)} != {list(b)}")
    for sheet in [s for s in a if s in b]:
        rows_a, rows_b = a[sheet], b[sheet]
        if len(rows_a) != len(rows_b):
            problems.append(f"sheet {sheet!r}: {len(rows_a)} rows != {len(rows_b)} rows")
        for r, (ra, rb) in enumerate(zip(rows_a, rows_b, strict=False), start=1):
            width = max(len(ra), len(rb))
            for c in range(width):
                va = ra[c] if c < len(ra) else None
                vb = rb[c] if c < len(rb) else None
                if va != vb or type(va) is not type(vb):
                    problems.append(f"sheet {sheet!r} {get_column_letter(c + 1)}{r}: "
                                    f"{va!r} != {vb!r}")
    return problems


def html_parts(text: str) -> tuple[str, str]:
    """The ``<main>`` element, and the rest of the page with the stamp masked."""
    match = re.search(r"<main\b.*?</main>", text, flags=re.S)
    if not match:
        return "", mask_stamp(text)
    rest = text[: match.start()] + "<main/>" + text[match.end():]
    return match.group(0), mask_stamp(rest)


def compare_html(path_a: Path, path_b: Path) -> list[str]:
    """Differences of two report pages: ``<main>`` exactly, the rest with the stamp masked."""
    main_a, rest_a = html_parts(path_a.read_text(encoding="utf-8"))
    main_b, rest_b = html_parts(path_b.read_text(encoding="utf-8"))
    problems = []
    if not main_a or not main_b:
        problems.append("no <main> element" + (" in BEFORE" if not main_a else " in AFTER"))
    if main_a != main_b:
        problems.append(f"<main> {first_difference(main_a.encode(), main_b.encode())}")
    if rest_a != rest_b:
        problems.append(f"outside <main> {first_difference(rest_a.encode(), rest_b.encode())}")
    return problems


def pdf_text(path: Path) -> str:
    """Text of every page (pypdf) with the footer stamp, versions and times masked.

    The footer stamp (as-of date, code version, generation time) becomes ``<STAMP>``; the page
    number after it on the same line stays. The cover's version and time are masked by
    ``mask_stamp``.
    """
    from pypdf import PdfReader

    reader = PdfReader(path)
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        text = STAMP_RE.sub(PLACEHOLDER_STAMP, page.extract_text() or "")
        pages.append(f"--- page {number}\n" + mask_stamp(text))
    return "\n".join(pages) + "\n"


def compare_pdf(path_a: Path, path_b: Path) -> list[str]:
    """The first difference of the normalised text of two PDFs (see ``pdf_text``)."""
    a, b = pdf_text(path_a), pdf_text(path_b)
    return [] if a == b else [f"text {first_difference(a.encode(), b.encode())}"]


MANIFEST_KEYS = ("kind", "code", "name", "language", "parameters", "status", "error", "paths",
                 "stale", "failed_notebook")


def manifest_reports(root: Path) -> dict[str, dict[str, Any]] | None:
    """The compared fields (``MANIFEST_KEYS``) of each report in a recording's manifest.

    Returns None when the recording has no readable ``reports/manifest.json``.
    """
    try:
        content = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {e["id"]: {k: e.get(k) for k in MANIFEST_KEYS} for e in content.get("reports", [])}


def compare_reports(before: Side, after: Side, result: Comparison) -> None:
    """The reports run, the manifest and every report file."""
    run_a, run_b = before.meta.get("reports_run", {}), after.meta.get("reports_run", {})
    problems = []
    if run_a.get("rc") != run_b.get("rc"):
        problems.append(f"exit code {run_a.get('rc')} != {run_b.get('rc')}")
    out_a, out_b = (
        DURATION_RE.sub("(<S> s)", side.clean_text(
            (side.root / "reports_run" / "stdout").read_text(encoding="utf-8")))
        if (side.root / "reports_run" / "stdout").is_file() else "<no reports run>"
        for side in (before, after)
    )
    if out_a != out_b:
        problems.append(f"stdout {first_difference(out_a.encode(), out_b.encode())}")
    result.item("reports-run", "python -m analysis reports", problems)

    man_a, man_b = manifest_reports(before.root), manifest_reports(after.root)
    problems = [f"no readable manifest in {side}"
                for side, man in (("BEFORE", man_a), ("AFTER", man_b)) if man is None]
    man_a, man_b = man_a or {}, man_b or {}
    problems += [f"{rid} only in {'AFTER' if rid in man_b else 'BEFORE'}"
                 for rid in sorted(set(man_a) ^ set(man_b))]
    for rid in sorted(set(man_a) & set(man_b)):
        for key in MANIFEST_KEYS:
            if man_a[rid][key] != man_b[rid][key]:
                problems.append(f"{rid} {key}: {man_a[rid][key]!r} != {man_b[rid][key]!r}")
    result.item("manifest", "reports/manifest.json", problems)

    checks: dict[str, Callable[[Path, Path], list[str]]] = {
        "xlsx": compare_xlsx, "html": compare_html, "pdf": compare_pdf,
        "ipynb": lambda a, b: compare_notebook(a, b, before, after),
    }
    for rel_a, rel_b, name in _pair_files(before.root / "reports", after.root / "reports",
                                          "*/*.*"):
        fmt = name.rsplit(".", 1)[-1]
        if fmt not in checks:
            continue
        kind = f"report-{fmt}"
        if rel_a is None or rel_b is None:
            result.item(kind, name, [f"only in {'AFTER' if rel_a is None else 'BEFORE'}"])
            continue
        result.item(kind, name, checks[fmt](rel_a, rel_b))

    for rel_a, rel_b, name in _pair_files(before.root / "render", after.root / "render", "*"):
        fmt = name.rsplit(".", 1)[-1]
        kind = f"render-{fmt}"
        if rel_a is None or rel_b is None:
            result.item(kind, name, [f"only in {'AFTER' if rel_a is None else 'BEFORE'}"])
        elif fmt in checks:
            result.item(kind, name, checks[fmt](rel_a, rel_b))


def _pair_files(a: Path, b: Path, pattern: str) -> Iterator[tuple[Path | None, Path | None, str]]:
    """Files matching ``pattern`` under two folders, paired by relative path."""
    files_a = {p.relative_to(a).as_posix(): p for p in a.glob(pattern) if p.is_file()} \
        if a.is_dir() else {}
    files_b = {p.relative_to(b).as_posix(): p for p in b.glob(pattern) if p.is_file()} \
        if b.is_dir() else {}
    for name in sorted(set(files_a) | set(files_b)):
        yield files_a.get(name), files_b.get(name), name


def compare(before_root: Path, after_root: Path, limit: int) -> int:
    """Compare two recordings; print the differences and the summary; return the exit code."""
    before, after = Side(before_root), Side(after_root)
    print(f"BEFORE {before_root}: tree {before.meta['tree']} commit {before.meta['commit'][:10]}"
          f"{' (src modified)' if before.meta.get('dirty_src') else ''}")
    print(f"AFTER  {after_root}: tree {after.meta['tree']} commit {after.meta['commit'][:10]}"
          f"{' (src modified)' if after.meta.get('dirty_src') else ''}")
    for key in ("fixed_date", "python"):
        if before.meta.get(key) != after.meta.get(key):
            print(f"WARNING: {key} differs: {before.meta.get(key)} vs {after.meta.get(key)}")
    if before.days != after.days:
        print(f"NOTE: notebooks run on {before.days} and {after.days}; that day reads <TODAY> "
              "in their outputs, but other effects of the date are not hidden")
    result = Comparison(limit=limit)
    compare_cli(before, after, result)
    runs_a = {r["notebook"]: r for r in before.meta.get("notebooks", [])}
    runs_b = {r["notebook"]: r for r in after.meta.get("notebooks", [])}
    for name in sorted(set(runs_a) | set(runs_b)):
        if name not in runs_a or name not in runs_b:
            result.item("notebook", name, [f"only in {'AFTER' if name in runs_b else 'BEFORE'}"])
            continue
        problems = []
        if runs_a[name]["rc"] != runs_b[name]["rc"]:
            problems.append(f"papermill exit code {runs_a[name]['rc']} != {runs_b[name]['rc']}")
        path_a, path_b = before.root / "notebooks" / name, after.root / "notebooks" / name
        if path_a.is_file() and path_b.is_file():
            problems += compare_notebook(path_a, path_b, before, after, today=True)
        elif path_a.is_file() != path_b.is_file():
            problems.append("executed notebook missing on one side")
        result.item("notebook", name, problems)
    compare_reports(before, after, result)
    return result.summary()


# --- Command line ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``record`` and ``compare``."""
    parser = argparse.ArgumentParser(
        prog="golden_outputs.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    rec = sub.add_parser("record", help="run the commands on one tree and save their outputs",
                         description="Run every golden command on TREE (PYTHONPATH=TREE/src, "
                         "cwd TREE) in a fixed environment and save the outputs in OUT.")
    rec.add_argument("--tree", required=True, type=Path, help="repository root to run")
    rec.add_argument("--out", required=True, type=Path, help="new, empty output folder")
    rec.add_argument("--python", type=Path, default=Path(sys.executable),
                     help="interpreter with the dependencies (default: this one)")
    rec.add_argument("--jobs", type=int, default=2,
                     help="parallel commands, notebooks and report workers (default 2)")
    rec.add_argument("--overwrite", action="store_true",
                     help="delete OUT first if it holds an earlier recording (complete or not)")
    cmp_ = sub.add_parser("compare", help="compare two recordings",
                          description="Compare two recordings; exit 1 if anything differs.")
    cmp_.add_argument("before", type=Path, help="recording of the branch point")
    cmp_.add_argument("after", type=Path, help="recording of the result")
    cmp_.add_argument("--max-lines", type=int, default=200,
                      help="difference lines to print at most (default 200)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "compare":
        return compare(args.before, args.after, args.max_lines)
    tree, out = args.tree.resolve(), args.out.resolve()
    if not (tree / "src" / "analysis").is_dir():
        raise SystemExit(f"record: {tree}/src/analysis is not a folder")
    if out.exists():
        if not any(out.iterdir()):
            out.rmdir()
        elif args.overwrite and (out / MARKER).is_file():
            shutil.rmtree(out)
        else:
            raise SystemExit(f"record: {out} is not empty (--overwrite replaces only an earlier "
                             "recording)")
    python = args.python if args.python.is_absolute() else Path.cwd() / args.python
    Recorder(tree, out, python, max(1, args.jobs)).record()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
