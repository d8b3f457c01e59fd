"""What each target basis counts on a date: numerators that match their denominators.

A rate divides workers covered by a target, and the two must describe the same group of workers.
Each basis therefore says which facts it counts (``BASIS_SEGMENTS``), always among the facts
current on the as-of date (``analysis.model.coverage.current``):

``village``
    "1 desa 100 pekerja rentan" counts the village programme: segment ``pekerja_rentan``, from
    facts of a single funding source. A ``mixed`` total spans programmes (Labuhanbatu 2025:
    "14.300 informal workers, DBH Sawit + APBD", regency-wide, palm workers included), so it is
    not a count of the village programme; palm workers, fishers and cadres are separate
    programmes that are not defined per desa.
``informal``
    All vulnerable workers: ``pekerja_rentan``, ``palm_workers``, ``fishers``, ``kader``,
    ``other``. A ``mixed`` total is the regency's count over several sources on its date: it
    replaces every fact of these segments dated on or before it, so its parts are never added to
    it (Labuhanbatu: 14.300, not 14.300 + 1.500 palm workers; Langkat: the 2025 quota of 1.400
    palm workers and fishers, not 1.400 + 1.600 fishers of ~2023).
``declared``
    Only the programme the regency's target belongs to: the facts of the target's segment, and
    of those, the facts from the target's own source when there are any (Medan: the 50.025
    Empowering Kepling target against that programme's 37.058 − 18.152 one-month payers =
    18.906, not against the APBD programme's 17.851 as well).

Within a basis each segment takes its newest date; facts of one segment and date are added
with ``sum_facts``. ``segment_facts``/``covered_by_segment`` give every group, officials
included, for the "all groups" count; ``coverage_history`` lists what is not counted and why.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analysis.core.checks import as_timestamp
from analysis.model.coverage.current import CURRENT, fact_states
from analysis.model.coverage.rules import (
    RATE_SEGMENTS,
    SEGMENT_GROUPS,
    SEGMENTS,
    _distinct_facts,
    _newest,
    flags_of,
    sum_facts,
    village_officials,
)

BASIS_SEGMENTS: dict[str, tuple[str, ...]] = {
    "village": ("pekerja_rentan",),
    "informal": tuple(s for g in RATE_SEGMENTS for s in SEGMENT_GROUPS[g]),
}
SUPERSEDED = "superseded"
DUPLICATE = "duplicate"


def _newest_per_segment(rows: pd.DataFrame, segments: tuple[str, ...]) -> pd.DataFrame:
    """For each segment its newest facts, without a total's parts or a repeated report."""
    chosen = [_newest(rows[rows["segment"] == seg]) for seg in segments]
    chosen = [c for c in chosen if not c.empty]
    if not chosen:
        return rows.iloc[0:0]
    chosen = pd.concat(chosen)
    return pd.concat([_distinct_facts(part) for _, part in chosen.groupby(["segment", "_date"])])


def _without_contained(rows: pd.DataFrame) -> pd.DataFrame:
    """Drop the facts a newer-or-same-date ``mixed`` total contains (see the module docstring)."""
    mixed = rows[rows["funding_source"] == "mixed"]
    if mixed.empty:
        return rows
    newest = mixed["_date"].max()
    keep = (rows["_date"] > newest) | ((rows["_date"] == newest)
                                       & (rows["funding_source"] == "mixed"))
    return rows[keep]


def basis_facts(
    current: pd.DataFrame, basis: str, target: pd.Series | None = None
) -> pd.DataFrame:
    """The current facts of one area that a target basis counts.

    Parameters
    ----------
    current : DataFrame
        Current facts of one area (from ``current.current_facts``).
    basis : {"village", "informal", "declared"}
        The target basis.
    target : Series, optional
        For ``declared``: the target row (``segment``, ``source_id``).

    Returns
    -------
    DataFrame
        The facts whose ``workers`` add up to the basis' numerator (``sum_facts`` per segment
        and date).
    """
    if basis == "village":
        rows = current[current["segment"].isin(BASIS_SEGMENTS["village"])
                       & (current["funding_source"] != "mixed")]
        return _newest_per_segment(rows, BASIS_SEGMENTS["village"])
    if basis == "informal":
        segments = BASIS_SEGMENTS["informal"]
    elif basis == "declared":
        if target is None:
            return current.iloc[0:0]
        segments = (str(target["segment"]),)
    else:
        raise ValueError(f"unknown target basis {basis!r}")
    rows = current[current["segment"].isin(segments)]
    if basis == "declared":
        own = rows[rows["source_id"] == target.get("source_id")]
        rows = own if not own.empty else rows
    return _newest_per_segment(_without_contained(rows), segments)


