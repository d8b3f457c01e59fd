"""Content of the overview of all kab/kota of a province, called cell by cell by notebook 04.

Sections, in the notebook's order: cover, coverage league table with its chart, coverage map,
cost of closing the gaps, villages and village targets, DBH Sawit, sources. Each returns a
display object of ``analysis.render.blocks``; numbers come from ``analysis.model``, sentences from
``core/locales/reports.yml``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysis.briefs.base import Brief
from analysis.core import i18n
from analysis.data.parameters import load_parameters
from analysis.data.tables import regencies
from analysis.model.coverage import OK, coverage_table, ranked, village_targets
from analysis.model.dbh_sawit import dbh_summary
from analysis.render.blocks import Column, Figure, ReportMeta, Section, Table, Text
from analysis.views import figures
from analysis.views.coverage import narrative, row_notes
from analysis.views.dbh_sawit import year_cell


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
    """

    def __init__(self, province_code: str = "12", lang: str = "id",
                 as_of: str | None = None) -> None:
        super().__init__(lang, as_of)
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
            as_of=self.as_of, lang=self.lang,
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
            rank_text=shown["rank"].astype("string").where(is_ranked, "–"),
        )
        of = int(table["rank"].notna().sum())
        return Section(
            Text(narrative(table, lang)),
            Table(
                shown,
                [Column("rank_text", "#", width="auto"),
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
            Figure(figures.coverage_by_regency(table, lang=lang),
                   i18n.t("reports.league_caption", lang)),
        )

    def coverage_map(self) -> Any:
        """Tile map of coverage against the village target."""
        return Figure(figures.coverage_map(self._table, lang=self.lang),
                      i18n.t("reports.map_caption", self.lang), width="85%")

    def gaps(self) -> Any:
        """Cost of closing each kab/kota's gap per year."""
        return Figure(figures.gap_cost(self._table, lang=self.lang),
                      i18n.t("reports.gap_caption", self.lang))

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
            return Text(i18n.t("reports.dbh_none", lang, name=self.code))
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
