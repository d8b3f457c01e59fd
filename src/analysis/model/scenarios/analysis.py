"""What a scenario means for a budget office: variants, recommended mix, sensitivity, benefits.

``compare_variants`` sets APBD only, APBD + CSR, APBD + DBH Sawit and the full mix side by side;
``recommend_mix`` finds the least APBD that reaches the target with a chosen probability;
``sensitivity`` varies each main input; ``benefits_table`` sets the expected benefits against
the contributions; ``analyse`` runs them all into one ``Analysis``. Results are numbers and
structured notes; ``analysis.views.scenarios`` words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from analysis.core.errors import UserError
from analysis.model import benefits
from analysis.model.contributions import get_package
from analysis.model.scenarios.allocation import _arrays, _envelope, project
from analysis.model.scenarios.montecarlo import SimulationResult, _draw, _run, simulate
from analysis.model.scenarios.spec import DEFAULT_SEED, SOURCES, VARIANTS, Scenario

_Z90 = 1.2815515655446004  # standard normal quantile at 0.9: P10/P90 of a lognormal


def variant(s: Scenario, name: str) -> Scenario:
    """The scenario with only some sources.

    Parameters
    ----------
    s : Scenario
    name : {"apbd_only", "apbd_csr", "apbd_dbh", "mixed"}
        ``mixed`` keeps every source of the file (province and Dana Desa only appear here).

    Returns
    -------
    Scenario
    """
    if name not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {name!r}")
    if name == "mixed":
        return s
    zero = [0] * s.years
    keep_csr = name == "apbd_csr"
    keep_dbh = name == "apbd_dbh"
    return replace(
        s,
        csr=s.csr if keep_csr else [],
        dbh_allocation_rp=s.dbh_allocation_rp if keep_dbh else [0.0] * s.years,
        dana_desa_workers=zero,
        province_workers=zero,
    )


def recommend_mix(
    s: Scenario, prob: float = 0.9, draws: int = 10_000, seed: int = DEFAULT_SEED
) -> dict:
    """The mix reaching the target with probability ``prob`` at the least APBD cost.

    Every other source is used first, within its legal cap and eligibility (the file's DBH
    shares, never beyond the eligible palm workers; CSR and DBH as drawn); the APBD then pays for
    the ``prob``-quantile of the shortfall in each year, e.g. the P90 shortfall for 90%.

    Parameters
    ----------
    s : Scenario
    prob : float
        Chosen probability of reaching the target each year (0–1).
    draws, seed : int
        Monte Carlo size and seed.

    Returns
    -------
    dict
        ``prob``; ``years`` (list of dicts per year: ``year``, ``apbd_rp``, ``apbd_workers``,
        ``achieved_probability``, ``share`` (mean share of covered workers by source),
        ``planned_apbd_rp``, ``apbd_share_of_belanja``); ``total_apbd_rp``; ``dbh_headroom_rp``
        (extra DBH envelope per year if the "other activities" share were at the legal cap and
        all of it went to social protection); ``notes``: ``("mix_above_plan", year,
        {"need": rupiah, "plan": rupiah})`` for each year whose APBD needed is above the APBD
        planned in the file (``analysis.views.scenarios.mix_messages`` words them).
    """
    if not 0 < prob < 1:
        raise UserError(f"probability must be between 0 and 1, got {prob}")
    a = _arrays([s])
    rng = np.random.Generator(np.random.PCG64(seed))
    d = _draw(a, draws, rng)
    others = _run(a, d, np.zeros((1, 1, s.years)))
    shortfall = others["gap"][0]
    need = np.ceil(np.quantile(shortfall, prob, axis=0, method="inverted_cdf"))
    apbd_rp = need * a.cost[0]
    full = _run(a, d, apbd_rp[None, None, :])
    achieved = (full["gap"][0] <= 0).mean(axis=0)
    covered = full["covered"][0].mean(axis=0)
    rows = []
    for t, year in enumerate(s.year_list):
        planned = s.apbd_budget_rp[t]
        rows.append({
            "year": year,
            "apbd_rp": float(apbd_rp[t]),
            "apbd_workers": int(need[t]),
            "achieved_probability": float(achieved[t]),
            "share": {n: float(full[n][0][:, t].mean() / covered[t]) if covered[t] else 0.0
                      for n in SOURCES},
            "planned_apbd_rp": planned,
            "apbd_share_of_belanja": (float(apbd_rp[t] / s.belanja_rp[t])
                                      if s.belanja_rp[t] else None),
        })
    headroom = [float(_envelope(np.array(x), s.dbh_max_share) - _envelope(
        np.array(x), s.dbh_other_share * s.dbh_social_share)) for x in s.dbh_allocation_rp]
    notes = [
        ("mix_above_plan", r["year"], {"need": r["apbd_rp"], "plan": r["planned_apbd_rp"]})
        for r in rows if r["planned_apbd_rp"] is not None and r["apbd_rp"] > r["planned_apbd_rp"]
    ]
    return {
        "prob": prob,
        "draws": draws,
        "seed": seed,
        "years": rows,
        "total_apbd_rp": float(apbd_rp.sum()),
        "dbh_headroom_rp": headroom,
        "notes": notes,
    }


def compare_variants(
    s: Scenario, prob: float = 0.9, draws: int = 2_000, seed: int = DEFAULT_SEED
) -> pd.DataFrame:
    """APBD only, APBD + CSR, APBD + DBH Sawit and the full mix, side by side.

    Parameters
    ----------
    s : Scenario
    prob : float
        Probability used for the APBD needed (see ``recommend_mix``).
    draws, seed : int
        Monte Carlo size and seed.

    Returns
    -------
    pandas.DataFrame
        One row per variant and year: ``variant``, ``year``, ``target_workers``,
        ``covered_workers``, ``coverage`` and ``gap_workers`` with the file's APBD budget
        (central values), ``apbd_rp`` spent, ``other_rp`` (all other sources),
        ``probability`` (of reaching the target with the file's APBD) and ``apbd_needed_rp``
        (the APBD that reaches the target with probability ``prob``).
    """
    frames = []
    for name in VARIANTS:
        v = variant(s, name)
        table = project(v)
        sim = simulate(v, draws, seed)
        mix = recommend_mix(v, prob, draws, seed)
        frames.append(pd.DataFrame({
            "variant": name,
            "year": table["year"],
            "target_workers": table["target_workers"],
            "covered_workers": table["covered_workers"],
            "coverage": table["coverage"],
            "gap_workers": table["gap_workers"],
            "apbd_rp": table["apbd_rp"],
            "other_rp": table["total_rp"] - table["apbd_rp"],
            "probability": sim.probability_of_target().to_numpy(),
            "apbd_needed_rp": [r["apbd_rp"] for r in mix["years"]],
        }))
    return pd.concat(frames, ignore_index=True)


def sensitivity(s: Scenario, metric: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Tornado table: each main parameter at its low and high value, one at a time.

    Parameters and ranges: APBD budget and DBH social share ±``s.relative`` (the share capped at
    1); CSR realisation none / all pledges paid; DBH allocation at the P10/P90 of its
    uncertainty (±``s.relative`` when none is given); contribution per worker ±``s.relative``;
    target at its uncertainty range (±``s.relative`` when none is given).

    Parameters
    ----------
    s : Scenario
    metric : str, optional
        ``coverage``, ``gap_rp``, ``gap_workers`` or ``apbd_rp``; default ``coverage`` when the
        file gives an APBD budget, else ``apbd_rp`` (the APBD needed).
    year : int, optional
        Year measured; the last year of the horizon by default.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``low``, ``high`` (the factor or share used), ``value_low``,
        ``value_high``, ``base``, ``swing`` (|high − low|), sorted by swing, largest first.
        ``attrs`` holds ``metric`` and ``year``.
    """
    metric = metric or ("apbd_rp" if s.solve_apbd else "coverage")
    year = year or s.year_list[-1]
    t = s.year_list.index(year)
    rel = s.relative

    def value(**kw: float) -> float:
        return float(project(s, **kw)[metric].iloc[t])

    unc = s.dbh_uncertainty
    if unc.get("distribution") == "lognormal":
        dbh = (math.exp(-_Z90 * unc["sigma"]), math.exp(_Z90 * unc["sigma"]))
    elif unc.get("distribution") == "triangular":
        dbh = (unc["low"], unc["high"])
    else:
        dbh = (1 - rel, 1 + rel)
    tl, th = s.target_uncertainty
    target = (tl, th) if th > tl else (1 - rel, 1 + rel)
    social_high = min(1 + rel, 1 / s.dbh_social_share) if s.dbh_social_share else 1.0
    cases = [
        ("csr_realisation", "csr_share", 0.0, 1.0),
        ("dbh_allocation", "dbh_factor", *dbh),
        ("dbh_social_share", "social_factor", 1 - rel, social_high),
        ("contribution", "cost_factor", 1 - rel, 1 + rel),
        ("target", "target_factor", *target),
    ]
    if not s.solve_apbd:
        cases.insert(0, ("apbd_budget", "apbd_factor", 1 - rel, 1 + rel))
    base = value()
    rows = []
    for name, kw, lo, hi in cases:
        v_lo, v_hi = value(**{kw: lo}), value(**{kw: hi})
        rows.append({"parameter": name, "low": lo, "high": hi, "value_low": v_lo,
                     "value_high": v_hi, "base": base, "swing": abs(v_hi - v_lo)})
    out = pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)
    out.attrs.update(metric=metric, year=year)
    return out


