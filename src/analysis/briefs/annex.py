"""The back of the regency brief: what is uncertain, next steps, and the workbook calculator.

``RegencyAnnex`` holds the sections of ``RegencyBrief`` that follow the evidence (flagged facts in
words, the assumptions with their values, the Perbup checklist and budget calendar, the
calculator sheet), and the small helpers both parts use. It is a mixin: it relies on the brief's
language, data date, code, ledger (``ref``) and model results.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.briefs.calculator import regency_calculator
from analysis.core import i18n
from analysis.core.numbers import format_date
from analysis.data.parameters import load_assumptions, load_parameters
from analysis.data.tables import load_table
from analysis.model.coverage import segment_table
from analysis.render.blocks import Column, Section, Table, Text
from analysis.views.facts import flag_words, quoted
from analysis.views.scenarios import year_table


def _when(value: Any, precision: Any = "day") -> Any:
    """A date for a ``date`` column at the precision the source gives: the year (an int) for a
    year-only fact, "YYYY-MM" for a month, the ISO day otherwise; None when missing."""
    if value is None or value != value or str(value) in ("", "NaT"):
        return None
    day = pd.Timestamp(value)
    if precision == "year":
        return int(day.year)
    if precision == "month":
        return day.strftime("%Y-%m")
    return day.date().isoformat()



def _code_label(kind: str, code: Any, lang: str) -> str:
    """Readable name of a data code (``segment``, ``funding``, ``status``); else the code.

    Empty and missing codes give an empty string, so a table cell stays blank.
    """
    if code is None or code != code or str(code) == "":
        return ""
    try:
        return i18n.t(f"reports.{kind}_{code}", lang)
    except KeyError:
        return str(code)


def _precisions(fact_ids: Any) -> list[str]:
    """The ``date_precision`` of coverage facts by id ("day" where unknown)."""
    facts = load_table("coverage_facts").set_index("fact_id")["date_precision"]
    return [str(facts.get(f, "day")) if isinstance(facts.get(f, "day"), str) else "day"
            for f in fact_ids]


class RegencyAnnex:
    """Sections after the evidence: uncertainty, next steps, calculator (a mixin)."""

    # -- uncertainty ----------------------------------------------------------------------------

    def uncertain(self) -> Any:
        """Flagged facts said in words, and the assumptions used, by id with their titles."""
        lang = self.lang
        parts: list[Any] = []
        rows = [*self._flagged_segments(), *self._flagged_rows()]
        if rows:
            frame = pd.DataFrame(rows).drop_duplicates(["what", "flag", "source_id"])
            frame = frame.assign(ref=[self.ref(v) for v in frame["source_id"]])
            # A column of quotations only where some source is quoted: an empty one reads as
            # words left out.
            quotes = frame["quote"].fillna("").astype(str).str.strip().ne("").any()
            parts.append(Table(
                frame,
                [Column("what", i18n.t("reports.col_fact", lang), width="1.6fr"),
                 Column("flag", i18n.t("reports.col_flag", lang), width="1.2fr"),
                 *([Column("quote", i18n.t("reports.col_quote", lang), width="2fr")]
                   if quotes else []),
                 Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
                title=i18n.t("reports.flagged_title", lang),
                note=i18n.t("reports.flagged_note" if quotes else "reports.flagged_note_plain",
                            lang),
                lang=lang, sheet=i18n.t("reports.sheet_flagged", lang),
            ))
        else:
            parts.append(Text(i18n.t("reports.flagged_none", lang)))
        parts.append(self._assumptions())
        return Section(*parts)

    def _fact(self, label: str, amount: str, when: Any) -> str:
        """"Perangkat desa: 1.825 (2023)"."""
        return f"{label}: {amount}" + (f" ({when})" if when else "")

    def _flagged_segments(self) -> list[dict[str, Any]]:
        facts = segment_table(self.code, self.as_of)
        if facts.empty:
            return []
        facts = facts[facts["flag"].fillna("") != ""]
        return [{
            "what": self._fact(_code_label("segment", r.segment, self.lang),
                               i18n.t("reports.n_workers", self.lang, n=self.number(r.workers)),
                               format_date(r.date, self.lang, p)),
            "flag": flag_words(r.flag, self.lang), "quote": quoted(r.note, self.lang),
            "source_id": r.source_id,
        } for r, p in zip(facts.itertuples(), _precisions(facts["fact_id"]), strict=True)]

    def _flagged_rows(self) -> list[dict[str, Any]]:
        """Flagged payments, DBH Sawit allocations and declared targets of this kab/kota."""
        lang, rows = self.lang, []
        for name in ("payment_cases", "dbh_sawit", "declared_targets"):
            table = load_table(name)
            table = table[(table["area_code"] == self.code) & (table["flag"].fillna("") != "")]
            for r in table.itertuples():
                if name == "payment_cases":
                    amount = (i18n.t("reports.n_workers", lang, n=self.number(r.workers))
                              if pd.notna(r.workers) else "–")
                    what = self._fact(_code_label("segment", r.segment, lang), amount, r.year)
                elif name == "dbh_sawit":
                    what = self._fact(i18n.t("reports.fact_dbh", lang),
                                      self.rupiah(r.amount_rp), r.year)
                else:
                    what = self._fact(i18n.t("reports.fact_declared", lang),
                                      i18n.t("reports.n_workers", lang,
                                             n=self.number(r.target_workers)),
                                      format_date(r.date, lang))
                rows.append({"what": what, "flag": flag_words(r.flag, lang),
                             "quote": quoted(r.note, lang), "source_id": r.source_id})
        return rows

    def _assumptions(self) -> Any:
        """The assumptions the brief used: id, title, value and range, uncertainty, in words."""
        lang = self.lang
        log = load_assumptions()
        self.assumption_ids.update({"A01", "A02"} & set(log))
        # The log is written in English; Indonesian reports show its Indonesian titles.
        title_key = "title_id" if lang == "id" else "title"
        used = [{"id": a, "title": log[a].get(title_key, log[a]["title"]),
                 "value": log[a].get("value"), "low": log[a].get("low"),
                 "high": log[a].get("high"),
                 "uncertainty": i18n.t(f"reports.uncertainty_{log[a]['uncertainty']}", lang)}
                for a in sorted(self.assumption_ids) if a in log]
        if not used:
            return None
        return Table(
            pd.DataFrame(used),
            [Column("id", i18n.t("reports.col_assumption_id", lang), width="auto"),
             Column("title", i18n.t("reports.col_assumption", lang), width="1fr"),
             Column("value", i18n.t("reports.col_value", lang), "number"),
             Column("low", i18n.t("reports.col_low", lang), "number"),
             Column("high", i18n.t("reports.col_high", lang), "number"),
             Column("uncertainty", i18n.t("reports.col_uncertainty", lang), width="auto")],
            title=i18n.t("reports.assumptions_title", lang),
            note=i18n.t("reports.assumptions_note", lang),
            lang=lang, sheet=i18n.t("reports.sheet_assumptions", lang),
        )

    def next_steps(self) -> Any:
        """What the Perbup/Perkada should say, and the budget calendar of the next budget year."""
        lang = self.lang
        this = int(str(self.as_of)[:4])
        tranche = load_parameters().get("dbh_sawit.tranche1_share", self.as_of)
        checklist = [i18n.t(f"steps.check_{k}", lang) for k in
                     ("who", "programme", "funds", "data", "payment", "monitoring")]
        rows = [{"step": i18n.t(f"steps.{k}", lang, next=this + 1, this=this),
                 "when": i18n.t(f"steps.{k}_when", lang, next=this + 1, this=this,
                                share=self.percent(tranche, 0)),
                 "who": i18n.t(f"steps.{k}_who", lang),
                 "what": i18n.t(f"steps.{k}_what", lang)}
                for k in ("kua_ppas", "rapbd", "apbd_p", "dbh")]
        return Section(
            Text(f"### {i18n.t('steps.check_title', lang)}\n\n"
                 + "\n".join(f"- {c}" for c in checklist)),
            Table(pd.DataFrame(rows),
                  [Column("step", i18n.t("steps.col_step", lang)),
                   Column("when", i18n.t("steps.col_when", lang)),
                   Column("who", i18n.t("steps.col_who", lang)),
                   Column("what", i18n.t("steps.col_what", lang), width="1.6fr")],
                  title=i18n.t("steps.calendar_title", lang, next=this + 1), lang=lang,
                  sheet=i18n.t("steps.sheet", lang)),
        )

    def calculator(self) -> Any:
        """The workbook's calculator sheet, its defaults the figures of this brief."""
        summary = self._summary
        workers = summary.get("target_village")
        if workers is None or pd.isna(workers):
            workers = summary.get("target_informal")
        params = load_parameters()
        dbh = self._dbh
        years = year_table(self._analysis)
        budgets = [b for b in years["apbd_budget_rp"] if pd.notna(b)]
        belanja = [b for b in self._analysis.table["belanja_rp"] if pd.notna(b) and b]
        return regency_calculator(
            self.lang, workers=None if pd.isna(workers) else float(workers),
            desa=int(self.row["desa"]),
            per_desa=float(params.get("targets.workers_per_desa", self.as_of)),
            dbh_allocation=dbh["allocation"] if dbh else None,
            dbh_other_share=float(params.get("dbh_sawit.other.max_share", self.as_of)),
            dbh_social_share=1.0,
            budget=budgets[0] if budgets else None,
            belanja=belanja[0] if belanja else None, on=self.as_of,
        )

