"""The allocation engine and the deterministic projection of a scenario, year by year.

``_arrays`` stacks scenarios into numpy arrays and ``_allocate`` fills the target source by
source (DBH Sawit for unregistered palm workers, province co-funding, Dana Desa, CSR, then the
APBD up to its budget); the Monte Carlo (``montecarlo``) runs the same engine on its draws.
``project`` applies it to central values and returns the per-year table, with structured notes
(no sentences: ``analysis.views.scenarios.messages`` words them).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from analysis.model.scenarios.spec import SOURCES, Scenario


@dataclass
class _Arrays:
    """Numeric inputs of one or more scenarios, shape (R, Y) or (R, K, Y)."""

    target: np.ndarray
    cost: np.ndarray
    dbh_alloc: np.ndarray
    dbh_share: np.ndarray  # (R, 1): other_share × social_share
    eligible: np.ndarray
    province: np.ndarray
    dana_desa: np.ndarray
    csr_amount: np.ndarray  # (R, K, Y) rupiah if fully paid
    csr_prob: np.ndarray  # (R, K)
    csr_lo: np.ndarray
    csr_hi: np.ndarray
    csr_range: np.ndarray  # (R, K) bool
    apbd: np.ndarray  # rupiah; inf = not given (solve)
    belanja: np.ndarray  # nan = unknown
    t_low: np.ndarray  # (R, 1)
    t_high: np.ndarray
    dbh_kind: np.ndarray  # (R, 1) 0 none, 1 lognormal, 2 triangular
    dbh_sigma: np.ndarray
    dbh_low: np.ndarray
    dbh_high: np.ndarray
    share_low: np.ndarray  # (R, 1) multipliers of dbh_share (triangular, mode 1)
    share_high: np.ndarray


def _pledges(s: Scenario) -> list:
    """The CSR pledges of the central scenario: labelled what-ifs stay out."""
    return [p for p in s.csr if not p.what_if]


def _eligible(s: Scenario) -> list[float]:
    """Eligible palm workers per year; a year not counted (None) pays nobody from DBH Sawit."""
    return [0.0 if e is None else float(e) for e in s.dbh_eligible]


def _arrays(scenarios: list[Scenario]) -> _Arrays:
    """Stack scenarios of the same horizon into arrays (CSR pledges padded with zeros).

    What-if options (CSR pledges and Dana Desa marked ``what_if``) and DBH Sawit for palm
    workers nobody counted (eligible None) are left out: ``analysis.model.scenarios.variant``
    turns them into a labelled variant first.
    """
    n_years = {s.years for s in scenarios}
    if len(n_years) != 1:
        raise ValueError("scenarios in one batch must have the same number of years")
    y = n_years.pop()
    k = max([len(_pledges(s)) for s in scenarios] + [1])
    r = len(scenarios)
    amount = np.zeros((r, k, y))
    prob = np.zeros((r, k))
    lo = np.zeros((r, k))
    hi = np.zeros((r, k))
    rng_ = np.zeros((r, k), dtype=bool)
    for i, s in enumerate(scenarios):
        cost = s.cost_per_worker_rp
        for j, p in enumerate(_pledges(s)):
            t = p.year - s.start_year
            amount[i, j, t] = p.rupiah if p.rupiah is not None else p.workers * cost[t]
            prob[i, j] = p.probability
            if p.realised_share is not None:
                rng_[i, j] = True
                lo[i, j], hi[i, j] = p.realised_share

    def col(values: list[float]) -> np.ndarray:
        return np.array(values, dtype=float).reshape(r, 1)

    kinds = {"none": 0, "lognormal": 1, "triangular": 2}
    return _Arrays(
        target=np.array([s.target for s in scenarios], dtype=float),
        cost=np.array([s.cost_per_worker_rp for s in scenarios], dtype=float),
        dbh_alloc=np.array([s.dbh_allocation_rp for s in scenarios], dtype=float),
        dbh_share=col([s.dbh_share for s in scenarios]),
        eligible=np.array([_eligible(s) for s in scenarios], dtype=float),
        province=np.array([s.province_workers for s in scenarios], dtype=float),
        dana_desa=np.array([[0] * s.years if s.dana_desa_what_if else s.dana_desa_workers
                            for s in scenarios], dtype=float),
        csr_amount=amount,
        csr_prob=prob,
        csr_lo=lo,
        csr_hi=hi,
        csr_range=rng_,
        apbd=np.array([[np.inf if b is None else b for b in s.apbd_budget_rp]
                       for s in scenarios], dtype=float),
        belanja=np.array([[np.nan if b is None else b for b in s.belanja_rp]
                          for s in scenarios], dtype=float),
        t_low=col([s.target_uncertainty[0] for s in scenarios]),
        t_high=col([s.target_uncertainty[1] for s in scenarios]),
        dbh_kind=col([kinds[s.dbh_uncertainty.get("distribution", "none")] for s in scenarios]),
        dbh_sigma=col([s.dbh_uncertainty.get("sigma", 0.0) for s in scenarios]),
        dbh_low=col([s.dbh_uncertainty.get("low", 1.0) for s in scenarios]),
        dbh_high=col([s.dbh_uncertainty.get("high", 1.0) for s in scenarios]),
        share_low=col([s.dbh_share_range[0] for s in scenarios]),
        share_high=col([s.dbh_share_range[1] for s in scenarios]),
    )


def _whole(x: np.ndarray) -> np.ndarray:
    """Round down to whole units, forgiving the last bits of floating-point error."""
    return np.floor(x + 1e-6)


def _allocate(
    target: np.ndarray,
    cost: np.ndarray,
    dbh_envelope: np.ndarray,
    eligible: np.ndarray,
    province: np.ndarray,
    dana_desa: np.ndarray,
    csr_rp: np.ndarray,
    apbd_rp: np.ndarray,
) -> dict[str, np.ndarray]:
    """Fill the target source by source; all arguments broadcast to one shape.

    Order: DBH Sawit (only unregistered palm workers, at most its envelope), province
    co-funding, Dana Desa, CSR, then APBD up to its budget. A source never pays for more
    workers than the target still needs.

    Returns
    -------
    dict
        Workers per source (``dbh`` … ``apbd``), ``covered`` and ``gap`` (workers).
    """
    remaining = np.asarray(target, dtype=float)
    possible = {
        "dbh": np.minimum(_whole(dbh_envelope / cost), eligible),
        "province": province,
        "dana_desa": dana_desa,
        "csr": _whole(csr_rp / cost),
        "apbd": _whole(apbd_rp / cost),
    }
    out = {}
    for name in SOURCES:
        funded = np.minimum(possible[name], remaining)
        remaining = remaining - funded
        out[name] = funded
    out["gap"] = remaining
    out["covered"] = target - remaining
    return out


def _envelope(alloc: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Whole rupiah of DBH Sawit for social protection: allocation × other × social share."""
    return _whole(alloc * share)


