"""What a scenario means for a budget office: variants, APBD needed, sensitivity, benefits.

``compare_variants`` sets the APBD alone, the central scenario and each labelled what-if side by
side; ``recommend_mix`` finds the least APBD that reaches the target with a chosen probability
(the one "APBD needed" figure of each year); ``sensitivity`` varies each uncertain input over its
stated range and ``target_what_if`` the target level (a policy choice); ``benefits_table`` sets
the expected benefits (low, central, high) against the contributions; ``analyse`` runs them all
into one ``Analysis``. Results are numbers and structured notes; ``analysis.views.scenarios``
words them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.errors import UserError
from analysis.data.parameters import default_assumptions
from analysis.model import benefits
from analysis.model.contributions import get_package
from analysis.model.scenarios.allocation import _arrays, _envelope, project
from analysis.model.scenarios.montecarlo import SimulationResult, _draw, _run, simulate
from analysis.model.scenarios.spec import (
    DEFAULT_SEED,
    SOURCES,
    TARGET_SHARES,
    VARIANTS,
    Scenario,
)

_Z90 = 1.2815515655446004  # standard normal quantile at 0.9: P10/P90 of a lognormal


_UNLIMITED = 10**9
"""Eligible palm workers in the DBH what-if: counted, and at least as many as the envelope pays."""


def variant(s: Scenario, name: str) -> Scenario:
    """The scenario with some sources dropped, or one labelled what-if turned on.

    Parameters
    ----------
    s : Scenario
    name : {"apbd_only", "central", "csr_what_if", "dbh_what_if", "dana_desa_what_if"}
        ``apbd_only`` drops every other source; ``central`` is the scenario itself (sourced
        figures only); ``csr_what_if`` adds the CSR pledges nobody has made, as if paid in full;
        ``dbh_what_if`` lets DBH Sawit pay its whole envelope, as if the unregistered palm
        workers had been counted and were at least that many; ``dana_desa_what_if`` adds the
        Dana Desa option no village has budgeted.

    Returns
    -------
    Scenario
    """
    if name not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {name!r}")
    if name == "central":
        return s
    if name == "apbd_only":
        zero = [0] * s.years
        return replace(s, csr=[], dbh_allocation_rp=[0.0] * s.years, dana_desa_workers=zero,
                       dana_desa_what_if=False, province_workers=zero)
    if name == "csr_what_if":
        return replace(s, csr=[replace(p, what_if=False, probability=1.0, realised_share=None)
                               if p.what_if else p for p in s.csr])
    if name == "dbh_what_if":
        return replace(s, dbh_eligible=[_UNLIMITED if e is None else e for e in s.dbh_eligible])
    return replace(s, dana_desa_what_if=False)


def variants_for(s: Scenario, central: pd.DataFrame | None = None) -> list[str]:
    """The variants that say something about ``s``, in ``VARIANTS`` order.

    ``apbd_only`` only when the central scenario has another source; each what-if only when the
    scenario has that option (a what-if CSR pledge; DBH Sawit money waiting for a count of palm
    workers; a what-if Dana Desa). Two identical bars answer no question. ``central`` is
    ``project(s)`` when the caller has it.
    """
    central = project(s) if central is None else central
    others = [n for n in SOURCES if n != "apbd"]
    names = []
    if central[[f"{n}_workers" for n in others]].to_numpy().sum() > 0:
        names.append("apbd_only")
    names.append("central")
    if any(p.what_if for p in s.csr):
        names.append("csr_what_if")
    if s.eligible_unknown and (central["dbh_fundable_workers"] > 0).any():
        names.append("dbh_what_if")
    if s.dana_desa_what_if and any(s.dana_desa_workers):
        names.append("dana_desa_what_if")
    return names


def first_budget_year(s: Scenario) -> int:
    """The first year whose APBD can still be planned: the year after the as-of date's year.

    A budget year already under way (or past) is reported, not recommended. Without an as-of
    date, the scenario's first year.
    """
    if s.as_of:
        return max(s.start_year, date.fromisoformat(s.as_of[:10]).year + 1)
    return s.start_year


def recommend_mix(
    s: Scenario, prob: float = 0.9, draws: int = 10_000, seed: int = DEFAULT_SEED
) -> dict:
    """The APBD needed each year: the least APBD that reaches the target with probability ``prob``.

    Every other source of the central scenario is used first, within its legal cap and
    eligibility (CSR and DBH as drawn); the APBD then pays for the ``prob``-quantile of the
    shortfall in each year, e.g. the P90 shortfall for 90%. This is the one "APBD needed" figure
    of a year, used in tables, text, charts and workbook alike.

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
        ``prob``; ``first_year`` (``first_budget_year``: earlier years are shown, not
        recommended); ``years`` (list of dicts per year: ``year``, ``apbd_rp``,
        ``apbd_workers``, ``achieved_probability``, ``recommended`` (bool), ``share`` (share of
        each source in the rupiah printed: the other sources at central values plus this APBD),
        ``planned_apbd_rp`` (budgeted; None when unknown), ``apbd_share_of_belanja``);
        ``total_apbd_rp`` (recommended years); ``median_apbd_rp`` (P50 of the need per year, for
        a footnote); ``dbh_headroom_rp`` (extra DBH envelope per year if the "other activities"
        share were at the legal cap and all of it went to social protection); ``notes``:
        ``("mix_above_plan", year, {"need": rupiah, "plan": rupiah})`` for each year whose APBD
        needed is above the APBD budgeted (``analysis.views.scenarios.mix_messages`` words them).
    """
    if not 0 < prob < 1:
        raise UserError(f"probability must be between 0 and 1, got {prob}")
    a = _arrays([s])
    rng = np.random.Generator(np.random.PCG64(seed))
    d = _draw(a, draws, rng)
    others = _run(a, d, np.zeros((1, 1, s.years)))
    shortfall = others["gap"][0]
    need = np.ceil(np.quantile(shortfall, prob, axis=0, method="inverted_cdf"))
    median = np.ceil(np.quantile(shortfall, 0.5, axis=0, method="inverted_cdf"))
    apbd_rp = need * a.cost[0]
    full = _run(a, d, apbd_rp[None, None, :])
    achieved = (full["gap"][0] <= 0).mean(axis=0)
    central = project(s)
    others_rp = {n: central[f"{n}_rp"].tolist() for n in SOURCES if n != "apbd"}
    first = first_budget_year(s)
    rows = []
    for t, year in enumerate(s.year_list):
        planned = s.apbd_budget_rp[t]
        printed = {n: float(values[t]) for n, values in others_rp.items()}
        printed["apbd"] = float(apbd_rp[t])
        total = sum(printed.values())
        rows.append({
            "year": year,
            "apbd_rp": float(apbd_rp[t]),
            "apbd_workers": int(need[t]),
            "achieved_probability": float(achieved[t]),
            "recommended": year >= first,
            "share": {n: (v / total if total else 0.0) for n, v in printed.items()},
            "planned_apbd_rp": planned,
            "apbd_share_of_belanja": (float(apbd_rp[t] / s.belanja_rp[t])
                                      if s.belanja_rp[t] else None),
        })
    headroom = [float(_envelope(np.array(x), s.dbh_max_share) - _envelope(
        np.array(x), s.dbh_share)) for x in s.dbh_allocation_rp]
    notes = [
        ("mix_above_plan", r["year"], {"need": r["apbd_rp"], "plan": r["planned_apbd_rp"]})
        for r in rows if r["planned_apbd_rp"] is not None and r["apbd_rp"] > r["planned_apbd_rp"]
    ]
    return {
        "prob": prob,
        "draws": draws,
        "seed": seed,
        "first_year": first,
        "years": rows,
        "total_apbd_rp": float(sum(r["apbd_rp"] for r in rows if r["recommended"])),
        "median_apbd_rp": [float(x) for x in median * a.cost[0]],
        "dbh_headroom_rp": headroom,
        "notes": notes,
    }


def compare_variants(
    s: Scenario, prob: float = 0.9, draws: int = 2_000, seed: int = DEFAULT_SEED,
    central: tuple[pd.DataFrame, SimulationResult, dict] | None = None,
) -> pd.DataFrame:
    """The variants of ``variants_for`` side by side.

    Parameters
    ----------
    s : Scenario
    prob : float
        Probability used for the APBD needed (see ``recommend_mix``).
    draws, seed : int
        Monte Carlo size and seed.
    central : tuple, optional
        ``project(s)``, ``simulate(s, draws, seed)`` and ``recommend_mix(s, prob, draws,
        seed)`` when the caller has them (``analyse``): the central variant is ``s`` itself.

    Returns
    -------
    pandas.DataFrame
        One row per variant and year: ``variant``, ``year``, ``target_workers``,
        ``covered_workers``, ``coverage`` and ``gap_workers`` with the budgeted APBD (central
        values; with no budget the APBD fills every gap), ``apbd_rp`` spent, ``other_rp`` (all
        other sources), ``probability`` (of reaching the target with the budgeted APBD; NaN
        when it is unknown) and ``apbd_needed_rp`` (the APBD that reaches the target with
        probability ``prob``).
    """
    frames = []
    for name in variants_for(s, None if central is None else central[0]):
        if name == "central" and central is not None:
            table, sim, mix = central
        else:
            v = variant(s, name)
            table, sim, mix = project(v), simulate(v, draws, seed), recommend_mix(v, prob, draws,
                                                                                 seed)
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


def sensitivity(s: Scenario, year: int | None = None) -> pd.DataFrame:
    """Tornado table: the APBD needed with each uncertain input at its low and high end.

    Only inputs that are uncertain and enter the central scenario are varied, each over its
    stated range: the realisation of sourced CSR pledges (none / all paid); the DBH Sawit
    allocation (P10/P90 of a lognormal, or the ends of a triangular range); the DBH share for
    contributions (the ends of ``dbh_share_range``, e.g. A13); the count of target workers (the
    file's ``target.uncertainty``). The target level itself is a policy choice, shown by
    ``target_what_if``, and the contribution rate is set by law: neither is varied here. Inputs
    whose swing is zero are left out, so an empty table means nothing uncertain moves the APBD
    needed.

    Parameters
    ----------
    s : Scenario
    year : int, optional
        Year measured; the last year of the horizon by default.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``low``, ``high`` (the factor or share used), ``value_low``,
        ``value_high``, ``base`` (APBD needed at central values), ``swing`` (|high − low|),
        sorted by swing, largest first. ``attrs`` holds ``metric`` (``apbd_needed_rp``) and
        ``year``.
    """
    metric = "apbd_needed_rp"
    year = year or s.year_list[-1]
    t = s.year_list.index(year)

    def value(**kw: float) -> float:
        return float(project(s, **kw)[metric].iloc[t])

    cases = []
    pledges = [p for p in s.csr if not p.what_if]
    if any(p.expected_share < 1 for p in pledges):
        cases.append(("csr_realisation", "csr_share", 0.0, 1.0))
    dbh_in = any(e is not None and e > 0 for e in s.dbh_eligible) and any(s.dbh_allocation_rp)
    unc = s.dbh_uncertainty
    if dbh_in and unc.get("distribution") == "lognormal":
        cases.append(("dbh_allocation", "dbh_factor", math.exp(-_Z90 * unc["sigma"]),
                      math.exp(_Z90 * unc["sigma"])))
    elif dbh_in and unc.get("distribution") == "triangular":
        cases.append(("dbh_allocation", "dbh_factor", unc["low"], unc["high"]))
    if dbh_in and s.dbh_share_range[1] > s.dbh_share_range[0]:
        cases.append(("dbh_share", "social_factor", *s.dbh_share_range))
    tl, th = s.target_uncertainty
    if th > tl:
        cases.append(("target_count", "target_factor", tl, th))
    base = value()
    rows = []
    for name, kw, lo, hi in cases:
        v_lo, v_hi = value(**{kw: lo}), value(**{kw: hi})
        if abs(v_hi - v_lo) > 0:
            rows.append({"parameter": name, "low": lo, "high": hi, "value_low": v_lo,
                         "value_high": v_hi, "base": base, "swing": abs(v_hi - v_lo)})
    columns = ["parameter", "low", "high", "value_low", "value_high", "base", "swing"]
    out = pd.DataFrame(rows, columns=columns).sort_values("swing", ascending=False,
                                                          ignore_index=True)
    out.attrs.update(metric=metric, year=year)
    return out


def target_what_if(s: Scenario, shares: tuple[float, ...] = TARGET_SHARES,
                   year: int | None = None) -> pd.DataFrame:
    """The APBD needed if the target were set at other levels (a policy choice, not a risk).

    Parameters
    ----------
    s : Scenario
    shares : tuple of float
        Target levels as shares of the scenario's target (default 60%, 80%, 100%).
    year : int, optional
        Year measured; the last year of the horizon by default.

    Returns
    -------
    pandas.DataFrame
        ``share``, ``target_workers``, ``apbd_needed_rp`` (central values), one row per level.
    """
    year = year or s.year_list[-1]
    t = s.year_list.index(year)
    rows = []
    for share in shares:
        table = project(s, target_factor=share)
        rows.append({"share": share, "target_workers": int(table["target_workers"].iloc[t]),
                     "apbd_needed_rp": float(table["apbd_needed_rp"].iloc[t])})
    out = pd.DataFrame(rows)
    out.attrs.update(year=year)
    return out


def benefits_table(s: Scenario, table: pd.DataFrame, params: Any = None,
                   assumptions: dict | None = None) -> pd.DataFrame | None:
    """Expected benefits flowing back to residents for the workers covered each year, as a range.

    Calls ``analysis.model.benefits.expected_benefits`` at the low, central and high ends of the
    assumptions log for the workers covered each year, scaled by the months paid (expected cases
    grow with the time covered). The programme's age is modelled: in year ``t`` of the horizon
    the workers already covered three years earlier (at most the workers covered now) have three
    years of contributions, so deaths among them carry scholarships
    (``benefits.beasiswa.jkm_min_contribution_years``); the others count as new. Years before the
    horizon are not known, so a programme that started earlier is counted from its first year
    here (a conservative simplification).

    Parameters
    ----------
    s : Scenario
    table : pandas.DataFrame
        Its projection (``project``).
    params, assumptions : optional
        Parameters and assumptions log; the shipped ones when omitted.

    Returns
    -------
    pandas.DataFrame or None
        One row per year: ``year``, ``covered_workers``, ``contributions_rp`` (what the sources
        pay), ``benefits_low_rp``, ``benefits_rp`` (central), ``benefits_high_rp`` (expected
        payouts with a known amount), ``jkm_deaths``, ``jkk_accidents`` (central) and
        ``assumptions`` (ids used); None when the assumptions log is missing or the package is
        not a BPU package.
    """
    if get_package(s.package).basis != "income":
        return None
    try:
        # Read once for the table, not once per year and level (each read copies the log).
        assumptions = default_assumptions(assumptions)
        benefits.check_assumptions(assumptions)
    except (UserError, FileNotFoundError):
        return None  # no assumptions log: the benefit side cannot be computed
    covered = [int(c) for c in table["covered_workers"]]
    rows = []
    for t, row in enumerate(table.itertuples()):
        out = {"year": row.year, "covered_workers": row.covered_workers,
               "contributions_rp": row.total_rp, "benefits_low_rp": 0.0, "benefits_rp": 0.0,
               "benefits_high_rp": 0.0, "jkm_deaths": 0.0, "jkk_accidents": 0.0,
               "assumptions": ""}
        if row.covered_workers > 0:
            veterans = min(covered[t - 3], covered[t]) if t >= 3 else 0
            groups = [(veterans, 3), (covered[t] - veterans, 0)]
            share = row.months / 12
            used: set[str] = set()
            for level, key in (("low", "benefits_low_rp"), ("central", "benefits_rp"),
                               ("high", "benefits_high_rp")):
                for workers, prior in groups:
                    if workers <= 0:
                        continue
                    res = benefits.expected_benefits(
                        workers, 1, s.package, on=date(row.year, 1, 1), level=level,
                        prior_contribution_years=prior, params=params,
                        assumptions=assumptions)
                    out[key] += (res.get("total_rp") or 0.0) * share
                    used |= set(res.get("assumptions", []))
                    if level == "central":
                        out["jkm_deaths"] += (res.get("jkm", {}).get("deaths") or 0.0) * share
                        out["jkk_accidents"] += ((res.get("jkk", {}).get("accidents") or 0.0)
                                                 * share)
            out["assumptions"] = ", ".join(sorted(used))
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
    target_levels: pd.DataFrame | None = None

    @property
    def probability(self) -> pd.Series:
        """Chance of reaching the target each year with the budgeted APBD (NaN: budget unknown)."""
        return self.simulation.probability_of_target()


def analyse(
    s: Scenario, draws: int = 10_000, seed: int | None = None, prob: float = 0.9
) -> Analysis:
    """Run the projection, the simulation, the variants, the sensitivity and the mix.

    Parameters
    ----------
    s : Scenario
    draws : int
        Monte Carlo size (of the simulation, the mix and the variants alike).
    seed : int, optional
        Monte Carlo seed; ``DEFAULT_SEED`` when None.
    prob : float
        Probability of success behind the APBD needed.

    Returns
    -------
    Analysis
    """
    seed = DEFAULT_SEED if seed is None else seed
    table = project(s)
    simulation = simulate(s, draws, seed)
    mix = recommend_mix(s, prob, draws, seed)
    return Analysis(
        scenario=s,
        table=table,
        simulation=simulation,
        mix=mix,
        # The same draws as the mix: the chart's central APBD needed is the table's, to the
        # rupiah (2.000 draws gave Pakpak Bharat Rp367,72 juta beside the table's Rp372,56 juta).
        # The central variant is this scenario: its results are passed, not computed again.
        variants=compare_variants(s, prob, draws, seed, central=(table, simulation, mix)),
        sensitivity=sensitivity(s),
        benefits=benefits_table(s, table),
        target_levels=target_what_if(s),
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
