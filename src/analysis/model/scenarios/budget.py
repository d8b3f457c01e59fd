"""The APBD a regency spends today on its vulnerable workers, read from its payment cases.

A scenario without an APBD budget can only say how much APBD is *needed*; the regent's question
is whether what the regency *spends today* reaches the target. ``current_apbd`` reads that from
``payment_cases`` by one rule, and ``with_current_apbd`` puts it into a scenario as the budgeted
APBD of every year (held at today's level), with the cases it rests on in the provenance. Where
the data hold no such case the budget stays unknown (None): the scenario then gives the APBD
needed and no probability, and the brief says the spending is not known, never Rp0.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from analysis.core.checks import as_date
from analysis.data.tables import load_table
from analysis.model.contributions import DEFAULT_PACKAGE, PACKAGES, monthly_contribution
from analysis.model.scenarios.spec import Scenario

APBD_SEGMENTS = ("pekerja_rentan",)
"""Segments of ``payment_cases`` a scenario's APBD pays for: the vulnerable (informal) workers of
the village and informal targets. Village officials, non-ASN staff and palm workers on DBH Sawit
are other programmes, paid at other rates or from other funds."""
NOT_SPENDING = ("PLANNED", "UNCONFIRMED")
"""Flags that keep a case out: a plan is not spending, and an unconfirmed figure must not become
the budget a probability rests on."""
CURRENT_YEARS = 1
"""How far back a case still counts as today's spending: the budget year of the as-of date and
the one before (the latest closed budget). Older programmes are history: a 2022 programme says
nothing about the 2026 budget."""


def current_apbd(
    area_code: str, as_of: date | str, cases: pd.DataFrame | None = None, params: Any = None
) -> dict | None:
    """What a regency's APBD spends on vulnerable workers at a date, from its payment cases.

    Rule: the cases of ``area_code`` paid from ``apbd`` for a segment of ``APBD_SEGMENTS``, in
    the as-of year or the year before (``CURRENT_YEARS``), not flagged PLANNED or UNCONFIRMED;
    of those, the newest year, its cases summed. Each case counts its ``budget_rp``; a case with
    workers but no rupiah counts workers × months × the monthly contribution of its package on
    1 January of its year (DERIVED), 12 months when the months are not stated (an assumption the
    result says it made).

    Parameters
    ----------
    area_code : str
        Kemendagri code.
    as_of : date or str
        Date the spending is read for.
    cases : pandas.DataFrame, optional
        A ``payment_cases`` table; the shipped one when omitted.
    params : optional
        Parameters object; the shipped parameters when omitted.

    Returns
    -------
    dict or None
        ``year``, ``budget_rp`` (rupiah a year), ``workers`` (workers the cases name, or None),
        ``case_ids``, ``source_ids``, ``flags`` (the cases' flags, ``;``-joined, plus DERIVED
        when a rupiah figure was computed), ``derived`` and ``months_assumed`` (bool); None when
        no case qualifies.

    Notes
    -----
    Medan, as of 1 February 2026: case S6 (2025, Rp3.300.000.000 for 17.851 workers) gives
    Rp3.300.000.000 a year. A case of 2.000 workers for 3 months in 2025 without rupiah would give
    2.000 × 3 × Rp16.800 = Rp100.800.000 (DERIVED).
    """
    day = as_date(as_of)
    if cases is None:
        cases = load_table("payment_cases")
    now = day.year
    rows = cases[(cases["area_code"].astype(str) == str(area_code))
                 & (cases["funding_source"] == "apbd")
                 & (cases["segment"].isin(APBD_SEGMENTS))
                 & (cases["year"] <= now) & (cases["year"] >= now - CURRENT_YEARS)]
    kept = rows["flag"].fillna("").astype(str).map(
        lambda f: not set(f.split(";")) & set(NOT_SPENDING))
    rows = rows.loc[kept.astype(bool) & (rows["budget_rp"].notna() | rows["workers"].notna())]
    if rows.empty:
        return None
    year = int(rows["year"].max())
    rows = rows[rows["year"] == year]
    total, workers, derived, assumed, flag_set = 0.0, 0, False, False, set()
    for row in rows.itertuples():
        flag_set |= {f for f in str(row.flag or "").split(";") if f and f != "nan"}
        if pd.notna(row.workers):
            workers += int(row.workers)
        if pd.notna(row.budget_rp):
            total += float(row.budget_rp)
            continue
        package = str(row.package) if isinstance(row.package, str) and row.package in PACKAGES \
            else DEFAULT_PACKAGE
        months = int(row.months) if pd.notna(row.months) else 12
        assumed |= pd.isna(row.months)
        derived = True
        total += int(row.workers) * months * monthly_contribution(package, date(year, 1, 1),
                                                                  params=params)
    if derived:
        flag_set.add("DERIVED")
    return {
        "year": year,
        "budget_rp": total,
        "workers": workers or None,
        "case_ids": list(dict.fromkeys(str(c) for c in rows["case_id"])),
        "source_ids": list(dict.fromkeys(str(c) for c in rows["source_id"])),
        "flags": ";".join(sorted(flag_set)),
        "derived": derived,
        "months_assumed": assumed,
    }


def with_current_apbd(s: Scenario, as_of: date | str, cases: pd.DataFrame | None = None,
                      params: Any = None) -> Scenario:
    """The scenario with today's APBD spending as the budget of every year the file leaves open.

    Years with a budget in the file keep it. The others get ``current_apbd`` held flat (today's
    level, in rupiah); the provenance names the cases and ``apbd_basis`` keeps the result. When
    no case qualifies the scenario is returned unchanged (budget unknown).

    Parameters
    ----------
    s : Scenario
    as_of : date or str
        Date the spending is read for.
    cases, params : optional
        As in ``current_apbd``.

    Returns
    -------
    Scenario
    """
    if not s.solve_apbd:
        return s
    spent = current_apbd(s.regency_code, as_of, cases, params)
    if spent is None:
        return s
    budget = [spent["budget_rp"] if b is None else b for b in s.apbd_budget_rp]
    note = (f"APBD spent on vulnerable workers in {spent['year']} (payment cases "
            f"{', '.join(spent['case_ids'])}), held at that level every year")
    provenance = [*s.provenance, {
        "path": "funding.apbd.budget_rp", "value": spent["budget_rp"],
        "source": ";".join(spent["source_ids"]), "assumption": "", "choice": "",
        "flag": spent["flags"], "note": note}]
    return replace(s, apbd_budget_rp=budget, apbd_basis=spent, provenance=provenance)
