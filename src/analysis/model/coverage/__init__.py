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

This package is the public surface; the code lives in ``rules`` (the pick, conflict and
double-count rules), ``current`` (which facts count on a date: the programme's period, the
staleness rule A14, facts the data set aside), ``counted`` (what each basis counts, so that
numerator and denominator describe the same workers), ``targets`` (the three target bases) and
``table`` (the table, its ranking and the loaders).

A regency without coverage data has status ``"no data"``; one whose programmes have all ended
has status ``"past"``; for both, coverage, gap and rate stay NaN and there is no rank. Missing
data is never shown as zero. Only a rate that rests on no UNCONFIRMED figure is ranked, and a
rank is always read against the number of kab/kota ranked ("3 of 11 measurable").
"""

from __future__ import annotations

from analysis.model.coverage.counted import (
    BASIS_SEGMENTS,
    basis_facts,
    coverage_history,
    covered_by_segment,
    declared_coverage,
    previous_coverage,
    segment_facts,
)
from analysis.model.coverage.current import (
    STATES,
    current_facts,
    fact_states,
    known_until,
    set_aside_reason,
    staleness_months,
)
from analysis.model.coverage.rules import (
    COVERED_STATUSES,
    RATE_SEGMENTS,
    SEGMENT_GROUPS,
    SEGMENTS,
    newest_value,
    pick,
    sum_facts,
    village_officials,
)
from analysis.model.coverage.table import (
    BASES,
    NO_DATA,
    OK,
    PAST,
    build_coverage_table,
    coverage_table,
    history_table,
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
    "BASIS_SEGMENTS",
    "COVERED_STATUSES",
    "NO_DATA",
    "OK",
    "PAST",
    "RATE_SEGMENTS",
    "SEGMENTS",
    "SEGMENT_GROUPS",
    "STATES",
    "basis_facts",
    "build_coverage_table",
    "coverage_history",
    "coverage_table",
    "covered_by_segment",
    "current_facts",
    "declared_coverage",
    "declared_targets_at",
    "fact_states",
    "history_table",
    "known_until",
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
    "set_aside_reason",
    "staleness_months",
    "sum_facts",
    "village_officials",
    "village_targets",
]
