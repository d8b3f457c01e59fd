"""DBH Sawit: the share of the palm-oil revenue transfer that may pay palm workers' contributions.

PMK 91/2023 Pasal 16 keeps at least 80% of a regency's DBH Sawit allocation for roads and allows
at most 20% for "other activities", one of which is the social protection of unregistered
palm-plantation workers. This module turns an allocation into that envelope
(``dbh_envelope``), the envelope into workers (``palm_workers_fundable``), reads the
allocations of the ``dbh_sawit`` table (``dbh_allocation``, ``allocation_from_table``) and
gathers all of it for one area and date (``dbh_summary``).

The legal share comes from the dated parameters (``dbh_sawit.other.max_share``); the
contribution rates from ``analysis.model.contributions``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from analysis.core.checks import amount_rp, as_date, positive_int
from analysis.core.errors import UserError
from analysis.data.parameters import Parameters, default_parameters
from analysis.data.tables import load_table
from analysis.model.contributions import DEFAULT_PACKAGE, workers_affordable


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
        Whole rupiah, or None when the table has no row. Where several rows exist (a user
        import appended after the shipped row), the last one, i.e. the newest, is used. Check
        the row's ``flag`` (e.g. UNCONFIRMED) with ``analysis.data.load_table("dbh_sawit")``.
    """
    table = load_table("dbh_sawit")
    return allocation_from_table(table, area_code, year)


def allocation_from_table(table: Any, area_code: str, year: int) -> int | None:
    """Pick the allocation of ``area_code`` and ``year`` from a ``dbh_sawit`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``area_code``, ``year``, ``amount_rp`` (see data/README.md).
    area_code : str
        Kemendagri code.
    year : int
        Budget year.

    Returns
    -------
    int or None
        The last matching non-empty amount, or None.
    """
    rows = table[(table["area_code"].astype(str) == str(area_code)) & (table["year"] == year)]
    amounts = rows["amount_rp"].dropna()
    if amounts.empty:
        return None
    return int(amounts.iloc[-1])


def dbh_summary(area_code: str, as_of: date | str | None = None) -> dict[str, Any] | None:
    """The newest DBH Sawit allocation of an area up to ``as_of``, its envelope and workers.

    The row is the newest year at or before the year of ``as_of`` (any year when ``as_of`` is
    None); the envelope is the whole "other activities" share (``dbh_envelope`` with
    ``social_share`` 1) under the rule in force on ``as_of``, and the workers are those it
    covers for 12 months at the JKK+JKM contribution (``palm_workers_fundable``, no cap).

    Parameters
    ----------
    area_code : str
        Kemendagri code, ``"12.10"`` (regency) or ``"12"`` (province).
    as_of : date or str, optional
        Date of the figures; today's rules and every year of the table when omitted.

    Returns
    -------
    dict or None
        ``year``, ``allocation`` (rupiah, see ``allocation_from_table``), ``envelope``,
        ``workers``, and the row's ``flag``, ``note`` and ``source_id`` as in the table;
        None when the table has no row for the area.

    Notes
    -----
    Labuhanbatu 2023: Rp10.579.839.000 × 20% = Rp2.115.967.800; at Rp16.800 × 12 = Rp201.600
    per worker-year that pays for 10.495 workers.
    """
    table = load_table("dbh_sawit")
    rows = table[table["area_code"] == area_code]
    if as_of:
        rows = rows[rows["year"] <= pd.Timestamp(as_of).year]
    if rows.empty:
        return None
    row = rows.sort_values("year").iloc[-1].to_dict()
    year = int(row["year"])
    allocation = allocation_from_table(table, area_code, year)
    envelope = dbh_envelope(allocation, on=as_of)
    return {
        "year": year,
        "allocation": allocation,
        "envelope": envelope,
        "workers": palm_workers_fundable(envelope, 12, on=as_of),
        "flag": row.get("flag"),
        "note": row.get("note"),
        "source_id": row.get("source_id"),
    }
