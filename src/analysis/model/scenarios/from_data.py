"""Scenario values read from the data tables: target bases, DBH Sawit, palm workers funded.

Used by the reader (a target written as ``basis: village`` etc. without ``base_workers``) and by
the default scenario of a regency without a file. Every value read is recorded in the
scenario's provenance with the source of its row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis.core.errors import UserError
from analysis.data.parameters import default_assumptions
from analysis.data.tables import load_table, regencies
from analysis.model.dbh_sawit import dbh_summary


def _base_from_data(r: Any, basis: str, code: str, params: Any) -> int:
    """Target base of a regency from the data tables (village, declared or informal).

    ``r`` is the scenario reader that calls this (it records provenance and raises field
    errors); it is not imported here, because the reader imports this module.
    """
    if basis == "village":
        row = regencies(None).set_index("regency_code").loc[code]
        per_desa = params.get("targets.workers_per_desa", None)
        base = int(row["desa"]) * int(per_desa)
        # Desa only, never kelurahan: assumption A02.
        r.provenance.append({"path": "target.base_workers", "value": base, "source":
                             str(row.get("source_id", "")), "assumption": "A02", "flag": "",
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


def _dbh_from_data(code: str, as_of: date, assumptions: dict | None = None) -> dict | None:
    """DBH Sawit of a regency at a date, for a scenario: the allocation, its range, its series.

    The one place scenarios ask the data about DBH Sawit: ``analysis.model.dbh_sawit.dbh_summary``
    gives the allocation that drives the envelope at ``as_of`` (with its flag and source), the
    series up to that year and its range (lowest and highest allocation of the series). The
    scenario keeps that allocation for its later years, so the range it carries is the data's
    range widened by assumption A08 for those years: low = min(lowest allocation, allocation ×
    A08 low), high = max(highest allocation, allocation × A08 high).

    Parameters
    ----------
    code : str
        Kemendagri code.
    as_of : date
        Date of the figures.
    assumptions : dict, optional
        Assumptions log (for A08); the shipped log when omitted.

    Returns
    -------
    dict or None
        ``year``, ``allocation``, ``low``, ``high``, ``range_from`` (``"data"``, ``"A08"`` or
        ``"A08+data"``: which end came from where), ``flag``, ``source_id``, ``note`` and
        ``series`` (``year``, ``allocation``, ``flag``, ``source_id``, … oldest first); None
        when the data hold no allocation for the regency.

    Notes
    -----
    Dairi as of February 2026: 2026 Rp1.508.376.000 (UNCONFIRMED) drives the envelope; the series
    runs from Rp1.508.376.000 (2026) to Rp8.513.744.000 (2023); A08 low 0,36 × 1.508.376.000 =
    Rp543.015.360. Range Rp543.015.360 – Rp8.513.744.000, from "A08+data".
    """
    summary = dbh_summary(code, as_of)
    if summary is None or not summary.get("allocation"):
        return None
    allocation = float(summary["allocation"])
    a08 = default_assumptions(assumptions).get("A08", {})
    by_a08 = (allocation * float(a08.get("low", 1.0)), allocation * float(a08.get("high", 1.0)))
    data = (float(summary.get("range_low", allocation)),
            float(summary.get("range_high", allocation)))
    low, high = min(data[0], by_a08[0], allocation), max(data[1], by_a08[1], allocation)
    ends = {"data" if (low, high)[i] == data[i] and data[i] != allocation else "A08"
            for i in (0, 1) if (low, high)[i] != allocation}
    range_from = "+".join(sorted(ends)) if ends else "data"
    return {
        "year": int(summary["year"]),
        "allocation": allocation,
        "low": low,
        "high": high,
        "range_from": range_from,
        "flag": "" if pd.isna(summary.get("flag")) else str(summary.get("flag") or ""),
        "source_id": str(summary.get("source_id") or ""),
        "note": "" if pd.isna(summary.get("note")) else str(summary.get("note") or ""),
        "series": [{**e, "flag": "" if pd.isna(e.get("flag")) else str(e.get("flag") or "")}
                   for e in summary.get("series", [])],
    }


def _palm_workers_from_data(code: str) -> int | None:
    """Palm workers the data show funded from DBH Sawit in a regency; None when none are known.

    None, not 0: no count means nobody has counted the unregistered palm workers, not that
    none are eligible (PMK 91/2023 Pasal 16(5)e lets DBH Sawit pay only for them).
    """
    try:
        facts = load_table("coverage_facts")
    except (UserError, KeyError, FileNotFoundError):
        return None
    rows = facts[(facts["area_code"].astype(str) == code) & (facts["segment"] == "palm_workers")
                 & (facts["funding_source"] == "dbh_sawit")]
    workers = rows["workers"].dropna()
    return int(workers.max()) if not workers.empty else None
