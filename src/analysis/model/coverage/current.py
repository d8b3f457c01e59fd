"""When a coverage fact counts: its programme's period, the staleness rule, facts set aside.

A coverage fact says that some workers were protected on a date. JKK and JKM protect only while
contributions are paid, so whether those workers are still covered on the as-of date depends on
the programme. Each fact gets one ``state``:

``current``
    It counts on the as-of date.
``ended``
    Its ``period_end`` is before the as-of date: history, never coverage, however short the
    programme was (Labuhanbatu Selatan, October–December 2022).
``stale``
    It gives no ``period_end`` and the as-of date is more than ``coverage.staleness_months``
    (assumption A14) after the last day its date can stand for: the day itself, or the last day
    of the month or year for month- or year-precision dates. History.
``not_started``
    Its period starts after the as-of date.
``set_aside``
    The data say not to use it: a flagged row whose note calls its figure a misprint (Tapanuli
    Tengah 17.589), or a note that opens with "NOT USED". It never enters a rate or a rank.

Two more rules prepare the counts:

- Reports of the same count (area, segment, date, workers) by two sources describe one
  programme; a period stated by one applies to all (Pakpak Bharat's 890 palm workers, budget
  year 2025, reported by two articles, one with the period).
- An ``uncovered`` fact whose note says it is "part of" a covered fact of the same area,
  segment and date, naming that fact's count, is subtracted from it: Medan's 18.152 one-month
  payers are part of the 37.058 registered, so 37.058 − 18.152 = 18.906 count. A complement
  ("203 BPD members not yet registered" beside 77 registered) is not a part and is left alone.

Everything here is pure except ``staleness_months``, which reads the parameter.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from analysis.core.checks import as_timestamp
from analysis.data.parameters import default_parameters
from analysis.model.coverage.rules import COVERED_STATUSES, _names_value, dates_of, flags_of

CURRENT = "current"
ENDED = "ended"
STALE = "stale"
NOT_STARTED = "not_started"
SET_ASIDE = "set_aside"
STATES: tuple[str, ...] = (CURRENT, ENDED, STALE, NOT_STARTED, SET_ASIDE)

_MISPRINT = re.compile(r"\bmisprint", re.IGNORECASE)
_NOT_USED = re.compile(r"^\s*not used\b", re.IGNORECASE)
_PART_OF = re.compile(r"\bpart of\b", re.IGNORECASE)


def staleness_months(as_of: date | str | None = None) -> int:
    """Parameter ``coverage.staleness_months`` (assumption A14) in force on ``as_of``.

    Parameters
    ----------
    as_of : date, str or None
        Date the rule is taken at; None is today.

    Returns
    -------
    int
        Months a count without ``period_end`` stays current after its date.
    """
    return int(default_parameters().get("coverage.staleness_months",
                                        on=as_timestamp(as_of).date()))


def set_aside_reason(flag: object, note: object) -> str:
    """Why the data say a row must not be used: ``"misprint"``, ``"not_used"`` or ``""``.

    Parameters
    ----------
    flag : str
        The row's flags (``;``-joined).
    note : str
        The row's note.

    Returns
    -------
    str
        ``"not_used"`` when the note opens with "NOT USED" (the wording of a CONFLICT row the
        analysis does not take); ``"misprint"`` when the row is flagged and its note calls the
        figure a misprint; else ``""``. A note that mentions another row's misprint is not
        enough: the row must carry a flag doubting its own figure.
    """
    text = note if isinstance(note, str) else ""
    if _NOT_USED.search(text):
        return "not_used"
    if flags_of([flag]) and _MISPRINT.search(text):
        return "misprint"
    return ""


def known_until(when: pd.Timestamp, precision: object) -> pd.Timestamp:
    """The last day a fact's date can stand for.

    Parameters
    ----------
    when : Timestamp
        The fact's ``date`` (first day of the month or year for coarser precision).
    precision : {"day", "month", "year"} or empty
        Its ``date_precision``; empty is read as a day.

    Returns
    -------
    Timestamp
        ``when`` for a day; the month's last day for a month; 31 December for a year.

    Examples
    --------
    >>> known_until(pd.Timestamp("2025-01-01"), "year")
    Timestamp('2025-12-31 00:00:00')
    """
    if precision == "year":
        return pd.Timestamp(year=when.year, month=12, day=31)
    if precision == "month":
        return (when + pd.offsets.MonthEnd(0)).normalize()
    return when


def _share_periods(rows: pd.DataFrame) -> pd.DataFrame:
    """Give reports of the same count the period one of them states (see the module docstring)."""
    key = ["area_code", "segment", "_date", "workers"]
    for column in ("period_start", "period_end"):
        if column not in rows:
            rows[column] = pd.NaT
        rows[column] = pd.to_datetime(rows[column], errors="coerce")
        stated = rows.groupby(key, dropna=False)[column].transform("max")
        rows[column] = rows[column].fillna(stated)
    return rows


def _subtract_parts(rows: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Subtract the ``uncovered`` parts the notes name from the covered facts they belong to."""
    rows = rows.assign(workers_reported=rows["workers"], uncovered_part=0.0)
    parts = facts[(facts["status"] == "uncovered") & facts["workers"].notna()
                  & facts["note"].fillna("").str.contains(_PART_OF)]
    for _, part in parts.iterrows():
        sentences = [s for s in re.split(r"(?<=[.;])\s+", str(part["note"]))
                     if _PART_OF.search(s)]
        whole = rows[
            (rows["area_code"] == part["area_code"]) & (rows["segment"] == part["segment"])
            & (rows["_date"] == pd.Timestamp(part["date"]))
            & rows["workers_reported"].astype(float).gt(float(part["workers"]))
            & pd.Series([_names_value(sentences, w) for w in rows["workers_reported"]],
                        index=rows.index, dtype=bool)
        ]
        for idx in whole.index:
            rows.loc[idx, "uncovered_part"] += float(part["workers"])
    rows["workers"] = rows["workers_reported"].astype(float) - rows["uncovered_part"]
    return rows


