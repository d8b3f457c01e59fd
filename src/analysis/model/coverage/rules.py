"""Which coverage facts count: the pick, conflict and double-count rules, and workers covered.

These are the rules ``data/README.md`` documents for reading the data:

- ``pick`` / ``newest_value``: one figure from several candidate rows (prefer unflagged rows,
  then the newest date, then the value the notes name as used, then the smaller value);
- ``sum_facts``: the workers of several facts of one segment and date without counting a
  CONFLICT, a total's parts or a repeated report twice;
- ``village_officials``: the perangkat desa + BPD count from combined or separate facts,
  never both.

``segment_facts``, ``covered_by_segment`` and ``previous_coverage`` apply them per regency and
segment. Everything here is pure: DataFrames in, DataFrames or numbers out.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from analysis.core.checks import as_timestamp

# Output segments, in display order, and the coverage_facts segments each one adds up.
# perangkat_desa_bpd is handled by village_officials (combined or separate facts, not both).
SEGMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "pekerja_rentan": ("pekerja_rentan",),
    "perangkat_desa_bpd": ("perangkat_desa_bpd", "perangkat_desa", "bpd"),
    "thl_non_asn": ("thl_non_asn",),
    "palm_workers": ("palm_workers",),
    "other": ("fishers", "kader", "other"),
}
SEGMENTS: tuple[str, ...] = tuple(SEGMENT_GROUPS)

# Segments counted against the targets. Every basis measures vulnerable (informal, non-wage)
# workers: "1 desa 100 pekerja rentan" counts them apart from village officials (Labuhanbatu:
# "100 per desa ... village heads and BPD already covered"), and informal workers exclude wage
# earners. Village officials, BPD and non-ASN contract staff (wage workers) are shown in
# covered_total and the segment chart but not counted in the rates.
RATE_SEGMENTS: tuple[str, ...] = ("pekerja_rentan", "palm_workers", "other")

# Only workers actually protected count; "planned" (announced) and "uncovered" rows describe
# something else and are left out.
COVERED_STATUSES: frozenset[str] = frozenset({"registered", "funded"})


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def flags_of(values: pd.Series | list) -> set[str]:
    """The set of flags in a column of ``;``-joined flag strings (empty/NaN ignored).

    Parameters
    ----------
    values : Series or list
        Flag cells, e.g. ``"DERIVED;CONFLICT"``.

    Returns
    -------
    set of str
        Upper-case flags, e.g. ``{"DERIVED", "CONFLICT"}``.
    """
    out: set[str] = set()
    for value in values:
        if isinstance(value, str) and value.strip():
            out.update(part.strip().upper() for part in value.split(";") if part.strip())
    return out


def dates_of(frame: pd.DataFrame, column: str = "date") -> pd.Series:
    """The dates of a column (``NaT`` where a cell is not a date).

    Parameters
    ----------
    frame : DataFrame
        A table with a date column.
    column : str
        Its name.

    Returns
    -------
    Series
        ``datetime64`` values.
    """
    return pd.to_datetime(frame[column], errors="coerce")


def _used_sentences(notes: pd.Series) -> list[str]:
    """The note sentences that say which figure of a CONFLICT is used."""
    return [
        part
        for note in notes.fillna("").astype(str)
        for part in re.split(r"(?<=[.;])\s+", note)
        if "used" in part.lower()
    ]


def _names_value(sentences: list[str], value: object) -> bool:
    """Whether ``value``, written with thousands separators, appears in one of ``sentences``.

    Only whole numbers of 1.000 or more are matched: smaller ones cannot be told apart safely
    from other numbers in a note.
    """
    if pd.isna(value) or float(value) != int(value) or float(value) < 1000:
        return False
    forms = {f"{int(value):,}", f"{int(value):,}".replace(",", ".")}
    pattern = "|".join(re.escape(f) for f in forms)
    return any(re.search(rf"(?<![\d.,])(?:{pattern})(?![\d]|[.,]\d)", s) for s in sentences)


def _named_used(rows: pd.DataFrame, value_col: str) -> object | None:
    """Index of the row whose value the notes name as the one used, if exactly one is named.

    The data rule for a CONFLICT is that both values are kept and the note says which one is
    used ("Used: 511,704", "368,484 (mid-2023) is the value used"). A row counts as named when
    its value, written with thousands separators, appears in a note sentence containing "used".
    """
    sentences = _used_sentences(rows["note"])
    named = {idx for idx, value in rows[value_col].items() if _names_value(sentences, value)}
    return named.pop() if len(named) == 1 else None


def pick(rows: pd.DataFrame, value_col: str = "value") -> pd.Series | None:
    """One figure from candidate rows that already carry their date in ``_when``.

    Rule (documented for every denominator read here): prefer rows not flagged UNCONFIRMED or
    ESTIMATE when any exist; take the newest date; if several rows share it (a CONFLICT), take
    the one the notes name as used, else the smaller value.

    Parameters
    ----------
    rows : DataFrame
        Candidate rows with ``_when`` (date), ``flag``, ``note`` and ``value_col``.
    value_col : str
        Column holding the figure.

    Returns
    -------
    Series or None
        The row picked; None when ``rows`` is empty.
    """
    if rows.empty:
        return None
    clean = rows[[not (flags_of([f]) & {"UNCONFIRMED", "ESTIMATE"}) for f in rows["flag"]]]
    if not clean.empty:
        rows = clean
    rows = rows[rows["_when"] == rows["_when"].max()]
    if len(rows) == 1:
        return rows.iloc[0]
    named = _named_used(rows, value_col)
    if named is not None:
        return rows.loc[named]
    return rows.loc[rows[value_col].astype(float).idxmin()]


def _period_to_date(period: object) -> pd.Timestamp:
    """A period ``2023-08`` or year ``2024`` as the first day of that month/year."""
    text = str(period).strip()
    if len(text) == 4 and text.isdigit():
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    return pd.Timestamp(text)


# --------------------------------------------------------------------------------------------
# workers covered
# --------------------------------------------------------------------------------------------


def _newest(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of the newest date in ``rows`` (all of them: several facts may share a date)."""
    if rows.empty:
        return rows
    return rows[rows["_date"] == rows["_date"].max()]


