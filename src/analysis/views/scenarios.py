"""Funding scenarios in the report language: messages, yearly tables, APBD needed, text, JSON.

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
    "envelope": "rupiah",
    "budget": "rupiah",
    "need": "rupiah",
    "plan": "rupiah",
    "value": "plain",
    "path": "path",
    "flags": "flags",
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
    if kind == "path":
        return _path_words(value, lang)
    if kind == "flags":
        return _flag_words(value, lang)
    return value


def messages(an: Analysis | pd.DataFrame, lang: str = "id",
             skip: tuple[str, ...] = ()) -> list[str]:
    """The sentences about a projection: APBD solved, target not met, DBH eligibility, flags.

    Parameters
    ----------
    an : Analysis or pandas.DataFrame
        An analysis (its ``table``), or a projection table from ``project`` (its
        ``attrs["notes"]``).
    lang : {"id", "en"}
        Report language.
    skip : tuple of str
        Note keys left out (those a narrative has already said in its own words).

    Returns
    -------
    list of str
        In order: where the budgeted APBD comes from, or that it is not known; per year, where
        the target is not met with it, where the count of palm workers limits DBH Sawit and
        where DBH Sawit waits for that count, a message repeated in consecutive years given once
        with its years ("2025–2027: …"); each UNCONFIRMED figure used.
    """
    i18n.check_lang(lang)
    table = an if isinstance(an, pd.DataFrame) else an.table
    notes = table.attrs.get("notes", [])
    before: list[str] = []
    after: list[str] = []
    per_year: list[tuple[int, str, tuple]] = []
    for key, year, values in notes:
        if key in skip:
            continue
        if year is not None:
            per_year.append((year, f"scenarios.msg_{key}", tuple(
                (name, _format_value(name, value, lang)) for name, value in values.items())))
            continue
        words = {name: _format_value(name, value, lang) for name, value in values.items()}
        if key == "unconfirmed" and str(values.get("path", "")).endswith("_rp"):
            # An amount reads as rupiah ("Rp3,67 miliar"), not as a bare number.
            words["value"] = format_rupiah(values["value"], lang)
        text = i18n.t(f"scenarios.msg_{key}", lang, **words)
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
        One sentence per year, in year order; a sentence that reads the same in consecutive
        years is given once with its years ("2026–2030: …").
    """
    i18n.check_lang(lang)
    items = [(year, f"scenarios.msg_{key}", tuple(
        (name, _format_value(name, value, lang)) for name, value in values.items()))
        for key, year, values in mix.get("notes", [])]
    return [i18n.t(key, lang, year=years, **dict(values))
            for years, key, values in _merge_years(items)]


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


def _path_words(path: str, lang: str) -> str:
    """A key path of a scenario file in words where the locale has them ("alokasi DBH Sawit")."""
    try:
        return i18n.t("scenarios.path_" + path.replace("funding.", "").replace(".", "_"), lang)
    except KeyError:
        return path


def _plain(value: Any, lang: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, lang)
    return str(value)


