"""Which coverage facts count: the pick, conflict and double-count rules.

These are the rules ``data/README.md`` documents for reading the data:

- ``pick`` / ``newest_value``: one figure from several candidate rows (prefer unflagged rows,
  then the newest date, then the value the notes name as used, then the smaller value);
- ``sum_facts``: the workers of several facts of one segment and date without counting a
  CONFLICT, a total's parts or a repeated report twice;
- ``village_officials``: the perangkat desa + BPD count from combined or separate facts,
  never both.

``analysis.model.coverage.current`` decides which facts are current on a date and
``analysis.model.coverage.counted`` applies these rules per regency, segment and target basis.
Everything here is pure: DataFrames in, DataFrames or numbers out.
"""

from __future__ import annotations

import re

import pandas as pd

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

# Output groups of the vulnerable (informal, non-wage) workers, the count the informal basis
# measures. Village officials, BPD and non-ASN contract staff (wage workers) are shown in
# covered_total and the segment chart but never counted in a rate. Which of these groups each
# target basis counts is in analysis.model.coverage.counted (BASIS_SEGMENTS).
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
