"""Coverage of vulnerable workers by BPJS Ketenagakerjaan, compared across kab/kota.

There is no single denominator for "how covered is a regency", so every rate is computed against
an explicit target basis and the table carries all of them:

``village``
    The "1 desa 100 pekerja rentan" rule: ``targets.workers_per_desa`` × number of desa. It does
    not apply to kelurahan (urban wards without a village fund), so a kota without desa gets NaN
    with the reason (assumption A02), never 0.
``informal``
    The number of informal workers: a BPS figure where the data hold one for the regency,
    otherwise assumption A01 (regency population × province employment ratio × province
    informal share), flagged as an estimate. A regency's own figure comes first.
``declared``
    The regency's own declared target (``declared_targets.csv``) where one exists.

The metric functions are pure: they take DataFrames and parameters and return DataFrames, so
tests can feed hand-written tables. ``coverage_table`` is the thin wrapper that loads the shipped
data (``analysis.data``), the parameters and the contribution rate (``analysis.funding``).

A regency without coverage data has status ``"no data"``; its coverage, gap and rate stay NaN
and it is ranked last. Missing data is never shown as zero.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from analysis.core import i18n, numbers

BASES: tuple[str, ...] = ("village", "informal", "declared")

# Output segments, in display order, and the coverage_facts segments each one adds up.
# perangkat_desa_bpd is handled by _village_officials (combined or separate facts, not both).
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

NO_DATA = "no data"
OK = "ok"


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _as_timestamp(as_of: date | str | None) -> pd.Timestamp:
    """``as_of`` as a normalised Timestamp; None means today."""
    return pd.Timestamp(date.today() if as_of is None else as_of).normalize()


def _flags(values: pd.Series | list) -> set[str]:
    """The set of flags in a column of ``;``-joined flag strings (empty/NaN ignored)."""
    out: set[str] = set()
    for value in values:
        if isinstance(value, str) and value.strip():
            out.update(part.strip().upper() for part in value.split(";") if part.strip())
    return out


def _dates(frame: pd.DataFrame, column: str = "date") -> pd.Series:
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


def _pick(rows: pd.DataFrame, value_col: str = "value") -> pd.Series | None:
    """One figure from candidate rows that already carry their date in ``_when``.

    Rule (documented for every denominator read here): prefer rows not flagged UNCONFIRMED or
    ESTIMATE when any exist; take the newest date; if several rows share it (a CONFLICT), take
    the one the notes name as used, else the smaller value.
    """
    if rows.empty:
        return None
    clean = rows[[not (_flags([f]) & {"UNCONFIRMED", "ESTIMATE"}) for f in rows["flag"]]]
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


def _sum_rows(rows: pd.DataFrame) -> float:
    """Workers of the facts of one segment and date, without counting a conflict twice.

    Facts that share segment, date and funding source but disagree are kept in the data with the
    flag CONFLICT; adding them would count the same workers twice. Of such a group the figure
    the notes name as used is taken, else the smaller one, so that coverage is never
    overstated. Facts with different funding sources describe different groups of workers and
    are added, after ``_distinct_facts`` has removed totals' parts and repeated reports.
    """
    rows = _distinct_facts(rows)
    total = 0.0
    for _, group in rows.groupby(rows["funding_source"].fillna("unknown"), sort=False):
        conflicted = group["flag"].fillna("").str.upper().str.contains("CONFLICT")
        if conflicted.any():
            chosen = _named_used(group[conflicted], "workers")
            pick = (group.loc[chosen, "workers"] if chosen is not None
                    else group.loc[conflicted, "workers"].min())
            total += float(pick) + float(group.loc[~conflicted, "workers"].sum())
        else:
            total += float(group["workers"].sum())
    return total


def _village_officials(rows: pd.DataFrame) -> pd.DataFrame:
    """The facts that give the perangkat desa + BPD count, without double counting.

    A combined ``perangkat_desa_bpd`` fact is used when it is at least as new as the newest
    separate ``perangkat_desa`` and ``bpd`` facts; then separate facts are ignored (they are part
    of it). Otherwise the newest ``perangkat_desa`` and the newest ``bpd`` facts are added.
    When the two readings are a CONFLICT (Dairi 2023: 2.453 combined against 1.825 + 989 =
    2.814 itemised), the one the notes name as used wins, whatever its date.
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
      ``bpd`` when those are newer (see ``_village_officials``) — never both;
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
    cutoff = _as_timestamp(as_of)
    rows = facts.copy()
    rows["_date"] = _dates(rows)
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
                chosen = _village_officials(seg_rows)
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
                    _sum_rows(part) for _, part in seg_rows.groupby(["segment", "_date"])
                )
        record["covered_total"] = float(np.nansum([record[f"covered_{s}"] for s in SEGMENTS]))
        rentan = [record[f"covered_{s}"] for s in RATE_SEGMENTS]
        record["covered_rentan"] = (
            float(np.nansum(rentan)) if np.isfinite(rentan).any() else np.nan
        )
        record["coverage_date"] = rows["_date"].max()
        record["coverage_flags"] = _flags(rows["flag"])
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
    rows = facts.assign(_date=_dates(facts))
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
# targets
# --------------------------------------------------------------------------------------------


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