def _distinct_facts(rows: pd.DataFrame) -> pd.DataFrame:
    """The facts of one segment and date that describe different workers.

    - A fact whose funding source is ``mixed`` is the total over several sources (e.g. "14.300
      informal workers, DBH Sawit + APBD"), so it replaces the single-source facts.
    - The same count from two sources is one group of workers reported twice (Pakpak Bharat,
      9 July 2025: 4.979 THL in two articles); the row that names a payer is kept.
    """
    mixed = rows["funding_source"] == "mixed"
    if mixed.any():
        rows = rows[mixed]
    rows = rows.sort_values("funding_source", key=lambda s: s.fillna("unknown").eq("unknown"))
    return rows.drop_duplicates(subset=["workers"], keep="first")


def sum_facts(rows: pd.DataFrame) -> float:
    """Workers of the facts of one segment and date, without counting a conflict twice.

    Facts that share segment, date and funding source but disagree are kept in the data with the
    flag CONFLICT; adding them would count the same workers twice. Of such a group the figure
    the notes name as used is taken, else the smaller one, so that coverage is never
    overstated. Facts with different funding sources describe different groups of workers and
    are added, after ``_distinct_facts`` has removed totals' parts and repeated reports.

    Parameters
    ----------
    rows : DataFrame
        Facts of one segment and date: ``workers``, ``funding_source``, ``flag``, ``note``.

    Returns
    -------
    float
        Workers covered.
    """
    rows = _distinct_facts(rows)
    total = 0.0
    for _, group in rows.groupby(rows["funding_source"].fillna("unknown"), sort=False):
        conflicted = group["flag"].fillna("").str.upper().str.contains("CONFLICT")
        if conflicted.any():
            chosen = _named_used(group[conflicted], "workers")
            used = (group.loc[chosen, "workers"] if chosen is not None
                    else group.loc[conflicted, "workers"].min())
            total += float(used) + float(group.loc[~conflicted, "workers"].sum())
        else:
            total += float(group["workers"].sum())
    return total


