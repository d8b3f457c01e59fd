"""The coverage table in the report language: league table, notes, narrative, explanations.

Every number comes from ``analysis.model.coverage``; this module only orders, formats and words
it, in Indonesian (default) or English, through ``analysis.core.i18n`` and
``analysis.core.numbers``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from analysis.core import i18n, numbers
from analysis.model.coverage import NO_DATA, OK, PAST, ranked


def informal_explanation(row: Mapping[str, object], lang: str = "id",
                         cite: Callable[[str], str] | None = None) -> str:
    """How a regency's informal-worker figure was obtained, in the report language.

    Parameters
    ----------
    row : mapping
        A row of ``coverage_table`` (or ``regency_summary``).
    lang : {"id", "en"}
        Report language.
    cite : callable, optional
        Turns a ``source_id`` into the reader's citation (a brief's "[3]"); without it the
        source is left out, never printed as a key.

    Returns
    -------
    str
        One sentence with the numbers formatted for the language; empty when there is no figure.
    """
    t, format_number, format_percent = i18n.t, numbers.format_number, numbers.format_percent
    method = row.get("informal_method")
    if method == "data":
        # A "2025-02" period in words ("Februari 2025"); the source as its endnote number.
        source = str(row.get("informal_source") or "")
        ref = cite(source) if cite and source else ""
        return t("coverage.informal_from_data", lang,
                 period=_period_words(row.get("informal_period", ""), lang),
                 ref=f" {ref}" if ref else "")
    if method != "A01":
        return ""
    return t(
        "coverage.informal_from_a01", lang,
        population=format_number(row["informal_population"], lang),
        year=row["informal_population_year"],
        ratio=format_percent(row["informal_employment_ratio"], lang),
        share=format_percent(row["informal_share"], lang),
        period=_period_words(row["informal_period"], lang),
        result=format_number(row["target_informal"], lang),
    )


def rank_text(rank: object, of: object, lang: str = "id") -> str:
    """A rank read against the number ranked: "peringkat 3 dari 11 yang terukur".

    Parameters
    ----------
    rank : int or NA
        The rank (1 = best); NA when not ranked.
    of : int
        How many kab/kota are ranked (measurable) on the same basis.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        The phrase, or "tanpa peringkat" / "not ranked".
    """
    if rank is None or pd.isna(rank):
        return i18n.t("coverage.rank_none", lang)
    return i18n.t("coverage.rank_of", lang, rank=numbers.format_number(int(rank), lang),
                  of=numbers.format_number(int(of), lang))


def over_target_reason(row: Mapping[str, object], basis: str, lang: str = "id") -> str:
    """Why a rate above 100% is possible, in words; empty when the rate is not above 100%.

    Parameters
    ----------
    row : mapping
        A row of ``coverage_table`` (``rate_<basis>``, ``covered_<basis>``, ``target_<basis>``).
    basis : {"village", "informal", "declared"}
        The target basis.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        One clause naming the count, the target and what the target means.
    """
    rate = row.get(f"rate_{basis}")
    if rate is None or pd.isna(rate) or float(rate) <= 1:
        return ""
    return i18n.t(f"coverage.over_target_{basis}", lang,
                  covered=numbers.format_number(float(row[f"covered_{basis}"]), lang),
                  target=numbers.format_number(float(row[f"target_{basis}"]), lang))


def set_aside_note(row: Mapping[str, object], lang: str = "id") -> str:
    """The figure the data say not to use (misprint, NOT USED), in words; empty when none."""
    workers = row.get("set_aside_workers")
    reason = row.get("set_aside_reason") or ""
    if workers is None or pd.isna(workers) or not reason:
        return ""
    return i18n.t(f"coverage.note_set_aside_{reason}", lang,
                  workers=numbers.format_number(float(workers), lang))


def _period_words(period: object, lang: str) -> str:
    """A Sakernas period ("2023-08", "2023-08-31") in words ("Agustus 2023", "31 Agustus 2023")."""
    text = str(period or "")
    if len(text) == 7:
        return numbers.format_date(text + "-01", lang, "month")
    return numbers.format_date(text, lang) if len(text) >= 10 else text


def _day(value: object, lang: str = "id") -> str:
    """A date in words ("1 Februari 2026"), "–" when missing."""
    return numbers.format_date(value, lang) if pd.notna(value) else "–"


def _row_note(row: pd.Series, lang: str) -> str:
    """The notes of one row of the coverage table, joined with "; "."""
    notes = []
    basis = str(row["target_basis"])
    if row["status"] == NO_DATA:
        notes.append(i18n.t("common.no_data", lang))
    if row["status"] == PAST:
        notes.append(i18n.t("coverage.note_past", lang,
                            until=month_text(row.get("past_until"), lang)))
    if row["status"] == OK and pd.isna(row.get("covered_rentan")):
        notes.append(i18n.t("coverage.note_officials_only", lang))
        if pd.notna(row.get("past_until")):
            notes.append(i18n.t("coverage.note_past", lang,
                                until=month_text(row.get("past_until"), lang)))
    elif (row["status"] == OK and basis == "village" and pd.isna(row.get("covered"))
          and pd.notna(row.get("target_village"))):
        notes.append(i18n.t("coverage.note_no_village_count", lang))
    if basis == "village" and row.get("target_village_reason") == "A02":
        notes.append(i18n.t("coverage.note_no_desa", lang))
    aside = set_aside_note(row, lang)
    if aside:
        notes.append(aside)
    if row["has_unconfirmed"]:
        notes.append(i18n.t("coverage.note_unconfirmed_unranked", lang)
                     if pd.notna(row.get("rate")) else i18n.t("common.unconfirmed", lang))
    if row["has_estimate"]:
        notes.append(i18n.t("common.estimate", lang))
    over = over_target_reason(row, basis, lang)
    if over:
        notes.append(over)
    return "; ".join(notes)


def row_notes(table: pd.DataFrame, lang: str = "id") -> pd.Series:
    """The notes column of the league table: why a row has no rate, and its flags.

    Parameters
    ----------
    table : DataFrame
        Rows of ``coverage_table`` / ``build_coverage_table``, in any order.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    Series
        One text per row, on the index of ``table`` (so it can be assigned to the table or to
        ``ranked(table)`` alike): "no data", "programme ended", "officials only", "no desa
        (A02)", a figure set aside, "unconfirmed, not ranked", "estimate", why a rate is above
        100%, joined with "; "; empty when there is nothing to note.
    """
    i18n.check_lang(lang)
    return pd.Series([_row_note(row, lang) for _, row in table.iterrows()], index=table.index,
                     dtype=object)


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
        ("45.900", "41,4%", "Rp9,25 miliar", "–" where unknown). The covered column is the
        count the basis measures (``covered``); ranks are among the measurable kab/kota only.
    """
    i18n.check_lang(lang)
    rows = ranked(table)

    def num(value: object) -> str:
        return numbers.format_number(float(value), lang) if pd.notna(value) else "–"

    def change(value: object) -> str:
        if pd.isna(value):
            return "–"
        return ("+" if value > 0 else "") + numbers.format_number(float(value), lang)

    basis = str(rows["target_basis"].iloc[0]) if len(rows) else "village"
    out = pd.DataFrame(
        {
            i18n.t("coverage.col_rank", lang): [
                str(r) if pd.notna(r) else "–" for r in rows["rank"]
            ],
            i18n.t("common.regency", lang): rows["name"].to_list(),
            i18n.t("coverage.col_desa", lang): [num(v) for v in rows["desa"]],
            i18n.t("coverage.col_covered", lang): [num(v) for v in rows["covered"]],
            i18n.t("coverage.col_covered_all", lang): [num(v) for v in rows["covered_total"]],
            i18n.t(f"coverage.col_target_{basis}", lang): [num(v) for v in rows["target"]],
            i18n.t("coverage.col_rate", lang): [
                numbers.format_percent(float(v), lang) if pd.notna(v) else "–"
                for v in rows["rate"]
            ],
            i18n.t("coverage.col_gap", lang): [num(v) for v in rows["gap_workers"]],
            i18n.t("coverage.col_gap_rp", lang): [
                numbers.format_rupiah(float(v), lang) if pd.notna(v) else "–"
                for v in rows["gap_rp_year"]
            ],
            i18n.t("coverage.col_change", lang): [
                change(v) for v in rows["change_since_previous"]
            ],
            i18n.t("coverage.col_date", lang): [_day(v, lang) for v in rows["coverage_date"]],
            i18n.t("coverage.col_notes", lang): row_notes(rows, lang).to_list(),
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
    has = table[table["status"] == OK]
    past = table[table["status"] == PAST]
    rated = has[has["rank"].notna()].sort_values("rate", ascending=False)
    as_of = table.attrs.get("as_of")
    if has.empty:  # no kab/kota has current data: say so, with no "0 workers covered"
        lines = [i18n.t("coverage.story_none", lang,
                        as_of=_day(as_of, lang) if as_of is not None else "–",
                        total=numbers.format_number(len(table), lang))]
    else:
        lines = [
            i18n.t(
                "coverage.story_data",
                lang,
                as_of=_day(as_of, lang) if as_of is not None else "–",
                with_data=numbers.format_number(len(has), lang),
                total=numbers.format_number(len(table), lang),
                no_data=numbers.format_number(len(table) - len(has), lang),
                covered=numbers.format_number(float(has["covered_total"].sum()), lang),
                rentan=numbers.format_number(float(has["covered_rentan"].sum()), lang),
            )
        ]
    if len(past):
        lines.append(i18n.t("coverage.story_past", lang,
                            past=numbers.format_number(len(past), lang),
                            months=numbers.format_number(
                                table.attrs.get("staleness_months", 12), lang)))
    if not rated.empty:
        best, worst = rated.iloc[0], rated.iloc[-1]
        lines.append(
            i18n.t(
                "coverage.story_rates",
                lang,
                basis=i18n.t(f"coverage.basis_{basis}", lang),
                reached=numbers.format_number(int((rated["rate"] >= 1).sum()), lang),
                ranked=numbers.format_number(len(rated), lang),
                best=best["name"],
                best_rate=numbers.format_percent(float(best["rate"]), lang),
                worst=worst["name"],
                worst_rate=numbers.format_percent(float(worst["rate"]), lang),
            )
        )
        over = [f"{r['name']}: {over_target_reason(r, basis, lang)}"
                for _, r in rated.iterrows() if over_target_reason(r, basis, lang)]
        if over:
            lines.append("; ".join(over) + ".")
        gap = rated["gap_workers"].sum()
        monthly = table.attrs.get("monthly_contribution_rp")
        lines.append(
            i18n.t(
                "coverage.story_gap",
                lang,
                gap=numbers.format_number(float(gap), lang),
                cost=numbers.format_rupiah(float(rated["gap_rp_year"].sum()), lang),
                monthly=numbers.format_rupiah(float(monthly), lang) if monthly else "–",
            )
        )
    unranked = has[has["rate"].notna() & has["rank"].isna()]
    if len(unranked):
        lines.append(i18n.t("coverage.story_unranked", lang,
                            names=", ".join(unranked["name"].astype(str))))
    aside = [f"{r['name']} ({set_aside_note(r, lang)})" for _, r in table.iterrows()
             if set_aside_note(r, lang)]
    if aside:
        lines.append(i18n.t("coverage.story_set_aside", lang, items="; ".join(aside)))
    no_desa = int((has["target_village_reason"] == "A02").sum()) if basis == "village" else 0
    if no_desa:
        lines.append(i18n.t("coverage.story_no_desa", lang,
                            count=numbers.format_number(no_desa, lang)))
    flagged_u = int(has["has_unconfirmed"].sum())
    flagged_e = int(has["has_estimate"].sum())
    if flagged_u or flagged_e:
        lines.append(
            i18n.t("coverage.story_flags", lang,
                   unconfirmed=numbers.format_number(flagged_u, lang),
                   estimate=numbers.format_number(flagged_e, lang))
        )
    if len(has):
        lines.append(
            i18n.t("coverage.story_freshness", lang,
                   oldest=_day(has["coverage_date"].min(), lang),
                   newest=_day(has["coverage_date"].max(), lang))
        )
    return "\n\n".join(lines)


def month_text(value: object, lang: str = "id") -> str:
    """A date as month and year in the report language ("Oktober 2022"); "–" when missing."""
    if value is None or pd.isna(value):
        return "–"
    when = pd.Timestamp(value)
    return f"{i18n.t('reports.months', lang).split(',')[when.month - 1]} {when.year}"


def period_text(start: object, end: object, lang: str = "id") -> str:
    """A programme period in months: "Oktober–Desember 2022", "Juni 2022–Desember 2023".

    Parameters
    ----------
    start, end : Timestamp or NaT
        First and last day of the period; either may be missing.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        The period; one end alone gives that month; "–" when both are missing.
    """
    a, b = month_text(start, lang), month_text(end, lang)
    if a == "–" or b == "–":
        return b if a == "–" else a
    if pd.Timestamp(start).year == pd.Timestamp(end).year:
        return f"{a.rsplit(' ', 1)[0]}–{b}" if a != b else a
    return f"{a}–{b}"


def history_reason(row: Mapping[str, object], months: int, lang: str = "id") -> str:
    """Why a coverage fact is not counted, in words (``model.coverage.history_table`` row).

    Parameters
    ----------
    row : mapping
        ``state``, ``set_aside_reason``, ``period_start``, ``period_end``, ``known_until``.
    months : int
        The staleness rule (A14), for the wording.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        E.g. "program berakhir Desember 2022; status sesudahnya tidak diketahui".
    """
    state = row["state"]
    if state == "ended":
        return i18n.t("reports.state_ended", lang, end=month_text(row["period_end"], lang))
    if state == "stale":
        return i18n.t("reports.state_stale", lang, months=numbers.format_number(months, lang),
                      until=month_text(row["known_until"], lang))
    if state == "not_started":
        return i18n.t("reports.state_not_started", lang,
                      start=month_text(row["period_start"], lang))
    if state == "set_aside":
        return i18n.t(f"reports.state_set_aside_{row['set_aside_reason']}", lang)
    return i18n.t("reports.state_superseded", lang)


def history_rows(history: pd.DataFrame, months: int, lang: str = "id") -> pd.DataFrame:
    """The history of one kab/kota ready to show: period and reason in words.

    Parameters
    ----------
    history : DataFrame
        From ``model.coverage.history_table``.
    months : int
        The staleness rule (A14).
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    DataFrame
        The rows except repeated reports (``duplicate``), with ``period`` (the programme's
        months, or the month of the report) and ``why``.
    """
    rows = history[history["state"] != "duplicate"]
    return rows.assign(
        period=[period_text(r["period_start"], r["period_end"], lang)
                if pd.notna(r["period_start"]) or pd.notna(r["period_end"])
                else month_text(r["date"], lang) for _, r in rows.iterrows()],
        why=[history_reason(r, months, lang) for _, r in rows.iterrows()],
    )