def count_of(rows: pd.DataFrame) -> float:
    """Workers of the facts chosen by ``basis_facts`` (NaN when there are none).

    Parameters
    ----------
    rows : DataFrame
        Facts with ``segment``, ``_date``, ``workers``, ``funding_source``, ``flag``, ``note``.

    Returns
    -------
    float
        Sum over segment and date of ``sum_facts``.
    """
    if rows.empty:
        return np.nan
    return float(sum(sum_facts(part) for _, part in rows.groupby(["segment", "_date"])))


def date_precision(rows: pd.DataFrame, when: pd.Timestamp) -> str:
    """How precisely the facts dated ``when`` know their date: "day", "month" or "year".

    A year-only fact is stored on 1 January; printed as "1 Januari 2025" it would claim a day
    the source never gave. The finest precision among the facts on that date wins (a source
    that names the day knows it).
    """
    if "date_precision" not in rows:
        return "day"
    given = {str(p) if isinstance(p, str) and p else "day"
             for p in rows.loc[rows["_date"] == when, "date_precision"]}
    for precision in ("day", "month", "year"):
        if precision in given:
            return precision
    return "day"


def _group_facts(current: pd.DataFrame) -> pd.DataFrame:
    """The facts behind every output group of one area: officials, contract staff, and the
    vulnerable workers as the informal basis counts them."""
    used = []
    rentan = basis_facts(current, "informal")
    for group, members in SEGMENT_GROUPS.items():
        if group in RATE_SEGMENTS:
            chosen = rentan[rentan["segment"].isin(members)]
        elif group == "perangkat_desa_bpd":
            seg_rows = current[current["segment"].isin(members)]
            chosen = village_officials(seg_rows) if not seg_rows.empty else seg_rows
            if not chosen.empty:
                chosen = pd.concat([_distinct_facts(p)
                                    for _, p in chosen.groupby(["segment", "_date"])])
        else:
            chosen = _newest_per_segment(current[current["segment"].isin(members)], members)
        if not chosen.empty:
            used.append(chosen.assign(group=group))
    if not used:
        return current.iloc[0:0].assign(group=pd.Series(dtype=str))
    return pd.concat(used)


def segment_facts(
    facts: pd.DataFrame, as_of: date | str | None = None, months: int | None = None
) -> pd.DataFrame:
    """The coverage facts that make up each regency's count on ``as_of``.

    Only facts current on ``as_of`` count (``current.fact_states``: period, staleness rule
    A14, facts set aside). For each area: the vulnerable-worker groups as the informal basis
    counts them (``basis_facts``), the village officials (``village_officials``: combined or
    separate facts, never both) and the contract staff (newest facts). ``all_workers`` (every
    BPJS participant, formal workers included) and ``programme_total`` are other universes and
    are not used.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts``.
    as_of : date, str or None
        Cut-off date (inclusive); None is today.
    months : int, optional
        Staleness in months; the parameter ``coverage.staleness_months`` when omitted.

    Returns
    -------
    DataFrame
        The facts used, with ``group`` (output segment), ``workers`` net of uncovered parts and
        ``workers_reported``.
    """
    rows = fact_states(facts, as_of, months)
    return current_segment_facts(rows[rows["state"] == CURRENT])


def current_segment_facts(current: pd.DataFrame) -> pd.DataFrame:
    """``segment_facts`` of facts already known to be current, for a caller that has them.

    Parameters
    ----------
    current : DataFrame
        Current facts (``current.current_facts``), of one area or several.

    Returns
    -------
    DataFrame
        As ``segment_facts``.
    """
    used = [_group_facts(area_rows) for _, area_rows in current.groupby("area_code", sort=True)]
    used = [u for u in used if not u.empty]
    if not used:
        return current.iloc[0:0].assign(group=pd.Series(dtype=str))
    return pd.concat(used, ignore_index=True)