def _when(rows: pd.DataFrame) -> pd.Series:
    """Date of each row: ``period`` where given, else ``year`` (first day of it)."""
    period = rows["period"] if "period" in rows else pd.Series("", index=rows.index)
    year = rows["year"] if "year" in rows else pd.Series("", index=rows.index)
    text = [
        p if isinstance(p, str) and p.strip() else y
        for p, y in zip(period, year, strict=True)
    ]
    return pd.Series([_period_to_date(t) for t in text], index=rows.index, dtype="datetime64[ns]")


def _newest_value(rows: pd.DataFrame, cutoff: pd.Timestamp) -> pd.Series | None:
    """The figure in force at ``cutoff`` (see ``_pick``); None if there is none."""
    if rows.empty:
        return None
    rows = rows.assign(_when=_when(rows))
    return _pick(rows[rows["_when"] <= cutoff])


def province_informal_inputs(
    labour_force: pd.DataFrame,
    population: pd.DataFrame,
    province: str,
    as_of: date | str | None = None,
) -> dict[str, object]:
    """Province figures for the A01 informal-worker estimate.

    Employment ratio = province ``employed`` ÷ province ``population``; informal share =
    province ``informal_share_pct`` ÷ 100; both the newest at or before ``as_of``.

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

    Returns
    -------
    dict
        ``employment_ratio``, ``informal_share`` (NaN when missing), ``period`` (newest input),
        ``flags`` (set) and ``note`` (the arithmetic).
    """
    cutoff = _as_timestamp(as_of)
    lf = labour_force[labour_force["area_code"] == province]
    employed = _newest_value(lf[lf["indicator"] == "employed"], cutoff)
    share = _newest_value(lf[lf["indicator"] == "informal_share_pct"], cutoff)
    pop_rows = population[
        (population["regency_code"] == province) & (population["indicator"] == "population")
    ]
    pop = _newest_value(pop_rows, cutoff)
    if employed is None or share is None or pop is None:
        return {"employment_ratio": np.nan, "informal_share": np.nan, "period": pd.NaT,
                "flags": set(), "note": ""}
    ratio = float(employed["value"]) / float(pop["value"])
    informal_share = float(share["value"]) / 100
    return {
        "employment_ratio": ratio,
        "informal_share": informal_share,
        "period": max(employed["_when"], share["_when"], pop["_when"]),
        "flags": _flags([employed["flag"], share["flag"], pop["flag"]]),
        "note": (
            f"employed {employed['value']:.0f} ({employed['period']}) / population "
            f"{pop['value']:.0f} ({pop['year']}) = {ratio:.4f}; informal share "
            f"{share['value']}% ({share['period']})"
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
    figures as transcribed; chosen by ``_pick``, at or before ``as_of``) is used as is (method
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
    cutoff = _as_timestamp(as_of)
    records = []
    for code in regencies["regency_code"]:
        lf = labour_force[
            (labour_force["area_code"] == code) & (labour_force["indicator"] == "informal_workers")
        ]
        bps = _newest_value(lf, cutoff)
        if bps is not None:
            records.append(
                {
                    "regency_code": code,
                    "target_informal": float(bps["value"]),
                    "informal_method": "data",
                    "informal_date": bps["_when"],
                    "informal_flags": _flags([bps["flag"]]),
                    "informal_note": f"informal_workers {bps['period']} ({bps['source_id']})",
                    "informal_period": str(bps["period"]),
                    "informal_source": bps["source_id"],
                }
            )
            continue
        pop = _newest_value(
            population[
                (population["regency_code"] == code) & (population["indicator"] == "population")
            ],
            cutoff,
        )
        ratio = province_inputs["employment_ratio"]
        share = province_inputs["informal_share"]
        if pop is None or not np.isfinite([ratio, share]).all():
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
                "informal_flags": _flags([pop["flag"]]) | set(province_inputs["flags"])
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


def informal_explanation(row: Mapping[str, object], lang: str = "id") -> str:
    """How a regency's informal-worker figure was obtained, in the report language.

    Parameters
    ----------
    row : mapping
        A row of ``coverage_table`` (or ``regency_summary``).
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        One sentence with the numbers formatted for the language; empty when there is no figure.
    """
    t, format_number, format_percent = i18n.t, numbers.format_number, numbers.format_percent
    method = row.get("informal_method")
    if method == "data":
        return t("coverage.informal_from_data", lang, period=row.get("informal_period", ""),
                 source=row.get("informal_source", ""))
    if method != "A01":
        return ""
    return t(
        "coverage.informal_from_a01", lang,
        population=format_number(row["informal_population"], lang),
        year=row["informal_population_year"],
        ratio=format_percent(row["informal_employment_ratio"], lang),
        share=format_percent(row["informal_share"], lang),
        period=row["informal_period"],
        result=format_number(row["target_informal"], lang),
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
        declared_flags`` (set).
    """
    cutoff = _as_timestamp(as_of)
    rows = targets.assign(_date=_dates(targets))
    rows = rows[(rows["_date"] <= cutoff) & rows["target_workers"].notna()]
    rows = rows.sort_values(["area_code", "_date"], kind="stable")
    newest = rows.groupby("area_code", sort=True).tail(1)
    return pd.DataFrame(
        {
            "area_code": newest["area_code"].to_numpy(),
            "target_declared": newest["target_workers"].astype(float).to_numpy(),
            "target_declared_date": newest["_date"].to_numpy(),
            "target_declared_basis": newest["basis"].fillna("").to_numpy(),
            "declared_flags": [_flags([f]) for f in newest["flag"]],
        }
    )


# --------------------------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------------------------


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
        JKK+JKM contribution per worker per month (``funding.monthly_contribution``).
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
    from analysis import data

    inputs = {"regencies": data.regencies(province)}
    for name in ("coverage_facts", "declared_targets", "population_poverty", "labour_force"):
        inputs[name] = data.load_table(name)
    return inputs


def coverage_table(
    province: str = "12",
    as_of: date | str | None = None,
    target_basis: str = "village",
    inputs: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Coverage of every kab/kota of a province on ``as_of`` (shipped data and parameters).

    Loads the tables (``load_inputs``), ``targets.workers_per_desa`` and the JKK+JKM
    contribution in force on ``as_of`` (``funding.monthly_contribution``), then calls
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
    from analysis import funding
    from analysis.params import load_parameters

    cutoff = _as_timestamp(as_of)
    inputs = load_inputs(province) if inputs is None else inputs
    per_desa = float(load_parameters().get("targets.workers_per_desa", on=cutoff.date()))
    monthly = funding.monthly_contribution("jkk-jkm", on=cutoff.date())
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
    from analysis.data import resolve_regency

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
    from analysis.data import load_table

    code = _code(regency_code)
    facts = load_table("coverage_facts")
    used = segment_facts(facts[facts["area_code"] == code], as_of)
    order = {g: i for i, g in enumerate(SEGMENTS)}
    columns = ["group", "segment", "date", "workers", "funding_source", "programmes", "status",
               "source_id", "flag", "note", "fact_id"]
    used = used.assign(_order=used["group"].map(order)).sort_values(["_order", "date"])
    return used[[c for c in columns if c in used.columns]].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# display: league table and narrative in the report language
# --------------------------------------------------------------------------------------------


def _t(key: str, lang: str, **values: object) -> str:
    return i18n.t(f"coverage.{key}", lang, **values)


def _notes(row: pd.Series, lang: str) -> str:
    notes = []
    if row["status"] == NO_DATA:
        notes.append(i18n.t("common.no_data", lang))
    if row["status"] != NO_DATA and pd.isna(row["covered_rentan"]):
        notes.append(_t("note_officials_only", lang))
    if row["target_basis"] == "village" and row.get("target_village_reason") == "A02":
        notes.append(_t("note_no_desa", lang))
    if row["has_unconfirmed"]:
        notes.append(i18n.t("common.unconfirmed", lang))
    if row["has_estimate"]:
        notes.append(i18n.t("common.estimate", lang))
    return "; ".join(notes)


def league_table(table: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """The coverage table as text, ready to show: numbers in the report language's format.

    Parameters
    ----------
    table : DataFrame
        From ``coverage_table`` / ``build_coverage_table``.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    DataFrame
        One row per kab/kota ordered by rank, translated column names, all cells text
        ("45.900", "41,4%", "Rp9,25 miliar", "–" where unknown).
    """
    i18n.check_lang(lang)
    rows = table.assign(_missing=table["status"] == NO_DATA).sort_values(
        ["rank", "_missing", "covered_total"], ascending=[True, True, False], kind="stable"
    )

    def num(value: object) -> str:
        return numbers.format_number(float(value), lang) if pd.notna(value) else "–"

    def change(value: object) -> str:
        if pd.isna(value):
            return "–"
        return ("+" if value > 0 else "") + numbers.format_number(float(value), lang)

    def when(value: object) -> str:
        return pd.Timestamp(value).strftime("%Y-%m-%d") if pd.notna(value) else "–"

    basis = str(rows["target_basis"].iloc[0]) if len(rows) else "village"
    out = pd.DataFrame(
        {
            _t("col_rank", lang): [str(r) if pd.notna(r) else "–" for r in rows["rank"]],
            i18n.t("common.regency", lang): rows["name"].to_list(),
            _t("col_desa", lang): [num(v) for v in rows["desa"]],
            _t("col_covered", lang): [num(v) for v in rows["covered_rentan"]],
            _t("col_covered_all", lang): [num(v) for v in rows["covered_total"]],
            _t(f"col_target_{basis}", lang): [num(v) for v in rows["target"]],
            _t("col_rate", lang): [
                numbers.format_percent(float(v), lang) if pd.notna(v) else "–"
                for v in rows["rate"]
            ],
            _t("col_gap", lang): [num(v) for v in rows["gap_workers"]],
            _t("col_gap_rp", lang): [
                numbers.format_rupiah(float(v), lang) if pd.notna(v) else "–"
                for v in rows["gap_rp_year"]
            ],
            _t("col_change", lang): [change(v) for v in rows["change_since_previous"]],
            _t("col_date", lang): [when(v) for v in rows["coverage_date"]],
            _t("col_notes", lang): [_notes(r, lang) for _, r in rows.iterrows()],
        }
    )
    return out.reset_index(drop=True)


def narrative(table: pd.DataFrame, lang: str = "id") -> str:
    """A short Markdown summary of the coverage table; every number is computed from it.

    Parameters
    ----------
    table : DataFrame
        From ``coverage_table`` (uses ``attrs`` for the date and the contribution when present).
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        Markdown paragraphs in the report language.
    """
    i18n.check_lang(lang)
    basis = str(table["target_basis"].iloc[0]) if len(table) else "village"
    has = table[table["status"] != NO_DATA]
    ranked = has[has["rate"].notna()].sort_values("rate", ascending=False)
    as_of = table.attrs.get("as_of")
    lines = [
        _t(
            "story_data",
            lang,
            as_of=pd.Timestamp(as_of).strftime("%Y-%m-%d") if as_of is not None else "–",
            with_data=numbers.format_number(len(has), lang),
            total=numbers.format_number(len(table), lang),
            no_data=numbers.format_number(len(table) - len(has), lang),
            covered=numbers.format_number(float(has["covered_total"].sum()), lang),
            rentan=numbers.format_number(float(has["covered_rentan"].sum()), lang),
        )
    ]
    if not ranked.empty:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        lines.append(
            _t(
                "story_rates",
                lang,
                basis=_t(f"basis_{basis}", lang),
                reached=numbers.format_number(int((ranked["rate"] >= 1).sum()), lang),
                ranked=numbers.format_number(len(ranked), lang),
                best=best["name"],
                best_rate=numbers.format_percent(float(best["rate"]), lang),
                worst=worst["name"],
                worst_rate=numbers.format_percent(float(worst["rate"]), lang),
            )
        )
        gap = ranked["gap_workers"].sum()
        monthly = table.attrs.get("monthly_contribution_rp")
        lines.append(
            _t(
                "story_gap",
                lang,
                gap=numbers.format_number(float(gap), lang),
                cost=numbers.format_rupiah(float(ranked["gap_rp_year"].sum()), lang),
                monthly=numbers.format_rupiah(float(monthly), lang) if monthly else "–",
            )
        )
    no_desa = int((has["target_village_reason"] == "A02").sum()) if basis == "village" else 0
    if no_desa:
        lines.append(_t("story_no_desa", lang, count=numbers.format_number(no_desa, lang)))
    flagged_u = int(has["has_unconfirmed"].sum())
    flagged_e = int(has["has_estimate"].sum())
    if flagged_u or flagged_e:
        lines.append(
            _t("story_flags", lang, unconfirmed=numbers.format_number(flagged_u, lang),
               estimate=numbers.format_number(flagged_e, lang))
        )
    if len(has):
        oldest = has["coverage_date"].min()
        lines.append(
            _t("story_freshness", lang, oldest=pd.Timestamp(oldest).strftime("%Y-%m-%d"),
               newest=pd.Timestamp(has["coverage_date"].max()).strftime("%Y-%m-%d"))
        )
    return "\n\n".join(lines)
