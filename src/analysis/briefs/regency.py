"""Content of the policy brief of one kab/kota, called cell by cell by notebook 03_regency_report.

Sections, in the notebook's order: cover, villages and the village target, coverage, yearly cost,
DBH Sawit, funding scenario, benefits, what is uncertain, sources. Each returns a display object
of ``analysis.render.blocks``; numbers come from ``analysis.model``, sentences from
``core/locales/reports.yml``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysis.briefs.base import Brief
from analysis.core import i18n, numbers
from analysis.data.names import resolve_regency
from analysis.data.parameters import load_assumptions, load_parameters
from analysis.data.tables import load_table, regencies
from analysis.model.benefits import benefit_range, observed_claims
from analysis.model.contributions import budget_for, monthly_contribution
from analysis.model.coverage import (
    BASES,
    NO_DATA,
    PAST,
    history_table,
    regency_summary,
    segment_table,
    village_targets,
)
from analysis.model.dbh_sawit import dbh_summary
from analysis.model.scenarios import analyse, resolve
from analysis.render.blocks import (
    Callout,
    Column,
    Figure,
    KeyFigures,
    ReportMeta,
    Section,
    Table,
    Text,
)
from analysis.render.markup import markdown_escape
from analysis.views import figures
from analysis.views.coverage import (
    history_rows,
    informal_explanation,
    month_text,
    over_target_reason,
    rank_text,
    set_aside_note,
)
from analysis.views.dbh_sawit import (
    basis_sentence,
    range_sentence,
    series_frame,
    set_aside_sentences,
)
from analysis.views.scenarios import benefit_sentences, year_table
from analysis.views.scenarios import narrative as scenario_narrative

SCENARIO_YEARS = 5  # horizon of the default scenario in the regency brief
SCENARIO_DRAWS = 10_000  # the seed is the model's DEFAULT_SEED: same inputs, same report


def _period(start: Any, end: Any) -> str:
    """A claims period as "2024-01-01 – 2024-12-31", or the one known end ("… 2024-10-17")."""
    def iso(value: Any) -> str:
        return value.isoformat()[:10] if hasattr(value, "isoformat") and value == value else ""

    a, b = iso(start), iso(end)
    if a and b:
        return f"{a} – {b}"
    return a or (f"… {b}" if b else "–")


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


class RegencyBrief(Brief):
    """Content of the policy brief of one kab/kota (notebook 03_regency_report).

    Parameters
    ----------
    regency_code : str
        Kemendagri code (``"12.14"``) or a name.
    lang : {"id", "en"}
        Report language.
    as_of : str, optional
        ISO date: use only data known on that date.
    scenario_file : str, optional
        Perkada scenario YAML; the regency's file in data/scenarios or a default scenario
        built from data when omitted.
    """

    def __init__(
        self, regency_code: str, lang: str = "id", as_of: str | None = None,
        scenario_file: str | None = None,
    ) -> None:
        super().__init__(lang, as_of)
        self.code = resolve_regency(str(regency_code))
        table = regencies(self.code.split(".")[0])
        self.row = table.set_index("regency_code").loc[self.code]
        self.scenario_file = scenario_file
        self._use(self.row["source_id"])

    @property
    def name(self) -> str:
        return str(self.row["name"])

    def cover(self) -> Any:
        """The report's title, area and data date (shown on the cover and in the footer)."""
        return ReportMeta(
            kind="regency", code=self.code, title=i18n.t("reports.title_regency", self.lang),
            area=self.name, province=str(self.row["province_name"]),
            as_of=self.as_of, lang=self.lang,
        )

    def villages(self) -> Any:
        """Desa and kelurahan, and the "1 desa 100 pekerja rentan" village target."""
        lang = self.lang
        entry = load_parameters().entry("targets.workers_per_desa", self.as_of)
        self._use(entry.get("source_id"))
        target = village_targets(self.row.to_frame().T.reset_index(
            names="regency_code"), float(entry["value"])).iloc[0]
        desa, kel = int(self.row["desa"]), int(self.row["kelurahan"])
        parts = [
            Text(i18n.t("reports.villages_text", lang, name=self.name, desa=self.number(desa),
                        kelurahan=self.number(kel),
                        kecamatan=self.number(self.row["kecamatan"]))),
        ]
        key_figures = [(self.number(desa), i18n.t("reports.kf_desa", lang)),
                       (self.number(kel), i18n.t("reports.kf_kelurahan", lang))]
        if target["target_village_reason"]:
            parts.append(Callout(i18n.t("reports.village_target_none", lang, name=self.name)))
        else:
            key_figures.append((self.number(target["target_village"]),
                                i18n.t("reports.kf_village_target", lang)))
            parts.append(Text(i18n.t(
                "reports.village_target_text", lang, per_desa=self.number(entry["value"]),
                desa=self.number(desa), target=self.number(target["target_village"]),
                reference=entry["reference"],
            )))
            if kel:
                parts.append(Text(i18n.t("reports.village_target_kelurahan", lang,
                                         kelurahan=self.number(kel))))
        return Section(KeyFigures(key_figures), *parts)

    # -- coverage ---------------------------------------------------------------------------------

    @cached_property
    def _summary(self) -> dict[str, Any]:
        return regency_summary(self.code, self.as_of)

    def coverage(self) -> Any:
        """Coverage on the data date: counts by group, each basis' rate, rank of N measurable,
        and the history (ended, stale, set-aside figures) apart from it."""
        lang = self.lang
        summary = self._summary
        parts: list[Any] = []
        months = int(summary["staleness_months"])
        rank = rank_text(summary["rank"], summary["regencies_ranked"], lang)
        if summary["status"] == PAST:
            parts.append(Callout(i18n.t(
                "reports.coverage_past", lang, name=self.name, months=self.number(months),
                until=month_text(summary["past_until"], lang)), "warning"))
        elif summary["status"] == NO_DATA or pd.isna(summary["covered_total"]):
            parts.append(Callout(i18n.t("reports.coverage_no_data", lang, name=self.name),
                                 "warning"))
        else:
            self._use(*str(summary.get("coverage_sources") or "").split(";"))
            day = pd.Timestamp(summary["coverage_date"]).strftime("%Y-%m-%d")
            key_figures = [(self.number(summary["covered_total"]),
                            i18n.t("reports.kf_covered", lang, day=day))]
            if pd.notna(summary["rate"]):
                key_figures.append((self.percent(summary["rate"]),
                                    i18n.t("reports.kf_rate", lang)))
            if pd.notna(summary["rank"]):
                key_figures.append((
                    i18n.t("reports.kf_rank_value", lang, rank=self.number(summary["rank"]),
                           of=self.number(summary["regencies_ranked"])),
                    i18n.t("reports.kf_rank", lang)))
            parts.append(KeyFigures(key_figures))
            parts.append(Text(i18n.t("reports.coverage_text", lang, name=self.name,
                                     covered=self.number(summary["covered_total"]), day=day)))
            if pd.notna(summary["rate"]) and pd.isna(summary["rank"]):
                parts.append(Callout(i18n.t("reports.coverage_unranked", lang, name=self.name),
                                     "warning"))
        aside = set_aside_note(summary, lang)
        if aside:
            parts.append(Callout(aside[:1].upper() + aside[1:] + ".", "warning"))
        bases = []
        for basis in BASES:
            bases.append({
                "basis": i18n.t(f"reports.basis_{basis}", lang),
                "covered": summary.get(f"covered_{basis}"),
                "target": summary.get(f"target_{basis}"),
                "rate": summary.get(f"rate_{basis}"),
                "gap": summary.get(f"gap_workers_{basis}"),
                "gap_rp": summary.get(f"gap_rp_year_{basis}"),
            })
        parts.append(Table(
            pd.DataFrame(bases),
            [Column("basis", i18n.t("reports.col_basis", lang)),
             Column("covered", i18n.t("reports.col_counted", lang), "count"),
             Column("target", i18n.t("reports.col_target", lang), "count"),
             Column("rate", i18n.t("reports.col_rate", lang), "share"),
             Column("gap", i18n.t("reports.col_gap", lang), "count"),
             Column("gap_rp", i18n.t("reports.col_gap_rp", lang), "rupiah")],
            title=i18n.t("reports.bases_title", lang),
            note=i18n.t("reports.bases_note", lang, rank=rank),
            lang=lang, sheet=i18n.t("reports.sheet_bases", lang),
        ))
        for basis in BASES:
            reason = over_target_reason(summary, basis, lang)
            if reason:
                parts.append(Callout(i18n.t("reports.coverage_over", lang,
                                            basis=i18n.t(f"reports.basis_{basis}", lang),
                                            reason=reason)))
        informal = informal_explanation(summary, lang)
        if informal:
            parts.append(Text(i18n.t("reports.informal_note", lang, note=informal)))
        parts.append(self._segments())
        parts.append(self._history(months))
        parts.append(self._payment_cases())
        return Section(*parts)

    def _segments(self) -> Any:
        """The facts counted on the data date, by group, with the bases that count each."""
        lang = self.lang
        segments = segment_table(self.code, self.as_of)
        if segments.empty:
            return None
        self._use(*segments["source_id"])
        bases = ("total", "village", "informal", "declared")
        segments = segments.assign(
            segment_label=[_code_label("segment", v, lang) for v in segments["segment"]],
            funding_source=[_code_label("funding", v, lang)
                            for v in segments["funding_source"]],
            status=[_code_label("status", v, lang) for v in segments["status"]],
            flag=segments["flag"].fillna(""),
            counted_for=[", ".join(i18n.t(f"reports.counted_{b}", lang) for b in bases
                                   if row[f"in_{b}"]) for _, row in segments.iterrows()],
        )
        notes = [i18n.t("reports.uncovered_part", lang, reported=self.number(r.workers_reported),
                        day=pd.Timestamp(r.date).strftime("%Y-%m-%d"),
                        part=self.number(r.uncovered_part), counted=self.number(r.workers))
                 for r in segments.itertuples() if r.uncovered_part > 0]
        table = Table(
            segments,
            [Column("segment_label", i18n.t("reports.col_segment", lang)),
             Column("date", i18n.t("reports.col_date", lang), "date"),
             Column("workers", i18n.t("reports.col_workers", lang), "count"),
             Column("funding_source", i18n.t("reports.col_funding", lang)),
             Column("counted_for", i18n.t("reports.col_counted_for", lang), width="1fr"),
             Column("flag", i18n.t("reports.col_flag", lang)),
             Column("source_id", i18n.t("reports.col_source_id", lang), width="3.6cm")],
            title=i18n.t("reports.segments_title", lang),
            note=i18n.t("reports.segments_note", lang),
            lang=lang, sheet=i18n.t("reports.sheet_segments", lang),
            sources=segments["source_id"],
        )
        return Section(table, *(Text(n) for n in notes))

    def _history(self, months: int) -> Any:
        """Coverage facts that do not count on the data date, each with its reason."""
        lang = self.lang
        history = history_rows(history_table(self.code, self.as_of), months, lang)
        if history.empty:
            return None
        self._use(*history["source_id"])
        history = history.assign(
            segment_label=[_code_label("segment", v, lang) for v in history["segment"]],
            flag=history["flag"].fillna(""),
        )
        return Table(
            history,
            [Column("segment_label", i18n.t("reports.col_segment", lang)),
             Column("period", i18n.t("reports.col_period", lang), width="auto"),
             Column("workers_reported", i18n.t("reports.col_workers", lang), "count"),
             Column("why", i18n.t("reports.col_why", lang), width="1fr"),
             Column("flag", i18n.t("reports.col_flag", lang)),
             Column("source_id", i18n.t("reports.col_source_id", lang), width="3.6cm")],
            title=i18n.t("reports.history_title", lang),
            note=i18n.t("reports.history_note", lang, months=self.number(months)),
            lang=lang, sheet=i18n.t("reports.sheet_history", lang), sources=history["source_id"],
        )

    def _payment_cases(self) -> Any:
        """Local-government contribution payments recorded for this kab/kota (with sources)."""
        lang = self.lang
        cases = load_table("payment_cases")
        cases = cases[cases["area_code"] == self.code]
        if cases.empty:
            return None
        self._use(*cases["source_id"])
        cases = cases.assign(
            segment_label=[_code_label("segment", v, lang) for v in cases["segment"]],
            funding_source=[_code_label("funding", v, lang) for v in cases["funding_source"]],
            flag=cases["flag"].fillna(""),
            note=cases["note"].fillna(""),
        )
        table = Table(
            cases,
            [Column("case_id", i18n.t("reports.col_case", lang), width="auto"),
             Column("year", i18n.t("reports.col_year", lang), width="auto"),
             Column("segment_label", i18n.t("reports.col_segment", lang), width="1fr"),
             Column("workers", i18n.t("reports.col_workers", lang), "count"),
             Column("budget_rp", i18n.t("reports.col_budget", lang), "rupiah"),
             Column("funding_source", i18n.t("reports.col_funding", lang)),
             Column("flag", i18n.t("reports.col_flag", lang)),
             Column("source_id", i18n.t("reports.col_source_id", lang), width="3.6cm")],
            title=i18n.t("reports.cases_title", lang),
            note=i18n.t("reports.cases_note", lang),
            lang=lang, sheet=i18n.t("reports.sheet_cases", lang), sources=cases["source_id"],
        )
        # What the sources say about each case (plans, who pays, the words quoted) is too long
        # for a table cell on A4; it follows the table as a list.
        notes = [f"- **{row.case_id}** ({row.year}): {markdown_escape(row.note)} "
                 f"[{markdown_escape(row.source_id)}]"
                 for row in cases.itertuples() if row.note]
        if not notes:
            return table
        return Section(table, Text(f"**{i18n.t('reports.col_note', lang)}**\n\n"
                                   + "\n".join(notes)))

    # -- cost and DBH Sawit ---------------------------------------------------------------------

    def cost(self) -> Any:
        """The yearly cost of the target at the JKK+JKM contribution."""
        lang = self.lang
        summary = self._summary
        target = summary.get("target_village")
        basis = "village"
        if pd.isna(target):
            target, basis = summary.get("target_informal"), "informal"
        if pd.isna(target):
            return Text(i18n.t("reports.cost_no_target", lang))
        monthly = monthly_contribution("jkk-jkm", on=self.as_of)
        yearly = budget_for(int(round(target)), 12, "jkk-jkm", on=self.as_of)
        parts = [
            KeyFigures([(self.rupiah(yearly), i18n.t("reports.kf_cost_year", lang)),
                        (self.rupiah(monthly), i18n.t("reports.kf_monthly", lang))]),
            Text(i18n.t("reports.cost_text", lang, target=self.number(round(target)),
                        basis=i18n.t(f"reports.basis_{basis}", lang),
                        monthly=self.rupiah(monthly), yearly=self.rupiah(yearly))),
        ]
        if pd.notna(summary.get("gap_rp_year")):
            parts.append(Text(i18n.t("reports.gap_cost_text", lang,
                                     gap=self.number(summary["gap_workers"]),
                                     cost=self.rupiah(summary["gap_rp_year"]))))
        return Section(*parts)

    def dbh(self) -> Any:
        """DBH Sawit: the series by year with flags, the value behind the envelope and why,
        and the low–high range of palm workers it could fund (``dbh_summary``)."""
        lang = self.lang
        dbh = dbh_summary(self.code, self.as_of)
        if dbh is None:
            return Callout(i18n.t("reports.dbh_none", lang, name=self.name))
        share = load_parameters().entry("dbh_sawit.other.max_share", self.as_of)
        self._use(share.get("source_id"), *(e["source_id"] for e in dbh["series"]))
        year = dbh["year"]
        workers = (self.number(dbh["workers"]) if dbh["single_year"]
                   else f"{self.number(dbh['workers_low'])}–{self.number(dbh['workers_high'])}")
        parts = [
            KeyFigures([(self.rupiah(dbh["allocation"]),
                         i18n.t("reports.kf_dbh", lang, year=year)),
                        (self.rupiah(dbh["envelope"]),
                         i18n.t("reports.kf_envelope", lang, year=year)),
                        (workers, i18n.t("reports.kf_palm", lang) if dbh["single_year"] else
                         i18n.t("reports.kf_dbh_range", lang, years="–".join(
                             str(y) for y in sorted({dbh["range_low_year"],
                                                     dbh["range_high_year"]}))))]),
            Text(i18n.t("reports.dbh_text", lang, year=year,
                        allocation=self.rupiah(dbh["allocation"]),
                        share=self.percent(share["value"]), envelope=self.rupiah(dbh["envelope"]),
                        workers=self.number(dbh["workers"]),
                        reference=markdown_escape(share["reference"]))),
            Text(basis_sentence(dbh, lang) + " " + range_sentence(dbh, lang)),
            Table(
                series_frame(dbh, lang),
                [Column("year", i18n.t("reports.col_year", lang), width="auto"),
                 Column("allocation", i18n.t("reports.col_dbh", lang), "rupiah_exact"),
                 Column("envelope", i18n.t("reports.col_envelope", lang), "rupiah"),
                 Column("workers", i18n.t("reports.col_palm", lang), "count"),
                 Column("flag", i18n.t("reports.col_flag", lang), width="auto"),
                 Column("used", i18n.t("reports.col_dbh_used", lang), width="auto"),
                 Column("source_id", i18n.t("reports.col_source_id", lang), width="3.6cm")],
                title=i18n.t("reports.dbh_series_title", lang, name=self.name),
                note=i18n.t("reports.dbh_series_note", lang, share=self.percent(share["value"])),
                lang=lang, sheet=i18n.t("reports.sheet_dbh", lang),
                sources=[e["source_id"] for e in dbh["series"]],
            ),
        ]
        parts.extend(Text(line) for line in set_aside_sentences(dbh, lang, markdown_escape))
        if str(dbh.get("flag") or ""):
            parts.append(Callout(i18n.t("reports.flagged", lang,
                                        flag=markdown_escape(dbh["flag"]),
                                        note=markdown_escape(dbh.get("note") or "")), "warning"))
        return Section(*parts)

    # -- scenarios and benefits -----------------------------------------------------------------

    @cached_property
    def _analysis(self) -> Any:
        # The horizon starts in the year of the data date, and the APBD budgeted is what the
        # regency spends then (payment cases), so the brief answers "is today's budget enough".
        scenario = resolve(self.code, self.scenario_file, years=SCENARIO_YEARS, as_of=self.as_of)
        return analyse(scenario, draws=SCENARIO_DRAWS)

    def scenarios(self) -> Any:
        """Funding scenario: today's APBD and its chance, the APBD needed, DBH Sawit, what-ifs.

        One APBD figure of each kind per year: budgeted (today's spending or the file's) and
        needed (the P90 rule of ``recommend_mix``), named apart in the table, the text and the
        chart; the per-year list of the needed APBD is left to the CLI and the notebook.
        """
        lang = self.lang
        an = self._analysis
        sc = an.scenario
        for item in getattr(sc, "provenance", []) or []:
            self._use(item.get("source"))
        self.assumption_ids.update(
            a.strip() for item in sc.provenance for a in str(item.get("assumption") or "")
            .split(";") if a.strip())

        def col(key: str) -> str:
            return i18n.t(f"scenarios.col_{key}", lang, prob=prob)

        prob = numbers.format_percent(an.mix["prob"], lang, 0)
        table = year_table(an)
        sources = [n for n in ("dbh", "province", "dana_desa", "csr")
                   if table[f"{n}_workers"].any()]
        # Where no APBD budget is known, the workers it pays and the chance are unknown in
        # every year: one "–" column (budgeted) says so; two more would only repeat it.
        known = table["apbd_budget_rp"].notna().any()
        return Section(
            Text(scenario_narrative(an, lang)),
            Table(
                table,
                [Column("year", col("year"), width="auto"),
                 Column("target_workers", col("target"), "count"),
                 *(Column(f"{n}_workers", col(n), "count") for n in sources),
                 *([Column("apbd_workers", col("apbd"), "count")] if known else []),
                 Column("apbd_budget_rp", col("apbd_budget_rp"), "rupiah"),
                 Column("apbd_needed_rp", col("apbd_needed_rp"), "rupiah"),
                 *([Column("probability", col("probability"), "share", 0)] if known else [])],
                title=i18n.t("reports.scenario_table_title", lang, name=sc.regency_name),
                note=i18n.t("reports.scenario_table_note", lang, prob=prob),
                lang=lang, sheet=i18n.t("reports.sheet_scenario", lang),
            ),
            Figure(figures.scenario_variants(an.variants, lang, prob=an.mix["prob"],
                                             regency=sc.regency_name),
                   i18n.t("reports.variants_caption" if an.variants["variant"].str.endswith(
                       "_what_if").any() else "reports.variants_caption_sourced", lang)),
        )

    def benefits(self) -> Any:
        """Claims recorded as paid, then the model's expected benefits as a range beside them."""
        lang = self.lang
        an = self._analysis
        table = an.benefits
        observed = self._observed_claims()
        parts: list[Any] = []
        if observed is None:
            parts.append(Text(i18n.t("reports.claims_none", lang, name=self.name)))
        else:
            parts.append(observed)
        per_1000 = benefit_range(1000, 1, on=self.as_of)
        if table is None or table.empty:
            parts += [Text(benefit_sentences(per_1000, None, lang)[0]),
                      Callout(i18n.t("reports.benefits_none", lang))]
            return Section(*parts)
        parts += [Text(text) for text in benefit_sentences(per_1000, table, lang)]
        self.assumption_ids.update(
            a.strip() for text in table["assumptions"] for a in str(text).split(",") if a.strip()
        )
        parts.append(Table(
            table,
            [Column("year", i18n.t("reports.col_year", lang), width="auto"),
             Column("covered_workers", i18n.t("reports.col_workers", lang), "count"),
             Column("contributions_rp", i18n.t("reports.col_contributions", lang), "rupiah"),
             Column("benefits_low_rp", i18n.t("reports.col_benefits_low", lang), "rupiah"),
             Column("benefits_rp", i18n.t("reports.col_benefits", lang), "rupiah"),
             Column("benefits_high_rp", i18n.t("reports.col_benefits_high", lang), "rupiah"),
             Column("jkm_deaths", i18n.t("reports.col_jkm_deaths", lang), "number", 1),
             Column("assumptions", i18n.t("reports.col_assumptions", lang), width="1fr")],
            title=i18n.t("reports.benefits_title", lang),
            note=i18n.t("reports.benefits_note", lang),
            lang=lang, sheet=i18n.t("reports.sheet_benefits", lang),
        ))
        return Section(*parts)

    def _observed_claims(self) -> Any:
        """Claims published as paid in this kab/kota, shown beside the model, not fitted to it."""
        lang = self.lang
        claims = observed_claims(self.code)
        if claims.empty:
            return None
        self._use(*claims["source_id"])
        claims = claims.assign(
            benefit_label=[i18n.t(f"reports.benefit_{b}", lang) for b in claims["benefit"]],
            period=[_period(a, b) for a, b in zip(claims["period_start"], claims["period_end"],
                                                   strict=True)],
            covered_context=claims["covered_context"].fillna(""),
        )
        return Table(
            claims,
            [Column("period", i18n.t("reports.col_period", lang), width="auto"),
             Column("benefit_label", i18n.t("reports.col_benefit", lang), width="auto"),
             Column("cases", i18n.t("reports.col_cases", lang), "count"),
             Column("amount_rp", i18n.t("reports.col_amount", lang), "rupiah"),
             Column("covered_context", i18n.t("reports.col_context", lang), width="1fr"),
             Column("source_id", i18n.t("reports.col_source_id", lang), width="3cm")],
            title=i18n.t("reports.claims_title", lang),
            note=i18n.t("reports.claims_note", lang),
            lang=lang, sheet=i18n.t("reports.sheet_claims", lang), sources=claims["source_id"],
        )

    # -- uncertainty ----------------------------------------------------------------------------

    def uncertain(self) -> Any:
        """Flagged facts (UNCONFIRMED, CONFLICT, ESTIMATE) and the assumptions used, by id."""
        lang = self.lang
        parts: list[Any] = []
        facts = segment_table(self.code, self.as_of)
        flagged = [facts[facts["flag"].fillna("") != ""]] if not facts.empty else []
        for name in ("payment_cases", "dbh_sawit", "declared_targets"):
            table = load_table(name)
            table = table[(table["area_code"] == self.code) & (table["flag"].fillna("") != "")]
            flagged.append(table)
        rows = [
            {"flag": r["flag"], "what": r.get("note") or "", "source_id": r["source_id"]}
            for frame in flagged for _, r in frame.iterrows()
        ]
        if rows:
            frame = pd.DataFrame(rows)
            self._use(*frame["source_id"])
            parts.append(Table(
                frame,
                [Column("flag", i18n.t("reports.col_flag", lang), width="auto"),
                 Column("what", i18n.t("reports.col_note", lang), width="1fr"),
                 Column("source_id", i18n.t("reports.col_source_id", lang), width="3.6cm")],
                title=i18n.t("reports.flagged_title", lang),
                note=i18n.t("reports.flagged_note", lang),
                lang=lang, sheet=i18n.t("reports.sheet_flagged", lang),
                sources=frame["source_id"],
            ))
        else:
            parts.append(Text(i18n.t("reports.flagged_none", lang)))
        log = load_assumptions()
        self.assumption_ids.update({"A01", "A02"} & set(log))
        # The log is written in English; Indonesian reports show its Indonesian titles.
        title_key = "title_id" if lang == "id" else "title"
        used = [log[a] | {"id": a, "title": log[a].get(title_key, log[a]["title"]),
                          "uncertainty": i18n.t(f"reports.uncertainty_{log[a]['uncertainty']}",
                                                lang)}
                for a in sorted(self.assumption_ids) if a in log]
        if used:
            frame = pd.DataFrame(used)
            parts.append(Table(
                frame,
                [Column("id", "ID", width="auto"),
                 Column("title", i18n.t("reports.col_assumption", lang), width="1fr"),
                 Column("uncertainty", i18n.t("reports.col_uncertainty", lang), width="auto")],
                title=i18n.t("reports.assumptions_title", lang),
                note=i18n.t("reports.assumptions_note", lang),
                lang=lang, sheet=i18n.t("reports.sheet_assumptions", lang),
            ))
        return Section(*parts)

    def sources(self) -> Any:
        """The sources cited in this report."""
        return self.sources_table()
