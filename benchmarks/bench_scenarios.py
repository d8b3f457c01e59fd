"""Timing of the funding-scenario Monte Carlo: 10.000 draws × 33 regencies × 10 years.

Builds the default scenario of every kab/kota of North Sumatra (data only), adds uncertainty to
every input the simulation draws (DBH allocation lognormal, target triangular, three CSR pledges
per regency, one of them with a realised-share range) so that no shortcut is taken, then times
``analysis.model.scenarios.simulate_batch`` and the P10/P50/P90 bands. Prints the timings; it
asserts nothing (timings depend on the machine). Run:
``.venv/bin/python benchmarks/bench_scenarios.py``.

The uncertainty settings below are benchmark inputs only, not figures used by any analysis.
"""

from __future__ import annotations

import argparse
import platform
import time
from dataclasses import replace

import numpy as np

from analysis import data
from analysis.model import scenarios


def batch(years: int, start_year: int = 2027) -> list[scenarios.Scenario]:
    """Default scenarios of the 33 kab/kota with every uncertain input switched on."""
    out = []
    for code in data.regencies("12")["regency_code"]:
        s = scenarios.default_scenario(code, start_year, years)
        pledges = [
            scenarios.Pledge("bench A", start_year + t, None, 100, 0.5) for t in range(years)
        ][:2] + [scenarios.Pledge("bench B", start_year, 50_000_000.0, None, 1.0, (0.3, 0.9))]
        # APBD pays for about 60% of the target, so the draws decide whether it is met.
        apbd = [0.6 * w * c for w, c in zip(s.target, s.cost_per_worker_rp, strict=True)]
        out.append(replace(
            s,
            apbd_budget_rp=apbd,
            csr=pledges,
            target_uncertainty=(0.8, 1.2),
            dbh_allocation_rp=[x or 1e9 for x in s.dbh_allocation_rp],
            dbh_eligible=[1_000] * years,
            dbh_other_share=0.2,
            dbh_social_share=0.5,
            dbh_uncertainty={"distribution": "lognormal", "sigma": 0.4},
        ))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    t0 = time.perf_counter()
    scen = batch(args.years)
    build = time.perf_counter() - t0
    sims, bands = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = scenarios.simulate_batch(scen, args.draws, seed=2026)
        t1 = time.perf_counter()
        met = (result.workers["gap"] <= 0).mean(axis=1)
        q = np.quantile(result.workers["covered"] / np.maximum(result.workers["target"], 1),
                        (0.1, 0.5, 0.9), axis=1)
        t2 = time.perf_counter()
        sims.append(t1 - t0)
        bands.append(t2 - t1)
    shape = result.workers["covered"].shape
    print(f"machine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}, numpy {np.__version__}")
    print(f"arrays: {shape[0]} regencies × {shape[1]} draws × {shape[2]} years "
          f"= {np.prod(shape):,} cells")
    print(f"build {len(scen)} scenarios from data: {build:.3f} s (not part of the timing)")
    print(f"simulate_batch: best {min(sims):.3f} s, median {np.median(sims):.3f} s "
          f"over {args.repeat} runs")
    print(f"probability + P10/P50/P90 bands: best {min(bands):.3f} s, median "
          f"{np.median(bands):.3f} s")
    print(f"check: mean probability of target {met.mean():.3f}, bands shape {q.shape}")


if __name__ == "__main__":
    main()
