"""Page 1 of the regency brief: the answer before the evidence.

``regency_page`` builds the ``Summary`` of a ``RegencyBrief`` from the brief's own model results
(coverage summary, funding scenario, DBH Sawit), never from typed numbers: an action title, one
line of context, key figures, at most five key messages and the decision box (the instrument to
sign, workers covered per year, rupiah by source for the first budget year, the chance of
reaching the target at today's budget, who acts when in the APBD cycle), then three
recommendations. ``plan_rows`` is the one reading of the scenario that page 1 and its tests use.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.core import i18n
from analysis.model.scenarios import current_apbd
from analysis.render.summary import Figure1, Summary
from analysis.views.coverage import month_text, set_aside_note
from analysis.views.facts import flag_words
from analysis.views.scenarios import year_table

SOURCES_SHOWN = ("apbd", "dbh", "csr", "dana_desa")  # the decision box's rupiah, in this order


def chance_words(prob: float | None, lang: str) -> str:
    """A probability in plain words ("hampir pasti", "sekitar 7 dari 10 kemungkinan")."""
    if prob is None or prob != prob:
        return i18n.t("page1.chance_unknown", lang)
    if prob >= 0.95:
        return i18n.t("page1.chance_certain", lang)
    if prob <= 0.05:
        return i18n.t("page1.chance_none", lang)
    return i18n.t("page1.chance_n", lang, n=int(round(prob * 10)))


def plan_rows(an: Any) -> pd.DataFrame:
    """The scenario as page 1 reads it: the budget years from the next one, one APBD each.

    Parameters
    ----------
    an : Analysis
        The brief's scenario analysis.

    Returns
    -------
    pandas.DataFrame
        From the first budget year that can still be planned (``mix["first_year"]``): ``year,
        target_workers``, ``apbd_rp`` (the APBD needed: the one APBD figure of the year, as in
        ``analysis.views.scenarios.year_table``), ``apbd_budget_rp`` (budgeted today; NaN when
        unknown), ``probability`` (of the target with the budgeted APBD; NaN when unknown),
        ``dbh_rp, csr_rp, dana_desa_rp`` (the other sources at central values) and
        ``belanja_rp`` (regional spending).
    """
    years = year_table(an).set_index("year")
    table = an.table.set_index("year")
    first = int(an.mix.get("first_year") or years.index.min())
    rows = []
    for year in [y for y in years.index if y >= first]:
        rows.append({
            "year": int(year),
            "target_workers": float(years.at[year, "target_workers"]),
            "apbd_rp": float(years.at[year, "apbd_needed_rp"]),
            "apbd_budget_rp": years.at[year, "apbd_budget_rp"],
            "probability": years.at[year, "probability"],
            "dbh_rp": float(table.at[year, "dbh_rp"]),
            "csr_rp": float(table.at[year, "csr_rp"]),
            "dana_desa_rp": float(table.at[year, "dana_desa_rp"]),
            "belanja_rp": table.at[year, "belanja_rp"],
        })
    return pd.DataFrame(rows)


def coverage_message(brief: Any, s: dict, basis: str, basis_words: str, measured: bool,
                     ranked: bool) -> str:
    """The coverage key message: the count the rate counts, or why there is no rate.

    Parameters
    ----------
    brief : RegencyBrief
        For formatting in the report language.
    s : dict
        ``regency_summary`` of the regency.
    basis : {"village", "informal"}
        The target page 1 names; ``basis_words`` says it in words.
    measured, ranked : bool
        Whether the basis has a rate, and a rank among the measurable kab/kota.

    Returns
    -------
    str
        Markdown. A measured rate comes with the workers it counts (``covered_<basis>``, not
        a larger total) and, when others are protected too, the total apart; workers on record
        without a rate (village officials only, or programmes that ended) are named as such,
        never as "no data".
    """
    lang = brief.lang

    def t(key: str, **kw: Any) -> str:
        return i18n.t(f"page1.{key}", lang, **kw)

    total = s.get("covered_total")
    day = brief.date(s.get("coverage_date"), str(s.get("coverage_date_precision") or "day"))
    if measured:
        covered = s.get(f"covered_{basis}")
        rank = (t("msg_rank", rank=i18n.t("reports.rank_of", lang, rank=brief.number(s["rank"]),
                                          ranked=brief.number(s["regencies_ranked"])))
                if ranked else "")
        rest = (t("msg_coverage_rest", total=brief.number(total))
                if pd.notna(total) and total > covered else t("msg_coverage_officials"))
        text = t("msg_coverage", covered=brief.number(covered), day=day, basis=basis_words,
                 rate=brief.percent(s[f"rate_{basis}"]), rank=rank, rest=rest)
        informal, gap = s.get("rate_informal"), s.get("gap_workers_informal")
        if (basis == "village" and pd.notna(informal) and pd.notna(gap) and gap > 0
                and s[f"rate_{basis}"] > informal):
            # The village target reached is not all informal workers protected (Labuhanbatu:
            # 100% of 7.500 against 9,7% of 147.717): say the wider gap on page 1 too.
            text += " " + t("msg_coverage_informal", rate=brief.percent(informal),
                            target=brief.number(s["target_informal"]), gap=brief.number(gap),
                            cost=brief.rupiah(brief.cost_of(gap)))
        return text
    if s.get("status") == "past" and pd.notna(s.get("past_until")):
        return t("msg_coverage_past", until=month_text(s["past_until"], lang))
    if pd.notna(total) and total > 0:
        return t("msg_coverage_uncounted", total=brief.number(total), day=day,
                 basis=basis_words or t("basis_any"))
    aside = set_aside_note(s, lang)  # a misprint set aside is said, not silently dropped
    return t("msg_no_coverage", name=str(brief.row.get("short_name") or brief.name)) + (
        f" {aside[:1].upper()}{aside[1:]}." if aside else "")


def regency_page(brief: Any) -> Summary:
    """Page 1 of a regency brief (see the module docstring).

    Parameters
    ----------
    brief : RegencyBrief
        The brief; its coverage summary, scenario analysis and DBH Sawit summary are used.

    Returns
    -------
    Summary
    """
    lang = brief.lang
    s = brief._summary
    plan = plan_rows(brief._analysis)
    first = plan.iloc[0]
    dbh = brief._dbh

    def t(key: str, **kw: Any) -> str:
        return i18n.t(f"page1.{key}", lang, **kw)

    target = s.get("target_village")
    basis = "village"
    if target is None or pd.isna(target):
        target, basis = s.get("target_informal"), "informal"
    target_rp = brief.cost_of(target) if target is not None and pd.notna(target) else None
    # Rate, gap and count of the basis page 1 names (a kota without desa: the informal
    # estimate), never the village rate beside the informal target; ranks exist only for the
    # summary's own basis.
    rate, gap = s.get(f"rate_{basis}"), s.get(f"gap_workers_{basis}")
    measured = rate is not None and pd.notna(rate) and gap is not None and pd.notna(gap)
    ranked = s.get("target_basis") == basis and pd.notna(s.get("rank"))
    gap_rp = brief.cost_of(gap) if measured else target_rp
    short = str(brief.row.get("short_name") or brief.name)
    basis_words = t(f"basis_{basis}", target=brief.number(target)) if target_rp else ""

    # -- title, key figures ------------------------------------------------------------------
    if measured and (gap > 0 or basis != "village"):
        title = t("title_gap", name=short, gap=brief.number(gap), cost=brief.rupiah(gap_rp))
    elif measured:
        title = t("title_reached", name=short, rate=brief.percent(rate))
    elif target_rp:
        title = t("title_unmeasured", name=short, target=brief.number(target),
                  cost=brief.rupiah(target_rp))
    else:
        title = t("title_no_target", name=short)
    figures = []
    if measured:
        figures.append(Figure1(t("kf_rate", basis=basis_words), brief.percent(rate), rate,
                               "share"))
    else:
        # Workers on record that no rate counts (officials only, or programmes that ended)
        # are "not measured", not "no data": page 2 shows them.
        recorded = pd.notna(s.get("covered_total")) or s.get("status") == "past"
        figures.append(Figure1(t("kf_rate_unknown", basis=basis_words),
                               t("not_measured" if recorded else "no_data"), None))
    if gap_rp is not None:
        figures.append(Figure1(t("kf_gap_cost", short=t(f"short_{basis}")) if measured
                               else t("kf_target_cost"),
                               brief.rupiah(gap_rp), gap_rp, "rupiah"))
    # The most persuasive number for a regent told "the APBD cannot afford it": the whole
    # target as a share of the regency's spending.
    belanja = first["belanja_rp"]
    if target_rp and belanja is not None and pd.notna(belanja) and belanja > 0:
        share = target_rp / belanja
        figures.append(Figure1(t("kf_belanja", belanja=brief.rupiah(belanja)),
                               brief.percent(share, 2), share, "share"))
    figures.append(Figure1(t("kf_apbd", year=int(first["year"])), brief.rupiah(first["apbd_rp"]),
                           first["apbd_rp"], "rupiah"))

    # -- key messages --------------------------------------------------------------------------
    messages = [coverage_message(brief, s, basis, basis_words if target_rp else "", measured,
                                 ranked)]
    if target_rp:
        messages.append(t("msg_cost", basis=basis_words, cost=brief.rupiah(target_rp),
                          monthly=brief.rupiah(brief.monthly)))
    last = plan.iloc[-1]
    flat = (brief.rupiah(first["apbd_rp"]) == brief.rupiah(last["apbd_rp"])
            and first["target_workers"] == last["target_workers"])
    messages.append(t("msg_apbd_flat" if flat else "msg_apbd", first=int(first["year"]),
                      apbd=brief.rupiah(first["apbd_rp"]),
                      workers=brief.number(first["target_workers"]), last=int(last["year"]),
                      apbd_last=brief.rupiah(last["apbd_rp"]),
                      workers_last=brief.number(last["target_workers"])))
    covered = s.get(f"covered_{basis}")
    if (measured and gap > 0 and covered is not None and pd.notna(covered) and covered > 0
            and first["apbd_rp"] > gap_rp and int(first["target_workers"]) == int(target)):
        # The APBD figure pays for the whole target, the workers already protected included
        # (Medan: Rp43,25 miliar against a gap costing Rp35,84 miliar in the title): say why
        # the two differ, and what closing the gap alone costs.
        messages[-1] += t("msg_apbd_includes_covered", covered=brief.number(covered),
                          gap=brief.number(gap), gap_cost=brief.rupiah(gap_rp))
    if target_rp and int(last["target_workers"]) != int(target):
        # A scenario file may aim at another group than the target page 1 names (Pakpak Bharat:
        # 890 palm workers + 7.157 unprotected, against 100 per desa): say so beside the APBD.
        messages[-1] += t("msg_apbd_other_target", scenario=brief.number(last["target_workers"]),
                          last=int(last["year"]), basis=basis_words)
    if dbh is not None:
        # An unconfirmed newer figure never hides a confirmed older one: both, with the fall.
        official = [e for e in dbh.get("series", []) if not e.get("flag")
                    and e["year"] < dbh["year"]]
        change = ""
        if dbh.get("flag") and official:
            base = official[-1]
            change = t("msg_dbh_official", year=base["year"],
                       amount=brief.rupiah(base["allocation"]),
                       fall=brief.percent(1 - dbh["allocation"] / base["allocation"], 0))
        # Where the regency counted its eligible palm workers (Labuhanbatu 1.500, Pakpak
        # Bharat 890), "not yet counted" would contradict the scenario that pays for them.
        eligible = brief._analysis.scenario.dbh_eligible[0]
        words = {"year": dbh["year"], "amount": brief.rupiah(dbh["allocation"]),
                 "status": flag_words(dbh.get("flag"), lang) or t("official"),
                 "envelope": brief.rupiah(dbh["envelope"]),
                 "workers": brief.number(dbh["workers"]), "change": change}
        messages.append(t("msg_dbh", **words) if eligible is None else
                        t("msg_dbh_counted", eligible=brief.number(eligible), **words))
    else:
        messages.append(t("msg_no_dbh"))
    known = pd.notna(last["apbd_budget_rp"]) and pd.notna(last["probability"])
    # The budget rests on the newest recorded APBD year, which may be a closed year: say which,
    # so "today's budget" never contradicts a programme the evidence pages show as ended.
    spent = current_apbd(brief.code, brief.as_of) if known else None
    chance = {"year": int(last["year"]), "budget": brief.rupiah(last["apbd_budget_rp"]),
              "chance": chance_words(last["probability"], lang)}
    if not known:
        messages.append(t("msg_chance_unknown"))
    elif spent:
        messages.append(t("msg_chance", budget_year=spent["year"], **chance))
    else:
        # No payment on record: the budget is the scenario file's estimate (Labuhanbatu's
        # derived split), never "the last recorded budget" of a year still to come.
        messages.append(t("msg_chance_file", **chance))

    # -- decision box --------------------------------------------------------------------------
    y1 = int(first["year"])
    per_year = " · ".join(f"{int(r.year)}: {brief.number(r.target_workers)}"
                          for r in plan.itertuples())
    kind = "kota" if str(brief.row.get("type")) == "kota" else "kabupaten"
    office = {"head": t(f"head_{kind}"), "perkada": t(f"perkada_{kind}")}
    decision = [
        Figure1(t("dec_instrument"), t("dec_instrument_text", **office)),
        Figure1(t("dec_workers"), per_year, float(first["target_workers"]), "count"),
    ]
    for source in SOURCES_SHOWN:
        value = float(first[f"{source}_rp"])
        text = brief.rupiah(value)
        if source == "dbh" and value == 0 and dbh is not None:
            text = t("dec_dbh_zero", envelope=brief.rupiah(dbh["envelope"]))
        elif source == "csr" and value == 0:
            text = t("dec_csr_zero")
        elif source == "dana_desa" and value == 0 and not int(brief.row.get("desa") or 0):
            text = t("dec_dana_desa_none")  # a kota has kelurahan, no desa and no Dana Desa
        elif source == "dana_desa" and value == 0:
            text = t("dec_dana_desa_zero", per_desa=brief.rupiah(brief.cost_of(100)))
        decision.append(Figure1(t(f"dec_{source}", year=y1), text, value, "rupiah"))
    decision.append(Figure1(t("dec_chance", year=int(last["year"])),
                            chance_words(last["probability"], lang) if known
                            else t("chance_unknown"),
                            float(last["probability"]) if known else None, "share"))
    this_year = int(str(brief.as_of)[:4])
    decision.append(Figure1(t("dec_when"), t("dec_when_text", next=y1, this=this_year)))
    return Summary(
        kicker=t("kicker", name=brief.name, day=brief.date(brief.data_date), **office),
        title=title, lead=t("lead"), figures=figures[:4], messages=messages[:5],
        decision=decision,
        actions=[t("act_1", year=y1, apbd=brief.rupiah(first["apbd_rp"]), this=this_year),
                 t("act_2", **office), t("act_3")],
        labels=brief.summary_labels(),
    )