def village_officials(rows: pd.DataFrame) -> pd.DataFrame:
    """The facts that give the perangkat desa + BPD count, without double counting.

    A combined ``perangkat_desa_bpd`` fact is used when it is at least as new as the newest
    separate ``perangkat_desa`` and ``bpd`` facts; then separate facts are ignored (they are part
    of it). Otherwise the newest ``perangkat_desa`` and the newest ``bpd`` facts are added.
    When the two readings are a CONFLICT (Dairi 2023: 2.453 combined against 1.825 + 989 =
    2.814 itemised), the one the notes name as used wins, whatever its date.

    Parameters
    ----------
    rows : DataFrame
        Facts of segments ``perangkat_desa_bpd``, ``perangkat_desa`` and ``bpd``, with their
        date in ``_date`` and ``workers``, ``flag``, ``note``.

    Returns
    -------
    DataFrame
        The facts to add up (the combined ones, or the separate ones; never both).
    """
    combined = _newest(rows[rows["segment"] == "perangkat_desa_bpd"])
    separate = rows[rows["segment"].isin(["perangkat_desa", "bpd"])]
    parts = pd.concat(
        [_newest(separate[separate["segment"] == seg]) for seg in ("perangkat_desa", "bpd")]
    )
    if combined.empty:
        return parts
    if separate.empty:
        return combined
    both = pd.concat([combined, parts])
    if both["flag"].fillna("").str.upper().str.contains("CONFLICT").any():
        sentences = _used_sentences(both["note"])
        if _names_value(sentences, parts["workers"].sum()):
            return parts
        if _names_value(sentences, combined["workers"].sum()):
            return combined
    return combined if combined["_date"].max() >= separate["_date"].max() else parts


def segment_facts(facts: pd.DataFrame, as_of: date | str | None = None) -> pd.DataFrame:
    """The coverage facts that make up each regency's count on ``as_of``.

    For each area and output segment, the newest observation at or before ``as_of`` is used:

    - ``pekerja_rentan``, ``thl_non_asn``, ``palm_workers``: the facts of the newest date;
    - ``perangkat_desa_bpd``: the newest combined fact, or newest ``perangkat_desa`` plus newest
      ``bpd`` when those are newer (see ``village_officials``) — never both;
    - ``other``: ``fishers``, ``kader`` and ``other``, each at its own newest date, added.

    Only facts with status ``registered`` or ``funded`` count. ``all_workers`` (every BPJS
    participant of the area, formal workers included) is another universe and is not used here.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts`` (columns ``fact_id, area_code, date, segment, workers,
        funding_source, status, source_id, flag``).
    as_of : date, str or None
        Cut-off date (inclusive); None is today.

    Returns
    -------
    DataFrame
        The facts used, with an extra column ``group`` (output segment).
    """
    cutoff = as_timestamp(as_of)
    rows = facts.copy()
    rows["_date"] = dates_of(rows)
    rows = rows[
        rows["status"].isin(COVERED_STATUSES)
        & rows["_date"].notna()
        & (rows["_date"] <= cutoff)
        & rows["workers"].notna()
    ]
    used = []
    for _area, area_rows in rows.groupby("area_code", sort=True):
        for group, members in SEGMENT_GROUPS.items():
            seg_rows = area_rows[area_rows["segment"].isin(members)]
            if seg_rows.empty:
                continue
            if group == "perangkat_desa_bpd":
                chosen = village_officials(seg_rows)
            else:
                chosen = pd.concat(
                    [_newest(seg_rows[seg_rows["segment"] == seg]) for seg in members]
                )
            if chosen.empty:
                continue
            # Keep only the facts the count adds, so a table of "facts used" agrees with it.
            chosen = pd.concat(
                [_distinct_facts(part) for _, part in chosen.groupby(["segment", "_date"])]
            )
            used.append(chosen.assign(group=group))
    if not used:
        return rows.iloc[0:0].assign(group=pd.Series(dtype=str))
    return pd.concat(used, ignore_index=True)


