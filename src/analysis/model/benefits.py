"""Benefit side: what covered workers' families can expect back, set beside observed claims.

The expected numbers of deaths (JKM) and work accidents (JKK) among covered workers come from
rates in the assumptions log (``data/assumptions.yml``); the rupiah per case come from the
benefit parameters (``data/parameters/*.yml``). Every output names the assumption ids and
parameters it used, and low/central/high variants follow the ranges given in the log.

Observed claims (``claims`` table) are shown next to the model, never fitted to it: the groups
behind published claim totals (a whole BPJS branch, one regency's APBD-funded workers) rarely
match the group a budget covers.

Rules used (facts file, section 2): JKM pays Rp42 juta per death; scholarships follow a JKM
death only after at least 3 years of contributions, and follow a JKK death without that wait;
a JKK death pays 48 × the declared income plus the periodic benefit and funeral costs.
The reported 3-month wait before JKM pays (UNCONFIRMED) is not applied again: the death rate
(A03) is a rate of claims actually paid. Scholarship rupiah are the amount committed per case,
paid out year by year while the children study.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis.core.checks import as_date, positive_int
from analysis.core.errors import UserError
from analysis.data.parameters import default_assumptions, default_parameters
from analysis.data.tables import load_table
from analysis.model.contributions import DEFAULT_PACKAGE, contribution_breakdown, get_package

LEVELS = ("low", "central", "high")

# Which assumption in data/assumptions.yml plays which role. Kept in one place so that a
# renumbered log is a one-line change; ``check_assumptions`` verifies the ids exist.
ASSUMPTION_IDS = {
    "jkm_death_rate": "A03",
    "jkk_accident_rate": "A04",
    "jkk_death_rate": "A05",
    "scholarship_uptake": "A06",
    "jkk_claim_cost_rp": "A11",
    "scholarship_amount_rp": "A12",
}
# Minimum contribution years before a JKM (non-work) death gives heirs scholarships.
SCHOLARSHIP_MIN_YEARS = "benefits.beasiswa.jkm_min_contribution_years"


def _value(assumptions: dict, role: str, level: str) -> tuple[float | None, str]:
    """Value of the assumption playing ``role`` at ``level``, with its id (None if absent)."""
    aid = ASSUMPTION_IDS[role]
    entry = assumptions.get(aid)
    if entry is None:
        return None, aid
    if level not in LEVELS:
        raise UserError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    key = "value" if level == "central" else level
    value = entry.get(key, entry.get("value"))
    return (None if value is None else float(value)), aid


def check_assumptions(assumptions: dict | None = None) -> list[str]:
    """Roles whose assumption is missing from the log, as ``"role (id)"`` texts.

    Parameters
    ----------
    assumptions : dict, optional
        id → entry; the shipped log when omitted.

    Returns
    -------
    list of str
        Empty when every role has a value.
    """
    log = default_assumptions(assumptions)
    return [
        f"{role} ({aid})"
        for role, aid in ASSUMPTION_IDS.items()
        if aid not in log or log[aid].get("value") is None
    ]


def eligible_worker_years(years: int, prior_contribution_years: int, min_years: int) -> int:
    """Worker-years in which a JKM death would carry scholarships.

    A worker who dies in programme year ``k`` (1, 2, ...) has contributed ``prior + k - 1`` full
    years at the start of that year; deaths count as eligible from the year in which that
    reaches ``min_years``. Deaths during the year in which the threshold is crossed are counted
    as not eligible (a conservative whole-year simplification).

    Parameters
    ----------
    years : int
        Programme years modelled.
    prior_contribution_years : int
        Full years the workers had already contributed before the programme.
    min_years : int
        Years required (3 under Permenaker 5/2021 as reported).

    Returns
    -------
    int
        Number of programme years (per worker) with eligible deaths.
    """
    return sum(1 for k in range(1, years + 1) if prior_contribution_years + k - 1 >= min_years)


def expected_benefits(
    workers: int,
    years: int = 1,
    package: str = DEFAULT_PACKAGE,
    income_rp: float | None = None,
    on: date | str | None = None,
    level: str = "central",
    prior_contribution_years: int = 0,
    params: Any = None,
    assumptions: dict | None = None,
) -> dict:
    """Expected deaths, accidents and rupiah paid to residents for a covered group.

    Parameters
    ----------
    workers : int
        Workers covered all year, every year.
    years : int
        Years of cover.
    package : str
        BPU package paid (``jkk-jkm`` or ``jkk-jkm-jht``); sets the contributions.
    income_rp : float, optional
        Declared monthly income (the lowest basis when omitted); JKK death benefits are a
        multiple of it.
    on : date or str, optional
        Date of the rates and benefits; today when omitted.
    level : {"low", "central", "high"}
        Which end of each assumption's range to use.
    prior_contribution_years : int
        Full years the workers contributed before this programme (scholarship wait).
    params : optional
        Parameters object; the shipped parameters when omitted.
    assumptions : dict, optional
        Assumptions log (id → entry); the shipped log when omitted.

    Returns
    -------
    dict
        ``workers``, ``years``, ``level``, ``package``, ``income_rp``, ``contributions_rp``,
        ``jkm`` {deaths, payout_rp}, ``jkk`` {accidents, deaths, death_payout_rp,
        other_payout_rp}, ``beasiswa`` {eligible_deaths, payout_rp}, each with ``assumptions``
        and ``parameters`` lists; ``total_rp`` (known payouts), ``benefit_contribution_ratio``
        and ``assumptions`` (every id used). A figure whose assumption is missing is None and
        its role is listed in ``missing``.
    """
    workers = positive_int(workers, "workers")
    years = positive_int(years, "years")
    prior = positive_int(prior_contribution_years, "prior contribution years", allow_zero=True)
    if get_package(package).basis != "income":
        raise UserError(f"expected_benefits models informal (BPU) packages, not {package}")
    params = default_parameters(params)
    log = default_assumptions(assumptions)
    day = as_date(on)
    worker_years = workers * years
    missing: list[str] = []

    def rate(role: str) -> tuple[float | None, str]:
        value, aid = _value(log, role, level)
        if value is None:
            missing.append(f"{role} ({aid})")
        return value, aid

    breakdown = contribution_breakdown(package, day, income_rp, None, params)
    monthly = breakdown["total_rp"]
    basis = breakdown["basis_rp"]
    contributions = worker_years * 12 * monthly

    jkm_rate, jkm_id = rate("jkm_death_rate")
    jkm_total = int(params.get("benefits.jkm.total_rp", day))
    jkm_deaths = None if jkm_rate is None else worker_years * jkm_rate
    jkm = {
        "deaths": jkm_deaths,
        "payout_rp": None if jkm_deaths is None else jkm_deaths * jkm_total,
        "assumptions": [jkm_id],
        "parameters": ["benefits.jkm.total_rp"],
    }

    acc_rate, acc_id = rate("jkk_accident_rate")
    death_rate, death_id = rate("jkk_death_rate")
    cost, cost_id = rate("jkk_claim_cost_rp")
    per_jkk_death = (
        int(params.get("benefits.jkk.death_multiple", day)) * basis
        + int(params.get("benefits.jkk.death_berkala_rp", day))
        + int(params.get("benefits.jkk.death_pemakaman_rp", day))
    )
    accidents = None if acc_rate is None else worker_years * acc_rate
    jkk_deaths = None if death_rate is None else worker_years * death_rate
    jkk = {
        "accidents": accidents,
        "deaths": jkk_deaths,
        "death_payout_rp": None if jkk_deaths is None else jkk_deaths * per_jkk_death,
        "other_payout_rp": None if accidents is None or cost is None else accidents * cost,
        "assumptions": [acc_id, death_id, cost_id],
        "parameters": [
            "benefits.jkk.death_multiple",
            "benefits.jkk.death_berkala_rp",
            "benefits.jkk.death_pemakaman_rp",
        ],
    }

    uptake, uptake_id = rate("scholarship_uptake")
    amount, amount_id = rate("scholarship_amount_rp")
    cap = int(params.get("benefits.beasiswa.max_total_rp", day))
    min_years = int(params.get(SCHOLARSHIP_MIN_YEARS, day))
    eligible_years = eligible_worker_years(years, prior, min_years)
    eligible = None
    if jkm_rate is not None and death_rate is not None:
        eligible = workers * eligible_years * jkm_rate + worker_years * death_rate
    scholarships = None
    if eligible is not None and uptake is not None and amount is not None:
        scholarships = eligible * uptake * min(amount, cap)
    beasiswa = {
        "eligible_deaths": eligible,
        "payout_rp": scholarships,
        "assumptions": [jkm_id, death_id, uptake_id, amount_id],
        "parameters": ["benefits.beasiswa.max_total_rp", SCHOLARSHIP_MIN_YEARS],
        "min_contribution_years": min_years,
    }

    payouts = [jkm["payout_rp"], jkk["death_payout_rp"], jkk["other_payout_rp"],
               beasiswa["payout_rp"]]
    total = sum(p for p in payouts if p is not None)
    used = sorted(
        {a for part in (jkm, jkk, beasiswa) for a in part["assumptions"]}
        | set(breakdown["assumptions"])
    )
    return {
        "workers": workers,
        "years": years,
        "level": level,
        "package": package,
        "income_rp": basis,
        "contributions_rp": contributions,
        "jkm": jkm,
        "jkk": jkk,
        "beasiswa": beasiswa,
        "total_rp": total,
        "benefit_contribution_ratio": total / contributions,
        "assumptions": used,
        "missing": missing,
    }


_METRICS = (
    ("jkm_deaths", ("jkm", "deaths")),
    ("jkm_payout_rp", ("jkm", "payout_rp")),
    ("jkk_accidents", ("jkk", "accidents")),
    ("jkk_deaths", ("jkk", "deaths")),
    ("jkk_death_payout_rp", ("jkk", "death_payout_rp")),
    ("jkk_other_payout_rp", ("jkk", "other_payout_rp")),
    ("beasiswa_payout_rp", ("beasiswa", "payout_rp")),
)


def benefit_range(workers: int, years: int = 1, **kwargs: Any) -> pd.DataFrame:
    """Low, central and high expected benefits side by side.

    Parameters
    ----------
    workers, years
        As in ``expected_benefits``.
    **kwargs
        Passed to ``expected_benefits`` (package, income_rp, on, params, assumptions, ...).

    Returns
    -------
    DataFrame
        One row per metric (``jkm_deaths``, ``jkm_payout_rp``, ``jkk_accidents``,
        ``jkk_deaths``, ``jkk_death_payout_rp``, ``jkk_other_payout_rp``,
        ``beasiswa_payout_rp``, ``total_rp``, ``benefit_contribution_ratio``), columns
        ``low``, ``central``, ``high`` and ``assumptions`` (ids, ``;``-joined).
    """
    runs = {lvl: expected_benefits(workers, years, level=lvl, **kwargs) for lvl in LEVELS}
    rows = []
    for metric, (part, key) in _METRICS:
        row = {"metric": metric, **{lvl: runs[lvl][part][key] for lvl in LEVELS}}
        row["assumptions"] = ";".join(runs["central"][part]["assumptions"])
        rows.append(row)
    for metric in ("total_rp", "benefit_contribution_ratio"):
        row = {"metric": metric, **{lvl: runs[lvl][metric] for lvl in LEVELS}}
        row["assumptions"] = ";".join(runs["central"]["assumptions"])
        rows.append(row)
    return pd.DataFrame(rows)


def observed_claims(area_code: str, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Published claims paid in one area (``claims`` table), newest period first.

    Parameters
    ----------
    area_code : str
        Kemendagri code, e.g. ``"12.12"`` (Toba).
    claims : DataFrame, optional
        A ``claims`` table; ``analysis.data.load_table("claims")`` when omitted.

    Returns
    -------
    DataFrame
        The rows of that area, all columns kept (``covered_context`` says which group of
        workers the figure is about; ``flag`` and ``source_id`` travel with it).
    """
    if claims is None:
        claims = load_table("claims")
    rows = claims[claims["area_code"].astype(str) == str(area_code)]
    return rows.sort_values("period_end", ascending=False).reset_index(drop=True)


