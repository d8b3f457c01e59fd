"""Content of the policy brief of one kab/kota, called cell by cell by notebook 03_regency_report.

Sections, in the notebook's order: page 1 (``summary``, built in ``briefs/page1.py``: key
messages and the decision box), villages and the village target, coverage, yearly cost, DBH
Sawit, funding scenario, benefits, then (from ``briefs/annex.py``) next steps, what is uncertain
and the workbook calculator, and the sources. Each returns a display object of
``analysis.render.blocks``; numbers come from ``analysis.model``, sentences from
``core/locales/``. Sources are cited by number ("[3]"), flags in words, dates at their precision.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysis.briefs.annex import RegencyAnnex, _code_label, _precisions, _when
from analysis.briefs.base import Brief, headline
from analysis.briefs.page1 import regency_page
from analysis.core import i18n, numbers
from analysis.core.numbers import format_date
from analysis.data.names import resolve_regency
from analysis.data.parameters import load_parameters
from analysis.data.tables import load_table, regencies
from analysis.model.benefits import benefit_range, observed_claims, overlapping_sources
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
from analysis.views.facts import flag_words, known_funding, quoted
from analysis.views.scenarios import benefit_sentences, year_table
from analysis.views.scenarios import narrative as scenario_narrative

SCENARIO_YEARS = 5  # horizon of the default scenario in the regency brief
SCENARIO_DRAWS = 10_000  # the seed is the model's DEFAULT_SEED: same inputs, same report


def _trend_key(start: float, end: float) -> str:
    """The variants title for a need that rises, falls or stays within 2% (a rounding apart:
    "naik dari Rp2,6 miliar ke Rp2,61 miliar" read as a rise)."""
    if start and abs(end / start - 1) < 0.02:
        return "variants_finding_flat"
    return "variants_finding" if end > start else "variants_finding_down"


class RegencyBrief(RegencyAnnex, Brief):
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
        code = resolve_regency(str(regency_code))
        super().__init__(lang, as_of, area=code)
        self.code = code
        table = regencies(self.code.split(".")[0])
        self.row = table.set_index("regency_code").loc[self.code]
        self.scenario_file = scenario_file
        self._use(self.row["source_id"])

    @property
    def name(self) -> str:
        return str(self.row["name"])

    @cached_property
    def _dbh(self) -> dict[str, Any] | None:
        return dbh_summary(self.code, self.as_of)

    @cached_property
    def monthly(self) -> int:
        """The JKK+JKM contribution per worker per month on the data date."""
        return monthly_contribution("jkk-jkm", on=self.as_of)

    def cost_of(self, workers: float) -> int:
        """Rupiah a year for the JKK+JKM contributions of ``workers`` (whole workers; 0 → 0)."""
        whole = int(round(float(workers)))
        return budget_for(whole, 12, "jkk-jkm", on=self.as_of) if whole > 0 else 0

    def summary(self) -> Any:
        """Page 1: action title, key figures, key messages, decision box, recommendations."""
        return regency_page(self)

    def cover(self) -> Any:
        """The report's title, area and data date (shown on the cover and in the footer)."""
        return ReportMeta(
            kind="regency", code=self.code, title=i18n.t("reports.title_regency", self.lang),
            area=self.name, province=str(self.row["province_name"]),
            as_of=self.data_date, lang=self.lang, headline=headline(self._summary),
        )

    def villages(self) -> Any:
        """Desa and kelurahan, and the "1 desa 100 pekerja rentan" village target."""
        lang = self.lang
        entry = load_parameters().entry("targets.workers_per_desa", self.as_of)
        target = village_targets(self.row.to_frame().T.reset_index(
            names="regency_code"), float(entry["value"])).iloc[0]
        desa, kel = int(self.row["desa"]), int(self.row["kelurahan"])
        # A zero is not a tile: a kota without desa says so in words, a regency without
        # kelurahan shows none.
        key = "villages_text" if desa and kel else ("villages_text_desa" if desa
                                                    else "villages_text_kelurahan")
        parts = [Text(i18n.t(f"reports.{key}", lang, name=self.name, desa=self.number(desa),
                             kelurahan=self.number(kel),
                             kecamatan=self.number(self.row["kecamatan"])))]
        key_figures = [(self.number(n), i18n.t(f"reports.kf_{label}", lang))
                       for n, label in ((desa, "desa"), (kel, "kelurahan")) if n]
        if target["target_village_reason"]:
            parts.append(Callout(i18n.t("reports.village_target_none", lang, name=self.name)))
        else:
            key_figures.append((self.number(target["target_village"]),
                                i18n.t("reports.kf_village_target", lang)))
            parts.append(Text(i18n.t(
                "reports.village_target_text", lang, per_desa=self.number(entry["value"]),
                desa=self.number(desa), target=self.number(target["target_village"]),
                since=self.date(entry["effective_from"]),
                ref=self.ref(entry.get("source_id")),
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
            refs = self.ref(*str(summary.get("coverage_sources") or "").split(";"))
            day = self.date(summary["coverage_date"],
                            str(summary.get("coverage_date_precision") or "day"))
            key_figures = [(self.number(summary["covered_total"]),
                            i18n.t("reports.kf_covered", lang, day=day))]
            if pd.notna(summary["rate"]):
                # The tile beside the total says which part of it the rate counts.
                counted = summary.get("covered")
                label = (i18n.t("reports.kf_rate_counted", lang, covered=self.number(counted))
                         if pd.notna(counted) and counted != summary["covered_total"]
                         else i18n.t("reports.kf_rate", lang))
                key_figures.append((self.percent(summary["rate"]), label))
            if pd.notna(summary["rank"]):
                key_figures.append((
                    i18n.t("reports.kf_rank_value", lang, rank=self.number(summary["rank"]),
                           of=self.number(summary["regencies_ranked"])),
                    i18n.t("reports.kf_rank", lang)))
            parts.append(KeyFigures(key_figures))
            parts.append(Text(i18n.t("reports.coverage_text", lang, name=self.name,
                                     covered=self.number(summary["covered_total"]), day=day,
                                     ref=markdown_escape(refs))))
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
            [Column("basis", i18n.t("reports.col_basis", lang), width="2fr"),
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
        informal = informal_explanation(
            summary, lang, cite=lambda sid: markdown_escape(self.ref(sid)))
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
        bases = ("total", "village", "informal", "declared")
        precisions = _precisions(segments["fact_id"])
        segments = segments.assign(
            segment_label=[_code_label("segment", v, lang) for v in segments["segment"]],
            when=[_when(d, p) for d, p in zip(segments["date"], precisions, strict=True)],
            funding_source=[_code_label("funding", v, lang)
                            for v in segments["funding_source"]],
            flag_text=[flag_words(f, lang) for f in segments["flag"]],
            ref=[self.ref(v) for v in segments["source_id"]],
            counted_for=[", ".join(i18n.t(f"reports.counted_{b}", lang) for b in bases
                                   if row[f"in_{b}"]) for _, row in segments.iterrows()],
        )
        notes = [i18n.t("reports.uncovered_part", lang, reported=self.number(r.workers_reported),
                        day=format_date(r.date, lang, p),
                        part=self.number(r.uncovered_part), counted=self.number(r.workers))
                 for r, p in zip(segments.itertuples(), precisions, strict=True)
                 if r.uncovered_part > 0]
        table = Table(
            segments,
            [Column("segment_label", i18n.t("reports.col_segment", lang), width="1.2fr"),
             Column("when", i18n.t("reports.col_date", lang), "date", width="auto"),
             Column("workers", i18n.t("reports.col_workers", lang), "count"),
             Column("funding_source", i18n.t("reports.col_funding", lang)),
             Column("counted_for", i18n.t("reports.col_counted_for", lang), width="1.2fr"),
             Column("flag_text", i18n.t("reports.col_flag", lang), width="1.2fr"),
             Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
            title=i18n.t("reports.segments_title", lang),
            note=i18n.t("reports.segments_note", lang),
            lang=lang, sheet=i18n.t("reports.sheet_segments", lang),
        )
        return Section(table, *(Text(n) for n in notes))

    def _history(self, months: int) -> Any:
        """Coverage facts that do not count on the data date, each with its reason."""
        lang = self.lang
        history = history_rows(history_table(self.code, self.as_of), months, lang)
        if history.empty:
            return None
        history = history.assign(
            segment_label=[_code_label("segment", v, lang) for v in history["segment"]],
            flag_text=[flag_words(f, lang) for f in history["flag"]],
            ref=[self.ref(v) for v in history["source_id"]],
        )
        return Table(
            history,
            [Column("segment_label", i18n.t("reports.col_segment", lang)),
             Column("period", i18n.t("reports.col_period", lang), width="auto"),
             Column("workers_reported", i18n.t("reports.col_workers", lang), "count"),
             Column("why", i18n.t("reports.col_why", lang), width="1.6fr"),
             Column("flag_text", i18n.t("reports.col_flag", lang)),
             Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
            title=i18n.t("reports.history_title", lang),
            note=i18n.t("reports.history_note", lang, months=self.number(months)),
            lang=lang, sheet=i18n.t("reports.sheet_history", lang),
        )

    def _payment_cases(self) -> Any:
        """Local-government contribution payments recorded for this kab/kota (with sources).

        One row per year, group and figure: the same payment told by two sources is one row
        citing both. Below the table, the sources' own words where they are quoted.
        """
        lang = self.lang
        cases = load_table("payment_cases")
        cases = known_funding(cases[cases["area_code"] == self.code])
        if cases.empty:
            return None
        keys = ["year", "segment", "workers", "budget_rp", "funding_source", "flag"]
        cases = (cases.assign(**{k: cases[k].astype(object).where(cases[k].notna(), None)
                                 for k in keys})
                 .groupby(keys, dropna=False, sort=False, as_index=False)
                 .agg(source_id=("source_id", lambda v: ";".join(dict.fromkeys(v))),
                      note=("note", lambda v: " ".join(str(x) for x in v if x == x))))
        cases = cases.sort_values("year", kind="stable")
        cases = cases.assign(
            segment_label=[_code_label("segment", v, lang) for v in cases["segment"]],
            funding_source=[_code_label("funding", v, lang) for v in cases["funding_source"]],
            flag_text=[flag_words(f, lang) for f in cases["flag"]],
            ref=[self.ref(v) for v in cases["source_id"]],
            year=[int(y) if y is not None and y == y else None for y in cases["year"]],
        )
        table = Table(
            cases,
            [Column("year", i18n.t("reports.col_year", lang), "date", width="auto"),
             Column("segment_label", i18n.t("reports.col_segment", lang), width="1.3fr"),
             Column("workers", i18n.t("reports.col_workers", lang), "count"),
             Column("budget_rp", i18n.t("reports.col_budget", lang), "rupiah"),
             Column("funding_source", i18n.t("reports.col_funding", lang)),
             Column("flag_text", i18n.t("reports.col_flag", lang), width="1.3fr"),
             Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
            title=i18n.t("reports.cases_title", lang),
            note=i18n.t("reports.cases_note", lang),
            lang=lang, sheet=i18n.t("reports.sheet_cases", lang),
        )
        return Section(table, self._quotes(cases))

    def _quotes(self, rows: pd.DataFrame) -> Any:
        """The sources' own words quoted in the notes of some rows, with their source number."""
        lines = []
        for row in rows.itertuples(index=False):
            words = quoted(row.note, self.lang)
            if words:
                lines.append(f"- {markdown_escape(words)} "
                             f"{markdown_escape(self.ref(row.source_id))}")
        lines = list(dict.fromkeys(lines))
        if not lines:
            return None
        return Text(f"*{i18n.t('reports.quotes_title', self.lang)}*\n\n" + "\n".join(lines))

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
                        basis=i18n.t(f"reports.basis_short_{basis}", lang),
                        monthly=self.rupiah(monthly), yearly=self.rupiah(yearly))),
        ]
        # "Closing a gap of 0 workers costs Rp0" is not a sentence a reader needs.
        if pd.notna(summary.get("gap_rp_year")) and summary.get("gap_workers", 0) > 0:
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
        self._use(share.get("source_id"))
        series = series_frame(dbh, lang)
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
                        workers=self.number(dbh["workers"]))),
            Text(basis_sentence(dbh, lang) + " " + range_sentence(dbh, lang)),
            Table(
                series.assign(flag_text=[flag_words(f, lang) or i18n.t("province.official", lang)
                                         for f in series["flag"]],
                              ref=[self.ref(v) for v in series["source_id"]]),
                [Column("year", i18n.t("reports.col_year", lang), "date", width="auto"),
                 Column("allocation", i18n.t("reports.col_dbh", lang), "rupiah_exact"),
                 Column("envelope", i18n.t("reports.col_envelope", lang), "rupiah"),
                 Column("workers", i18n.t("reports.col_palm", lang), "count"),
                 Column("flag_text", i18n.t("reports.col_flag", lang)),
                 Column("used", i18n.t("reports.col_dbh_used", lang), width="auto"),
                 Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
                title=i18n.t("reports.dbh_series_title", lang, name=self.name),
                note=i18n.t("reports.dbh_series_note", lang, share=self.percent(share["value"])),
                lang=lang, sheet=i18n.t("reports.sheet_dbh", lang),
            ),
        ]
        parts.extend(Text(line) for line in set_aside_sentences(dbh, lang, markdown_escape))
        if dbh.get("flag"):
            parts.append(Callout(i18n.t("reports.flagged", lang,
                                        flag=flag_words(dbh["flag"], lang)), "warning"))
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
            self._variants_figure(),
        )

    def _variants_figure(self) -> Any:
        """The variants chart under a title that states its finding; a sentence instead of a
        chart whose bars would all be the same (one variant only)."""
        lang, an = self.lang, self._analysis
        v = an.variants
        name = an.scenario.regency_name
        need = v[v["variant"] == "central"].set_index("year")["apbd_needed_rp"]
        first, last = int(need.index.min()), int(need.index.max())
        words = {"regency": name, "first": first, "last": last,
                 "need_first": self.rupiah(need.loc[first]),
                 "need_last": self.rupiah(need.loc[last])}
        others = [n for n in dict.fromkeys(v["variant"]) if n != "central"]
        if not others:
            return Text(i18n.t("reports.variants_single", lang, **words))
        at_last = v[v["year"] == last].set_index("variant")["apbd_needed_rp"]
        lowest = at_last.drop("central").idxmin()
        saving = float(at_last.loc["central"] - at_last.loc[lowest])
        key = "variants_finding_saving" if saving > 0 else _trend_key(need.loc[first],
                                                                      need.loc[last])
        label = i18n.t(f"scenarios.variant_{lowest}", lang)
        title = i18n.t(f"reports.{key}", lang, **words, saving=self.rupiah(saving),
                       variant=label[:1].lower() + label[1:])
        caption = ("reports.variants_caption" if v["variant"].str.endswith("_what_if").any()
                   else "reports.variants_caption_sourced")
        return Figure(figures.scenario_variants(v, lang, prob=an.mix["prob"], regency=name,
                                                title=title), i18n.t(caption, lang))

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
        # One list of assumptions for every year goes in the note, not down a column.
        same = table["assumptions"].nunique() == 1
        note = i18n.t("reports.benefits_note", lang) + " " + (
            i18n.t("reports.benefits_assumptions_all", lang, ids=table["assumptions"].iloc[0])
            if same else i18n.t("reports.benefits_assumptions_column", lang))
        parts.append(Table(
            table,
            [Column("year", i18n.t("reports.col_year", lang), width="auto"),
             Column("covered_workers", i18n.t("reports.col_workers", lang), "count"),
             Column("contributions_rp", i18n.t("reports.col_contributions", lang), "rupiah"),
             Column("benefits_low_rp", i18n.t("reports.col_benefits_low", lang), "rupiah"),
             Column("benefits_rp", i18n.t("reports.col_benefits", lang), "rupiah"),
             Column("benefits_high_rp", i18n.t("reports.col_benefits_high", lang), "rupiah"),
             Column("jkm_deaths", i18n.t("reports.col_jkm_deaths", lang), "number", 1),
             *([] if same else [Column("assumptions", i18n.t("reports.col_assumptions", lang),
                                       width="1fr")])],
            title=i18n.t("reports.benefits_title", lang),
            note=note,
            lang=lang, sheet=i18n.t("reports.sheet_benefits", lang),
        ))
        return Section(*parts)

    def _observed_claims(self) -> Any:
        """Claims published as paid in this kab/kota, shown beside the model, not fitted to it."""
        lang = self.lang
        claims = observed_claims(self.code)
        if claims.empty:
            return None
        claims = claims.assign(
            benefit_label=[i18n.t(f"reports.benefit_{b}", lang) for b in claims["benefit"]],
            start=[_when(d) for d in claims["period_start"]],
            end=[_when(d) for d in claims["period_end"]],
            ref=[self.ref(v) for v in claims["source_id"]],
        )
        return Table(
            claims,
            [Column("start", i18n.t("reports.col_period_start", lang), "date", width="auto"),
             Column("end", i18n.t("reports.col_period_end", lang), "date", width="auto"),
             Column("benefit_label", i18n.t("reports.col_benefit", lang)),
             Column("cases", i18n.t("reports.col_cases", lang), "count"),
             Column("amount_rp", i18n.t("reports.col_amount", lang), "rupiah"),
             Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
            title=i18n.t("reports.claims_title", lang),
            note=i18n.t("reports.claims_note", lang) + self._claims_overlap(claims),
            lang=lang, sheet=i18n.t("reports.sheet_claims", lang),
        )

    def _claims_overlap(self, claims: Any) -> str:
        """A warning, when sources report claims for periods that overlap, not to add them up."""
        overlap = overlapping_sources(claims)
        if not overlap:
            return ""
        marks = dict.fromkeys(self.ref(source) for source in overlap)
        refs = ", ".join(sorted(marks, key=lambda m: int("".join(filter(str.isdigit, m)) or 0)))
        return " " + i18n.t("reports.claims_overlap", self.lang, refs=refs)

    def sources(self) -> Any:
        """The sources cited in this report."""
        return self.sources_table()
