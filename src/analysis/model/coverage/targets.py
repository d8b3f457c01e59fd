"""The targets coverage is measured against: village rule, informal workers, declared targets.

``village_targets`` applies the "1 desa 100 pekerja rentan" rule (never to kelurahan, A02);
``province_informal_inputs`` and ``informal_estimates`` give each regency's informal workers
(its own figure, else the A01 estimate); ``declared_targets_at`` reads the regencies' own
targets. All pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.core.checks import as_timestamp
from analysis.model.coverage.rules import dates_of, flags_of, newest_value


def village_targets(regencies: pd.DataFrame, workers_per_desa: float) -> pd.DataFrame:
    """The "1 desa 100 pekerja rentan" target: ``workers_per_desa`` × desa.

    Kelurahan are not counted (assumption A02: the rule is tied to the village government and
    its village fund, which kelurahan do not have). A kab/kota with no desa gets NaN and the
    reason ``"A02"`` in ``target_village_reason``; never 0.

    Parameters
    ----------
    regencies : DataFrame
        ``regency_code, desa`` (counts).
    workers_per_desa : float
        Parameter ``targets.workers_per_desa``.

    Returns
    -------
    DataFrame
        ``regency_code, target_village, target_village_reason``.
    """
    desa = pd.to_numeric(regencies["desa"], errors="coerce")
    applies = desa > 0
    return pd.DataFrame(
        {
            "regency_code": regencies["regency_code"].to_numpy(),
            "target_village": np.where(applies, desa * workers_per_desa, np.nan),
            "target_village_reason": np.where(applies, "", "A02"),
        }
    )


def province_informal_inputs(
    labour_force: pd.DataFrame,
    population: pd.DataFrame,
    province: str,
    as_of: date | str | None = None,
    reference_date: date | str | None = None,
) -> dict[str, object]:
    """Province figures for the A01 informal-worker estimate, all from one reference date.

    Employment ratio = province ``employed`` ÷ province ``population``; informal share =
    province ``informal_share_pct`` ÷ 100. All three are the newest at or before one date:
    ``reference_date`` (the date the assumptions log gives A01, ``reference_date`` of entry
    A01) or ``as_of`` when that is earlier. Taking each input at its own newest date would mix
    periods (August 2025 employment over a June 2022 population), which the log rules out.

    Parameters
    ----------
    labour_force : DataFrame
        Rows of ``labour_force`` (``area_code, period, indicator, value, flag``).
    population : DataFrame
        Rows of ``population_poverty`` (``regency_code, indicator, year, period, value, flag``).
    province : str
        Province code, e.g. ``"12"``.
    as_of : date, str or None
        Cut-off date; None is today.
    reference_date : date, str or None
        A01's reference date; None takes the inputs at ``as_of``.

    Returns
    -------
    dict
        ``employment_ratio``, ``informal_share`` (NaN when missing), ``period`` (the date the
        inputs are taken at), ``flags`` (set) and ``note`` (the arithmetic, each input with its
        period).
    """
    cutoff = as_timestamp(as_of)
    if reference_date is not None:
        cutoff = min(cutoff, as_timestamp(reference_date))
    lf = labour_force[labour_force["area_code"] == province]
    employed = newest_value(lf[lf["indicator"] == "employed"], cutoff)
    share = newest_value(lf[lf["indicator"] == "informal_share_pct"], cutoff)
    pop_rows = population[
        (population["regency_code"] == province) & (population["indicator"] == "population")
    ]
    pop = newest_value(pop_rows, cutoff)
    if employed is None or share is None or pop is None:
        return {"employment_ratio": np.nan, "informal_share": np.nan, "period": pd.NaT,
                "flags": set(), "note": ""}
    ratio = float(employed["value"]) / float(pop["value"])
    informal_share = float(share["value"]) / 100
    return {
        "employment_ratio": ratio,
        "informal_share": informal_share,
        "period": cutoff,
        "flags": flags_of([employed["flag"], share["flag"], pop["flag"]]),
        "note": (
            f"employed {employed['value']:.0f} ({employed['period']}) / population "
            f"{pop['value']:.0f} ({pop['year']}) = {ratio:.4f}; informal share "
            f"{share['value']}% ({share['period']}); all taken at {cutoff.date()}"
        ),
    }


def informal_estimates(
    regencies: pd.DataFrame,
    population: pd.DataFrame,
    labour_force: pd.DataFrame,
    province_inputs: dict[str, object],
    as_of: date | str | None = None,
) -> pd.DataFrame:
    """Informal workers per regency: the regency's own figure where available, else A01.

    A regency's own ``informal_workers`` row in ``labour_force`` (BPS or BPJS Ketenagakerjaan
    figures as transcribed; chosen by ``pick``, at or before ``as_of``) is used as is (method
    ``"data"``). Otherwise (method ``"A01"``): newest regency
    population × province employment ratio × province informal share, and the result is
    flagged ESTIMATE. Without a population figure the estimate is NaN.

    Parameters
    ----------
    regencies : DataFrame
        ``regency_code``.
    population : DataFrame
        Rows of ``population_poverty``.
    labour_force : DataFrame
        Rows of ``labour_force``.
    province_inputs : dict
        From ``province_informal_inputs``.
    as_of : date, str or None
        Cut-off date; None is today.

    Returns
    -------
    DataFrame
        ``regency_code, target_informal, informal_method, informal_date, informal_flags``
        (set; includes ``ESTIMATE`` for A01), ``informal_note``.
    """
    cutoff = as_timestamp(as_of)
    records = []
    # Filtered once, not once per regency: a national build asks for every province.
    own = labour_force[labour_force["indicator"] == "informal_workers"]
    own = {code: rows for code, rows in own.groupby("area_code", sort=False)}
    pops = population[population["indicator"] == "population"]
    pops = {code: rows for code, rows in pops.groupby("regency_code", sort=False)}
    no_rows = population.iloc[0:0]
    for code in regencies["regency_code"]:
        bps = newest_value(own.get(code, labour_force.iloc[0:0]), cutoff)
        if bps is not None:
            records.append(
                {
                    "regency_code": code,
                    "target_informal": float(bps["value"]),
                    "informal_method": "data",
                    "informal_date": bps["_when"],
                    "informal_flags": flags_of([bps["flag"]]),
                    "informal_note": f"informal_workers {bps['period']} ({bps['source_id']})",
                    "informal_period": str(bps["period"]),
                    "informal_source": bps["source_id"],
                }
            )
            continue
        ratio = province_inputs["employment_ratio"]
        share = province_inputs["informal_share"]
        usable = bool(np.isfinite([ratio, share]).all())  # no province inputs: no estimate
        pop = newest_value(pops.get(code, no_rows), cutoff) if usable else None
        if pop is None or not usable:
            records.append(
                {"regency_code": code, "target_informal": np.nan, "informal_method": "",
                 "informal_date": pd.NaT, "informal_flags": set(), "informal_note": ""}
            )
            continue
        value = float(pop["value"]) * float(ratio) * float(share)
        records.append(
            {
                "regency_code": code,
                "target_informal": value,
                "informal_method": "A01",
                "informal_date": max(pop["_when"], province_inputs["period"]),
                "informal_flags": flags_of([pop["flag"]]) | set(province_inputs["flags"])
                | {"ESTIMATE"},
                "informal_note": (
                    f"A01: population {pop['value']:.0f} ({pop['year']}) × "
                    f"{province_inputs['note']}"
                ),
                "informal_population": float(pop["value"]),
                "informal_population_year": str(pop["year"]),
                "informal_employment_ratio": float(ratio),
                "informal_share": float(share),
                "informal_period": str(province_inputs["period"].date())
                if pd.notna(province_inputs["period"]) else "",
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=["regency_code", "target_informal", "informal_method", "informal_date",
                 "informal_flags", "informal_note", "informal_population",
                 "informal_population_year", "informal_employment_ratio", "informal_share",
                 "informal_period", "informal_source"],
    )



def declared_targets_at(targets: pd.DataFrame, as_of: date | str | None = None) -> pd.DataFrame:
    """Each area's newest declared target at or before ``as_of``.

    Parameters
    ----------
    targets : DataFrame
        Rows of ``declared_targets`` (``area_code, date, segment, target_workers, basis,
        source_id, flag``).
    as_of : date, str or None
        Cut-off date; None is today.

    Returns
    -------
    DataFrame
        ``area_code, target_declared, target_declared_date, target_declared_basis,
        target_declared_segment, target_declared_source`` (the programme the target belongs
        to: its segment and source, see ``counted.declared_coverage``), ``declared_flags``
        (set).
    """
    cutoff = as_timestamp(as_of)
    rows = targets.assign(_date=dates_of(targets))
    rows = rows[(rows["_date"] <= cutoff) & rows["target_workers"].notna()]
    rows = rows.sort_values(["area_code", "_date"], kind="stable")
    newest = rows.groupby("area_code", sort=True).tail(1)
    return pd.DataFrame(
        {
            "area_code": newest["area_code"].to_numpy(),
            "target_declared": newest["target_workers"].astype(float).to_numpy(),
            "target_declared_date": newest["_date"].to_numpy(),
            "target_declared_basis": newest["basis"].fillna("").to_numpy(),
            "target_declared_segment": newest["segment"].fillna("").to_numpy(),
            "target_declared_source": newest["source_id"].fillna("").to_numpy(),
            "declared_flags": [flags_of([f]) for f in newest["flag"]],
        }
    )