def covered_by_segment(
    facts: pd.DataFrame, as_of: date | str | None = None, months: int | None = None
) -> pd.DataFrame:
    """Workers covered per area and segment on ``as_of``, and the village and informal counts.

    ``covered_total`` is the sum of the five groups (pekerja_rentan, perangkat_desa_bpd,
    thl_non_asn, palm_workers, other); ``covered_informal`` (also ``covered_rentan``) the
    vulnerable workers the informal basis counts; ``covered_village`` the village programme
    (see the module docstring). A group without facts is NaN (unknown), not 0; the sums add the
    known groups and are NaN when none is known.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts``.
    as_of : date, str or None
        Cut-off date (inclusive); None is today.
    months : int, optional
        Staleness in months; the parameter when omitted.

    Returns
    -------
    DataFrame
        One row per ``area_code`` with current facts: ``covered_<segment>``,
        ``covered_total``, ``covered_rentan``, ``covered_informal``, ``covered_village``,
        ``flags_informal``, ``flags_village`` (sets), ``coverage_date`` (newest fact used),
        ``coverage_flags`` (set, all facts used), ``coverage_sources`` (``;``-joined ids).
    """
    rows = fact_states(facts, as_of, months)
    current = rows[rows["state"] == CURRENT]
    columns = ["area_code", *(f"covered_{s}" for s in SEGMENTS), "covered_total",
               "covered_rentan", "covered_informal", "covered_village", "flags_informal",
               "flags_village", "coverage_date", "coverage_date_precision", "coverage_flags",
               "coverage_sources"]
    records = []
    for area, area_rows in current.groupby("area_code", sort=True):
        used = _group_facts(area_rows)
        if used.empty:
            continue
        record: dict[str, object] = {"area_code": area}
        for seg in SEGMENTS:
            record[f"covered_{seg}"] = count_of(used[used["group"] == seg])
        record["covered_total"] = float(np.nansum([record[f"covered_{s}"] for s in SEGMENTS]))
        for basis in ("informal", "village"):
            chosen = basis_facts(area_rows, basis)
            record[f"covered_{basis}"] = count_of(chosen)
            record[f"flags_{basis}"] = flags_of(chosen["flag"])
        record["covered_rentan"] = record["covered_informal"]
        record["coverage_date"] = used["_date"].max()
        record["coverage_date_precision"] = date_precision(used, record["coverage_date"])
        record["coverage_flags"] = flags_of(used["flag"])
        record["coverage_sources"] = ";".join(sorted(set(used["source_id"].dropna())))
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)


def declared_coverage(
    facts: pd.DataFrame, declared: pd.DataFrame, as_of: date | str | None = None,
    months: int | None = None,
) -> pd.DataFrame:
    """Workers of the programme each declared target belongs to (see the module docstring).

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts``.
    declared : DataFrame
        From ``targets.declared_targets_at``: ``area_code``, ``target_declared_segment``,
        ``target_declared_source``.
    as_of : date, str or None
        Cut-off date; None is today.
    months : int, optional
        Staleness in months; the parameter when omitted.

    Returns
    -------
    DataFrame
        ``area_code, covered_declared, flags_declared, declared_uncovered_part`` (workers of
        the programme that are registered but not covered, e.g. one-month payers).
    """
    rows = fact_states(facts, as_of, months)
    current = rows[rows["state"] == CURRENT]
    records = []
    for _, target in declared.iterrows():
        area_rows = current[current["area_code"] == target["area_code"]]
        chosen = basis_facts(area_rows, "declared",
                             pd.Series({"segment": target["target_declared_segment"],
                                        "source_id": target["target_declared_source"]}))
        records.append({
            "area_code": target["area_code"],
            "covered_declared": count_of(chosen),
            "flags_declared": flags_of(chosen["flag"]),
            "declared_uncovered_part": float(chosen["uncovered_part"].sum())
            if not chosen.empty else np.nan,
        })
    return pd.DataFrame.from_records(
        records, columns=["area_code", "covered_declared", "flags_declared",
                          "declared_uncovered_part"])


