"""Declarative schemas of the data tables: the contract of ``data/README.md`` in Python.

Each table in ``data/README.md`` is described once here as a :class:`Schema`: its columns
(:class:`ColumnSpec`) with kind (text, code, whole number, money, date, …), whether a value is
required, ranges, allowed values, unique keys and references to other tables. The allowed values
(segments, funding sources, ``FLAGS``, …) live here too, so the data checks and the parameter
checks share one list. The checks themselves are in :mod:`analysis.data.validate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- Allowed values (the contract in data/README.md) ---------------------------------------------

FLAGS = ("UNCONFIRMED", "CONFLICT", "DERIVED", "ESTIMATE", "PLANNED")
SEGMENTS = (
    "pekerja_rentan",
    "perangkat_desa",
    "bpd",
    "perangkat_desa_bpd",
    "thl_non_asn",
    "palm_workers",
    "fishers",
    "kader",
    "other",
    "programme_total",
    "all_workers",
)
FUNDING_SOURCES = (
    "apbd",
    "apbd_province",
    "dbh_sawit",
    "csr",
    "dana_desa",
    "add_apbdes",
    "mixed",
    "unknown",
)
STATUSES = ("registered", "funded", "planned", "uncovered")
BENEFITS = ("jkm", "jkk", "jht", "jp", "beasiswa", "jkk_death", "santunan_beasiswa", "total")
# USER marks sources created by ``python -m analysis data import`` (only in data/user).
GRADES = ("REG", "NEWS", "3P", "PKG", "USER")
DATE_PRECISIONS = ("day", "month", "year")
REGENCY_TYPES = ("kabupaten", "kota")
POPULATION_INDICATORS = ("population", "poverty_rate_pct", "poor_people")
LABOUR_INDICATORS = (
    "working_age_population",
    "labour_force",
    "employed",
    "informal_share_pct",
    "informal_workers",
    "formal_workers",
    "unemployment_rate_pct",
    "bpu_participants",
    "pu_participants",
    "workers_total",
)
APBD_STAGES = ("murni", "perubahan", "kua_ppas", "realisasi")
APBD_ITEMS = ("belanja", "pendapatan", "pad", "dana_desa")
NATIONAL = "ID"

# Kinds of column. Text-like kinds become str ("" when empty); numbers Int64/float; dates
# datetime64.
TEXT_KINDS = ("text", "id", "regency", "province", "area", "choice", "flags", "period", "url")
INT_KINDS = ("int", "money", "year")
KINDS = (*TEXT_KINDS, *INT_KINDS, "float", "date")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table.

    Attributes
    ----------
    name : str
        Column name as in the CSV header.
    kind : str
        One of ``KINDS``.
    required : bool
        A value must be present in every row.
    allowed : tuple of str
        Allowed values (kind ``choice``).
    minimum, maximum : float, optional
        Inclusive range of numbers (``period``: the month is always checked 1–12).
    ref : {"source", "regency", "area"}, optional
        Foreign key: a source_id, a regency code, or an area (regency, province or ``ID``).
    """

    name: str
    kind: str = "text"
    required: bool = False
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    ref: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Schema:
    """One table: its files, columns and table-wide rules.

    Attributes
    ----------
    name : str
        Table name used by ``analysis.data.tables.load_table``.
    files : tuple of str
        Raw CSV files holding the table; the first must exist, the others are optional.
    columns : tuple of ColumnSpec
    unique : tuple of tuple of str
        Each tuple of columns identifies a row (no two rows share the values).
    ordered : tuple of (str, str)
        Pairs of date columns where the first must not be after the second.
    pct_rows : (str, str), optional
        ``(indicator column, value column)``: where the indicator ends in ``_pct`` the value is a
        percentage 0–100.
    importable : bool
        Users may bring newer rows with ``python -m analysis data import``.
    key : tuple of str
        Columns that identify one figure of an importable table (area, date, segment, funding
        source, …; never the source_id). An imported row with the key of a row imported before
        replaces it, and the loaders set aside a shipped row whose key a user row repeats: a
        correction replaces a figure, it is never added to it.
    """

    name: str
    files: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    ordered: tuple[tuple[str, str], ...] = ()
    pct_rows: tuple[str, str] | None = None
    importable: bool = False
    key: tuple[str, ...] = ()
    _by_name: dict[str, ColumnSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        """Column names in contract order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        """The column called ``name``."""
        return self._by_name[name]


def _source() -> ColumnSpec:
    return ColumnSpec("source_id", "id", required=True, ref="source")


def _area(name: str = "area_code", required: bool = True) -> ColumnSpec:
    return ColumnSpec(name, "area", required=required, ref="area")


def _count(name: str, required: bool = False, maximum: float | None = None) -> ColumnSpec:
    return ColumnSpec(name, "int", required=required, minimum=0, maximum=maximum)


def _money(name: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(name, "money", required=required, minimum=0)


def _year(required: bool = True) -> ColumnSpec:
    return ColumnSpec("year", "year", required=required, minimum=1900, maximum=2100)


def _choice(name: str, allowed: tuple[str, ...], required: bool = False) -> ColumnSpec:
    return ColumnSpec(name, "choice", required=required, allowed=allowed)


def _tail() -> tuple[ColumnSpec, ...]:
    return (_source(), ColumnSpec("flag", "flags"), ColumnSpec("note"))


SCHEMAS: dict[str, Schema] = {
    s.name: s
    for s in (
        Schema(
            "sources",
            ("sources.csv", "sources_reference.csv"),
            (
                ColumnSpec("source_id", "id", required=True),
                ColumnSpec("publisher", required=True),
                ColumnSpec("title", required=True),
                ColumnSpec("url", "url"),
                ColumnSpec("date_published", "date"),
                ColumnSpec("date_accessed", "date"),
                _choice("grade", GRADES, required=True),
                ColumnSpec("licence"),
                ColumnSpec("note"),
            ),
            unique=(("source_id",),),
        ),
        Schema(
            "regencies",
            ("regencies.csv",),
            (
                ColumnSpec("regency_code", "regency", required=True),
                ColumnSpec("name", required=True),
                ColumnSpec("short_name", required=True),
                _choice("type", REGENCY_TYPES, required=True),
                ColumnSpec("province_code", "province", required=True),
                ColumnSpec("province_name", required=True),
                _count("kecamatan", required=True),
                _count("desa", required=True),
                _count("kelurahan", required=True),
                _source(),
            ),
            unique=(("regency_code",),),
        ),
        Schema(
            "regency_aliases",
            ("regency_aliases.csv",),
            (
                ColumnSpec("alias", required=True),
                ColumnSpec("regency_code", "regency", required=True, ref="regency"),
                ColumnSpec("note"),
            ),
            unique=(("alias",),),
        ),
        Schema(
            "population_poverty",
            ("population_poverty.csv",),
            (
                _area("regency_code"),
                _choice("indicator", POPULATION_INDICATORS, required=True),
                _year(),
                ColumnSpec("period", "period"),
                ColumnSpec("value", "float", required=True, minimum=0),
                *_tail(),
            ),
            unique=(("regency_code", "indicator", "year", "period", "source_id"),),
            pct_rows=("indicator", "value"),
            importable=True,
            key=("regency_code", "indicator", "year", "period"),
        ),
        Schema(
            "labour_force",
            ("labour_force.csv",),
            (
                _area(),
                ColumnSpec("period", "period", required=True),
                _choice("indicator", LABOUR_INDICATORS, required=True),
                ColumnSpec("value", "float", required=True, minimum=0),
                *_tail(),
            ),
            unique=(("area_code", "period", "indicator", "source_id"),),
            pct_rows=("indicator", "value"),
            importable=True,
            key=("area_code", "period", "indicator"),
        ),
        Schema(
            "coverage_facts",
            ("coverage_facts.csv",),
            (
                ColumnSpec("fact_id", "id", required=True),
                _area(),
                ColumnSpec("date", "date", required=True),
                _choice("date_precision", DATE_PRECISIONS, required=True),
                _choice("segment", SEGMENTS, required=True),
                _count("workers"),
                ColumnSpec("programmes"),
                _choice("funding_source", FUNDING_SOURCES),
                ColumnSpec("period_start", "date"),
                ColumnSpec("period_end", "date"),
                _choice("status", STATUSES),
                *_tail(),
            ),
            unique=(("fact_id",),),
            ordered=(("period_start", "period_end"),),
            importable=True,
            # The coverage rules add facts of one segment and date with the same funding source
            # unless flagged CONFLICT: a second row with this key would be counted twice.
            key=("area_code", "date", "segment", "funding_source"),
        ),
        Schema(
            "declared_targets",
            ("declared_targets.csv",),
            (
                _area(),
                ColumnSpec("date", "date", required=True),
                _choice("segment", SEGMENTS, required=True),
                _count("target_workers", required=True),
                ColumnSpec("basis"),
                *_tail(),
            ),
            unique=(("area_code", "date", "segment", "target_workers", "source_id"),),
            importable=True,
            key=("area_code", "date", "segment"),
        ),
        Schema(
            "payment_cases",
            ("payment_cases.csv",),
            (
                ColumnSpec("case_id", "id", required=True),
                _area("payer_code"),
                _area(),
                _year(),
                _choice("segment", SEGMENTS),
                _count("workers"),
                _count("months", maximum=12),
                _money("budget_rp"),
                ColumnSpec("per_worker_month_rp", "float", minimum=0),
                ColumnSpec("package"),
                _choice("funding_source", FUNDING_SOURCES),
                ColumnSpec("period_start", "date"),
                ColumnSpec("period_end", "date"),
                *_tail(),
            ),
            ordered=(("period_start", "period_end"),),
            importable=True,
            key=("payer_code", "area_code", "year", "segment", "package", "funding_source",
                 "period_start", "period_end"),
        ),
        Schema(
            "claims",
            ("claims.csv",),
            (
                _area(),
                ColumnSpec("period_start", "date"),
                ColumnSpec("period_end", "date"),
                _choice("benefit", BENEFITS, required=True),
                _count("cases"),
                _money("amount_rp"),
                ColumnSpec("covered_context"),
                *_tail(),
            ),
            unique=(
                (
                    "area_code",
                    "period_start",
                    "period_end",
                    "benefit",
                    "covered_context",
                    "source_id",
                ),
            ),
            ordered=(("period_start", "period_end"),),
            importable=True,
            key=("area_code", "period_start", "period_end", "benefit", "covered_context"),
        ),
        Schema(
            "dbh_sawit",
            ("dbh_sawit.csv",),
            (_area(), _year(), _money("amount_rp", required=True), *_tail()),
            unique=(("area_code", "year", "source_id"),),
            importable=True,
            key=("area_code", "year"),
        ),
        Schema(
            "apbd",
            ("apbd.csv",),
            (
                _area(),
                _year(),
                _choice("stage", APBD_STAGES, required=True),
                _choice("item", APBD_ITEMS, required=True),
                _money("amount_rp", required=True),
                *_tail(),
            ),
            unique=(("area_code", "year", "stage", "item", "source_id"),),
            importable=True,
            key=("area_code", "year", "stage", "item"),
        ),
        Schema(
            "implied_wage_basis",
            ("implied_wage_basis.csv",),
            (
                _area(),
                _year(),
                _choice("segment", SEGMENTS),
                _money("wage_rp", required=True),
                ColumnSpec("derived_from", required=True),
                *_tail(),
            ),
            unique=(("area_code", "year", "segment"),),
        ),
        Schema(
            "tile_grid",
            ("tile_grid.csv",),
            (
                ColumnSpec("regency_code", "regency", required=True, ref="regency"),
                _count("row", required=True),
                _count("col", required=True),
            ),
            unique=(("regency_code",), ("row", "col")),
        ),
        Schema(
            "population_kemendagri",
            ("population_kemendagri.csv",),
            (
                _area(),
                ColumnSpec("name", required=True),
                _choice("level", ("national", "province", "regency"), required=True),
                _count("population_total", required=True),
                _count("male", required=True),
                _count("female", required=True),
                ColumnSpec("area_km2", "float", minimum=0),
                ColumnSpec("date", "date", required=True),
                _choice("date_precision", DATE_PRECISIONS, required=True),
                ColumnSpec("reference"),
                *_tail(),
            ),
            unique=(("area_code",),),
        ),
        Schema(
            "tile_grid_all",
            ("tile_grid_all.csv",),
            (
                ColumnSpec("province_code", "province", required=True),
                ColumnSpec("regency_code", "regency", required=True, ref="regency"),
                _count("row", required=True),
                _count("col", required=True),
            ),
            unique=(("regency_code",), ("province_code", "row", "col")),
        ),
    )
}

IMPORTABLE = tuple(name for name, s in SCHEMAS.items() if s.importable)
