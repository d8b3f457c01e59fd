"""Timing of the report pipeline against the naive way of running papermill per report.

On the same machine and the same reports, in one run:

1. **Baseline** (sequential, a fresh process for each step): for each report ``papermill`` CLI
   with a normal ``python3`` kernel, then ``jupyter nbconvert --to html --no-input``, then the
   PDF and XLSX from ``python -m analysis.render``.
2. **Pipeline**: ``python -m analysis reports --jobs 2`` into an empty temporary folder, three
   times (``--repeat``); the median is the figure, and every run is listed. It runs before the
   baseline, whose minutes of load would otherwise slow it.
3. **No-change rebuild**: the same command again on the last folder (nothing to do).

Each phase runs in its own child process, which reports its wall time and the peak resident
memory of the processes it started (``resource.getrusage``); the pipeline's workers report their
own peak in the manifest. The summary gives the speed-up.
It asserts nothing (timings depend on the machine). Run::

    .venv/bin/python benchmarks/bench_reports.py            # 6 kab/kota of North Sumatra
    .venv/bin/python benchmarks/bench_reports.py --all      # all 33 kab/kota + province overview
    .venv/bin/python benchmarks/bench_reports.py --all --country   # and the whole country

``--country`` adds the whole country to the same run: ``reports --province all`` (514 kab/kota,
38 province overviews and the national overview: 553 reports) and its no-change rebuild. The
baseline for the country is run on a sample of kab/kota, one per province
(``--country-sample``, default 12), and its per-report time is extrapolated to 553 reports;
running it in full would take about two hours. The load average before and after each phase is
printed, since the machine may be shared.

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


def phase_pipeline(codes: list[str] | None, out: Path, jobs: int,
                   province: str | None = None) -> None:
    """``python -m analysis reports`` (run twice on the same folder for the no-change case)."""
    cmd = [sys.executable, "-m", "analysis", "reports", "--jobs", str(jobs), "--out", str(out)]
    if province:
        cmd += ["--province", province]
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
        phase_pipeline(codes, out, args.jobs, args.province)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(phase: str, out: Path, codes: list[str] | None, overview: bool,
            jobs: int, province: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", phase, "--out", str(out), "--jobs", str(jobs)]
    if codes:
        cmd += ["--codes", ",".join(codes)]
    if overview:
        cmd.append("--overview")
    if province:
        cmd += ["--province", province]
    load_before = os.getloadavg()[0]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load"] = (load_before, os.getloadavg()[0])
    return result


def worker_peak_mb(out: Path) -> tuple[float, list[str]]:
    """Peak memory of one pipeline worker (from the manifest) and the report statuses."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    statuses = [r["status"] for r in manifest["reports"]]
    # Workers are started by the forkserver, not waited for by the phase's process: their
    # peak memory comes from the manifest.
    return max((r.get("peak_rss_mb") or 0 for r in manifest["reports"]), default=0), statuses


