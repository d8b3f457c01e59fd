"""Timing of the report pipeline against the naive way of running papermill per report.

On the same machine and the same reports, in one run:

1. **Baseline** (sequential, a fresh process for each step): for each report ``papermill`` CLI
   with a normal ``python3`` kernel, then ``jupyter nbconvert --to html --no-input``, then the
   PDF and XLSX from ``python -m analysis.render``.
2. **Pipeline**: ``python -m analysis reports --jobs 2`` into an empty temporary folder.
3. **No-change rebuild**: the same command again (nothing to do).

Each phase runs in its own child process, which reports its wall time and the peak resident
memory of the processes it started (``resource.getrusage``); the pipeline's workers report their
own peak in the manifest. The summary gives the speed-up.
It asserts nothing (timings depend on the machine). Run::

    .venv/bin/python benchmarks/bench_reports.py            # 6 kab/kota of North Sumatra
    .venv/bin/python benchmarks/bench_reports.py --all      # all 33 kab/kota + province overview

Other work on the machine and edits to the inputs between phases 2 and 3 (which make phase 3
rebuild) show up in the numbers; run it on a quiet machine for figures to publish.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The five kab/kota of the source articles and one kota (no desa).
DEFAULT_CODES = ["12.10", "12.11", "12.14", "12.15", "12.22", "12.71"]
REGENCY_NB = ROOT / "notebooks" / "03_regency_report.ipynb"
PROVINCE_NB = ROOT / "notebooks" / "04_province_overview.ipynb"


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: some report failed, reported in the summary
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(cmd)}")


def phase_baseline(codes: list[str], overview: bool, out: Path) -> None:
    """papermill CLI + nbconvert CLI + renderer CLI, one fresh process each, in sequence."""
    runs = [(REGENCY_NB, ["-p", "regency_code", code], code) for code in codes]
    if overview:
        runs.insert(0, (PROVINCE_NB, ["-p", "province_code", "12"], "12"))
    for notebook, params, name in runs:
        executed = out / f"{name}.ipynb"
        _run([str(BIN / "papermill"), str(notebook), str(executed), *params, "-p", "lang", "id",
              "--kernel", "python3", "--no-progress-bar", "--log-level", "WARNING"])
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
              "--log-level", "WARN", str(executed), "--output-dir", str(out)])
        _run([sys.executable, "-m", "analysis.render", str(executed),
              "--pdf", str(out / f"{name}.pdf"), "--xlsx", str(out / f"{name}.xlsx")])


def phase_pipeline(codes: list[str] | None, out: Path, jobs: int) -> None:
    """``python -m analysis reports`` (run twice on the same folder for the no-change case)."""
    cmd = [sys.executable, "-m", "analysis", "reports", "--jobs", str(jobs), "--out", str(out)]
    if codes:
        cmd += ["--regency", *codes]
    _run(cmd)


def child(args: argparse.Namespace) -> None:
    """Run one phase and print its wall time and the peak memory of its processes as JSON."""
    out = Path(args.out)
    codes = args.codes.split(",") if args.codes else None
    start = time.perf_counter()
    if args.phase == "baseline":
        phase_baseline(codes or [], args.overview, out)
    else:
        phase_pipeline(codes, out, args.jobs)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(phase: str, out: Path, codes: list[str] | None, overview: bool,
            jobs: int) -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--out", str(out), "--jobs", str(jobs)]
    if codes:
        cmd += ["--codes", ",".join(codes)]
    if overview:
        cmd.append("--overview")
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true",
                        help="all 33 kab/kota and the province overview (34 reports)")
    parser.add_argument("--regency", nargs="+", help="these kab/kota codes instead")
    parser.add_argument("--jobs", type=int, default=2, help="pipeline workers (default 2)")
    parser.add_argument("--skip-baseline", action="store_true", help="time the pipeline only")
    parser.add_argument("--child", choices=("baseline", "pipeline"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--codes", help=argparse.SUPPRESS)
    parser.add_argument("--overview", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.phase = args.child
        child(args)
        return

    if args.all:
        sys.path.insert(0, str(ROOT / "src"))
        from analysis import data

        codes = list(data.regencies("12")["regency_code"])
        overview = True
    else:
        codes = args.regency or DEFAULT_CODES
        overview = False
    reports = len(codes) + overview
    print(f"Report benchmark: {reports} reports, jobs {args.jobs}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.machine()}")
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        base_out, pipe_out = Path(tmp) / "baseline", Path(tmp) / "pipeline"
        base_out.mkdir()
        results = {}
        if not args.skip_baseline:
            results["baseline"] = measure("baseline", base_out, codes, overview, args.jobs)
        pipeline_codes = None if args.all else codes
        results["pipeline"] = measure("pipeline", pipe_out, pipeline_codes, False, args.jobs)
        results["no-change"] = measure("pipeline", pipe_out, pipeline_codes, False, args.jobs)
        manifest = json.loads((pipe_out / "manifest.json").read_text(encoding="utf-8"))
        statuses = [r["status"] for r in manifest["reports"]]
        # Workers are started by the forkserver, not waited for by the phase's process: their
        # peak memory comes from the manifest.
        worker_mb = max((r.get("peak_rss_mb") or 0 for r in manifest["reports"]), default=0)

    labels = {
        "baseline": "1. baseline: papermill + nbconvert + render CLIs, sequential",
        "pipeline": f"2. python -m analysis reports --jobs {args.jobs}",
        "no-change": "3. no-change rebuild",
    }
    for key, res in results.items():
        per = res["seconds"] / reports
        print(f"{labels[key]:<62} {res['seconds']:7.1f} s  ({per:5.2f} s/report)  "
              f"peak {res['peak_mb']:6.0f} MB")
    if "baseline" in results:
        ratio = results["baseline"]["seconds"] / results["pipeline"]["seconds"]
        print(f"speed-up of the pipeline over the baseline: {ratio:.1f}x")
    print(f"peak memory of one pipeline worker: {worker_mb:.0f} MB")
    print("final manifest: " + ", ".join(
        f"{statuses.count(s)} {s}" for s in ("built", "unchanged", "failed") if s in statuses))


if __name__ == "__main__":
    main()
