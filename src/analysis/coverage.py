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
    informal share), flagged as an estimate.
``declared``
    The regency's own declared target (``declared_targets.csv``) where one exists.

The metric functions are pure: they take DataFrames and parameters and return DataFrames, so
tests can feed hand-written tables. ``coverage_table`` is the thin wrapper that loads the shipped
data (``analysis.data``), the parameters and the contribution rate (``analysis.funding``).

A regency without coverage data has status ``"no data"``; its coverage, gap and rate stay NaN
and it is ranked last. Missing data is never shown as zero.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

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


def _sum_rows(rows: pd.DataFrame) -> float:
    """Workers of the facts of one segment and date, without counting a conflict twice.

    Facts that share segment, date and funding source but disagree are kept in the data with the
    flag CONFLICT; adding them would count the same workers twice. Of such a group the smaller
    figure is used, so that coverage is never overstated. Facts with different funding sources
    describe different groups of workers and are added.
    """
    total = 0.0
    for _, group in rows.groupby(rows["funding_source"].fillna("unknown"), sort=False):
        conflicted = group["flag"].fillna("").str.upper().str.contains("CONFLICT")
        if conflicted.any():
            total += float(group.loc[conflicted, "workers"].min()) + float(
                group.loc[~conflicted, "workers"].sum()
            )
        else:
            total += float(group["workers"].sum())
    return total


def _village_officials(rows: pd.DataFrame) -> pd.DataFrame:
    """The facts that give the perangkat desa + BPD count, without double counting.

    A combined ``perangkat_desa_bpd`` fact is used when it is at least as new as the newest
    separate ``perangkat_desa`` and ``bpd`` facts; then separate facts are ignored (they are part
    of it). Otherwise the newest ``perangkat_desa`` and the newest ``bpd`` facts are added.
    """
    combined = _newest(rows[rows["segment"] == "perangkat_desa_bpd"])
    separate = rows[rows["segment"].isin(["perangkat_desa", "bpd"])]
    if not combined.empty and (
        separate.empty or combined["_date"].max() >= separate["_date"].max()
    ):
        return combined
    return pd.concat(
        [_newest(separate[separate["segment"] == seg]) for seg in ("perangkat_desa", "bpd")]
    )


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
            used.append(chosen.assign(group=group))
    if not used:
        return rows.iloc[0:0].assign(group=pd.Series(dtype=str))
    return pd.concat(used, ignore_index=True)


def covered_by_segment(facts: pd.DataFrame, as_of: date | str | None = None) -> pd.DataFrame:
    """Workers covered per area and segment on ``as_of`` (see ``segment_facts`` for the rules).

    ``covered_total`` is the sum of the five segments (pekerja_rentan, perangkat_desa_bpd,
    thl_non_asn, palm_workers, other). A segment without facts is NaN (unknown), not 0; the total
    adds the known segments.

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
        ``covered_total``, ``coverage_date`` (newest fact used), ``coverage_flags`` (set of
        flags of the facts used), ``coverage_sources`` (source ids, ``;``-joined).
    """
    used = segment_facts(facts, as_of)
    columns = ["area_code", *(f"covered_{s}" for s in SEGMENTS), "covered_total",
               "coverage_date", "coverage_flags", "coverage_sources"]
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
        record["covered_total"] = float(
            np.nansum([record[f"covered_{s}"] for s in SEGMENTS])
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
    rows = rows[rows["status"].isin(COVERED_STATUSES) & rows["workers"].notna()]
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


def _newest_value(
    rows: pd.DataFrame, cutoff: pd.Timestamp, period_col: str
) -> pd.Series | None:
    """The row with the newest period at or before ``cutoff`` (None if there is none)."""
    if rows.empty:
        return None
    when = rows[period_col].map(_period_to_date)
    rows = rows.assign(_when=when)[when <= cutoff]
    if rows.empty:
        return None
    return rows.sort_values("_when", kind="stable").iloc[-1]


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
    employed = _newest_value(lf[lf["indicator"] == "employed"], cutoff, "period")
    share = _newest_value(lf[lf["indicator"] == "informal_share_pct"], cutoff, "period")
    pop_rows = population[
        (population["regency_code"] == province) & (population["indicator"] == "population")
    ]
    pop = _newest_value(pop_rows, cutoff, "year")
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
    """Informal workers per regency: BPS where available, else assumption A01.

    A regency's own ``informal_workers`` row in ``labour_force`` (newest at or before
    ``as_of``) is used as is (method ``"BPS"``). Otherwise (method ``"A01"``): newest regency
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
        bps = _newest_value(lf, cutoff, "period")
        if bps is not None:
            records.append(
                {
                    "regency_code": code,
                    "target_informal": float(bps["value"]),
                    "informal_method": "BPS",
                    "informal_date": bps["_when"],
                    "informal_flags": _flags([bps["flag"]]),
                    "informal_note": f"informal_workers {bps['period']}",
                }
            )
            continue
        pop = _newest_value(
            population[
                (population["regency_code"] == code) & (population["indicator"] == "population")
            ],
            cutoff,
            "year",
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
            }
        )
    return pd.DataFrame.from_records(
        records,
        columns=["regency_code", "target_informal", "informal_method", "informal_date",
                 "informal_flags", "informal_note"],
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
    """Rank coverage rates, highest first; NaN (no data, no target) last; ties share the best.

    Parameters
    ----------
    rates : Series
        Coverage rates of the regencies of one province.

    Returns
    -------
    Series
        Integer ranks (1 = best), pandas ``Int64``.
    """
    return rates.rank(ascending=False, method="min", na_option="bottom").astype("Int64")


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

    For each basis ``b`` in village / informal / declared: ``target_b``, ``rate_b`` = covered ÷
    target, ``gap_workers_b`` = max(target − covered, 0) and ``gap_rp_year_b`` = gap × monthly
    contribution × 12. ``target``, ``rate``, ``gap_workers``, ``gap_rp_year`` and ``rank`` repeat
    the chosen ``target_basis``. Without coverage data every rate and gap is NaN (unknown), not
    0, and ``status`` is ``"no data"``.

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
        cov = table["covered_total"].astype(float)
        usable = has_data & (target > 0)
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
