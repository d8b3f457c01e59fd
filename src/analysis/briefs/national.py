"""Content of the national overview of provinces, called cell by cell by notebook 05.

Sections, in the notebook's order: cover, summary, table of provinces, map of every kab/kota,
sources. The coverage of each province is the same table its overview shows
(``analysis.model.coverage.coverage_table``, computed once per process and data state); the
national figures are sums of kab/kota figures, never a rate made up for kab/kota without data.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pandas as pd

from analysis.briefs.base import Brief
from analysis.briefs.province import BOUNDARY_SOURCE, province_headline
from analysis.core import i18n
from analysis.data.parameters import load_parameters
from analysis.data.tables import load_table, regencies
from analysis.model.coverage import OK, coverage_table
from analysis.render.blocks import Column, Figure, ReportMeta, Table, Text
from analysis.views import figures


class NationalBrief(Brief):
    """Content of the overview of Indonesia's provinces (notebook 05_national_overview).

    Parameters
    ----------
    lang : {"id", "en"}
        Report language.
    as_of : str, optional
        ISO date: use only data known on that date.
    """

    def __init__(self, lang: str = "id", as_of: str | None = None) -> None:
        super().__init__(lang, as_of, area="ID")
        self.regencies = regencies(None)
        self._use(*self.regencies["source_id"].unique())

    @cached_property
    def _table(self) -> pd.DataFrame:
        """The coverage tables of every province, one after the other."""
        parts = []
        for code in sorted(self.regencies["province_code"].unique()):
            part = coverage_table(code, self.as_of)
            parts.append(part.assign(province_code=code))
        table = pd.concat(parts, ignore_index=True)
        table.attrs = {"as_of": pd.Timestamp(self.as_of), "province": None}
        return table

    @cached_property
    def _provinces(self) -> pd.DataFrame:
        """One row per province: kab/kota, desa, village target, coverage data, population."""
        table = self._table
        has = table["status"] == OK
        names = self.regencies.groupby("province_code")["province_name"].first()
        desa = self.regencies.groupby("province_code")["desa"].sum()
        rows = []
        for code, part in table.groupby("province_code", sort=True):
            with_data = part["status"] == OK
            covered = part.loc[with_data, "covered_rentan"].dropna()
            rows.append({
                "province_code": code,
                "name": str(names[code]),
                "regencies": len(part),
                "desa": int(desa[code]),
                "target_village": part["target_village"].sum(min_count=1),
                "with_data": int(with_data.sum()),
                "covered_rentan": float(covered.sum()) if len(covered) else None,
            })
        frame = pd.DataFrame(rows)
        population = load_table("population_kemendagri", include_user=False)
        population = population[population["level"] == "province"]
        frame = frame.merge(
            population[["area_code", "population_total", "source_id", "flag"]].rename(
                columns={"area_code": "province_code", "population_total": "population"}),
            on="province_code", how="left",
        )
        frame.attrs["with_data_total"] = int(has.sum())
        return frame

    def cover(self) -> Any:
        """The report's title, scope and data date."""
        return ReportMeta(
            kind="national", code="ID", title=i18n.t("national.title", self.lang),
            area=i18n.t("national.area", self.lang),
            province=i18n.t("national.scope", self.lang,
                            provinces=self.number(self.regencies["province_code"].nunique()),
                            regencies=self.number(len(self.regencies))),
            as_of=self.data_date, lang=self.lang, headline=province_headline(self._table),
        )

    def summary(self) -> Any:
        """How many kab/kota have coverage data, workers on record, the national village target."""
        lang = self.lang
        table, provinces = self._table, self._provinces
        entry = load_parameters().entry("targets.workers_per_desa", self.as_of)
        self._use(entry.get("source_id"))
        has = table[table["status"] == OK]
        text = i18n.t(
            "national.summary", lang, as_of=self.data_date,
            with_data=self.number(len(has)), total=self.number(len(table)),
            no_data=self.number(len(table) - len(has)),
            provinces_with=self.number(int((provinces["with_data"] > 0).sum())),
            provinces=self.number(len(provinces)),
            covered=self.number(float(has["covered_rentan"].sum())),
            per_desa=self.number(entry["value"]),
            desa=self.number(int(self.regencies["desa"].sum())),
            target=self.number(float(table["target_village"].sum())),
        )
        return Text(text + "\n\n" + i18n.t("national.summary_note", lang))

    def provinces(self) -> Any:
        """Table of provinces: kab/kota, desa, village target, kab/kota with data, population."""
        lang = self.lang
        frame = self._provinces
        self._use(*frame["source_id"].dropna())
        return Table(
            frame,
            # Narrow number columns (their headers wrap) leave the province names one line.
            [Column("name", i18n.t("national.col_province", lang), width="1fr"),
             Column("regencies", i18n.t("national.col_regencies", lang), "count",
                    width="1.4cm"),
             Column("desa", i18n.t("reports.col_desa", lang), "count", width="1.5cm"),
             Column("target_village", i18n.t("reports.col_village_target", lang), "count",
                    width="2.1cm"),
             Column("with_data", i18n.t("national.col_with_data", lang), "count",
                    width="1.9cm"),
             Column("covered_rentan", i18n.t("national.col_covered", lang), "count",
                    width="2.3cm"),
             Column("population", i18n.t("national.col_population", lang), "count",
                    width="2.9cm")],
            title=i18n.t("national.table_title", lang),
            note=i18n.t("national.table_note", lang),
            lang=lang, sheet=i18n.t("national.sheet_provinces", lang),
            sources=[*frame["source_id"].dropna(), *self.regencies["source_id"].unique()],
        )

    def coverage_map(self) -> Any:
        """Map of every kab/kota of Indonesia, coloured by coverage of the village target."""
        self._use(BOUNDARY_SOURCE)
        fig = figures.coverage_map(self._table, lang=self.lang,
                                   title=i18n.t("national.map_title", self.lang))
        return Figure(fig, i18n.t("national.map_caption", self.lang))

    def sources(self) -> Any:
        """The sources cited in this report."""
        return self.sources_table()