def overlapping_sources(claims: pd.DataFrame) -> list[str]:
    """Sources of published claims whose periods overlap a row of another source.

    Two sources reporting claims for periods that share days may count the same claims (a year's
    JKM total and a count "up to October" of that year): such rows must not be added up. A row
    without a start date may reach back to any earlier day; without an end date, to any later.

    Parameters
    ----------
    claims : DataFrame
        Rows of ``observed_claims`` (``period_start``, ``period_end``, ``source_id``).

    Returns
    -------
    list of str
        The ``source_id`` of every such row, in the order of the table, each once; empty when
        no two sources overlap.
    """
    start = pd.to_datetime(claims["period_start"], errors="coerce").fillna(pd.Timestamp.min)
    end = pd.to_datetime(claims["period_end"], errors="coerce").fillna(pd.Timestamp.max)
    source = claims["source_id"].astype(str).tolist()
    found: list[str] = []
    for i in range(len(claims)):
        for j in range(len(claims)):
            if (source[i] != source[j] and start.iloc[i] <= end.iloc[j]
                    and start.iloc[j] <= end.iloc[i] and source[i] not in found):
                found.append(source[i])
    return found


def compare_with_observed(
    area_code: str,
    workers: int,
    years: int = 1,
    claims: pd.DataFrame | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """The model's expected JKM deaths and payouts beside the claims published for an area.

    Nothing is fitted: the observed rows keep their own period, group of workers
    (``covered_context``), source and flag, and the model rows keep their low/central/high.

    Parameters
    ----------
    area_code : str
        Kemendagri code (e.g. ``"12.10"`` Labuhanbatu, ``"12.12"`` Toba).
    workers, years
        The covered group the model is run for.
    claims : DataFrame, optional
        A ``claims`` table; the shipped one when omitted.
    **kwargs
        Passed to ``expected_benefits``.

    Returns
    -------
    DataFrame
        Columns ``kind`` ("model"/"observed"), ``benefit``, ``period_start``, ``period_end``,
        ``cases``, ``amount_rp``, ``cases_low``, ``cases_high``, ``amount_low_rp``,
        ``amount_high_rp``, ``covered_context``, ``source_id``, ``flag``, ``assumptions``.
    """
    runs = {lvl: expected_benefits(workers, years, level=lvl, **kwargs) for lvl in LEVELS}
    model = {
        "kind": "model",
        "benefit": "jkm",
        "period_start": None,
        "period_end": None,
        "cases": runs["central"]["jkm"]["deaths"],
        "amount_rp": runs["central"]["jkm"]["payout_rp"],
        "cases_low": runs["low"]["jkm"]["deaths"],
        "cases_high": runs["high"]["jkm"]["deaths"],
        "amount_low_rp": runs["low"]["jkm"]["payout_rp"],
        "amount_high_rp": runs["high"]["jkm"]["payout_rp"],
        "covered_context": f"{workers} workers × {years} years (model)",
        "source_id": "",
        "flag": "",
        "assumptions": ";".join(runs["central"]["jkm"]["assumptions"]),
    }
    observed = observed_claims(area_code, claims)
    rows = [model]
    for _, obs in observed.iterrows():
        rows.append(
            {
                "kind": "observed",
                "benefit": obs["benefit"],
                "period_start": obs["period_start"],
                "period_end": obs["period_end"],
                "cases": obs["cases"],
                "amount_rp": obs["amount_rp"],
                "covered_context": obs.get("covered_context", ""),
                "source_id": obs.get("source_id", ""),
                "flag": obs.get("flag", ""),
                "assumptions": "",
            }
        )
    return pd.DataFrame(rows, columns=list(model))