def benefits_table(s: Scenario, table: pd.DataFrame) -> pd.DataFrame | None:
    """Expected benefits flowing back to residents for the workers covered each year.

    Calls ``analysis.model.benefits.expected_benefits`` for the workers covered each year and scales
    it by the months paid (expected cases grow with the time covered).

    Parameters
    ----------
    s : Scenario
    table : pandas.DataFrame
        Its projection (``project``).

    Returns
    -------
    pandas.DataFrame or None
        One row per year: ``year``, ``covered_workers``, ``contributions_rp`` (what the sources
        pay), ``benefits_rp`` (expected payouts with a known amount), ``jkm_deaths``,
        ``jkk_accidents`` and ``assumptions`` (ids used); None when the assumptions log is
        missing or the package is not a BPU package.
    """
    if get_package(s.package).basis != "income":
        return None
    try:
        benefits.check_assumptions()
    except (UserError, FileNotFoundError):
        return None  # no assumptions log: the benefit side cannot be computed
    rows = []
    for row in table.itertuples():
        out = {"year": row.year, "covered_workers": row.covered_workers,
               "contributions_rp": row.total_rp, "benefits_rp": 0.0, "jkm_deaths": 0.0,
               "jkk_accidents": 0.0, "assumptions": ""}
        if row.covered_workers > 0:
            res = benefits.expected_benefits(int(row.covered_workers), 1, s.package,
                                             on=date(row.year, 1, 1))
            share = row.months / 12
            out.update(
                benefits_rp=(res.get("total_rp") or 0.0) * share,
                jkm_deaths=(res.get("jkm", {}).get("deaths") or 0.0) * share,
                jkk_accidents=(res.get("jkk", {}).get("accidents") or 0.0) * share,
                assumptions=", ".join(res.get("assumptions", [])),
            )
        rows.append(out)
    return pd.DataFrame(rows)