def country_sample(size: int) -> list[str]:
    """One kab/kota per province (the first by code), from as many provinces as ``size``."""
    sys.path.insert(0, str(ROOT / "src"))
    from analysis import data

    table = data.regencies(None)
    firsts = table.groupby("province_code")["regency_code"].first()
    step = max(len(firsts) // max(size, 1), 1)
    return list(firsts.iloc[::step][:size])


def report_line(label: str, res: dict, reports: int) -> str:
    per = res["seconds"] / reports
    return (f"{label:<66} {res['seconds']:7.1f} s  ({per:5.2f} s/report)  "
            f"peak {res['peak_mb']:6.0f} MB  load {res['load'][0]:.1f}→{res['load'][1]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true",
                        help="all 33 kab/kota and the province overview (34 reports)")
    parser.add_argument("--regency", nargs="+", help="these kab/kota codes instead")
    parser.add_argument("--country", action="store_true",
                        help="also the whole country (553 reports) and its no-change rebuild")
    parser.add_argument("--country-sample", type=int, default=12,
                        help="kab/kota of the country baseline sample (default 12)")
    parser.add_argument("--jobs", type=int, default=2, help="pipeline workers (default 2)")
    parser.add_argument("--skip-baseline", action="store_true", help="time the pipeline only")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the pipeline into empty folders; the median is reported "
                             "(default 3)")
    parser.add_argument("--child", choices=("baseline", "pipeline"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--codes", help=argparse.SUPPRESS)
    parser.add_argument("--overview", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--province", help=argparse.SUPPRESS)
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
          f"Python {platform.python_version()}, {platform.machine()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        base_out = Path(tmp) / "baseline"
        base_out.mkdir()
        results = {}
        pipeline_codes = None if args.all else codes
        # The pipeline first, each run into an empty folder: its median is the figure; the
        # baseline's minutes of load come after, so they do not slow the shorter phase.
        runs = []
        for run in range(args.repeat):
            pipe_out = Path(tmp) / f"pipeline-{run + 1}"
            runs.append(measure("pipeline", pipe_out, pipeline_codes, False, args.jobs))
        results["pipeline"] = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        results["no-change"] = measure("pipeline", pipe_out, pipeline_codes, False, args.jobs)
        if not args.skip_baseline:
            results["baseline"] = measure("baseline", base_out, codes, overview, args.jobs)
        worker_mb, statuses = worker_peak_mb(pipe_out)
        labels = {
            "baseline": "1. baseline: papermill + nbconvert + render CLIs, sequential",
            "pipeline": f"2. python -m analysis reports --jobs {args.jobs} (median of "
                        f"{len(runs)})",
            "no-change": "3. no-change rebuild",
        }
        for key in ("baseline", "pipeline", "no-change"):
            if key in results:
                lines.append(report_line(labels[key], results[key], reports))
        if len(runs) > 1:
            lines.append("   pipeline runs: " + ", ".join(
                f"{r['seconds']:.1f} s (load {r['load'][0]:.1f})" for r in runs))
        if "baseline" in results:
            ratio = results["baseline"]["seconds"] / results["pipeline"]["seconds"]
            lines.append(f"speed-up of the pipeline over the baseline: {ratio:.1f}x")
        lines.append(f"peak memory of one pipeline worker: {worker_mb:.0f} MB")
        lines.append("final manifest: " + ", ".join(
            f"{statuses.count(s)} {s}" for s in ("built", "unchanged", "failed") if s in statuses))

        if args.country:
            country_out = Path(tmp) / "country"
            country = {}
            country["pipeline"] = measure("pipeline", country_out, None, False, args.jobs, "all")
            country["no-change"] = measure("pipeline", country_out, None, False, args.jobs,
                                           "all")
            c_worker_mb, c_statuses = worker_peak_mb(country_out)
            total = len(c_statuses)
            lines.append("")
            lines.append(f"Whole country: {total} reports")
            lines.append(report_line(f"4. reports --province all --jobs {args.jobs}",
                                     country["pipeline"], total))
            lines.append(report_line("5. no-change rebuild of the country",
                                     country["no-change"], total))
            if not args.skip_baseline:
                sample = country_sample(args.country_sample)
                sample_out = Path(tmp) / "country-baseline"
                sample_out.mkdir()
                base = measure("baseline", sample_out, sample, False, args.jobs)
                per = base["seconds"] / len(sample)
                lines.append(report_line(f"6. baseline on {len(sample)} kab/kota, one per "
                                         "province", base, len(sample)))
                lines.append(f"   baseline extrapolated to {total} reports: {per * total:.0f} s;"
                             f" speed-up {per * total / country['pipeline']['seconds']:.1f}x")
            lines.append(f"peak memory of one pipeline worker: {c_worker_mb:.0f} MB")
            lines.append("final manifest: " + ", ".join(
                f"{c_statuses.count(s)} {s}" for s in ("built", "unchanged", "failed")
                if s in c_statuses))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