# --------------------------------------------------------------------------------------------
# Deterministic projection
# --------------------------------------------------------------------------------------------


def project(
    s: Scenario,
    *,
    apbd_factor: float = 1.0,
    csr_share: float | None = None,
    dbh_factor: float = 1.0,
    social_factor: float = 1.0,
    cost_factor: float = 1.0,
    target_factor: float = 1.0,
) -> pd.DataFrame:
    """Project a scenario year by year with central values.

    Central values: the target path, the DBH allocation path, each CSR pledge at its expected
    value (amount × probability, or × the middle of its realised-share range). What-if options
    and DBH Sawit for palm workers nobody counted stay out (see ``_arrays``). The factors move
    one input at a time (used by ``sensitivity``).

    Parameters
    ----------
    s : Scenario
    apbd_factor, dbh_factor, social_factor, cost_factor, target_factor : float
        Multipliers of the APBD budget, DBH allocation, DBH social share, contribution per worker
        and target.
    csr_share : float, optional
        Share of every CSR pledge that is paid (0 = none, 1 = all); the expected share when
        omitted.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year``, ``months``, ``cost_per_worker_rp``, ``target_workers``,
        ``<source>_workers`` and ``<source>_rp`` for dbh, province, dana_desa, csr, apbd (the
        APBD pays up to its budget; with no budget it pays the whole remainder),
        ``covered_workers``, ``coverage``, ``gap_workers``, ``gap_rp``, ``total_rp``,
        ``apbd_budget_rp`` (budgeted; NaN when unknown), ``apbd_needed_rp`` (what the APBD
        would pay to fill every gap, central values), ``belanja_rp``,
        ``apbd_share_of_belanja``, ``dbh_allocation_rp``, ``dbh_envelope_rp``,
        ``dbh_fundable_workers`` (the envelope in workers), ``dbh_unused_rp``,
        ``eligible_palm_workers`` (NaN when not counted), ``cost_per_covered_worker_rp`` (all
        sources), ``apbd_per_covered_worker_rp``. ``attrs["notes"]`` lists, as ``(key, year,
        {name: value})``, where the budgeted APBD comes from, the years where the target is not
        met, where DBH Sawit is limited by the count of palm workers or waits for it, and the
        UNCONFIRMED figures used (see ``_notes``; ``analysis.views.scenarios.messages`` words
        them).
    """
    a = _arrays([s])
    cost = a.cost[0] * cost_factor
    target = np.round(a.target[0] * target_factor)
    pledges = _pledges(s)
    share = (np.array([p.expected_share for p in pledges] + [0.0]) if csr_share is None
             else np.full(len(pledges) + 1, float(csr_share)))[: a.csr_amount.shape[1]]
    csr_rp = (share[:, None] * a.csr_amount[0]).sum(axis=0)
    alloc = a.dbh_alloc[0] * dbh_factor
    envelope = _envelope(alloc, np.minimum(a.dbh_share[0] * social_factor, s.dbh_other_share))
    apbd = a.apbd[0] * apbd_factor
    res = _allocate(target, cost, envelope, a.eligible[0], a.province[0], a.dana_desa[0],
                    csr_rp, apbd)
    # The APBD needed: what the APBD pays when it fills every gap left by the other sources.
    need = _allocate(target, cost, envelope, a.eligible[0], a.province[0], a.dana_desa[0],
                     csr_rp, np.full_like(apbd, np.inf))["apbd"]
    # The columns are built as arrays and the frame once: a frame grown column by column cost
    # more than the allocation itself, and the briefs project each scenario a dozen times.
    cols: dict[str, Any] = {"year": s.year_list, "months": s.months,
                            "cost_per_worker_rp": cost, "target_workers": target}
    for name in SOURCES:
        cols[f"{name}_workers"] = res[name].astype(int)
        cols[f"{name}_rp"] = res[name] * cost
    cols["covered_workers"] = res["covered"].astype(int)
    cols["coverage"] = np.where(target > 0, res["covered"] / np.maximum(target, 1), 1.0)
    cols["gap_workers"] = res["gap"].astype(int)
    cols["gap_rp"] = res["gap"] * cost
    cols["total_rp"] = sum(cols[f"{n}_rp"] for n in SOURCES)
    cols["apbd_budget_rp"] = np.where(np.isinf(apbd), np.nan, apbd)
    cols["apbd_needed_rp"] = need * cost
    cols["belanja_rp"] = a.belanja[0]
    with np.errstate(divide="ignore", invalid="ignore"):  # as pandas divides: x/0 is inf, 0/0 NaN
        cols["apbd_share_of_belanja"] = cols["apbd_rp"] / cols["belanja_rp"]
    cols["dbh_allocation_rp"] = alloc
    cols["dbh_envelope_rp"] = envelope
    cols["dbh_fundable_workers"] = _whole(envelope / cost).astype(int)
    cols["dbh_unused_rp"] = envelope - cols["dbh_rp"]
    cols["eligible_palm_workers"] = [np.nan if e is None else float(e) for e in s.dbh_eligible]
    covered = np.where(cols["covered_workers"] == 0, np.nan, cols["covered_workers"])
    cols["cost_per_covered_worker_rp"] = cols["total_rp"] / covered
    cols["apbd_per_covered_worker_rp"] = cols["apbd_rp"] / covered
    df = pd.DataFrame(cols)
    df.attrs["notes"] = _notes(s, df)
    return df


