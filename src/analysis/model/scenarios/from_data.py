"""Scenario values read from the data tables: target bases, DBH Sawit paths, palm workers funded.

Used by the reader (a target written as ``basis: village`` etc. without ``base_workers``) and by
the default scenario of a regency without a file. Every value read is recorded in the
scenario's provenance with the source of its row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.core.errors import UserError
from analysis.data.tables import load_table, regencies


def _base_from_data(r: Any, basis: str, code: str, params: Any) -> int:
    """Target base of a regency from the data tables (village, declared or informal).

    ``r`` is the scenario reader that calls this (it records provenance and raises field
    errors); it is not imported here, because the reader imports this module.
    """
    if basis == "village":
        row = regencies(None).set_index("regency_code").loc[code]
        per_desa = params.get("targets.workers_per_desa", None)
        base = int(row["desa"]) * int(per_desa)
        r.provenance.append({"path": "target.base_workers", "value": base, "source":
                             str(row.get("source_id", "")), "assumption": "", "flag": "",
                             "choice": "", "note": f"{int(row['desa'])} desa × {per_desa} "
                             "(targets.workers_per_desa)"})
        if base <= 0:
            raise r.error("target.basis", f"{code} has no desa; use basis 'informal' or workers")
        return base
    rows, column = _basis_rows(basis, code)
    if rows.empty:
        raise r.error("target.basis", f"no {basis} target for {code} in the data; give "
                      "target.base_workers with its source")
    last = rows.iloc[-1]
    r.provenance.append({"path": "target.base_workers", "value": int(last[column]),
                         "source": str(last.get("source_id", "")), "assumption": "",
                         "flag": str(last.get("flag", "") or ""), "choice": "",
                         "note": f"latest {basis} figure in the data"})
    return int(last[column])


def _basis_rows(basis: str, code: str) -> tuple[pd.DataFrame, str]:
    """Rows of the data giving a declared or informal target (empty when none)."""
    name = "declared_targets" if basis == "declared" else "labour_force"
    try:
        table = load_table(name)
    except UserError:
        return pd.DataFrame(), ""
    if basis == "declared":
        rows = table[table["area_code"].astype(str) == code].sort_values("date")
        return rows, "target_workers"
    rows = table[(table["area_code"].astype(str) == code)
                 & (table["indicator"] == "informal_workers")].sort_values("period")
    return rows, "value"


def _allocation_path(code: str, start: int, years: int) -> dict:
    """DBH allocations in data for the horizon, the latest earlier year carried forward."""
    table = load_table("dbh_sawit")
    rows = table[table["area_code"].astype(str) == code]
    if rows.empty:
        return {}
    by_year = rows.groupby("year")["amount_rp"].last()
    before = by_year[by_year.index <= start]
    out = {}
    if not before.empty:
        out[start] = {"value": float(before.iloc[-1]),
                      "note": f"DBH Sawit {int(before.index[-1])} from data, carried forward"}
    for year, amount in by_year[(by_year.index > start) & (by_year.index < start + years)].items():
        out[int(year)] = {"value": float(amount), "note": f"DBH Sawit {int(year)} from data"}
    if start not in out:
        first = min(out)
        out[start] = out.pop(first)
    return out


def _palm_workers_from_data(code: str) -> int:
    try:
        facts = load_table("coverage_facts")
    except (UserError, KeyError, FileNotFoundError):
        return 0
    rows = facts[(facts["area_code"].astype(str) == code) & (facts["segment"] == "palm_workers")
                 & (facts["funding_source"] == "dbh_sawit")]
    return int(rows["workers"].dropna().max()) if not rows.empty else 0
