"""The coverage table of a province: rates, gaps and ranks on every target basis, and its loaders.

``build_coverage_table`` is pure (tables in, table out); ``coverage_table``,
``regency_summary`` and ``segment_table`` are the thin wrappers that load the shipped data
(``analysis.data``), the parameters and the JKK+JKM contribution
(``analysis.model.contributions``) first. ``ranked`` gives the league order.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.core.checks import as_timestamp
from analysis.data import tables
from analysis.data.names import resolve_regency
from analysis.data.parameters import default_parameters
from analysis.model.contributions import monthly_contribution
from analysis.model.coverage.rules import (
    SEGMENTS,
    covered_by_segment,
    previous_coverage,
    segment_facts,
)
from analysis.model.coverage.targets import (
    declared_targets_at,
    informal_estimates,
    province_informal_inputs,
    village_targets,
)

BASES: tuple[str, ...] = ("village", "informal", "declared")

NO_DATA = "no data"
OK = "ok"


def rank_within(rates: pd.Series) -> pd.Series:
    """Rank coverage rates, highest first; ties share the best rank.

    A regency whose rate cannot be measured (no data, or no target on the basis, like a kota on
    the village basis) gets no rank: ranking it last would tell a reader it is the worst.

    Parameters
    ----------
    rates : Series
        Coverage rates of the regencies of one province.

    Returns
    -------
    Series
        Integer ranks (1 = best), pandas ``Int64``; ``<NA>`` where the rate is NaN.
    """
    return rates.rank(ascending=False, method="min", na_option="keep").astype("Int64")


def ranked(table: pd.DataFrame) -> pd.DataFrame:
    """The coverage table in league order, as the league table and its chart show it.

    Ranked kab/kota come first, best rank first; then the unranked: those with data but no
    rate (no target on the basis, or data on village officials only) before those with no
    data. Within each group the larger ``covered_total`` comes first; the sort is stable, so
    ties keep the table's order.

    Parameters
    ----------
    table : DataFrame
        From ``coverage_table`` / ``build_coverage_table`` (``rank``, ``status``,
        ``covered_total``).

    Returns
    -------
    DataFrame
        The same rows and columns, reordered; the index is kept.
    """
    missing = table["status"] == NO_DATA
    return (
        table.assign(_missing=missing)
        .sort_values(["rank", "_missing", "covered_total"], ascending=[True, True, False],
                     kind="stable")
        .drop(columns="_missing")
    )


def build_coverage_table(
    regencies: pd.DataFrame,
    facts: pd.DataFrame,
    targets: pd.DataFrame,
    informal: pd.DataFrame,
    *,
    workers_per_desa: float,
    monthly_contribution_rp: float,
    as_of: date | str | None = None,
    target_basis: str = "village",
) -> pd.DataFrame:
    """Coverage of each regency against every target basis (pure; see the module docstring).

    For each basis ``b`` in village / informal / declared: ``target_b``, ``rate_b`` =
    ``covered_rentan`` ÷ target, ``gap_workers_b`` = max(target − covered_rentan, 0) and
    ``gap_rp_year_b`` = gap × monthly contribution × 12. ``target``, ``rate``, ``gap_workers``,
    ``gap_rp_year`` and ``rank`` repeat the chosen ``target_basis``. Without coverage data every
    rate and gap is NaN (unknown), not 0, and ``status`` is ``"no data"``; with data only on
    village officials or contract staff (no ``RATE_SEGMENTS``), status is ``"ok"`` but rate and
    gap stay NaN.

    Freshness and quality: ``newest_input_date`` is the newest date among the coverage facts
    and the target of the chosen basis; ``has_unconfirmed`` / ``has_estimate`` say whether any
    of those inputs is flagged UNCONFIRMED / ESTIMATE (an A01 informal target is an estimate).

    Parameters
    ----------
    regencies : DataFrame
        One row per kab/kota: ``regency_code, name, short_name, type, desa, kelurahan``.
    facts : DataFrame
        Rows of ``coverage_facts``.
    targets : DataFrame
        Rows of ``declared_targets``.
    informal : DataFrame
        From ``informal_estimates``.
    workers_per_desa : float
        Parameter ``targets.workers_per_desa``.
    monthly_contribution_rp : float
        JKK+JKM contribution per worker per month (``contributions.monthly_contribution``).
    as_of : date, str or None
        Cut-off date; None is today.
    target_basis : {"village", "informal", "declared"}
        Basis of ``rate``, ``gap_*`` and ``rank``.

    Returns
    -------
    DataFrame
        One row per regency, in ``regency_code`` order.
    """
    if target_basis not in BASES:
        raise ValueError(f"target_basis must be one of {', '.join(BASES)}, got {target_basis!r}")
    keep = [c for c in ("regency_code", "name", "short_name", "type", "desa", "kelurahan")
            if c in regencies.columns]
    table = regencies[keep].sort_values("regency_code").reset_index(drop=True)
    codes = set(table["regency_code"])
    facts = facts[facts["area_code"].isin(codes)]
    covered = covered_by_segment(facts, as_of).rename(columns={"area_code": "regency_code"})
    previous = previous_coverage(facts, as_of).rename(columns={"area_code": "regency_code"})
    declared = declared_targets_at(targets[targets["area_code"].isin(codes)], as_of).rename(
        columns={"area_code": "regency_code"}
    )
    table = (
        table.merge(covered, on="regency_code", how="left")
        .merge(village_targets(regencies, workers_per_desa), on="regency_code", how="left")
        .merge(informal, on="regency_code", how="left")
        .merge(declared, on="regency_code", how="left")
        .merge(previous, on="regency_code", how="left")
    )
    has_data = table["coverage_date"].notna()
    table["status"] = np.where(has_data, OK, NO_DATA)
    annual = float(monthly_contribution_rp) * 12
    for basis in BASES:
        target = table[f"target_{basis}"].astype(float)
        cov = table["covered_rentan"].astype(float)
        usable = has_data & (target > 0) & cov.notna()
        table[f"rate_{basis}"] = np.where(usable, cov / target, np.nan)
        gap = np.where(usable, np.maximum(target - cov, 0), np.nan)
        table[f"gap_workers_{basis}"] = gap
        table[f"gap_rp_year_{basis}"] = gap * annual
    table["target_basis"] = target_basis
    table["target"] = table[f"target_{target_basis}"]
    table["rate"] = table[f"rate_{target_basis}"]
    table["gap_workers"] = table[f"gap_workers_{target_basis}"]
    table["gap_rp_year"] = table[f"gap_rp_year_{target_basis}"]
    table["rank"] = rank_within(table["rate"])
    table["change_since_previous"] = table["covered_total"] - table["previous_covered_total"]

    basis_date = {"village": None, "informal": "informal_date", "declared": "target_declared_date"}
    basis_flags = {"village": None, "informal": "informal_flags", "declared": "declared_flags"}
    newest, unconfirmed, estimate = [], [], []
    for _, row in table.iterrows():
        dates = [row["coverage_date"]]
        flags = set(row["coverage_flags"]) if isinstance(row["coverage_flags"], set) else set()
        if basis_date[target_basis]:
            dates.append(row[basis_date[target_basis]])
            extra = row[basis_flags[target_basis]]
            flags |= extra if isinstance(extra, set) else set()
        dates = [d for d in dates if pd.notna(d)]
        newest.append(max(dates) if dates else pd.NaT)
        unconfirmed.append("UNCONFIRMED" in flags)
        estimate.append("ESTIMATE" in flags)
    table["newest_input_date"] = pd.to_datetime(pd.Series(newest, index=table.index))
    table["has_unconfirmed"] = unconfirmed
    table["has_estimate"] = estimate
    return table


# --------------------------------------------------------------------------------------------
# loading the shipped data (thin wrappers)
# --------------------------------------------------------------------------------------------


def load_inputs(province: str = "12") -> dict[str, pd.DataFrame]:
    """The tables the coverage metrics read, from ``analysis.data``.

    Parameters
    ----------
    province : str
        Province code (``"12"`` Sumatera Utara).

    Returns
    -------
    dict of DataFrame
        ``regencies``, ``coverage_facts``, ``declared_targets``, ``population_poverty``,
        ``labour_force``.
    """
    inputs = {"regencies": tables.regencies(province)}
    for name in ("coverage_facts", "declared_targets", "population_poverty", "labour_force"):
        inputs[name] = tables.load_table(name)
    return inputs


def coverage_table(
    province: str = "12",
    as_of: date | str | None = None,
    target_basis: str = "village",
    inputs: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Coverage of every kab/kota of a province on ``as_of`` (shipped data and parameters).

    Loads the tables (``load_inputs``), ``targets.workers_per_desa`` and the JKK+JKM
    contribution in force on ``as_of`` (``contributions.monthly_contribution``), then calls
    ``province_informal_inputs``, ``informal_estimates`` and ``build_coverage_table``.

    Parameters
    ----------
    province : str
        Province code.
    as_of : date, str or None
        Cut-off date; None is today.
    target_basis : {"village", "informal", "declared"}
        Basis of ``rate``, ``gap_*`` and ``rank``.
    inputs : dict of DataFrame, optional
        Tables as from ``load_inputs`` (to reuse one load for several dates).

    Returns
    -------
    DataFrame
        One row per kab/kota (see ``build_coverage_table``). ``attrs`` holds ``as_of``,
        ``province``, ``workers_per_desa``, ``monthly_contribution_rp`` and ``target_basis``.
    """
    cutoff = as_timestamp(as_of)
    inputs = load_inputs(province) if inputs is None else inputs
    per_desa = float(default_parameters().get("targets.workers_per_desa", on=cutoff.date()))
    monthly = monthly_contribution("jkk-jkm", on=cutoff.date())
    province_inputs = province_informal_inputs(
        inputs["labour_force"], inputs["population_poverty"], province, cutoff
    )
    informal = informal_estimates(
        inputs["regencies"], inputs["population_poverty"], inputs["labour_force"],
        province_inputs, cutoff,
    )
    table = build_coverage_table(
        inputs["regencies"], inputs["coverage_facts"], inputs["declared_targets"], informal,
        workers_per_desa=per_desa, monthly_contribution_rp=monthly, as_of=cutoff,
        target_basis=target_basis,
    )
    table.attrs.update(
        as_of=cutoff, province=province, workers_per_desa=per_desa,
        monthly_contribution_rp=monthly, target_basis=target_basis,
        informal_province_note=province_inputs["note"],
    )
    return table


