"""Declarative schemas of the data tables, and the checks every load and every import runs.

Each table in ``data/README.md`` is described once here as a :class:`Schema`: its columns with
kind (text, code, whole number, money, date, …), whether a value is required, ranges, allowed
values, unique keys and references to other tables. :func:`validate` checks a table read as text
and returns :class:`Problem` objects that read like a spreadsheet user would look for them::

    data/raw/claims.csv, row 7, column cases: -3 is below the minimum 0

Row numbers are 1-based as in a spreadsheet, the header being row 1, so the first data row is
row 2. :func:`coerce` turns a valid text table into proper dtypes (codes as text, counts
``Int64``, dates ``datetime64``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

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

_REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
_PROVINCE_CODE = re.compile(r"^\d{2}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class Column:
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
        Table name used by ``analysis.data.load_table``.
    files : tuple of str
        Raw CSV files holding the table; the first must exist, the others are optional.
    columns : tuple of Column
    unique : tuple of tuple of str
        Each tuple of columns identifies a row (no two rows share the values).
    ordered : tuple of (str, str)
        Pairs of date columns where the first must not be after the second.
    pct_rows : (str, str), optional
        ``(indicator column, value column)``: where the indicator ends in ``_pct`` the value is a
        percentage 0–100.
    importable : bool
        Users may bring newer rows with ``python -m analysis data import``.
    """

    name: str
    files: tuple[str, ...]
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    ordered: tuple[tuple[str, str], ...] = ()
    pct_rows: tuple[str, str] | None = None
    importable: bool = False
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        """Column names in contract order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return self._by_name[name]


def _source() -> Column:
    return Column("source_id", "id", required=True, ref="source")


def _area(name: str = "area_code", required: bool = True) -> Column:
    return Column(name, "area", required=required, ref="area")


def _count(name: str, required: bool = False, maximum: float | None = None) -> Column:
    return Column(name, "int", required=required, minimum=0, maximum=maximum)


def _money(name: str, required: bool = False) -> Column:
    return Column(name, "money", required=required, minimum=0)


def _year(required: bool = True) -> Column:
    return Column("year", "year", required=required, minimum=1900, maximum=2100)


def _choice(name: str, allowed: tuple[str, ...], required: bool = False) -> Column:
    return Column(name, "choice", required=required, allowed=allowed)


def _tail() -> tuple[Column, ...]:
    return (_source(), Column("flag", "flags"), Column("note"))


SCHEMAS: dict[str, Schema] = {
    s.name: s
    for s in (
        Schema(
            "sources",
            ("sources.csv", "sources_reference.csv"),
            (
                Column("source_id", "id", required=True),
                Column("publisher", required=True),
                Column("title", required=True),
                Column("url", "url"),
                Column("date_published", "date"),
                Column("date_accessed", "date"),
                _choice("grade", GRADES, required=True),
                Column("licence"),
                Column("note"),
            ),
            unique=(("source_id",),),
        ),
        Schema(
            "regencies",
            ("regencies.csv",),
            (
                Column("regency_code", "regency", required=True),
                Column("name", required=True),
                Column("short_name", required=True),
                _choice("type", REGENCY_TYPES, required=True),
                Column("province_code", "province", required=True),
                Column("province_name", required=True),
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
                Column("alias", required=True),
                Column("regency_code", "regency", required=True, ref="regency"),
                Column("note"),
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
                Column("period", "period"),
                Column("value", "float", required=True, minimum=0),
                *_tail(),
            ),
            unique=(("regency_code", "indicator", "year", "period", "source_id"),),
            pct_rows=("indicator", "value"),
            importable=True,
        ),
        Schema(
            "labour_force",
            ("labour_force.csv",),
            (
                _area(),
                Column("period", "period", required=True),
                _choice("indicator", LABOUR_INDICATORS, required=True),
                Column("value", "float", required=True, minimum=0),
                *_tail(),
            ),
            unique=(("area_code", "period", "indicator", "source_id"),),
            pct_rows=("indicator", "value"),
            importable=True,
        ),
        Schema(
            "coverage_facts",
            ("coverage_facts.csv",),
            (
                Column("fact_id", "id", required=True),
                _area(),
                Column("date", "date", required=True),
                _choice("date_precision", DATE_PRECISIONS, required=True),
                _choice("segment", SEGMENTS, required=True),
                _count("workers"),
                Column("programmes"),
                _choice("funding_source", FUNDING_SOURCES),
                Column("period_start", "date"),
                Column("period_end", "date"),
                _choice("status", STATUSES),
                *_tail(),
            ),
            unique=(("fact_id",),),
            ordered=(("period_start", "period_end"),),
            importable=True,
        ),
        Schema(
            "declared_targets",
            ("declared_targets.csv",),
            (
                _area(),
                Column("date", "date", required=True),
                _choice("segment", SEGMENTS, required=True),
                _count("target_workers", required=True),
                Column("basis"),
                *_tail(),
            ),
            unique=(("area_code", "date", "segment", "target_workers", "source_id"),),
            importable=True,
        ),
        Schema(
            "payment_cases",
            ("payment_cases.csv",),
            (
                Column("case_id", "id", required=True),
                _area("payer_code"),
                _area(),
                _year(),
                _choice("segment", SEGMENTS),
                _count("workers"),
                _count("months", maximum=12),
                _money("budget_rp"),
                Column("per_worker_month_rp", "float", minimum=0),
                Column("package"),
                _choice("funding_source", FUNDING_SOURCES),
                Column("period_start", "date"),
                Column("period_end", "date"),
                *_tail(),
            ),
            ordered=(("period_start", "period_end"),),
            importable=True,
        ),
        Schema(
            "claims",
            ("claims.csv",),
            (
                _area(),
                Column("period_start", "date"),
                Column("period_end", "date"),
                _choice("benefit", BENEFITS, required=True),
                _count("cases"),
                _money("amount_rp"),
                Column("covered_context"),
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
        ),
        Schema(
            "dbh_sawit",
            ("dbh_sawit.csv",),
            (_area(), _year(), _money("amount_rp", required=True), *_tail()),
            unique=(("area_code", "year", "source_id"),),
            importable=True,
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
        ),
        Schema(
            "implied_wage_basis",
            ("implied_wage_basis.csv",),
            (
                _area(),
                _year(),
                _choice("segment", SEGMENTS),
                _money("wage_rp", required=True),
                Column("derived_from", required=True),
                *_tail(),
            ),
            unique=(("area_code", "year", "segment"),),
        ),
        Schema(
            "tile_grid",
            ("tile_grid.csv",),
            (
                Column("regency_code", "regency", required=True, ref="regency"),
                _count("row", required=True),
                _count("col", required=True),
            ),
            unique=(("regency_code",), ("row", "col")),
        ),
    )
}

IMPORTABLE = tuple(name for name, s in SCHEMAS.items() if s.importable)


# --- Problems ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a table, located as a spreadsheet user would look for it."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return ", ".join(where) + ": " + self.message


@dataclass(frozen=True)
class References:
    """Values foreign keys may point to."""

    sources: frozenset[str]
    regencies: frozenset[str]
    provinces: frozenset[str]


Label = tuple[str, int]


def labels_for(file: str, n_rows: int) -> list[Label]:
    """Spreadsheet labels of the data rows of a plain CSV: header row 1, data from row 2."""
    return [(file, i + 2) for i in range(n_rows)]


# --- Checks of single values ----------------------------------------------------------------------


def _check_value(text: str, col: Column, refs: References | None) -> str | None:
    """Return a message if ``text`` is not a valid value of ``col`` (text is non-empty)."""
    kind = col.kind
    number: float | None = None
    if kind == "id" and not _ID.match(text):
        return f"{text!r} is not an identifier (letters, digits, '-', '_', '.'; no spaces)"
    if kind == "regency" and not _REGENCY_CODE.match(text):
        return f"{text!r} is not a regency code PP.RR (e.g. 12.14)"
    if kind == "province" and not _PROVINCE_CODE.match(text):
        return f"{text!r} is not a province code PP (e.g. 12)"
    if kind == "area" and not (
        text == NATIONAL or _REGENCY_CODE.match(text) or _PROVINCE_CODE.match(text)
    ):
        return f"{text!r} is not an area code (PP.RR regency, PP province or ID)"
    if kind == "choice" and text not in col.allowed:
        return f"{text!r} is not one of: {', '.join(col.allowed)}"
    if kind == "flags":
        unknown = [f for f in (p.strip() for p in text.split(";")) if f not in FLAGS]
        if unknown:
            return f"unknown flag {unknown[0]!r} (allowed: {', '.join(FLAGS)}, joined with ';')"
    if kind == "date":
        if not _ISO_DATE.match(text):
            return f"{text!r} is not an ISO date YYYY-MM-DD"
        try:
            date.fromisoformat(text)
        except ValueError:
            return f"{text!r} is not a calendar date"
    if kind == "period":
        match = _PERIOD.match(text)
        if not match:
            return f"{text!r} is not a period YYYY-MM"
        month = int(match.group(2))
        if not 1 <= month <= 12:
            return f"month {month} in {text!r} is outside 1–12"
    if kind in INT_KINDS:
        if not _INT.match(text):
            what = "whole rupiah" if kind == "money" else "a whole number"
            return f"{text!r} is not {what} (digits only, no separators)"
        number = int(text)
    if kind == "float":
        if not _FLOAT.match(text):
            return f"{text!r} is not a number ('.' as decimal point, no separators)"
        number = float(text)
    if number is not None:
        if col.minimum is not None and number < col.minimum:
            return f"{text} is below the minimum {col.minimum:g}"
        if col.maximum is not None and number > col.maximum:
            return f"{text} is above the maximum {col.maximum:g}"
    if refs is not None and col.ref:
        return _check_ref(text, col.ref, refs)
    return None


def _check_ref(text: str, ref: str, refs: References) -> str | None:
    if ref == "source" and text not in refs.sources:
        return f"source_id {text!r} is not in sources.csv or sources_reference.csv"
    if ref == "regency" and text not in refs.regencies:
        return f"regency code {text!r} is not in regencies.csv"
    if ref == "area" and text != NATIONAL:
        known = refs.regencies if "." in text else refs.provinces
        if text not in known:
            return f"area code {text!r} is neither a regency in regencies.csv nor a province"
    return None


# --- Table checks ---------------------------------------------------------------------------------


def _where(labels: Sequence[Label], i: int, other: Label) -> str:
    """Name row ``other`` relative to row ``i`` (only the row when in the same file)."""
    file, row = other
    return f"row {row}" if file == labels[i][0] else f"{file}, row {row}"


def duplicate_problems(
    frame: pd.DataFrame, schema: Schema, labels: Sequence[Label]
) -> list[Problem]:
    """Rows that repeat an earlier row, or an earlier row's unique key.

    Parameters
    ----------
    frame : DataFrame
        The table as text (all columns of ``schema``).
    schema : Schema
    labels : sequence of (file, row)
        Where each row of ``frame`` comes from.

    Returns
    -------
    list of Problem
        One per later occurrence; the earlier row is named in the message.
    """
    problems: list[Problem] = []
    reported: set[int] = set()
    rows = [tuple(r) for r in frame[schema.names].itertuples(index=False)]
    first: dict[tuple, int] = {}
    for i, values in enumerate(rows):
        if values in first:
            file, row = labels[i]
            problems.append(
                Problem(
                    file,
                    row,
                    None,
                    f"duplicates {_where(labels, i, labels[first[values]])} (every column equal)",
                )
            )
            reported.add(i)
        else:
            first[values] = i
    for key in schema.unique:
        seen: dict[tuple, int] = {}
        for i, values in enumerate(frame[list(key)].itertuples(index=False)):
            values = tuple(values)
            if values in seen and i not in reported:
                file, row = labels[i]
                shown = ", ".join(f"{c}={v!r}" for c, v in zip(key, values, strict=True))
                other = _where(labels, i, labels[seen[values]])
                problems.append(Problem(file, row, ", ".join(key), f"same {shown} as {other}"))
                reported.add(i)
            seen.setdefault(values, i)
    return problems


def validate(
    frame: pd.DataFrame,
    schema: Schema,
    labels: Sequence[Label],
    refs: References | None = None,
    *,
    allow_empty: bool = False,
    file: str | None = None,
) -> list[Problem]:
    """Check a table read as text against its schema.

    Parameters
    ----------
    frame : DataFrame
        Every cell a ``str`` (empty string for a blank cell), as read with ``dtype=str,
        keep_default_na=False``.
    schema : Schema
    labels : sequence of (file, row)
        Where each row comes from (see :func:`labels_for`).
    refs : References, optional
        Targets of foreign keys; without it foreign keys are not checked.
    allow_empty : bool
        Accept a table without data rows.
    file : str, optional
        File named in messages about the whole table (default: the file of the first label).

    Returns
    -------
    list of Problem
        Empty when the table is valid. Missing or unknown columns are reported once, without
        checking rows.
    """
    files = [file] if file else sorted({f for f, _ in labels}) or [schema.files[0]]
    present = list(frame.columns)
    missing = [c for c in schema.names if c not in present]
    unknown = [c for c in present if c not in schema.names]
    problems = [Problem(files[0], None, c, "required column is missing") for c in missing]
    problems += [
        Problem(files[0], None, c, f"unknown column (expected: {', '.join(schema.names)})")
        for c in unknown
    ]
    if problems:
        return problems
    if frame.empty and not allow_empty:
        return [Problem(files[0], None, None, "no data rows below the header")]
    frame = frame.fillna("").astype(str)
    for col in schema.columns:
        for i, text in enumerate(frame[col.name]):
            text = text.strip()
            file, row = labels[i]
            if not text:
                if col.required:
                    problems.append(Problem(file, row, col.name, "a value is required"))
                continue
            message = _check_value(text, col, refs)
            if message:
                problems.append(Problem(file, row, col.name, message))
    problems += _row_rules(frame, schema, labels)
    problems += duplicate_problems(frame, schema, labels)
    return sorted(problems, key=lambda p: (p.file, p.row or 0))


def _row_rules(frame: pd.DataFrame, schema: Schema, labels: Sequence[Label]) -> list[Problem]:
    """Checks across columns of one row: date order, first day of a month or year given as a
    date, percentages of ``*_pct`` indicators."""
    problems = []
    for start, end in schema.ordered:
        for i, (a, b) in enumerate(zip(frame[start], frame[end], strict=True)):
            a, b = a.strip(), b.strip()
            if _ISO_DATE.match(a) and _ISO_DATE.match(b) and a > b:
                file, row = labels[i]
                problems.append(Problem(file, row, end, f"{b} is before {start} {a}"))
    if "date_precision" in schema.names:
        # data/README.md: a month or a year is stored as its first day.
        for i, (when, precision) in enumerate(
            zip(frame["date"], frame["date_precision"], strict=True)
        ):
            when, precision = when.strip(), precision.strip()
            first = {"month": when[:8] + "01", "year": when[:5] + "01-01"}.get(precision, when)
            if _ISO_DATE.match(when) and when != first:
                file, row = labels[i]
                problems.append(
                    Problem(file, row, "date", f"precision {precision}: write {first}, not {when}")
                )
    if schema.pct_rows:
        ind, val = schema.pct_rows
        for i, (name, text) in enumerate(zip(frame[ind], frame[val], strict=True)):
            if name.strip().endswith("_pct") and _FLOAT.match(text.strip()):
                if float(text) > 100:
                    file, row = labels[i]
                    problems.append(Problem(file, row, val, f"{text} is above 100 for {name}"))
    return problems


def coerce(frame: pd.DataFrame, schema: Schema) -> pd.DataFrame:
    """Give a valid text table its dtypes.

    Parameters
    ----------
    frame : DataFrame
        A table that passed :func:`validate`.
    schema : Schema

    Returns
    -------
    DataFrame
        Columns in contract order: text kinds as ``str`` ("" when blank, flags without spaces),
        whole numbers and money ``Int64``, other numbers ``float64``, dates ``datetime64[ns]``.
    """
    out = {}
    for col in schema.columns:
        text = frame[col.name].fillna("").astype(str).str.strip()
        if col.kind in INT_KINDS:
            out[col.name] = pd.array([int(t) if t else pd.NA for t in text], dtype="Int64")
        elif col.kind == "float":
            out[col.name] = pd.to_numeric(text.mask(text == ""), errors="raise").astype(float)
        elif col.kind == "date":
            out[col.name] = pd.to_datetime(text.mask(text == ""), format="%Y-%m-%d")
        elif col.kind == "flags":
            out[col.name] = text.str.replace(r"\s*;\s*", ";", regex=True)
        else:
            out[col.name] = text
    return pd.DataFrame(out, index=range(len(frame)))
