"""Coverage of vulnerable workers by BPJS Ketenagakerjaan, compared across kab/kota.

There is no single denominator for "how covered is a regency", so every rate is computed against
an explicit target basis and the table carries all of them:

``village``
    The "1 desa 100 pekerja rentan" rule: ``targets.workers_per_desa`` × number of desa. It does
    not apply to kelurahan (urban wards without a village fund), so a kota without desa gets NaN
    with the reason (assumption A02), never 0.
``informal``
    The number of informal workers: a BPS figure where the data hold one for the regency,
    otherwise assumption A01 (regency population × province employment ratio × province
    informal share), flagged as an estimate. A regency's own figure comes first.
``declared``
    The regency's own declared target (``declared_targets.csv``) where one exists.

The metric functions are pure: they take DataFrames and parameters and return DataFrames, so
tests can feed hand-written tables. ``coverage_table`` is the thin wrapper that loads the shipped
data (``analysis.data``), the parameters and the contribution rate
(``analysis.model.contributions``). The league table and the sentences about it are in
``analysis.views.coverage``.

This package is the public surface; the code lives in ``rules`` (which facts count: the pick,
conflict and double-count rules), ``targets`` (the three target bases) and ``table`` (the
table, its ranking and the loaders).

A regency without coverage data has status ``"no data"``; its coverage, gap and rate stay NaN
and it is ranked last. Missing data is never shown as zero.
"""

from __future__ import annotations

from analysis.model.coverage.rules import (
    COVERED_STATUSES,
    RATE_SEGMENTS,
    SEGMENT_GROUPS,
    SEGMENTS,
    covered_by_segment,
    newest_value,
    pick,
    previous_coverage,
    segment_facts,
    sum_facts,
    village_officials,
)
from analysis.model.coverage.table import (
    BASES,
    NO_DATA,
    OK,
    build_coverage_table,
    coverage_table,
    load_inputs,
    rank_within,
    ranked,
    regency_summary,
    segment_table,
)
from analysis.model.coverage.targets import (
    declared_targets_at,
    informal_estimates,
    province_informal_inputs,
    village_targets,
)

__all__ = [
    "BASES",
    "COVERED_STATUSES",
    "NO_DATA",
    "OK",
    "RATE_SEGMENTS",
    "SEGMENTS",
    "SEGMENT_GROUPS",
    "build_coverage_table",
    "coverage_table",
    "covered_by_segment",
    "declared_targets_at",
    "informal_estimates",
    "load_inputs",
    "newest_value",
    "pick",
    "previous_coverage",
    "province_informal_inputs",
    "rank_within",
    "ranked",
    "regency_summary",
    "segment_facts",
    "segment_table",
    "sum_facts",
    "village_officials",
    "village_targets",
]
