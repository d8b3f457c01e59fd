"""The checks every load and every import runs on a table read as text.

:func:`validate` checks a table against its :class:`~analysis.data.schemas.Schema` and returns
:class:`Problem` objects that read like a spreadsheet user would look for them::

    data/raw/claims.csv, row 7, column cases: -3 is below the minimum 0

Row numbers are 1-based as in a spreadsheet, the header being row 1, so the first data row is
row 2. :func:`coerce` turns a valid text table into proper dtypes (codes as text, counts
``Int64``, dates ``datetime64``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from analysis.data.schemas import FLAGS, INT_KINDS, NATIONAL, ColumnSpec, Schema

_REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
_PROVINCE_CODE = re.compile(r"^\d{2}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
# Characters no table may hold: C0 controls but tab, newline and carriage return (NUL,
# backspace, ESC ...), DEL, C1 controls, and the bidirectional embedding/override/isolate marks
# (U+202A-U+202E, U+2066-U+2069) that make a name read backwards. They break the PDF and the
# workbook, or change what a reader sees.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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


def _check_value(text: str, col: ColumnSpec, refs: References | None) -> str | None:
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
            file, row = labels[i]
            bad = _CONTROL.search(text)
            if bad:
                problems.append(Problem(file, row, col.name, f"contains the control character "
                                        f"U+{ord(bad.group()):04X}; remove it"))
                continue
            text = text.strip()
            if not text:
                if col.required:
                    problems.append(Problem(file, row, col.name, "a value is required"))
                continue
            message = _check_value(text, col, refs)
            if message:
                problems.append(Problem(file, row, col.name, message))
    problems += _row_rules(frame, schema, labels)
    if schema.name == "population_poverty":
        problems += triple_problems(frame, labels)
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


# Poverty rate × population must give the number of poor people within this share; beyond it
# the three figures of one year cannot all hold (data/README.md, flag CONFLICT).
TRIPLE_TOLERANCE = 0.05


def _half_unit(text: str) -> float:
    """Half a unit of the last digit written: 7.37 → 0.005 (the rounding of a published rate)."""
    decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** -decimals


def triple_problems(
    frame: pd.DataFrame, labels: Sequence[Label], tolerance: float = TRIPLE_TOLERANCE
) -> list[Problem]:
    """Population, poverty rate and poor people of one area and year that disagree.

    For each area and year with all three indicators, poor people ÷ (rate ÷ 100) must match
    the population within ``tolerance`` (the rate taken anywhere within its rounding, e.g.
    7.37 as 7.365–7.375). Where several rows of an indicator exist (a CONFLICT of two
    populations), one agreeing combination is enough. Otherwise every row of the triple must
    carry the flag CONFLICT (its note saying why); each row that does not is a problem.

    Parameters
    ----------
    frame : DataFrame
        A ``population_poverty`` table as text.
    labels : sequence of (file, row)
        Where each row comes from.
    tolerance : float
        Largest relative difference accepted (0.05 = 5%).

    Returns
    -------
    list of Problem
        One per unflagged row of a triple that disagrees.
    """
    problems: list[Problem] = []
    indicators = ("poverty_rate_pct", "poor_people", "population")
    # Plain records grouped by area and year (first appearance first): every worker loads this
    # table, and a pandas selection per group cost ten times more than the check itself.
    groups: dict[tuple[Any, Any], dict[str, list[dict[str, Any]]]] = {}
    for i, rec in enumerate(frame.to_dict("records")):
        parts = groups.setdefault((rec["regency_code"], rec["year"]), {k: [] for k in indicators})
        value = rec["value"]
        if rec["indicator"] in parts and isinstance(value, str) and _FLOAT.match(value):
            parts[rec["indicator"]].append({**rec, "_i": i})
    for (area, year), parts in groups.items():
        if any(not p for p in parts.values()):
            continue
        worst, agree = 0.0, False
        for rate in parts["poverty_rate_pct"]:
            for poor in parts["poor_people"]:
                for pop in parts["population"]:
                    r, half = float(rate["value"]), _half_unit(rate["value"].strip())
                    implied = [float(poor["value"]) / (x / 100) for x in (r - half, r + half)
                               if x > 0]
                    devs = [i / float(pop["value"]) - 1 for i in implied if float(pop["value"])]
                    if not devs:
                        continue
                    # Within the rate's rounding the implied population spans an interval.
                    best = 0.0 if min(devs) <= 0 <= max(devs) else min(devs, key=abs)
                    agree |= abs(best) <= tolerance
                    worst = best if abs(best) > abs(worst) else worst
        if agree:
            continue
        for row in (row for ind in indicators for row in parts[ind]):
            if "CONFLICT" in [f.strip() for f in row["flag"].split(";")]:
                continue
            file, line = labels[int(row["_i"])]
            problems.append(Problem(
                file, line, "flag",
                f"{area} {year}: poverty rate x population does not give the poor people "
                f"(off by {worst:+.1%}, more than {tolerance:.0%}); flag the rows of this "
                "triple CONFLICT with a note, or correct them"))
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