def covered_by_segment(facts: pd.DataFrame, as_of: date | str | None = None) -> pd.DataFrame:
    """Workers covered per area and segment on ``as_of`` (see ``segment_facts`` for the rules).

    ``covered_total`` is the sum of the five segments (pekerja_rentan, perangkat_desa_bpd,
    thl_non_asn, palm_workers, other); ``covered_rentan`` the sum of ``RATE_SEGMENTS``
    (pekerja_rentan, palm_workers, other), the count the targets are measured against. A segment
    without facts is NaN (unknown), not 0; the sums add the known segments and are NaN when none
    of their segments is known.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts``.
    as_of : date, str or None
        Cut-off date (inclusive); None is today.

    Returns
    -------
    DataFrame
        One row per ``area_code`` with data: ``covered_<segment>`` for each segment,
        ``covered_total``, ``covered_rentan``, ``coverage_date`` (newest fact used),
        ``coverage_flags`` (set of flags of the facts used), ``coverage_sources`` (source ids,
        ``;``-joined).
    """
    used = segment_facts(facts, as_of)
    columns = ["area_code", *(f"covered_{s}" for s in SEGMENTS), "covered_total",
               "covered_rentan", "coverage_date", "coverage_flags", "coverage_sources"]
    records = []
    for area, rows in used.groupby("area_code", sort=True):
        record: dict[str, object] = {"area_code": area}
        for seg in SEGMENTS:
            seg_rows = rows[rows["group"] == seg]
            if seg_rows.empty:
                record[f"covered_{seg}"] = np.nan
            else:
                record[f"covered_{seg}"] = sum(
                    sum_facts(part) for _, part in seg_rows.groupby(["segment", "_date"])
                )
        record["covered_total"] = float(np.nansum([record[f"covered_{s}"] for s in SEGMENTS]))
        rentan = [record[f"covered_{s}"] for s in RATE_SEGMENTS]
        record["covered_rentan"] = (
            float(np.nansum(rentan)) if np.isfinite(rentan).any() else np.nan
        )
        record["coverage_date"] = rows["_date"].max()
        record["coverage_flags"] = flags_of(rows["flag"])
        record["coverage_sources"] = ";".join(sorted(set(rows["source_id"].dropna())))
        records.append(record)
    return pd.DataFrame.from_records(records, columns=columns)


def previous_coverage(facts: pd.DataFrame, as_of: date | str | None = None) -> pd.DataFrame:
    """Each area's covered total at its previous observation date before the current one.

    The current observation date is the newest fact date at or before ``as_of``; the previous
    one is the newest fact date before that. The previous total is ``covered_total`` computed
    as of that previous date, with the same rules.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts``.
    as_of : date, str or None
        Cut-off date (inclusive); None is today.

    Returns
    -------
    DataFrame
        ``area_code, previous_date, previous_covered_total`` for areas with an earlier
        observation.
    """
    current = covered_by_segment(facts, as_of)
    rows = facts.assign(_date=dates_of(facts))
    counted = {seg for members in SEGMENT_GROUPS.values() for seg in members}
    rows = rows[
        rows["status"].isin(COVERED_STATUSES) & rows["workers"].notna()
        & rows["segment"].isin(counted)
    ]
    records = []
    for _, cur in current.iterrows():
        earlier = rows.loc[
            (rows["area_code"] == cur["area_code"]) & (rows["_date"] < cur["coverage_date"]),
            "_date",
        ]
        if earlier.empty:
            continue
        prev_date = earlier.max()
        prev = covered_by_segment(facts[facts["area_code"] == cur["area_code"]], prev_date)
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


# --------------------------------------------------------------------------------------------
# figures in force on a date (the denominators)
# --------------------------------------------------------------------------------------------


def _when(rows: pd.DataFrame) -> pd.Series:
    """Date of each row: ``period`` where given, else ``year`` (first day of it)."""
    period = rows["period"] if "period" in rows else pd.Series("", index=rows.index)
    year = rows["year"] if "year" in rows else pd.Series("", index=rows.index)
    text = [
        p if isinstance(p, str) and p.strip() else y
        for p, y in zip(period, year, strict=True)
    ]
    return pd.Series([_period_to_date(t) for t in text], index=rows.index, dtype="datetime64[ns]")


def newest_value(rows: pd.DataFrame, cutoff: pd.Timestamp) -> pd.Series | None:
    """The figure in force at ``cutoff`` (see ``pick``); None if there is none.

    Parameters
    ----------
    rows : DataFrame
        Rows of one indicator with ``period`` and/or ``year`` (the date of each row: its
        ``period`` where given, else the first day of its ``year``), ``value``, ``flag``,
        ``note``.
    cutoff : Timestamp
        Rows dated after it are not yet known.

    Returns
    -------
    Series or None
        The row picked (with its date in ``_when``), or None.
    """
    if rows.empty:
        return None
    rows = rows.assign(_when=_when(rows))
    return pick(rows[rows["_when"] <= cutoff])