def _code(regency: str) -> str:
    """A regency code from a code or a name (through ``analysis.data.resolve_regency``)."""
    return resolve_regency(regency)


def regency_summary(
    regency_code: str, as_of: date | str | None = None, target_basis: str = "village"
) -> dict[str, object]:
    """Headline coverage figures of one kab/kota.

    Parameters
    ----------
    regency_code : str
        Code (``"12.14"``) or a name (``"Nias Selatan"``).
    as_of : date, str or None
        Cut-off date; None is today.
    target_basis : {"village", "informal", "declared"}
        Basis of ``rate``, ``gap_*`` and ``rank``.

    Returns
    -------
    dict
        The regency's row of ``coverage_table`` (NaN stays NaN), plus ``regencies_ranked``
        (kab/kota in the province) and ``monthly_contribution_rp``.
    """
    code = _code(regency_code)
    table = coverage_table(code.split(".")[0], as_of, target_basis)
    row = table.set_index("regency_code").loc[code]
    summary = {"regency_code": code, **row.to_dict()}
    summary["regencies_ranked"] = len(table)
    summary["monthly_contribution_rp"] = table.attrs["monthly_contribution_rp"]
    return summary


def segment_table(regency_code: str, as_of: date | str | None = None) -> pd.DataFrame:
    """The coverage facts behind one kab/kota's count, by segment (see ``segment_facts``).

    Parameters
    ----------
    regency_code : str
        Code or name.
    as_of : date, str or None
        Cut-off date; None is today.

    Returns
    -------
    DataFrame
        ``group, segment, date, workers, funding_source, programmes, status, source_id, flag,
        note, fact_id``, ordered by segment group and date.
    """
    code = _code(regency_code)
    facts = tables.load_table("coverage_facts")
    used = segment_facts(facts[facts["area_code"] == code], as_of)
    order = {g: i for i, g in enumerate(SEGMENTS)}
    columns = ["group", "segment", "date", "workers", "funding_source", "programmes", "status",
               "source_id", "flag", "note", "fact_id"]
    used = used.assign(_order=used["group"].map(order)).sort_values(["_order", "date"])
    return used[[c for c in columns if c in used.columns]].reset_index(drop=True)
