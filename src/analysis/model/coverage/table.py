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
from analysis.data.parameters import default_parameters, load_assumptions
from analysis.model.contributions import monthly_contribution
from analysis.model.coverage.counted import (
    basis_facts,
    coverage_history,
    covered_by_segment,
    current_segment_facts,
    declared_coverage,
    previous_coverage,
)
from analysis.model.coverage.current import SET_ASIDE, current_facts, fact_states
from analysis.model.coverage.current import staleness_months as staleness_months_param
from analysis.model.coverage.rules import SEGMENT_GROUPS, SEGMENTS
from analysis.model.coverage.targets import (
    declared_targets_at,
    informal_estimates,
    province_informal_inputs,
    village_targets,
)

BASES: tuple[str, ...] = ("village", "informal", "declared")

NO_DATA = "no data"
OK = "ok"
PAST = "past"  # coverage facts exist, but every programme had ended or gone stale (A14)


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

    Ranked kab/kota come first, best rank first; then the unranked: those with current data but
    no rank (no target on the basis, data on village officials only, or a rate resting on an
    unconfirmed figure), then those whose programmes have all ended (``"past"``), then those
    with no data. Within each group the larger ``covered_total`` comes first; the sort is
    stable, so ties keep the table's order.

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
    order = table["status"].map({OK: 0, PAST: 1, NO_DATA: 2}).fillna(2)
    return (
        table.assign(_order=order)
        .sort_values(["rank", "_order", "covered_total"], ascending=[True, True, False],
                     kind="stable")
        .drop(columns="_order")
    )


def _history(facts: pd.DataFrame, as_of: pd.Timestamp, months: int) -> pd.DataFrame:
    """Per area: the end of its past coverage and the workers of the facts the data set aside."""
    states = fact_states(facts, as_of, months)
    counted = {s for members in SEGMENT_GROUPS.values() for s in members}
    states = states[states["segment"].isin(counted)]
    past = states[states["state"].isin(["ended", "stale"])]
    aside = states[states["state"] == SET_ASIDE]
    codes = sorted(set(states["area_code"]))
    until = past.groupby("area_code")["known_until"].max().to_dict()
    workers = aside.groupby("area_code")["workers_reported"].sum().to_dict()
    reason = aside.groupby("area_code")["set_aside_reason"].first().to_dict()
    return pd.DataFrame({
        "regency_code": codes,
        "past_until": pd.to_datetime(pd.Series([until.get(c, pd.NaT) for c in codes],
                                               dtype="datetime64[ns]")),
        "set_aside_workers": [float(workers[c]) if c in workers else np.nan for c in codes],
        "set_aside_reason": [reason.get(c, "") for c in codes],
    })