def _notes(s: Scenario, df: pd.DataFrame) -> list[tuple[str, int | None, dict[str, Any]]]:
    """What a reader of the projection must be told, as ``(key, year, {name: value})``.

    In order: ``apbd_current`` (no year; ``year``, ``budget``, ``cases``, ``flags``) when the
    budgeted APBD is today's spending read from the payment cases, or ``apbd_unknown`` (no
    year) when no APBD budget is known; per year, ``target_not_met`` (``target``, ``gap``
    workers, ``gap_rp``) when a known budget falls short, ``dbh_eligibility`` (``fundable``
    workers, ``eligible`` palm workers, ``unused`` rupiah) where the count of eligible palm
    workers, not the envelope, limits DBH Sawit, and ``dbh_needs_count`` (``fundable``,
    ``envelope``) where nobody has counted them; then ``unconfirmed`` (no year; ``path``,
    ``value``) for each UNCONFIRMED figure of the file.
    """
    out: list[tuple[str, int | None, dict[str, Any]]] = []
    if s.apbd_basis:
        b = s.apbd_basis
        out.append(("apbd_current", None, {"year": b["year"], "budget": b["budget_rp"],
                                           "cases": ", ".join(b["case_ids"]),
                                           "flags": b["flags"] or "–"}))
    elif s.solve_apbd:
        out.append(("apbd_unknown", None, {}))
    # Columns as lists of Python numbers (what itertuples gives), without a row object each.
    names = ("year", "target_workers", "gap_workers", "gap_rp", "apbd_budget_rp",
             "dbh_fundable_workers", "dbh_envelope_rp", "dbh_workers", "dbh_unused_rp")
    rows = [SimpleNamespace(**dict(zip(names, values, strict=True)))
            for values in zip(*(df[n].tolist() for n in names), strict=True)]
    for row, eligible in zip(rows, s.dbh_eligible, strict=True):
        if row.gap_workers > 0 and not np.isnan(row.apbd_budget_rp):
            out.append(("target_not_met", int(row.year), {
                "target": row.target_workers,
                "gap": row.gap_workers,
                "gap_rp": row.gap_rp}))
        fundable = row.dbh_fundable_workers
        if eligible is None:
            if fundable > 0:
                out.append(("dbh_needs_count", int(row.year), {
                    "fundable": float(fundable), "envelope": row.dbh_envelope_rp}))
        elif row.dbh_workers < fundable and row.dbh_workers == eligible:
            out.append(("dbh_eligibility", int(row.year), {
                "fundable": float(fundable),
                "eligible": eligible,
                "unused": row.dbh_unused_rp}))
    flagged = [p for p in s.provenance if "UNCONFIRMED" in p.get("flag", "")]
    for p in flagged:
        out.append(("unconfirmed", None, {"path": p["path"], "value": p["value"]}))
    return out
