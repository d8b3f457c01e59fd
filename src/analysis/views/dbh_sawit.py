"""DBH Sawit in the report language: the series by year, which value drives the envelope, range.

Every number comes from ``analysis.model.dbh_sawit.dbh_summary``; this module only words and
formats it, so the regency brief and the province overview tell the same story.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from analysis.core import i18n, numbers
from analysis.views.facts import flag_words


def _flag_suffix(flag: str, lang: str) -> str:
    words = flag_words(flag, lang)
    return i18n.t("reports.dbh_flag_suffix", lang, flag=words) if words else ""


def basis_sentence(dbh: Mapping[str, Any], lang: str = "id") -> str:
    """Which allocation drives the envelope, and why (its year, and its flag).

    Parameters
    ----------
    dbh : mapping
        From ``dbh_summary``.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        One sentence naming the year and the allocation.
    """
    return i18n.t(f"reports.dbh_basis_{dbh['basis']}", lang, year=dbh["year"],
                  as_of_year=dbh.get("as_of_year") or "",
                  allocation=numbers.format_rupiah(dbh["allocation"], lang, exact=True),
                  flag=_flag_suffix(str(dbh.get("flag") or ""), lang))


def range_sentence(dbh: Mapping[str, Any], lang: str = "id") -> str:
    """The low–high range of the series, with the years, ceilings and workers.

    Parameters
    ----------
    dbh : mapping
        From ``dbh_summary``.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        The range sentence, or the single-year sentence when the series has one year.
    """
    if dbh["single_year"]:
        return i18n.t("reports.dbh_single_year", lang, year=dbh["year"])

    def rp(value: float) -> str:
        return numbers.format_rupiah(value, lang)

    return i18n.t(
        "reports.dbh_range", lang, low=rp(dbh["range_low"]), low_year=dbh["range_low_year"],
        high=rp(dbh["range_high"]), high_year=dbh["range_high_year"],
        env_low=rp(dbh["envelope_low"]), env_high=rp(dbh["envelope_high"]),
        w_low=numbers.format_number(dbh["workers_low"], lang),
        w_high=numbers.format_number(dbh["workers_high"], lang),
    )


def set_aside_sentences(dbh: Mapping[str, Any], lang: str = "id",
                        escape: Callable[[object], str] = str) -> list[str]:
    """One sentence per allocation the data's notes set aside (a CONFLICT row NOT USED).

    ``escape`` is applied to the text taken from the data (source id and note), e.g. the
    Markdown escape of a brief, so that a note prints as written and never as markup.
    """
    return [
        i18n.t("reports.dbh_set_aside", lang, year=e["year"],
               allocation=numbers.format_rupiah(e["allocation"], lang, exact=True),
               source=escape(e["source_id"]), note=escape(e["note"]))
        for e in dbh.get("set_aside", [])
    ]


def series_frame(dbh: Mapping[str, Any], lang: str = "id") -> pd.DataFrame:
    """The series as a table: one row per year, the year that drives the envelope marked.

    Parameters
    ----------
    dbh : mapping
        From ``dbh_summary``.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    DataFrame
        ``year, allocation, envelope, workers, flag, source_id, used`` ("dasar amplop" /
        "envelope" on the year that drives the envelope).
    """
    frame = pd.DataFrame(dbh["series"])
    mark = i18n.t("reports.dbh_used_mark", lang)
    frame["used"] = [mark if y == dbh["year"] else "" for y in frame["year"]]
    return frame[["year", "allocation", "envelope", "workers", "flag", "source_id", "used"]]


def year_cell(entry: Mapping[str, Any] | None, lang: str = "id") -> str:
    """One year's allocation for a table cell: "Rp8,51 miliar", "*" when flagged, "–" if none."""
    if entry is None:
        return "–"
    text = numbers.format_rupiah(entry["allocation"], lang)
    return text + ("*" if entry.get("flag") else "")