def coverage_history(
    facts: pd.DataFrame, as_of: date | str | None = None, months: int | None = None,
    used_ids: set[str] | None = None,
) -> pd.DataFrame:
    """The coverage facts known on ``as_of`` that are not counted, with the reason.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts`` (with ``fact_id``).
    as_of : date, str or None
        Cut-off date; None is today.
    months : int, optional
        Staleness in months; the parameter when omitted.
    used_ids : set of str, optional
        Ids of the facts counted on some basis; those of ``segment_facts`` when omitted.

    Returns
    -------
    DataFrame
        Rows of ``current.fact_states`` whose ``state`` is ``ended``, ``stale``,
        ``not_started``, ``set_aside``, ``duplicate`` (current, the same count as a fact
        counted, from another source) or ``superseded`` (current, but a newer count of the same
        segment or a mixed total replaces it), newest first; one row per count and state
        (a count reported twice is listed once).
    """
    rows = fact_states(facts, as_of, months)
    if used_ids is None:
        used_ids = set(segment_facts(facts, as_of, months)["fact_id"])
    counted_segments = {s for members in SEGMENT_GROUPS.values() for s in members}
    rows = rows[rows["segment"].isin(counted_segments)].copy()
    key = ["area_code", "segment", "_date", "workers_reported"]
    used_keys = set(rows.loc[rows["fact_id"].isin(used_ids), key].itertuples(index=False,
                                                                            name=None))
    unused = (rows["state"] == CURRENT) & ~rows["fact_id"].isin(used_ids)
    repeated = pd.Series([tuple(r) in used_keys for r in rows[key].itertuples(index=False,
                                                                             name=None)],
                         index=rows.index, dtype=bool)
    rows.loc[unused & repeated, "state"] = DUPLICATE
    rows.loc[unused & ~repeated, "state"] = SUPERSEDED
    rows = rows[rows["state"] != CURRENT]
    # A count reported by two sources is one row; the report naming a payer is kept.
    rows = rows.sort_values("funding_source", key=lambda s: s.fillna("").isin(["", "unknown"]),
                            kind="stable")
    rows = rows.drop_duplicates(subset=[*key, "state"], keep="first")
    return rows.sort_values(["area_code", "_date"], ascending=[True, False], kind="stable")


def previous_coverage(
    facts: pd.DataFrame, as_of: date | str | None = None, months: int | None = None,
    current: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each area's covered total at its previous observation date before the current one.

    The current observation date is the newest date of the facts counted on ``as_of``; the
    previous one is the newest covered fact date before that. The previous total is
    ``covered_total`` computed as of that previous date, with the same rules (so a programme
    that had ended by then is not in it either).

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts``.
    as_of : date, str or None
        Cut-off date (inclusive); None is today.
    months : int, optional
        Staleness in months; the parameter when omitted.
    current : DataFrame, optional
        ``covered_by_segment(facts, as_of, months)`` when the caller has it.

    Returns
    -------
    DataFrame
        ``area_code, previous_date, previous_covered_total`` for areas with an earlier
        observation that counted.
    """
    cutoff = as_timestamp(as_of)
    current = covered_by_segment(facts, cutoff, months) if current is None else current
    rows = fact_states(facts, cutoff, months)
    counted = {seg for members in SEGMENT_GROUPS.values() for seg in members}
    rows = rows[rows["segment"].isin(counted)]
    records = []
    for _, cur in current.iterrows():
        earlier = rows.loc[
            (rows["area_code"] == cur["area_code"]) & (rows["_date"] < cur["coverage_date"]),
            "_date",
        ]
        if earlier.empty:
            continue
        prev_date = earlier.max()
        prev = covered_by_segment(facts[facts["area_code"] == cur["area_code"]], prev_date,
                                  months)
        if prev.empty:
            continue
        records.append(
            {
                "area_code": cur["area_code"],
                "previous_date": prev_date,
                "previous_covered_total": float(prev["covered_total"].iloc[0]),
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["area_code", "previous_date", "previous_covered_total"]
    )
