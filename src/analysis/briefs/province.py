"""Content of the overview of all kab/kota of a province, called cell by cell by notebook 04.

Sections, in the notebook's order: page 1 (``summary``: key messages and the decision box for
the Governor's office), the province's own programme and DBH Sawit (``programme``), coverage
league table with its chart, coverage map, cost of closing the gaps to the village target, which
kab/kota to visit first (``visit_first``), villages and village targets, DBH Sawit of every
kab/kota, sources.
Each returns a display object of ``analysis.render.blocks``; numbers come from
``analysis.model``, sentences from ``core/locales/reports.yml`` and ``province.yml``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysis.briefs.base import Brief
from analysis.core import i18n
from analysis.data.parameters import load_parameters
from analysis.data.tables import regencies
from analysis.model.contributions import budget_for
from analysis.model.coverage import NO_DATA, OK, coverage_table, ranked, village_targets
from analysis.model.dbh_sawit import dbh_summary
from analysis.model.province import programme_totals, province_programme
from analysis.render.blocks import Callout, Column, Figure, ReportMeta, Section, Table, Text
from analysis.render.summary import Figure1, Summary
from analysis.views import figures
from analysis.views.coverage import narrative, row_notes
from analysis.views.dbh_sawit import year_cell
from analysis.views.facts import flag_words

# The source of data/raw/regency_boundaries.geojson (its sidecar names it): cited under the map.
BOUNDARY_SOURCE = "ref-github-cahyadsn-wilayah-boundaries"


def province_headline(table: pd.DataFrame) -> dict[str, Any]:
    """Headline figures of a province for the manifest and the report site (raw values).

    Parameters
    ----------
    table : DataFrame
        The province's coverage table (``analysis.model.coverage.coverage_table``).

    Returns
    -------
    dict
        ``regencies``, ``with_data`` (kab/kota with current coverage data),
        ``covered_rentan`` (their vulnerable workers covered, summed; None when no kab/kota
        has data) and ``target_village`` (sum over kab/kota with desa).
    """
    with_data = table["status"] == OK  # current data (not ended programmes)
    covered = table.loc[with_data, "covered_rentan"].dropna()
    return {
        "regencies": int(len(table)),
        "with_data": int(with_data.sum()),
        "covered_rentan": float(covered.sum()) if len(covered) else None,
        "target_village": float(table["target_village"].sum(min_count=1))
        if table["target_village"].notna().any() else None,
    }


class ProvinceBrief(Brief):
    """Content of the overview of all kab/kota of a province (notebook 04_province_overview).

    Parameters
    ----------
    province_code : str
        Province code (``"12"``).
    lang : {"id", "en"}
        Report language.
    as_of : str, optional
        ISO date: use only data known on that date.
    map_style : {"choropleth", "tiles"}
        The coverage map: real boundaries (default) or the tile grid.
    """

    def __init__(self, province_code: str = "12", lang: str = "id",
                 as_of: str | None = None, map_style: str = "choropleth") -> None:
        super().__init__(lang, as_of, area=str(province_code))
        if map_style not in ("choropleth", "tiles"):
            raise ValueError(f"map_style must be 'choropleth' or 'tiles', got {map_style!r}")
        self.map_style = map_style
        self.code = str(province_code)
        self.regencies = regencies(self.code)
        if self.regencies.empty:
            raise LookupError(f"no kab/kota known for province {province_code!r}")
        self._use(*self.regencies["source_id"].unique())

    def cover(self) -> Any:
        """The report's title, province and data date."""
        name = str(self.regencies["province_name"].iloc[0])
        return ReportMeta(
            kind="province", code=self.code, title=i18n.t("reports.title_province", self.lang),
            area=i18n.t("reports.province_area", self.lang, name=name), province=name,
            as_of=self.data_date, lang=self.lang, headline=province_headline(self._table),
        )

    @property
    def name(self) -> str:
        return str(self.regencies["province_name"].iloc[0])

    # -- the province itself --------------------------------------------------------------------

    @cached_property
    def _programme(self) -> pd.DataFrame:
        return province_programme(self.code, self.as_of)

    @cached_property
    def _dbh_years(self) -> list[dict[str, Any]]:
        """The province's DBH Sawit by year (``dbh_summary``): allocation, flag, 20%, workers."""
        dbh = dbh_summary(self.code, self.as_of)
        return list(dbh["series"]) if dbh else []

    @cached_property
    def _gaps(self) -> dict[str, Any]:
        """Cost of every gap against the village target: measured, and unmeasured at full target.

        Where coverage cannot be measured (no data, or only village officials counted), the whole
        village target is counted: an upper bound, said as such.
        """
        table = self._table
        has_target = table["target_village"].notna()
        measured = table["rate"].notna() & table["rank"].notna()
        unmeasured = has_target & ~measured
        monthly_year = budget_for(1, 12, "jkk-jkm", on=self.as_of)

        def cost(workers: float) -> int:
            return budget_for(int(workers), 12, "jkk-jkm", on=self.as_of) if workers >= 1 else 0

        gap_measured = float(table.loc[measured, "gap_workers"].sum())
        gap_unmeasured = float(table.loc[unmeasured, "target_village"].sum())
        target_all = float(table.loc[has_target, "target_village"].sum())
        return {
            "measured": int(measured.sum()), "unmeasured": int(unmeasured.sum()),
            "total": len(table), "no_desa": int((~has_target).sum()),
            "reached": int((table.loc[measured, "rate"] >= 1).sum()),
            "gap_measured": gap_measured, "gap_unmeasured": gap_unmeasured,
            "cost_measured": cost(gap_measured), "cost_unmeasured": cost(gap_unmeasured),
            "target_all": target_all, "cost_target_all": cost(target_all),
            "per_worker_year": monthly_year,
        }

    def _visit(self, count: int = 5) -> pd.DataFrame:
        """The kab/kota with the most workers left to protect against the village target.

        Measured regencies count their gap; a regency whose coverage cannot be measured counts
        its whole village target (its coverage is unknown, so its need may be that large).
        """
        table = self._table.copy()
        measured = table["rate"].notna() & table["rank"].notna()
        table["need"] = table["gap_workers"].where(measured, table["target_village"])
        table["measured"] = measured
        table = table[table["need"].notna() & (table["need"] > 0)]
        return table.sort_values("need", ascending=False).head(count)

    def summary(self) -> Any:
        """Page 1: the province's programme, DBH Sawit, coverage, every gap's cost, the decision."""
        lang, g = self.lang, self._gaps
        totals = programme_totals(self._programme)
        done = totals[~totals["planned"]]
        latest = done.iloc[-1] if not done.empty else None
        dbh = self._dbh_years
        official = [d for d in dbh if not d["flag"]]
        newest = dbh[-1] if dbh else None
        base = official[-1] if official else newest
        visit = self._visit(3)
        visit_names = ", ".join(str(n) for n in visit["name"])
        t = lambda key, **kw: i18n.t(f"province.{key}", lang, **kw)  # noqa: E731
        messages = [
            t("msg_coverage", measured=self.number(g["measured"]), total=self.number(g["total"]),
              reached=self.number(g["reached"]), unmeasured=self.number(g["unmeasured"]),
              no_desa=self.number(g["no_desa"])),
            t("msg_gap", gap=self.number(g["gap_measured"]), cost=self.rupiah(g["cost_measured"]),
              measured=self.number(g["measured"]),
              gap_un=self.number(g["gap_unmeasured"]), cost_un=self.rupiah(g["cost_unmeasured"]),
              unmeasured=self.number(g["unmeasured"])),
        ]
        figures = [Figure1(t("kf_gap_cost"), self.rupiah(g["cost_measured"] + g["cost_unmeasured"]),
                           g["cost_measured"] + g["cost_unmeasured"], "rupiah"),
                   Figure1(t("kf_measured", total=self.number(g["total"])),
                           self.number(g["measured"]), g["measured"], "count")]
        decision = []
        if latest is not None:
            flags = flag_words(latest["flag"], lang)
            cost = budget_for(int(latest["workers"]), 12, "jkk-jkm", on=self.as_of)
            messages.insert(0, t("msg_programme", year=latest["year"],
                                 workers=self.number(latest["workers"]),
                                 flags=f" ({flags})" if flags else "", cost=self.rupiah(cost)))
            figures.insert(0, Figure1(t("kf_programme", year=latest["year"]),
                                      self.number(latest["workers"]), int(latest["workers"]),
                                      "count"))
            decision.append(Figure1(t("dec_programme"), t("dec_programme_text",
                                    workers=self.number(latest["workers"]),
                                    cost=self.rupiah(cost)), cost, "rupiah"))
        if base is not None:
            # The newest allocation leads, flagged, with the official one beside it: a 2023
            # figure alone (Rp74,86 miliar) hid a 2026 one 80% lower.
            shown = newest if newest is not None else base
            label = (t("kf_dbh_newer", year=shown["year"], base_year=base["year"],
                       flags=flag_words(shown["flag"], lang) or t("official"),
                       base=self.rupiah(base["allocation"]))
                     if shown["year"] != base["year"] else t("kf_dbh", year=base["year"]))
            figures.insert(1, Figure1(label, self.rupiah(shown["allocation"]),
                                      shown["allocation"], "rupiah"))
            change = ""
            if newest is not None and newest["year"] != base["year"]:
                fall = 1 - newest["allocation"] / base["allocation"]
                change = t("msg_dbh_change", year=newest["year"],
                           amount=self.rupiah(newest["allocation"]),
                           flags=flag_words(newest["flag"], lang) or t("official"),
                           fall=self.percent(fall), workers=self.number(newest["workers"]))
            messages.append(t("msg_dbh", year=base["year"], amount=self.rupiah(base["allocation"]),
                              envelope=self.rupiah(base["envelope"]),
                              workers=self.number(base["workers"]), change=change))
            use = newest if newest is not None else base
            decision.append(Figure1(t("dec_dbh", year=use["year"]), t(
                "dec_dbh_text", envelope=self.rupiah(use["envelope"]),
                workers=self.number(use["workers"]),
                flags=flag_words(use["flag"], lang) or t("official")),
                use["envelope"], "rupiah"))
        messages.append(t("msg_visit", names=visit_names))
        decision += [
            Figure1(t("dec_visit"), t("dec_visit_text", names=visit_names)),
            Figure1(t("dec_data"), t("dec_data_text", unmeasured=self.number(g["unmeasured"]))),
            Figure1(t("dec_when"), t("dec_when_text", next=int(str(self.as_of)[:4]) + 1,
                                     this=str(self.as_of)[:4])),
        ]
        title = t("title", name=self.name, reached=self.number(g["reached"]),
                  measured=self.number(g["measured"]),
                  cost=self.rupiah(g["cost_measured"] + g["cost_unmeasured"]))
        return Summary(
            kicker=t("kicker", name=self.name, day=self.date(self.data_date)),
            title=title, lead=t("lead"), figures=figures[:4], messages=messages[:5],
            decision=decision, actions=[t("act_1"), t("act_2"), t("act_3")],
            labels=self.summary_labels(),
        )

    def programme(self) -> Any:
        """The Pemprov's own programme year by year, and its own DBH Sawit."""
        lang = self.lang
        parts: list[Any] = []
        programme = self._programme
        if programme.empty:
            parts.append(Text(i18n.t("province.programme_none", lang, name=self.name)))
        else:
            self._use(*programme.attrs.get("sources", []))
            shown = programme.assign(
                segment_label=[i18n.t(f"reports.segment_{s}", lang) for s in programme["segment"]],
                workers_text=[self.number(w) if lo == hi else
                              f"{self.number(lo)}–{self.number(hi)}"
                              for w, lo, hi in zip(programme["workers"], programme["workers_low"],
                                                   programme["workers_high"], strict=True)],
                funding=[i18n.t(f"reports.funding_{f}", lang) for f in programme["funding_source"]],
                state=[i18n.t("province.planned" if p else "province.paid", lang)
                       for p in programme["planned"]],
                flag_text=[flag_words(f, lang) for f in programme["flag"]],
                ref=[self.ref(v) for v in programme["source_id"]],
            )
            parts.append(Table(
                shown,
                [Column("year", i18n.t("reports.col_year", lang), "date", width="auto"),
                 Column("segment_label", i18n.t("reports.col_segment", lang)),
                 Column("workers", i18n.t("reports.col_workers", lang), "count"),
                 Column("workers_text", i18n.t("province.col_range", lang), width="auto"),
                 Column("funding", i18n.t("reports.col_funding", lang)),
                 Column("state", i18n.t("reports.col_status", lang), width="auto"),
                 Column("flag_text", i18n.t("reports.col_flag", lang), width="1.3fr"),
                 Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
                title=i18n.t("province.programme_title", lang, name=self.name),
                note=i18n.t("province.programme_note", lang),
                lang=lang, sheet=i18n.t("province.sheet_programme", lang),
            ))
        if self._dbh_years:
            frame = pd.DataFrame(self._dbh_years)
            frame = frame.assign(flag_text=[flag_words(f, lang) or i18n.t("province.official",
                                                                        lang)
                                            for f in frame["flag"]],
                                 ref=[self.ref(v) for v in frame["source_id"]])
            parts.append(Table(
                frame,
                [Column("year", i18n.t("reports.col_year", lang), "date", width="auto"),
                 Column("allocation", i18n.t("reports.col_dbh", lang), "rupiah"),
                 Column("envelope", i18n.t("reports.col_envelope", lang), "rupiah"),
                 Column("workers", i18n.t("province.col_dbh_workers", lang), "count"),
                 Column("flag_text", i18n.t("reports.col_flag", lang)),
                 Column("ref", i18n.t("reports.col_ref", lang), width="auto")],
                title=i18n.t("province.dbh_title", lang, name=self.name),
                note=i18n.t("province.dbh_note", lang),
                lang=lang, sheet=i18n.t("province.sheet_dbh", lang),
            ))
        return Section(*parts)

    def visit_first(self) -> Any:
        """Which kab/kota to visit first, and why, by the workers left to protect."""
        lang = self.lang
        visit = self._visit(5)
        if visit.empty:
            return None
        why = []
        for r in visit.itertuples(index=False):
            if r.measured:
                why.append(i18n.t("province.why_gap", lang, gap=self.number(r.need),
                                  rate=self.percent(r.rate),
                                  cost=self.rupiah(budget_for(int(r.need), 12, "jkk-jkm",
                                                              on=self.as_of))))
            else:
                why.append(i18n.t("province.why_no_data", lang, target=self.number(r.need)))
        shown = visit.assign(why=why, order=range(1, len(visit) + 1))
        return Section(
            Text(i18n.t("province.visit_text", lang)),
            Table(shown,
                  [Column("order", i18n.t("reports.col_number", lang), "count", width="auto"),
                   Column("name", i18n.t("reports.col_regency", lang)),
                   Column("need", i18n.t("province.col_need", lang), "count"),
                   Column("why", i18n.t("province.col_why", lang), width="2.2fr")],
                  title=i18n.t("province.visit_title", lang), lang=lang,
                  sheet=i18n.t("province.sheet_visit", lang)),
        )

    def villages(self) -> Any:
        """Desa, kelurahan and the village target of every kab/kota."""
        lang = self.lang
        entry = load_parameters().entry("targets.workers_per_desa", self.as_of)
        self._use(entry.get("source_id"))
        targets = village_targets(self.regencies, float(entry["value"]))
        table = self.regencies.merge(targets, on="regency_code")
        return Table(
            table,
            [
                Column("name", i18n.t("reports.col_regency", lang)),
                Column("kecamatan", i18n.t("reports.col_kecamatan", lang), "count"),
                Column("desa", i18n.t("reports.col_desa", lang), "count"),
                Column("kelurahan", i18n.t("reports.col_kelurahan", lang), "count"),
                Column("target_village", i18n.t("reports.col_village_target", lang), "count"),
            ],
            title=i18n.t("reports.villages_table_title", lang),
            note=i18n.t("reports.villages_table_note", lang, per_desa=self.number(entry["value"])),
            lang=lang,
            sheet=i18n.t("reports.sheet_villages", lang),
            sources=[*table["source_id"], entry.get("source_id")],
        )

    @cached_property
    def _table(self) -> Any:
        return coverage_table(self.code, self.as_of)

    def league(self) -> Any:
        """League table of coverage (village target basis), its summary and chart."""
        lang = self.lang
        table = self._table
        for sources in table["coverage_sources"].dropna():
            self._use(*str(sources).split(";"))
        shown = ranked(table)
        is_ranked = shown["rank"].notna() & (shown["status"] == OK)
        shown = shown.assign(
            notes=row_notes(shown, lang),
            # A number in the workbook (sorts 2 before 10); empty, not "–", when not ranked.
            rank_value=[int(r) if ok else None
                        for r, ok in zip(shown["rank"], is_ranked, strict=True)],
        )
        of = int(table["rank"].notna().sum())
        dated = table.copy()
        # The narrative's "per <date>" is the cover's date: the newest fact of this province
        # (every fact it counts is on or before it).
        dated.attrs["as_of"] = pd.Timestamp(self.data_date)
        return Section(
            Text(narrative(dated, lang)),
            Table(
                shown,
                [Column("rank_value", "#", "count", width="auto"),
                 Column("name", i18n.t("reports.col_regency", lang), width="3.2cm"),
                 Column("covered", i18n.t("reports.col_counted", lang), "count", width="1.5cm"),
                 Column("target", i18n.t("reports.col_village_target", lang), "count",
                        width="1.5cm"),
                 Column("rate", i18n.t("reports.col_rate", lang), "share", width="1.5cm"),
                 Column("gap_workers", i18n.t("reports.col_gap", lang), "count", width="2cm"),
                 Column("gap_rp_year", i18n.t("reports.col_gap_rp", lang), "rupiah",
                        width="2.2cm"),
                 Column("notes", i18n.t("reports.col_note", lang), width="1fr")],
                title=i18n.t("reports.league_title", lang),
                note=i18n.t("reports.league_note", lang, of=self.number(of)),
                lang=lang, sheet=i18n.t("reports.sheet_league", lang),
                sources=[s for v in table["coverage_sources"].dropna() for s in str(v).split(";")],
            ),
            # Without any coverage data the chart would be a column of "no data" bars: the
            # sentence above says so, and the table gives the targets.
            Figure(figures.coverage_by_regency(table, lang=lang),
                   i18n.t("reports.league_caption", lang))
            if (table["status"] != NO_DATA).any() else None,
        )

    def coverage_map(self) -> Any:
        """Map of coverage against the village target: real boundaries, or the tile grid."""
        caption = "reports.map_caption" if self.map_style == "choropleth" else \
            "reports.map_caption_tiles"
        if self.map_style == "choropleth":
            self._use(BOUNDARY_SOURCE)
        return Figure(figures.coverage_map(self._table, lang=self.lang, style=self.map_style),
                      # Most of a page: at 11 cm its 5,6-point names printed at about 3 points.
                      i18n.t(caption, self.lang), width="100%", height="17cm")

    def gaps(self) -> Any:
        """Cost of closing each kab/kota's gap per year (a note when no gap can be measured)."""
        if not self._table["gap_rp_year"].notna().any():
            return Callout(i18n.t("national.gaps_none", self.lang))
        return Figure(figures.gap_cost(self._table, lang=self.lang),
                      i18n.t("reports.gap_caption", self.lang), height="10cm")

    def dbh(self) -> Any:
        """DBH Sawit of every kab/kota: a column per budget year, the base year of the
        envelope, and the range of palm workers fundable (``dbh_summary``)."""
        lang = self.lang
        rows, years = [], set()
        for region in self.regencies.itertuples(index=False):
            dbh = dbh_summary(region.regency_code, self.as_of)
            if dbh is None:
                continue
            by_year = {e["year"]: e for e in dbh["series"]}
            years |= set(by_year)
            self._use(*(e["source_id"] for e in dbh["series"]))
            rows.append({
                "name": region.name, "by_year": by_year, "base_year": dbh["year"],
                "envelope": dbh["envelope"],
                "workers": self.number(dbh["workers"]) if dbh["single_year"] else
                f"{self.number(dbh['workers_low'])}–{self.number(dbh['workers_high'])}",
            })
        if not rows:
            name = i18n.t("reports.province_area", lang,
                          name=str(self.regencies["province_name"].iloc[0]))
            return Text(i18n.t("reports.dbh_none", lang, name=name))
        years = sorted(years)
        frame = pd.DataFrame([
            {"name": r["name"], **{f"y{y}": year_cell(r["by_year"].get(y), lang) for y in years},
             "base_year": r["base_year"], "envelope": r["envelope"], "workers": r["workers"]}
            for r in rows
        ])
        return Table(
            frame,
            [Column("name", i18n.t("reports.col_regency", lang), width="3.4cm"),
             *(Column(f"y{y}", i18n.t("reports.col_dbh_year", lang, year=y), width="1fr")
               for y in years),
             Column("base_year", i18n.t("reports.col_dbh_used", lang), width="auto"),
             Column("envelope", i18n.t("reports.col_envelope", lang), "rupiah"),
             Column("workers", i18n.t("reports.col_palm_range", lang), width="auto")],
            title=i18n.t("reports.dbh_table_title", lang),
            note=i18n.t("reports.dbh_province_note", lang),
            lang=lang, sheet="DBH Sawit",
        )

    def sources(self) -> Any:
        """The sources cited in this report."""
        return self.sources_table()