def _money(value: float | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_rupiah(value, lang)


def year_table(an: Analysis) -> pd.DataFrame:
    """One row per year with the one figure of each kind: what the brief, CLI and workbook show.

    Parameters
    ----------
    an : Analysis

    Returns
    -------
    pandas.DataFrame
        ``year``, ``target_workers``, workers by source other than the APBD (central values),
        ``apbd_workers`` (paid by the budgeted APBD; NaN when the budget is unknown),
        ``apbd_budget_rp`` (budgeted: today's spending or the file's budget; NaN when
        unknown), ``apbd_needed_rp`` (the APBD needed for the mix's probability, see
        ``recommend_mix``), ``coverage`` (with the budgeted APBD; NaN when unknown) and
        ``probability`` (of reaching the target with the budgeted APBD; NaN when unknown).
    """
    t = an.table
    known = t["apbd_budget_rp"].notna()
    out = t[["year", "target_workers", *(f"{n}_workers" for n in SOURCES if n != "apbd")]].copy()
    out["apbd_workers"] = t["apbd_workers"].where(known)
    out["apbd_budget_rp"] = t["apbd_budget_rp"]
    out["apbd_needed_rp"] = [r["apbd_rp"] for r in an.mix["years"]]
    out["coverage"] = t["coverage"].where(known)
    out["probability"] = an.probability.to_numpy()
    return out


def display_table(an: Analysis, lang: str = "id") -> pd.DataFrame:
    """The per-year table with translated headers and the language's number formats (text).

    Parameters
    ----------
    an : Analysis
    lang : {"id", "en"}

    Returns
    -------
    pandas.DataFrame
        Strings, one row per year (see ``year_table``); a source column only when that source
        pays for somebody; "belum ada data" / "not known" where the budget is unknown.
    """
    df = year_table(an)
    unknown = i18n.t("scenarios.unknown", lang)
    sources = [n for n in SOURCES if n != "apbd" and df[f"{n}_workers"].any()]
    heads = ["year", "target", *sources, "apbd", "apbd_budget_rp", "apbd_needed_rp",
             "probability"]
    rows = []
    for r in df.itertuples():
        rows.append([
            str(r.year), format_number(r.target_workers, lang),
            *(format_number(getattr(r, f"{n}_workers"), lang) for n in sources),
            unknown if math.isnan(r.apbd_workers) else format_number(r.apbd_workers, lang),
            unknown if math.isnan(r.apbd_budget_rp) else _money(r.apbd_budget_rp, lang),
            _money(r.apbd_needed_rp, lang),
            "–" if math.isnan(r.probability) else format_percent(r.probability, lang, 0),
        ])
    return pd.DataFrame(rows, columns=[i18n.t(f"scenarios.col_{h}", lang, prob=format_percent(
        an.mix["prob"], lang, 0)) for h in heads])


def format_table(an: Analysis, lang: str = "id") -> str:
    """The per-year table as plain text (see ``display_table``)."""
    df = display_table(an, lang)
    rows = [list(df.columns), *df.to_numpy().tolist()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(df.columns))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_mix(mix: dict, lang: str = "id") -> str:
    """The APBD needed in each year that can still be budgeted, as plain text.

    The same figure as the table's "APBD needed" column; the shares are those of the rupiah
    printed (the other sources at central values plus this APBD).
    """
    lines = [i18n.t("scenarios.mix_title", lang, prob=format_percent(mix["prob"], lang, 0),
                    first=mix.get("first_year", ""))]
    for r in mix["years"]:
        if not r.get("recommended", True):
            continue
        shares = ", ".join(f"{i18n.t('scenarios.src_' + n, lang)} "
                           f"{format_percent(v, lang, 0)}" for n, v in r["share"].items() if v)
        lines.append(i18n.t("scenarios.mix_year", lang, year=r["year"],
                            apbd=format_rupiah(r["apbd_rp"], lang),
                            workers=format_number(r["apbd_workers"], lang),
                            achieved=format_percent(r["achieved_probability"], lang, 0),
                            shares=shares or "–"))
    if len(lines) == 1:
        lines.append(i18n.t("scenarios.mix_none", lang))
    return "\n".join(lines)


def _range(low: float, high: float, lang: str, fmt=format_rupiah) -> str:
    """"a–b", or one figure when both ends print the same (no range with equal ends)."""
    a, b = fmt(low, lang), fmt(high, lang)
    return a if a == b else i18n.t("scenarios.range", lang, low=a, high=b)


def _flag_words(flags: str, lang: str) -> str:
    """Data flags in words ("DERIVED;ESTIMATE" → "hasil hitungan, perkiraan")."""
    words = []
    for flag in dict.fromkeys(f.strip() for f in str(flags or "").split(";") if f.strip()):
        try:
            words.append(i18n.t(f"scenarios.flag_{flag}", lang))
        except KeyError:
            words.append(flag)
    return ", ".join(words)


def _budget_paragraph(an: Analysis, lang: str) -> str:
    """Today's APBD and the chance it reaches the target, or that it is not known."""
    s, mix = an.scenario, an.mix
    first, last = mix["years"][0], mix["years"][-1]
    p50, p90 = (format_rupiah(mix["median_apbd_rp"][0], lang),
                format_rupiah(first["apbd_rp"], lang))
    chance = format_percent(mix["prob"], lang, 0)
    need = i18n.t("scenarios.story_need_one" if p50 == p90 else "scenarios.story_need_range",
                  lang, p50=p50, p90=p90, prob=chance)
    prob = an.probability
    if prob.notna().any():
        b = s.apbd_basis
        if b:
            flags = _flag_words(b.get("flags", ""), lang)
            where = i18n.t("scenarios.story_budget_cases", lang, year=b["year"],
                           cases=", ".join(b["case_ids"]), flags=f" ({flags})" if flags else "")
        else:
            flags = _flag_words(";".join(p.get("flag", "") for p in s.provenance
                                         if p["path"].startswith("funding.apbd.budget_rp")), lang)
            where = i18n.t("scenarios.story_budget_file", lang) + (f" ({flags})" if flags else "")
        return i18n.t(
            "scenarios.story_budget", lang, budget=format_rupiah(s.apbd_budget_rp[0], lang),
            where=where, start=s.start_year, end=s.year_list[-1],
            p_start=format_percent(prob.iloc[0], lang, 0),
            p_end=format_percent(prob.iloc[-1], lang, 0),
            coverage=format_percent(an.table["coverage"].iloc[0], lang, 0),
            need=need, prob=format_percent(mix["prob"], lang, 0))
    return i18n.t("scenarios.story_no_budget", lang, regency=s.regency_name,
                  start=s.start_year, need=need, end=s.year_list[-1],
                  need_end=format_rupiah(last["apbd_rp"], lang),
                  prob=format_percent(mix["prob"], lang, 0))


def _dbh_paragraph(an: Analysis, lang: str) -> str | None:
    """The DBH Sawit allocation the scenario uses, its range, the share and what it pays."""
    s, t = an.scenario, an.table
    b = s.dbh_basis
    if not b or not any(s.dbh_allocation_rp):
        return None
    flag = f" ({_flag_words(b['flag'], lang)})" if b["flag"] else ""
    official = [x for x in b.get("series", []) if not x.get("flag") and x["year"] != b["year"]]
    earlier = (i18n.t("scenarios.story_dbh_official", lang, year=official[-1]["year"],
                      amount=format_rupiah(official[-1]["allocation"], lang))
               if official else "")
    lo, hi = s.dbh_share * s.dbh_share_range[0], s.dbh_share * s.dbh_share_range[1]
    # Beside the share: the assumption it comes from and its range, or that it is a choice.
    named = sorted({p["assumption"] for p in s.provenance
                    if p["path"].startswith("funding.dbh_sawit.share_of_allocation")
                    and p.get("assumption")})
    chosen = any(p.get("choice") for p in s.provenance
                 if p["path"].startswith(("funding.dbh_sawit.social_share",
                                          "funding.dbh_sawit.other_share")))
    notes = list(named) or ([i18n.t("scenarios.choice", lang)] if chosen else [])
    if hi > lo:
        notes.append(i18n.t("scenarios.range_word", lang, range=_range(
            lo, hi, lang, lambda v, lg: format_percent(v, lg, 1))))
    share = format_percent(s.dbh_share, lang, 1) + (f" ({', '.join(notes)})" if notes else "")
    text = i18n.t("scenarios.story_dbh", lang, year=b["year"],
                  amount=format_rupiah(b["allocation"], lang), flag=flag,
                  range=_range(b["low"], b["high"], lang) + (
                      i18n.t("scenarios.story_dbh_a08", lang)
                      if "A08" in b.get("range_from", "") else ""),
                  earlier=earlier, share=share,
                  envelope=format_rupiah(t["dbh_envelope_rp"].iloc[0], lang),
                  fundable=format_number(t["dbh_fundable_workers"].iloc[0], lang))
    headroom = an.mix["dbh_headroom_rp"][0] if an.mix.get("dbh_headroom_rp") else 0.0
    if headroom > 0:
        most = t["dbh_envelope_rp"].iloc[0] + headroom
        text += " " + i18n.t("scenarios.story_dbh_most", lang,
                             share=format_percent(s.dbh_max_share, lang, 0),
                             envelope=format_rupiah(most, lang),
                             fundable=format_number(most // t["cost_per_worker_rp"].iloc[0],
                                                    lang))
    if s.dbh_eligible[0] is None:
        text += " " + i18n.t("scenarios.story_dbh_needs_count", lang)
    else:
        text += " " + i18n.t("scenarios.story_dbh_eligible", lang,
                             eligible=format_number(s.dbh_eligible[0], lang),
                             paid=format_number(t["dbh_workers"].iloc[0], lang))
    return text


def _uncertainty_paragraph(an: Analysis, lang: str) -> str:
    """What moves the APBD needed: the uncertain inputs, then the target level apart."""
    sens, year = an.sensitivity, an.sensitivity.attrs.get("year", an.scenario.year_list[-1])
    if len(sens):
        top = sens.iloc[0]
        text = i18n.t("scenarios.story_top", lang, year=year,
                      top=i18n.t(f"scenarios.param_{top['parameter']}", lang),
                      range=_range(min(top["value_low"], top["value_high"]),
                                   max(top["value_low"], top["value_high"]), lang))
    else:
        text = i18n.t("scenarios.story_no_top", lang, year=year)
    levels = an.target_levels
    if levels is not None and len(levels):
        text += " " + i18n.t(
            "scenarios.story_target_levels", lang, year=levels.attrs.get("year", year),
            shares=" / ".join(format_percent(x, lang, 0) for x in levels["share"]),
            needs=" / ".join(format_rupiah(x, lang) for x in levels["apbd_needed_rp"]))
    return text


def _what_if_paragraph(an: Analysis, lang: str) -> str | None:
    """What each labelled what-if would change in the APBD needed of the first year."""
    v = an.variants
    year = an.scenario.start_year
    first = v[v["year"] == year].set_index("variant")["apbd_needed_rp"]
    names = [n for n in first.index if n.endswith("_what_if")]
    if not names or "central" not in first.index:
        return None
    parts = [i18n.t(f"scenarios.what_if_{n}", lang, need=format_rupiah(first[n], lang))
             for n in names]
    return i18n.t("scenarios.story_what_if", lang, year=year,
                  central=format_rupiah(first["central"], lang), parts="; ".join(parts))


def _lead(key: str, lang: str) -> str:
    """The bold lead of a narrative paragraph ("**APBD hari ini.** ")."""
    return f"**{i18n.t('scenarios.lead_' + key, lang)}** "


def narrative(an: Analysis, lang: str = "id") -> str:
    """A few paragraphs summarising the scenario for a report (Markdown).

    In order: the target; today's APBD and the chance it reaches the target (or that it is not
    known, with the APBD needed); the APBD to budget in the next budget year; DBH Sawit; what
    moves the APBD needed (uncertain inputs, then the target level as a policy choice); the
    labelled what-ifs; the messages of the projection. A range whose ends print the same is
    given as one figure.
    """
    s, mix = an.scenario, an.mix
    t = an.table
    # The file's own title, quoted: it is the scenario author's words, in their language.
    title = f" (“{s.title}”)" if s.title and s.title != "default" else ""
    parts = [i18n.t(
        "scenarios.story_intro", lang, regency=s.regency_name, start=s.start_year,
        end=s.year_list[-1], title=title,
        target_start=format_number(t["target_workers"].iloc[0], lang),
        target_end=format_number(t["target_workers"].iloc[-1], lang))]
    parts.append(_lead("today", lang) + _budget_paragraph(an, lang))
    recommended = [r for r in mix["years"] if r.get("recommended", True)]
    if recommended:
        parts.append(_lead("next", lang) + i18n.t(
            "scenarios.story_mix", lang, first=recommended[0]["year"],
            need=format_rupiah(recommended[0]["apbd_rp"], lang),
            prob=format_percent(mix["prob"], lang, 0), end=recommended[-1]["year"],
            total=format_rupiah(mix["total_apbd_rp"], lang)))
    for lead, extra in (("dbh", _dbh_paragraph(an, lang)),
                        ("uncertain", _uncertainty_paragraph(an, lang)),
                        ("what_if", _what_if_paragraph(an, lang))):
        if extra:
            parts.append(_lead(lead, lang) + extra)
    # The paragraphs above already say where the APBD comes from and that DBH Sawit waits for
    # a count of palm workers; the list keeps the other notes.
    notes = messages(an, lang, skip=("apbd_current", "apbd_unknown", "dbh_needs_count"))
    if notes:
        parts.append("\n".join(f"- {m}" for m in notes))
    return "\n\n".join(parts)


def span(low: float, central: float, high: float, lang: str = "id", decimals: int = 0,
         money: bool = False) -> str:
    """"low–high (perkiraan utama central)"; one figure when the two ends print the same.

    Parameters
    ----------
    low, central, high : float
        The three values.
    lang : {"id", "en"}
        Report language.
    decimals : int
        Digits after the decimal separator of plain numbers.
    money : bool
        Rupiah with a scale word instead of plain numbers.

    Returns
    -------
    str
        e.g. "Rp53,38 juta–Rp537,22 juta (perkiraan utama Rp129,2 juta)".
    """
    def fmt(x: float) -> str:
        return format_rupiah(x, lang) if money else format_number(x, lang, decimals)

    a, b, c = fmt(low), fmt(central), fmt(high)
    return b if a == c else i18n.t("reports.span", lang, low=a, central=b, high=c)


def benefit_sentences(per_1000: pd.DataFrame, table: pd.DataFrame | None,
                      lang: str = "id") -> list[str]:
    """The model set beside the recorded claims: per 1.000 workers, then for the scenario.

    Parameters
    ----------
    per_1000 : pandas.DataFrame
        ``analysis.model.benefits.benefit_range(1000, 1)`` (rows by ``metric``; ``low``,
        ``central``, ``high``).
    table : pandas.DataFrame or None
        ``benefits_table`` of the scenario; None gives the first sentence only.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    list of str
        Expected JKM deaths and benefits per 1.000 workers covered a year; then the benefits of
        the scenario against its contributions and per rupiah of contributions, each as a
        low–high range with its central value.
    """
    rows = per_1000.set_index("metric")
    jkm, total = rows.loc["jkm_deaths"], rows.loc["total_rp"]
    out = [i18n.t("reports.benefits_per_1000", lang,
                  jkm=span(jkm["low"], jkm["central"], jkm["high"], lang, 2),
                  total=span(total["low"], total["central"], total["high"], lang, money=True))]
    if table is None or table.empty:
        return out
    contributions = float(table["contributions_rp"].sum())
    paid = [float(table[c].sum()) for c in ("benefits_low_rp", "benefits_rp",
                                            "benefits_high_rp")]
    ratio = [x / contributions if contributions else float("nan") for x in paid]
    out.append(i18n.t("reports.benefits_text", lang, paid=span(*paid, lang, money=True),
                      contributions=format_rupiah(contributions, lang),
                      ratio=span(*ratio, lang, 2)))
    return out


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
        "as_of": s.as_of,
        "package": s.package,
        "summary": records(year_table(an)),
        "years": records(an.table),
        "apbd_basis": {k: _py(v) for k, v in s.apbd_basis.items()} or None,
        "dbh_basis": {k: _py(v) for k, v in s.dbh_basis.items()} or None,
        "messages": messages(an, lang),
        "simulation": {
            "draws": an.simulation.draws,
            "seed": an.simulation.seed,
            "probability_of_target": [_py(v) for v in an.probability],
            "coverage_bands": records(bands.reset_index()),
        },
        "recommended_mix": dict(_mix_items(an.mix, lang)),
        "variants": records(an.variants),
        "sensitivity": records(an.sensitivity),
        "target_levels": (records(an.target_levels) if an.target_levels is not None
                          else None),
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
    if isinstance(value, list | tuple):
        return [_py(v) for v in value]
    return value
