"""Funding scenarios in the report language: messages, per-year tables, the mix, narrative, JSON.

Every number comes from ``analysis.model.scenarios``; this module words and formats it in
Indonesian (default) or English. The model returns structured notes ``(key, year, {name:
value})``; ``messages`` and ``mix_messages`` turn them into today's sentences (locale keys
``scenarios.msg_<key>``), joining a message repeated in consecutive years into one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.core import i18n
from analysis.core.numbers import format_number, format_percent, format_rupiah
from analysis.model.scenarios import SOURCES, Analysis

# How each value of a structured note is written: counts with the language's separators, rupiah
# with the scale word, a figure of the file as written ("plain"); any other value as it is.
_FORMATS = {
    "target": "number",
    "gap": "number",
    "fundable": "number",
    "eligible": "number",
    "gap_rp": "rupiah",
    "unused": "rupiah",
    "need": "rupiah",
    "plan": "rupiah",
    "value": "plain",
}


def _format_value(name: str, value: Any, lang: str) -> Any:
    """One value of a structured note as the sentence shows it (see ``_FORMATS``)."""
    kind = _FORMATS.get(name)
    if kind == "number":
        return format_number(value, lang)
    if kind == "rupiah":
        return format_rupiah(value, lang)
    if kind == "plain":
        return _plain(value, lang)
    return value


def messages(an: Analysis | pd.DataFrame, lang: str = "id") -> list[str]:
    """The sentences about a projection: APBD solved, target not met, DBH eligibility, flags.

    Parameters
    ----------
    an : Analysis or pandas.DataFrame
        An analysis (its ``table``), or a projection table from ``project`` (its
        ``attrs["notes"]``).
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    list of str
        In order: that the APBD needed is computed (when the file gives no APBD budget); per
        year, where the target is not met and where eligibility limits DBH Sawit, a message
        repeated in consecutive years given once with its years ("2025–2027: …"); each
        UNCONFIRMED figure used.
    """
    i18n.check_lang(lang)
    table = an if isinstance(an, pd.DataFrame) else an.table
    notes = table.attrs.get("notes", [])
    before: list[str] = []
    after: list[str] = []
    per_year: list[tuple[int, str, tuple]] = []
    for key, year, values in notes:
        if year is not None:
            per_year.append((year, f"scenarios.msg_{key}", tuple(
                (name, _format_value(name, value, lang)) for name, value in values.items())))
            continue
        text = i18n.t(f"scenarios.msg_{key}", lang, **{
            name: _format_value(name, value, lang) for name, value in values.items()})
        (after if per_year else before).append(text)
    merged = [i18n.t(key, lang, year=years, **dict(values))
              for years, key, values in _merge_years(per_year)]
    return before + merged + after


def mix_messages(mix: dict, lang: str = "id") -> list[str]:
    """The sentences about a recommended mix: each year whose APBD needed is above the plan.

    Parameters
    ----------
    mix : dict
        From ``recommend_mix`` (its ``notes``).
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    list of str
        One sentence per year, in year order (not joined across years).
    """
    i18n.check_lang(lang)
    return [
        i18n.t(f"scenarios.msg_{key}", lang, year=year,
               **{name: _format_value(name, value, lang) for name, value in values.items()})
        for key, year, values in mix.get("notes", [])
    ]


def _merge_years(items: list[tuple[int, str, tuple]]) -> list[tuple[str, str, tuple]]:
    """Join messages that repeat in consecutive years into one ("2025–2028: …").

    A reader of a five-year scenario should see a message once with its years, not five
    near-identical lines.
    """
    runs: list[list] = []
    for year, key, values in sorted(items, key=lambda i: (i[1], i[2], i[0])):
        last = runs[-1] if runs else None
        if last and last[2] == key and last[3] == values and last[1] == year - 1:
            last[1] = year
        else:
            runs.append([year, year, key, values])
    runs.sort(key=lambda r: (r[0], r[2]))
    return [(str(a) if a == b else f"{a}–{b}", key, values) for a, b, key, values in runs]


def _plain(value: Any, lang: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, lang)
    return str(value)


def _money(value: float | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_rupiah(value, lang)


def display_table(an: Analysis, lang: str = "id") -> pd.DataFrame:
    """The per-year table with translated headers and the language's number formats (text).

    Parameters
    ----------
    an : Analysis
    lang : {"id", "en"}

    Returns
    -------
    pandas.DataFrame
        Strings, one row per year, ready to show in a notebook or print.
    """
    prob = an.simulation.probability_of_target()
    heads = ["year", "target", "dbh", "province", "dana_desa", "csr", "apbd", "covered",
             "coverage", "gap", "gap_rp", "apbd_rp", "probability"]
    rows = []
    for r in an.table.itertuples():
        rows.append([
            str(r.year), format_number(r.target_workers, lang),
            *(format_number(getattr(r, f"{n}_workers"), lang) for n in SOURCES),
            format_number(r.covered_workers, lang), format_percent(r.coverage, lang),
            format_number(r.gap_workers, lang), _money(r.gap_rp, lang), _money(r.apbd_rp, lang),
            format_percent(prob.loc[r.year], lang, 0),
        ])
    return pd.DataFrame(rows, columns=[i18n.t(f"scenarios.col_{h}", lang) for h in heads])


def format_table(an: Analysis, lang: str = "id") -> str:
    """The per-year table as plain text (see ``display_table``)."""
    df = display_table(an, lang)
    rows = [list(df.columns), *df.to_numpy().tolist()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(df.columns))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_mix(mix: dict, lang: str = "id") -> str:
    """The recommended mix as plain text."""
    lines = [i18n.t("scenarios.mix_title", lang, prob=format_percent(mix["prob"], lang, 0))]
    for r in mix["years"]:
        shares = ", ".join(f"{i18n.t('scenarios.src_' + n, lang)} "
                           f"{format_percent(v, lang, 0)}" for n, v in r["share"].items() if v)
        lines.append(i18n.t("scenarios.mix_year", lang, year=r["year"],
                            apbd=format_rupiah(r["apbd_rp"], lang),
                            workers=format_number(r["apbd_workers"], lang),
                            achieved=format_percent(r["achieved_probability"], lang, 1),
                            shares=shares or "–"))
    return "\n".join(lines)


def narrative(an: Analysis, lang: str = "id") -> str:
    """A few sentences summarising the scenario for a report (Markdown)."""
    s, t = an.scenario, an.table
    last = t.iloc[-1]
    prob = an.simulation.probability_of_target()
    band = an.simulation.bands("coverage")
    mix_total = an.mix["total_apbd_rp"]
    top = an.sensitivity.iloc[0]["parameter"] if len(an.sensitivity) else "-"
    parts = [i18n.t(
        "scenarios.story_intro", lang, regency=s.regency_name, start=s.start_year,
        end=s.year_list[-1], target=format_number(last.target_workers, lang),
        covered=format_number(last.covered_workers, lang),
        coverage=format_percent(last.coverage, lang),
        p10=format_percent(band["p10"].iloc[-1], lang), p90=format_percent(band["p90"].iloc[-1],
                                                                             lang),
        prob=format_percent(prob.iloc[-1], lang, 0))]
    parts.append(i18n.t("scenarios.story_mix", lang, prob=format_percent(an.mix["prob"], lang, 0),
                        total=format_rupiah(mix_total, lang),
                        top=i18n.t(f"scenarios.param_{top}", lang)))
    if an.benefits is not None and an.benefits["benefits_rp"].sum() > 0:
        parts.append(i18n.t("scenarios.story_benefits", lang,
                            benefits=format_rupiah(an.benefits["benefits_rp"].sum(), lang),
                            contributions=format_rupiah(
                                an.benefits["contributions_rp"].sum(), lang)))
    notes = messages(an, lang)
    if notes:
        parts.append("\n".join(f"- {m}" for m in notes))
    return "\n\n".join(parts)


def to_json(an: Analysis, lang: str = "id") -> dict:
    """Machine-readable output of an analysis (plain Python types).

    Parameters
    ----------
    an : Analysis
    lang : {"id", "en"}
        Language of the ``messages`` (of the projection and of the recommended mix).

    Returns
    -------
    dict
        Scenario identity, per-year table, messages, simulation summary, recommended mix,
        variants, sensitivity, benefits and provenance.
    """
    s = an.scenario

    def records(df: pd.DataFrame) -> list[dict]:
        return [{k: _py(v) for k, v in row.items()} for row in df.to_dict("records")]

    bands = an.simulation.bands("coverage")
    return {
        "regency_code": s.regency_code,
        "regency": s.regency_name,
        "title": s.title,
        "file": str(s.path) if s.path else None,
        "package": s.package,
        "years": records(an.table),
        "messages": messages(an, lang),
        "simulation": {
            "draws": an.simulation.draws,
            "seed": an.simulation.seed,
            "probability_of_target": [_py(v) for v in an.simulation.probability_of_target()],
            "coverage_bands": records(bands.reset_index()),
        },
        "recommended_mix": dict(_mix_items(an.mix, lang)),
        "variants": records(an.variants),
        "sensitivity": records(an.sensitivity),
        "benefits": records(an.benefits) if an.benefits is not None else None,
        "provenance": [{k: _py(v) for k, v in p.items()} for p in s.provenance],
    }


def _mix_items(mix: dict, lang: str) -> list[tuple[str, Any]]:
    """The recommended mix for JSON: years as plain types, notes worded as ``messages``."""
    items = []
    for k, v in mix.items():
        if k == "years":
            v = [{kk: _py(vv) for kk, vv in r.items()} for r in v]
        elif k == "notes":
            k, v = "messages", mix_messages(mix, lang)
        items.append((k, v))
    return items


def _py(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    if isinstance(value, dict):
        return {k: _py(v) for k, v in value.items()}
    return value