@dataclass
class Analysis:
    """Everything the CLI, the notebook and the reports show for one scenario."""

    scenario: Scenario
    table: pd.DataFrame
    simulation: SimulationResult
    mix: dict
    variants: pd.DataFrame
    sensitivity: pd.DataFrame
    benefits: pd.DataFrame | None


def analyse(
    s: Scenario, draws: int = 10_000, seed: int | None = None, prob: float = 0.9
) -> Analysis:
    """Run the projection, the simulation, the variants, the sensitivity and the mix.

    Parameters
    ----------
    s : Scenario
    draws : int
        Monte Carlo size (the variants use at most 2.000 draws).
    seed : int, optional
        Monte Carlo seed; ``DEFAULT_SEED`` when None.
    prob : float
        Probability of success of the recommended mix.

    Returns
    -------
    Analysis
    """
    seed = DEFAULT_SEED if seed is None else seed
    table = project(s)
    return Analysis(
        scenario=s,
        table=table,
        simulation=simulate(s, draws, seed),
        mix=recommend_mix(s, prob, draws, seed),
        variants=compare_variants(s, prob, min(draws, 2_000), seed),
        sensitivity=sensitivity(s),
        benefits=benefits_table(s, table),
    )


def provenance_table(s: Scenario) -> pd.DataFrame:
    """Every annotated number of a scenario with its source, assumption or scenario choice.

    Parameters
    ----------
    s : Scenario

    Returns
    -------
    pandas.DataFrame
        Columns ``path``, ``value``, ``source``, ``assumption``, ``choice``, ``flag``, ``note``.
    """
    columns = ["path", "value", "source", "assumption", "choice", "flag", "note"]
    return pd.DataFrame([{k: p.get(k, "") for k in columns} for p in s.provenance],
                        columns=columns)