def _basis_flags(row: pd.Series, basis: str) -> set[str]:
    """Flags of the facts counted on ``basis`` and of its target."""
    flags = row.get(f"flags_{basis}")
    flags = set(flags) if isinstance(flags, set) else set()
    extra = row.get({"informal": "informal_flags", "declared": "declared_flags"}.get(basis, ""))
    return flags | (extra if isinstance(extra, set) else set())


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
    staleness_months: int | None = None,
) -> pd.DataFrame:
    """Coverage of each regency against every target basis (pure; see the module docstring).

    Only facts current on ``as_of`` count (``current.fact_states``); each basis counts its own
    facts (``counted.basis_facts``): ``covered_village``, ``covered_informal``,
    ``covered_declared``. For each basis ``b`` in village / informal / declared: ``target_b``,
    ``rate_b`` = ``covered_b`` ÷ target, ``gap_workers_b`` = max(target − covered_b, 0),
    ``gap_rp_year_b`` = gap × monthly contribution × 12, ``unconfirmed_b`` (a counted fact or
    the target is flagged UNCONFIRMED) and ``over_target_b`` (rate above 100%, which the views
    must explain). ``covered``, ``target``, ``rate``, ``gap_workers``, ``gap_rp_year`` and
    ``rank`` repeat the chosen ``target_basis``.

    Ranks: only a rate that rests on no UNCONFIRMED figure is ranked; ``rank_of`` is the number
    of ranked kab/kota ("3 of 11 measurable"). ``status`` is ``"ok"`` with current facts,
    ``"past"`` when every fact had ended or gone stale (``past_until``: the last day one
    counted), ``"no data"`` otherwise; without current facts every rate and gap is NaN
    (unknown), never 0. ``set_aside_workers`` / ``set_aside_reason`` name figures the data say
    not to use (a misprint, a row NOT USED).

    Freshness and quality: ``newest_input_date`` is the newest date among the coverage facts
    and the target of the chosen basis; ``has_unconfirmed`` / ``has_estimate`` say whether any
    input of the chosen basis is flagged UNCONFIRMED / ESTIMATE (an A01 target is an estimate).

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
    staleness_months : int, optional
        Months a count without an end date stays current (A14); the parameter
        ``coverage.staleness_months`` when omitted.

    Returns
    -------
    DataFrame
        One row per regency, in ``regency_code`` order.
    """
    if target_basis not in BASES:
        raise ValueError(f"target_basis must be one of {', '.join(BASES)}, got {target_basis!r}")
    cutoff = as_timestamp(as_of)
    months = staleness_months_param(cutoff) if staleness_months is None else staleness_months
    keep = [c for c in ("regency_code", "name", "short_name", "type", "desa", "kelurahan")
            if c in regencies.columns]
    table = regencies[keep].sort_values("regency_code").reset_index(drop=True)
    codes = set(table["regency_code"])
    facts = facts[facts["area_code"].isin(codes)]
    by_area = covered_by_segment(facts, cutoff, months)
    covered = by_area.rename(columns={"area_code": "regency_code"})
    previous = previous_coverage(facts, cutoff, months, current=by_area).rename(
        columns={"area_code": "regency_code"})
    declared = declared_targets_at(targets[targets["area_code"].isin(codes)], cutoff)
    declared = declared.merge(declared_coverage(facts, declared, cutoff, months),
                              on="area_code", how="left")
    declared = declared.rename(columns={"area_code": "regency_code"})
    table = (
        table.merge(covered, on="regency_code", how="left")
        .merge(village_targets(regencies, workers_per_desa), on="regency_code", how="left")
        .merge(informal, on="regency_code", how="left")
        .merge(declared, on="regency_code", how="left")
        .merge(previous, on="regency_code", how="left")
        .merge(_history(facts, cutoff, months), on="regency_code", how="left")
    )
    has_data = table["coverage_date"].notna()
    table["status"] = np.select([has_data, table["past_until"].notna()], [OK, PAST], NO_DATA)
    annual = float(monthly_contribution_rp) * 12
    for basis in BASES:
        target = table[f"target_{basis}"].astype(float)
        cov = table[f"covered_{basis}"].astype(float)
        usable = has_data & (target > 0) & cov.notna()
        table[f"rate_{basis}"] = np.where(usable, cov / target, np.nan)
        gap = np.where(usable, np.maximum(target - cov, 0), np.nan)
        table[f"gap_workers_{basis}"] = gap
        table[f"gap_rp_year_{basis}"] = gap * annual
        flags = [_basis_flags(row, basis) for _, row in table.iterrows()]
        table[f"unconfirmed_{basis}"] = ["UNCONFIRMED" in f for f in flags]
        table[f"over_target_{basis}"] = table[f"rate_{basis}"] > 1
    table["target_basis"] = target_basis
    for column in ("covered", "target", "rate", "gap_workers", "gap_rp_year"):
        table[column] = table[f"{column}_{target_basis}"]
    rankable = table["rate"].where(~table[f"unconfirmed_{target_basis}"])
    table["rank"] = rank_within(rankable)
    table["rank_of"] = int(table["rank"].notna().sum())
    table["change_since_previous"] = table["covered_total"] - table["previous_covered_total"]

    basis_date = {"village": None, "informal": "informal_date", "declared": "target_declared_date"}
    newest, unconfirmed, estimate = [], [], []
    for _, row in table.iterrows():
        dates = [row["coverage_date"]]
        flags = _basis_flags(row, target_basis)
        if basis_date[target_basis]:
            dates.append(row[basis_date[target_basis]])
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
        ``regencies``, ``coverage_facts``, ``declared_targets``, ``population_poverty``
        (with the national population table where it has no figure, see
        ``analysis.data.tables.population_with_national``), ``labour_force``.
    """
    inputs = {"regencies": tables.regencies(province)}
    for name in ("coverage_facts", "declared_targets", "labour_force"):
        inputs[name] = tables.load_table(name)
    # Where the curated table has no population, the national table's (flagged) figure.
    inputs["population_poverty"] = tables.population_with_national()
    return inputs


# Tables coverage_table reads; their files key the per-process cache below.
_INPUT_TABLES = ("regencies", "coverage_facts", "declared_targets", "population_poverty",
                 "labour_force", "population_kemendagri")
_CACHE = tables.StampedCache(64)  # a national build asks for 38 provinces at one date
# Tables segment_table reads, and its results (a build of all provinces has ~500 kab/kota).
_SEGMENT_TABLES = ("coverage_facts", "declared_targets")
_SEGMENTS = tables.StampedCache(600)


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
        ``province``, ``workers_per_desa``, ``monthly_contribution_rp``, ``target_basis`` and
        ``staleness_months``.
    """
    cutoff = as_timestamp(as_of)
    if inputs is not None:
        return _coverage_table(province, cutoff, target_basis, inputs)
    # Every brief of a province asks for the same table: compute it once per process and
    # data state (the key holds the files' stamps, so an edited file is never served stale).
    key = (str(province), cutoff, target_basis, tables.data_stamp(_INPUT_TABLES))
    return _CACHE.fetch(key, lambda: _coverage_table(province, cutoff, target_basis,
                                                     load_inputs(province)))


