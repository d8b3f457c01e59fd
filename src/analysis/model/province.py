"""What a province does itself: its own contribution programme, year by year.

A Pemprov pays contributions for vulnerable workers across its kab/kota (North Sumatra: from its
APBD and its own DBH Sawit share). ``province_programme`` reads those payments from
``payment_cases`` (payer and area both the province; shares named for one regency, such as a
regency's quota within the provincial total, are parts of the total and left out so nothing is
counted twice) and keeps one figure per year and group of workers by the project's pick rule
(``analysis.model.coverage.pick``): where sources conflict, the figure the notes name as used.
Numbers only; ``analysis.briefs.province`` words them.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.core.checks import as_date
from analysis.data.tables import load_table
from analysis.model.coverage import pick
from analysis.model.coverage.rules import flags_of


def province_programme(
    province_code: str, as_of: date | str | None = None, cases: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The province's own contribution programme: one row per year and group of workers.

    Parameters
    ----------
    province_code : str
        Province code (``"12"``).
    as_of : date or str, optional
        Only budget years up to the year of this date.
    cases : pandas.DataFrame, optional
        A ``payment_cases`` table; the shipped one when omitted.

    Returns
    -------
    pandas.DataFrame
        ``year, segment, workers`` (picked), ``workers_low, workers_high`` (the range of the
        sources of that year and group), ``funding_source, planned`` (bool), ``flag,
        source_id, note``, ordered by year and segment; ``attrs["sources"]`` lists every
        source of the rows read (the figures not picked included, since a brief cites the
        conflict). Empty when the province has no such case.

    Notes
    -----
    North Sumatra (case S16): 2023 has 20.400 (July report) and 31.570 (BPJS Sumbagut) in
    conflict; both notes mention both figures, so the pick rule takes the smaller, 20.400, and
    the range 20.400–31.570 goes with it. 2025: 17.361 palm workers + 3.518 other workers =
    20.879, the recipients of the provincial JKK+JKM aid.
    """
    if cases is None:
        cases = load_table("payment_cases")
    code = str(province_code)
    rows = cases[(cases["payer_code"].astype(str) == code)
                 & (cases["area_code"].astype(str) == code)
                 & cases["workers"].notna()].copy()
    columns = ["year", "segment", "workers", "workers_low", "workers_high", "funding_source",
               "planned", "flag", "source_id", "note"]
    if as_of is not None:
        rows = rows[rows["year"] <= as_date(as_of).year]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["_when"] = pd.to_datetime(rows["year"].astype(int).astype(str) + "-01-01")
    picked = []
    for _, group in rows.groupby(["year", "segment"], sort=True):
        row = pick(group, "workers")
        planned = "PLANNED" in flags_of([row["flag"]])
        # Sources in conflict: the brief shows the range, not one side of it as settled.
        values = group["workers"].astype(int)
        picked.append({
            "year": int(row["year"]), "segment": row["segment"], "workers": int(row["workers"]),
            "workers_low": int(values.min()), "workers_high": int(values.max()),
            "funding_source": row["funding_source"], "planned": planned,
            "flag": row["flag"] if isinstance(row["flag"], str) else "",
            "source_id": row["source_id"], "note": row["note"],
        })
    out = pd.DataFrame(picked, columns=columns)
    out.attrs["sources"] = list(dict.fromkeys(rows["source_id"]))
    return out


def programme_totals(programme: pd.DataFrame) -> pd.DataFrame:
    """Workers of a province programme per year: the sum of its groups, planned apart.

    Parameters
    ----------
    programme : pandas.DataFrame
        From ``province_programme``.

    Returns
    -------
    pandas.DataFrame
        ``year, workers, planned`` (a year is planned when all its rows are plans), ``flag``
        (the flags of its rows, joined).
    """
    if programme.empty:
        return pd.DataFrame(columns=["year", "workers", "planned", "flag"])
    grouped = programme.groupby("year", sort=True)
    return pd.DataFrame({
        "year": list(grouped.groups),
        "workers": grouped["workers"].sum().astype(int).to_list(),
        "planned": grouped["planned"].all().to_list(),
        "flag": [";".join(sorted(flags_of(g["flag"]))) for _, g in grouped],
    })