def fact_states(
    facts: pd.DataFrame, as_of: date | str | None = None, months: int | None = None
) -> pd.DataFrame:
    """Every covered fact known on ``as_of``, with its state on that date.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts`` (``area_code, date, date_precision, segment, workers,
        funding_source, period_start, period_end, status, source_id, flag, note``; the
        precision and period columns may be missing: a day, no period).
    as_of : date, str or None
        The date coverage is measured at; None is today.
    months : int, optional
        Staleness in months; the parameter ``coverage.staleness_months`` when omitted.

    Returns
    -------
    DataFrame
        The facts with status ``registered`` or ``funded``, a count, and a date on or before
        ``as_of``, with ``_date``, ``known_until`` (``period_end`` where given, else the last
        day the date stands for), ``stale_after`` (NaT when there is a ``period_end``),
        ``state`` (see ``STATES``), ``set_aside_reason``, ``workers_reported``,
        ``uncovered_part`` and ``workers`` (reported minus uncovered parts).
    """
    cutoff = as_timestamp(as_of)
    months = staleness_months(cutoff) if months is None else int(months)
    rows = facts.copy()
    rows["_date"] = dates_of(rows)
    rows = rows[
        rows["status"].isin(COVERED_STATUSES) & rows["_date"].notna()
        & (rows["_date"] <= cutoff) & rows["workers"].notna()
    ]
    rows = _share_periods(rows.copy())
    rows = _subtract_parts(rows, facts.assign(_date=dates_of(facts)))
    precision = rows["date_precision"] if "date_precision" in rows else pd.Series("", rows.index)
    reported = pd.Series([known_until(d, p) for d, p in zip(rows["_date"], precision,
                                                             strict=True)],
                         index=rows.index, dtype="datetime64[ns]")
    has_end = rows["period_end"].notna()
    rows["known_until"] = rows["period_end"].where(has_end, reported)
    rows["stale_after"] = (reported + pd.DateOffset(months=months)).where(~has_end)
    rows["set_aside_reason"] = [set_aside_reason(f, n) for f, n in zip(rows["flag"], rows["note"],
                                                                       strict=True)]
    state = np.select(
        [rows["set_aside_reason"] != "",
         rows["period_start"].notna() & (rows["period_start"] > cutoff),
         has_end & (rows["period_end"] < cutoff),
         ~has_end & (rows["stale_after"] < cutoff)],
        [SET_ASIDE, NOT_STARTED, ENDED, STALE],
        default=CURRENT,
    )
    rows["state"] = state
    return rows


def current_facts(
    facts: pd.DataFrame, as_of: date | str | None = None, months: int | None = None
) -> pd.DataFrame:
    """The facts of ``fact_states`` whose state is ``current``.

    Parameters
    ----------
    facts : DataFrame
        Rows of ``coverage_facts``.
    as_of : date, str or None
        The date coverage is measured at; None is today.
    months : int, optional
        Staleness in months; the parameter when omitted.

    Returns
    -------
    DataFrame
        Same columns as ``fact_states``.
    """
    rows = fact_states(facts, as_of, months)
    return rows[rows["state"] == CURRENT]