def _coverage_table(province: str, cutoff: pd.Timestamp, target_basis: str,
                    inputs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """``coverage_table`` computed from loaded tables (see there)."""
    per_desa = float(default_parameters().get("targets.workers_per_desa", on=cutoff.date()))
    monthly = monthly_contribution("jkk-jkm", on=cutoff.date())
    # A01 takes its three province inputs at the reference date of its log entry.
    reference = load_assumptions().get("A01", {}).get("reference_date")
    province_inputs = province_informal_inputs(
        inputs["labour_force"], inputs["population_poverty"], province, cutoff, reference
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
        staleness_months=staleness_months_param(cutoff),
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
        (kab/kota ranked, i.e. measurable: the N of "rank 3 of N"), ``regencies_total``
        (kab/kota in the province), ``monthly_contribution_rp`` and ``staleness_months``.
    """
    code = _code(regency_code)
    table = coverage_table(code.split(".")[0], as_of, target_basis)
    row = table.set_index("regency_code").loc[code]
    summary = {"regency_code": code, **row.to_dict()}
    summary["regencies_ranked"] = int(table["rank"].notna().sum())
    summary["regencies_total"] = len(table)
    summary["monthly_contribution_rp"] = table.attrs["monthly_contribution_rp"]
    summary["staleness_months"] = table.attrs["staleness_months"]
    return summary


def segment_table(regency_code: str, as_of: date | str | None = None) -> pd.DataFrame:
    """The coverage facts behind one kab/kota's counts, by segment, and the bases counting them.

    Parameters
    ----------
    regency_code : str
        Code or name.
    as_of : date, str or None
        Cut-off date; None is today.

    Returns
    -------
    DataFrame
        ``group, segment, date, workers`` (counted: reported minus uncovered parts),
        ``workers_reported, uncovered_part, funding_source, programmes, status, period_start,
        period_end, known_until, source_id, flag, note, fact_id`` and ``in_total``,
        ``in_village``, ``in_informal``, ``in_declared`` (whether the "all groups" count and
        each basis' numerator include the fact; ``counted.basis_facts``), ordered by segment
        group and date.
    """
    code = _code(regency_code)
    cutoff = as_timestamp(as_of)
    # A brief reads it for its segments, its history and its flagged facts: computed once per
    # process and data state (the key holds the stamps of the tables and parameters read).
    key = (code, cutoff, tables.data_stamp(_SEGMENT_TABLES))
    return _SEGMENTS.fetch(key, lambda: _segment_table(code, cutoff))


def _segment_table(code: str, cutoff: pd.Timestamp) -> pd.DataFrame:
    """``segment_table`` of a resolved code on a normalised date (see there)."""
    facts = tables.load_table("coverage_facts")
    facts = facts[facts["area_code"] == code]
    current = current_facts(facts, cutoff)
    used = current_segment_facts(current)
    in_total = set(used["fact_id"])  # the "all groups" count, before basis-only facts join
    bases = {"village": basis_facts(current, "village"),
             "informal": basis_facts(current, "informal")}
    targets = tables.load_table("declared_targets")
    declared = declared_targets_at(targets[targets["area_code"] == code], cutoff)
    if not declared.empty:
        target = declared.iloc[0]
        bases["declared"] = basis_facts(current, "declared", pd.Series(
            {"segment": target["target_declared_segment"],
             "source_id": target["target_declared_source"]}))
    extra = pd.concat([b for b in bases.values() if not b.empty] or [current.iloc[0:0]])
    extra = extra[~extra["fact_id"].isin(used["fact_id"])].drop_duplicates("fact_id")
    extra = extra.assign(group=extra["segment"].map(
        {s: g for g, members in SEGMENT_GROUPS.items() for s in members}))
    used = pd.concat([used, extra], ignore_index=True)
    used["in_total"] = used["fact_id"].isin(in_total)
    for basis in ("village", "informal", "declared"):
        chosen = bases.get(basis)
        ids = set() if chosen is None else set(chosen["fact_id"])
        used[f"in_{basis}"] = used["fact_id"].isin(ids)
    order = {g: i for i, g in enumerate(SEGMENTS)}
    columns = ["group", "segment", "date", "workers", "workers_reported", "uncovered_part",
               "funding_source", "programmes", "status", "period_start", "period_end",
               "known_until", "source_id", "flag", "note", "fact_id", "in_total", "in_village",
               "in_informal", "in_declared"]
    used = used.assign(_order=used["group"].map(order)).sort_values(["_order", "date"])
    return used[[c for c in columns if c in used.columns]].reset_index(drop=True)


def history_table(regency_code: str, as_of: date | str | None = None) -> pd.DataFrame:
    """The coverage facts of one kab/kota that do not count on ``as_of``, and why.

    Parameters
    ----------
    regency_code : str
        Code or name.
    as_of : date, str or None
        Cut-off date; None is today.

    Returns
    -------
    DataFrame
        ``state`` (``ended``, ``stale``, ``not_started``, ``set_aside``, ``duplicate``,
        ``superseded``), ``set_aside_reason, segment, date, period_start, period_end,
        known_until, stale_after, workers, workers_reported, funding_source, status,
        source_id, flag, note, fact_id``, newest first (see ``counted.coverage_history``).
        A fact counted on any basis (``segment_table``) is not history.
    """
    code = _code(regency_code)
    facts = tables.load_table("coverage_facts")
    facts = facts[facts["area_code"] == code]
    used = set(segment_table(code, as_of)["fact_id"])
    rows = coverage_history(facts, as_of, used_ids=used)
    columns = ["state", "set_aside_reason", "segment", "date", "period_start", "period_end",
               "known_until", "stale_after", "workers", "workers_reported", "funding_source",
               "status", "source_id", "flag", "note", "fact_id"]
    return rows[[c for c in columns if c in rows.columns]].reset_index(drop=True)
