"""The coverage table in the report language: league table, notes, narrative, explanations.

Every number comes from ``analysis.model.coverage``; this module only orders, formats and words
it, in Indonesian (default) or English, through ``analysis.core.i18n`` and
``analysis.core.numbers``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.core import i18n, numbers
from analysis.model.coverage import NO_DATA, ranked


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


def _row_note(row: pd.Series, lang: str) -> str:
    """The notes of one row of the coverage table, joined with "; "."""
    notes = []
    if row["status"] == NO_DATA:
        notes.append(i18n.t("common.no_data", lang))
    if row["status"] != NO_DATA and pd.isna(row["covered_rentan"]):
        notes.append(i18n.t("coverage.note_officials_only", lang))
    if row["target_basis"] == "village" and row.get("target_village_reason") == "A02":
        notes.append(i18n.t("coverage.note_no_desa", lang))
    if row["has_unconfirmed"]:
        notes.append(i18n.t("common.unconfirmed", lang))
    if row["has_estimate"]:
        notes.append(i18n.t("common.estimate", lang))
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
        ``ranked(table)`` alike): "no data", "officials only", "no desa (A02)", "unconfirmed",
        "estimate", joined with "; "; empty when there is nothing to note.
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
        ("45.900", "41,4%", "Rp9,25 miliar", "–" where unknown).
    """
    i18n.check_lang(lang)
    rows = ranked(table)

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
            i18n.t("coverage.col_rank", lang): [
                str(r) if pd.notna(r) else "–" for r in rows["rank"]
            ],
            i18n.t("common.regency", lang): rows["name"].to_list(),
            i18n.t("coverage.col_desa", lang): [num(v) for v in rows["desa"]],
            i18n.t("coverage.col_covered", lang): [num(v) for v in rows["covered_rentan"]],
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
            i18n.t("coverage.col_date", lang): [when(v) for v in rows["coverage_date"]],
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
    has = table[table["status"] != NO_DATA]
    rated = has[has["rate"].notna()].sort_values("rate", ascending=False)
    as_of = table.attrs.get("as_of")
    lines = [
        i18n.t(
            "coverage.story_data",
            lang,
            as_of=pd.Timestamp(as_of).strftime("%Y-%m-%d") if as_of is not None else "–",
            with_data=numbers.format_number(len(has), lang),
            total=numbers.format_number(len(table), lang),
            no_data=numbers.format_number(len(table) - len(has), lang),
            covered=numbers.format_number(float(has["covered_total"].sum()), lang),
            rentan=numbers.format_number(float(has["covered_rentan"].sum()), lang),
        )
    ]
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
        oldest = has["coverage_date"].min()
        lines.append(
            i18n.t("coverage.story_freshness", lang,
                   oldest=pd.Timestamp(oldest).strftime("%Y-%m-%d"),
                   newest=pd.Timestamp(has["coverage_date"].max()).strftime("%Y-%m-%d"))
        )
    return "\n\n".join(lines)
