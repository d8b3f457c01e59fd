"""DBH Sawit: the share of the palm-oil revenue transfer that may pay palm workers' contributions.

PMK 91/2023 Pasal 16 keeps at least 80% of a regency's DBH Sawit allocation for roads and allows
at most 20% for "other activities", one of which is the social protection of unregistered
palm-plantation workers. This module turns an allocation into that envelope
(``dbh_envelope``), the envelope into workers (``palm_workers_fundable``), reads the
allocations of the ``dbh_sawit`` table (``dbh_allocation``, ``allocation_from_table``; a
CONFLICT resolved as the data's notes say, ``resolve_rows``) and gathers all of it for one area
and date (``dbh_summary``: the series of years with their flags, the value that drives the
envelope and why, and a low–high range). Every caller asks ``dbh_summary``.

The legal share comes from the dated parameters (``dbh_sawit.other.max_share``); the
contribution rates from ``analysis.model.contributions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.core.checks import amount_rp, as_date, positive_int
from analysis.core.errors import UserError
from analysis.data.parameters import Parameters, default_parameters
from analysis.data.tables import StampedCache, data_stamp, load_table
from analysis.model.contributions import DEFAULT_PACKAGE, workers_affordable

# Tables dbh_summary reads (with the parameters, which data_stamp includes), and its results.
_SUMMARY_TABLES = ("dbh_sawit", "sources")
_SUMMARIES = StampedCache(600)


def dbh_envelope(
    allocation_rp: float,
    social_share: float = 1.0,
    on: date | str | None = None,
    params: Parameters | None = None,
) -> int:
    """Rupiah of a DBH Sawit allocation that may go to palm workers' social protection.

    PMK 91/2023 Pasal 16 keeps at least 80% for roads and allows at most 20% for "other
    activities", of which social protection of unregistered palm workers (Pasal 16(5)e) is one
    of five; ``social_share`` is the part of that 20% the regency gives to it.

    Parameters
    ----------
    allocation_rp : float
        The regency's DBH Sawit allocation for the year.
    social_share : float
        Share (0–1) of the "other activities" envelope used for social protection; 1 = all.
    on : date or str, optional
        Date the rule is taken at.
    params : Parameters, optional
        Parameters object; the shipped parameters when omitted.

    Returns
    -------
    int
        floor(allocation × ``dbh_sawit.other.max_share`` × social_share), whole rupiah; rounded
        down because the envelope is a legal ceiling.
    """
    allocation = amount_rp(allocation_rp)
    if isinstance(social_share, bool) or not 0 <= social_share <= 1:
        raise UserError(f"social_share must be a share between 0 and 1, got {social_share!r}")
    params = default_parameters(params)
    cap = Decimal(str(params.get("dbh_sawit.other.max_share", as_date(on))))
    return int(allocation * cap * Decimal(str(social_share)))


def palm_workers_fundable(
    envelope_rp: float,
    months: int = 12,
    eligible_workers: int | None = None,
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    params: Parameters | None = None,
) -> int:
    """Palm-plantation workers a DBH Sawit envelope covers for ``months``.

    Parameters
    ----------
    envelope_rp : float
        Rupiah available (see ``dbh_envelope``).
    months : int
        Months of contributions; 12 by default.
    eligible_workers : int, optional
        Palm-plantation workers not yet registered: PMK 91/2023 Pasal 16(5)e funds only them,
        so the answer never exceeds this number. No cap when omitted.
    package, on, income_rp, params
        As in ``contribution_breakdown`` (BPU packages).

    Returns
    -------
    int
        min(floor(envelope / (monthly × months)), eligible_workers).
    """
    fundable = workers_affordable(envelope_rp, months, package, on, income_rp, None, params)
    if eligible_workers is None:
        return fundable
    return min(fundable, positive_int(eligible_workers, "eligible workers", allow_zero=True))


def dbh_allocation(area_code: str, year: int) -> int | None:
    """DBH Sawit allocation of a province or regency for a year, from ``dbh_sawit``.

    Parameters
    ----------
    area_code : str
        Kemendagri code, ``"12.10"`` (regency) or ``"12"`` (province).
    year : int
        Budget year.

    Returns
    -------
    int or None
        Whole rupiah, or None when the table has no row. Where several rows exist, the one the
        data's notes say to use (``resolve_rows``): Mandailing Natal 2023 is Rp9.543.279.000
        (PMK annex, "USED"), not the Rp9.150.000.000 of the row marked "NOT USED". Check the
        row's ``flag`` (e.g. UNCONFIRMED) with ``dbh_summary``.
    """
    return allocation_from_table(load_table("dbh_sawit"), area_code, year, _source_dates())


def _source_dates() -> dict[str, str]:
    """Publication date of every source (ISO text, "" when unknown), to order user imports."""
    sources = load_table("sources")
    dates = pd.to_datetime(sources["date_published"], errors="coerce")
    return {sid: (d.date().isoformat() if pd.notna(d) else "")
            for sid, d in zip(sources["source_id"], dates, strict=True)}


def resolve_rows(
    rows: pd.DataFrame, source_dates: Mapping[str, str] | None = None
) -> tuple[pd.Series | None, pd.DataFrame]:
    """One allocation from the rows of one area and year, as the data's notes say.

    Rule: a row whose note opens with "NOT USED" is set aside (kept in the data for
    transparency, never used). Of the rest, the row whose note opens with "USED" wins; else a
    row without a flag over a flagged one; else the row from the newest source (a user import
    wins by being newer, not by its place in the file); else the last row.

    Parameters
    ----------
    rows : DataFrame
        Rows of ``dbh_sawit`` for one area and year (``amount_rp``, ``flag``, ``note``,
        ``source_id``).
    source_dates : mapping, optional
        ``source_id`` → publication date (ISO text), to find the newest source.

    Returns
    -------
    (Series or None, DataFrame)
        The row used (None when no row has an amount) and the rows set aside.
    """
    rows = rows[rows["amount_rp"].notna()]
    notes = rows["note"].fillna("").astype(str) if "note" in rows else pd.Series("", rows.index)
    aside = notes.str.match(r"(?i)\s*not used\b")
    kept, set_aside = rows[~aside], rows[aside]
    if kept.empty:
        return None, set_aside
    named = kept[notes[~aside].str.match(r"(?i)\s*used\b")]
    if len(named) == 1:
        return named.iloc[0], set_aside
    flags = kept["flag"].fillna("").astype(str) if "flag" in kept else pd.Series("", kept.index)
    if (flags == "").any():
        kept = kept[flags == ""]
    if source_dates and "source_id" in kept:
        when = [str(source_dates.get(sid) or "") for sid in kept["source_id"]]
        kept = kept[[w == max(when) for w in when]]
    return kept.iloc[-1], set_aside


def allocation_from_table(
    table: Any, area_code: str, year: int, source_dates: Mapping[str, str] | None = None
) -> int | None:
    """Pick the allocation of ``area_code`` and ``year`` from a ``dbh_sawit`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``area_code``, ``year``, ``amount_rp`` and, where present, ``flag``, ``note``,
        ``source_id`` (see data/README.md).
    area_code : str
        Kemendagri code.
    year : int
        Budget year.
    source_dates : mapping, optional
        ``source_id`` → publication date, to prefer the newest source (``resolve_rows``).

    Returns
    -------
    int or None
        The amount of the row ``resolve_rows`` picks, or None.
    """
    rows = table[(table["area_code"].astype(str) == str(area_code)) & (table["year"] == year)]
    row, _ = resolve_rows(rows, source_dates)
    return None if row is None else int(row["amount_rp"])


def _entry(row: pd.Series, on: date | str | None) -> dict[str, Any]:
    """One year of a DBH series: allocation, envelope and workers, with flag and source."""
    allocation = int(row["amount_rp"])
    envelope = dbh_envelope(allocation, on=on)
    return {
        "year": int(row["year"]),
        "allocation": allocation,
        "envelope": envelope,
        "workers": palm_workers_fundable(envelope, 12, on=on),
        "flag": str(row.get("flag") or ""),
        "note": str(row.get("note") or ""),
        "source_id": row.get("source_id"),
    }


def dbh_series(
    area_code: str, as_of: date | str | None = None, table: pd.DataFrame | None = None,
    source_dates: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every year of an area's DBH Sawit allocations up to ``as_of``, one row per year.

    Parameters
    ----------
    area_code : str
        Kemendagri code.
    as_of : date or str, optional
        Only years up to the year of ``as_of``; every year when omitted.
    table : DataFrame, optional
        A ``dbh_sawit`` table; the shipped one (with user imports) when omitted.
    source_dates : mapping, optional
        ``source_id`` → publication date; read from ``sources`` when ``table`` is omitted.

    Returns
    -------
    (list of dict, list of dict)
        The series, oldest year first (``year``, ``allocation``, ``envelope``, ``workers``,
        ``flag``, ``note``, ``source_id``; see ``resolve_rows`` for conflicts), and the rows the
        notes set aside (same keys).
    """
    if table is None:
        table, source_dates = load_table("dbh_sawit"), _source_dates()
    rows = table[table["area_code"].astype(str) == str(area_code)]
    if as_of:
        rows = rows[rows["year"] <= pd.Timestamp(as_of).year]
    series, aside = [], []
    for _, year_rows in rows.groupby("year", sort=True):
        row, set_aside = resolve_rows(year_rows, source_dates)
        if row is not None:
            series.append(_entry(row, as_of))
        aside.extend(_entry(r, as_of) for _, r in set_aside.iterrows())
    return series, aside


def dbh_summary(area_code: str, as_of: date | str | None = None) -> dict[str, Any] | None:
    """DBH Sawit of an area on a date: the series, the value that drives the envelope, a range.

    The one answer to "DBH Sawit for this regency at this date" for every caller (briefs,
    scenarios). The value that drives the envelope is the allocation of the year of ``as_of``
    when the data hold one (``basis`` ``"report_year"``), else the newest earlier year
    (``"latest_before"``); it keeps its flag (a 2026 figure from a third-party tracker stays
    UNCONFIRMED). The range is the lowest and highest allocation of the series: DBH Sawit fell
    from 2023 (a 2026/2023 ratio of 0,18 for Dairi), so neither year alone is the answer. With
    one year only the range is that year (``single_year``), and no multiplier is invented.

    Parameters
    ----------
    area_code : str
        Kemendagri code, ``"12.10"`` (regency) or ``"12"`` (province).
    as_of : date or str, optional
        Date of the figures: years up to its year, rules in force on it; every year and
        today's rules when omitted.

    Returns
    -------
    dict or None
        None when the table has no allocation for the area. Else ``year``, ``allocation``,
        ``envelope``, ``workers``, ``flag``, ``note``, ``source_id`` (the value that drives
        the envelope); ``basis``; ``as_of_year``; ``series`` and ``set_aside`` (see
        ``dbh_series``); ``range_low``, ``range_high`` (allocations, rupiah),
        ``range_low_year``, ``range_high_year``, ``envelope_low``, ``envelope_high``,
        ``workers_low``, ``workers_high``; ``single_year``.

    Notes
    -----
    Labuhanbatu 2023: Rp10.579.839.000 × 20% = Rp2.115.967.800; at Rp16.800 × 12 = Rp201.600
    per worker-year that pays for 10.495 workers. Dairi as of 2026: series 2023
    Rp8.513.744.000 (PMK 91/2023 annex) and 2026 Rp1.508.376.000 (UNCONFIRMED); the 2026
    figure drives the envelope (Rp301.675.200, 1.496 workers), the range is Rp1.508.376.000 –
    Rp8.513.744.000 (1.496 – 8.446 workers).
    """
    # A brief asks for its area several times (its DBH section, page 1 and the calculator
    # through the scenario; the province overview for every kab/kota): computed once per
    # process and data state. "No date" means every year and today's rules, so the key holds
    # today's date and whether a date was given, apart from the date itself.
    day = as_date(as_of) if as_of else None
    key = (str(area_code), day, date.today(), data_stamp(_SUMMARY_TABLES))
    return _SUMMARIES.fetch(key, lambda: _dbh_summary(area_code, as_of))


def _dbh_summary(area_code: str, as_of: date | str | None) -> dict[str, Any] | None:
    """``dbh_summary`` computed from the tables (see there)."""
    series, aside = dbh_series(area_code, as_of)
    if not series:
        return None
    as_of_year = pd.Timestamp(as_of).year if as_of else None
    central = series[-1]
    low = min(series, key=lambda e: (e["allocation"], e["year"]))
    high = max(series, key=lambda e: (e["allocation"], e["year"]))
    return {
        **central,
        "basis": "report_year" if central["year"] == as_of_year or as_of_year is None
        else "latest_before",
        "as_of_year": as_of_year,
        "series": series,
        "set_aside": aside,
        "range_low": low["allocation"], "range_low_year": low["year"],
        "range_high": high["allocation"], "range_high_year": high["year"],
        "envelope_low": low["envelope"], "envelope_high": high["envelope"],
        "workers_low": low["workers"], "workers_high": high["workers"],
        "single_year": len(series) == 1,
    }
