"""What shape a handed-over table has, read as one catalogue table.

:func:`read_shape` reads a :class:`~analysis.data.import_layout.Block` as one table: which header
is which column, and whether the table is long (one figure per row) or wide (years, months,
indicators or segments as columns), which :func:`records` reshapes to one record per figure.
Values a file gives once in its title ("Posisi: 31 Desember 2024", "Tahun Anggaran 2024",
"Persentase Penduduk Miskin") fill the columns the table lacks. :func:`subtotals` finds province
rows that only add up their kab/kota, and :func:`guess_table` picks the table a block fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.core.errors import UserError
from analysis.data.import_formats import blank, cell_text, choice, norm, parse_date
from analysis.data.import_headers import (
    PIVOT,
    VALUE,
    WHEN,
    area_column,
    header_columns,
    header_key,
    ignored_header,
    names_value,
    pivot_value,
    required,
    when_of,
)
from analysis.data.import_layout import Block, Header, Skip
from analysis.data.schemas import IMPORTABLE, SCHEMAS, Schema

# Columns the importer fills itself when the file lacks them.
AUTO = ("source_id", "fact_id", "case_id", "date_precision", "flag", "note")
_EMPTY = {"-", "–", "—", "…", "...", "..", "na", "n/a", "x", "tidak ada data"}
_TITLE_DATE = re.compile(
    r"(?:\b(?:posisi|per|keadaan|kondisi|sampai dengan|tanggal)|\bs\.?\s?d\.?)(?:\s*:\s*|\s+)"
    r"(\d{1,2}[\s-]+[a-z]+\.?[\s-]+\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|[a-z]+\s+\d{4})",
    re.IGNORECASE,
)
_BUDGET_YEAR = re.compile(r"\b(?:tahun anggaran|t\.?a\.?)\s*:?\s*((?:19|20)\d{2})\b",
                          re.IGNORECASE)
_TITLE_YEAR = re.compile(
    r"\b(?:tahun anggaran|tahun|ta)\s*:?\s*((?:19|20)\d{2})\b|,\s*((?:19|20)\d{2})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cell:
    """A value for one catalogue column, with the header it is reported under."""

    value: object
    header: str
    factor: int = 1


@dataclass
class Record:
    """One figure to import: the sheet row it comes from and its cells by catalogue column."""

    row: int
    cells: dict[str, Cell]


@dataclass
class _Wide:
    """A column of figures whose header gives a time and/or an indicator (segment, item)."""

    header: Header
    when: tuple[str, str] | None
    pivot: str | None
    named: bool
    factor: int


@dataclass
class Shape:
    """How a block reads as one catalogue table."""

    schema: Schema
    mapping: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    wide: list[_Wide] = field(default_factory=list)
    fixed: dict[str, Cell] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problem: str | None = None
    title_factor: int = 1

    @property
    def score(self) -> int:
        """How much of the table the block provides (for guessing the table)."""
        return len(self.mapping) + len(self.fixed) + (3 if self.wide else 0)

    @property
    def fits(self) -> bool:
        """Every required column is provided and the wide columns are understood."""
        return not self.missing and self.problem is None

    def describe(self) -> str:
        """The shape in words, for the summary."""
        if not self.wide:
            return "long (one figure per row)"
        parts = []
        for name, values in (
            (WHEN.get(self.schema.name), [w.when[0] for w in self.wide if w.when]),
            (PIVOT.get(self.schema.name), [w.pivot for w in self.wide if w.pivot]),
        ):
            values = list(dict.fromkeys(values))
            if values:
                more = ", …" if len(values) > 6 else ""
                parts.append(f"{name} {', '.join(values[:6])}{more}")
        return f"wide, read as one row per figure ({'; '.join(parts)} from the column headers)"


def _factor(parts: tuple[object, ...]) -> int:
    return next((f for f in (header_key(p)[1] for p in parts) if f != 1), 1)


def _title_fields(title: list[tuple[int, str]], schema: Schema) -> dict[str, Cell]:
    """Values the title gives once for the whole table: a date, a year, an indicator."""
    fields: dict[str, Cell] = {}
    for n, line in title:
        where = f"title, row {n}"
        if "date" in schema.names and "date" not in fields:
            if m := _TITLE_DATE.search(line):
                try:
                    parse_date(m[1])
                    fields["date"] = Cell(m[1], where)
                except ValueError:
                    pass
        if "year" in schema.names and "year" not in fields:
            if m := _TITLE_YEAR.search(line):
                fields["year"] = Cell(m[1] or m[2], where)
    # The budget year ("Tahun Anggaran 2024") over the year of the regulation in the title
    # ("PMK Nomor 91 Tahun 2023").
    budget = [(n, m[1]) for n, line in title if (m := _BUDGET_YEAR.search(line))]
    if "year" in schema.names and budget:
        fields["year"] = Cell(budget[0][1], f"title, row {budget[0][0]}")
        pivot = PIVOT.get(schema.name)
        if pivot and pivot not in fields and (value := pivot_value(line, schema)):
            fields[pivot] = Cell(value, where)
        if names_value(line, schema) and "_value" not in fields:
            fields["_value"] = Cell(None, where)
    return fields


def _wide_problem(shape: Shape, title: dict[str, Cell]) -> str | None:
    """Why wide columns cannot be read, in words naming the shapes that are read."""
    name, wide = shape.schema.name, shape.wide
    when_col, pivot_col = WHEN.get(name), PIVOT.get(name)
    shown = ", ".join(w.header.text for w in wide[:4])
    if when_col == "period" and any(w.when and w.when[1] == "year" for w in wide):
        return (f"columns {shown} give years, but {name} needs a month per figure: head the "
                "columns with the month of the survey (e.g. 'Agustus 2024')")
    need = []
    if when_col and when_col not in shape.mapping and when_col not in title:
        if not all(w.when for w in wide):
            need.append(f"the {when_col}")
    if pivot_col and pivot_col not in shape.mapping and pivot_col not in title:
        if not all(w.pivot for w in wide):
            need.append(f"the {pivot_col}")
    named = all(w.pivot or w.named for w in wide) or pivot_col in title or "_value" in title
    if pivot_col in shape.mapping:
        named = named or VALUE[name] == "value"
    if not need and named:
        return None
    what = " and ".join(need) if need else f"what the figures are ({VALUE[name]})"
    return (f"columns {shown} look like a wide table, but nothing says {what}. Read are: long "
            "tables (one figure per row, e.g. Kabupaten/Kota | Tahun | Indikator | Nilai) and "
            "wide tables whose column headers, the header row above them or the title name the "
            "year or month and the indicator, segment or allocation (e.g. 'Persentase Penduduk "
            "Miskin (Persen)' over '2023 | 2024')")


def read_shape(block: Block, schema: Schema) -> Shape:
    """Read a block as ``schema``: columns, wide columns and values from the title.

    Parameters
    ----------
    block : Block
    schema : Schema
        The target table.

    Returns
    -------
    Shape
        ``missing`` lists required columns nothing provides; ``problem`` explains wide columns
        that cannot be read. Neither raises: :func:`guess_table` compares shapes.
    """
    shape = Shape(schema)
    value_col = VALUE.get(schema.name)
    for header in block.headers:
        if not header.parts or (len(header.parts) == 1 and ignored_header(header.parts[0])):
            continue
        when = next((w for p in header.parts if (w := when_of(p))), None)
        pivot = next((v for t in header.candidates() if (v := pivot_value(t, schema))), None)
        mapped = [] if when else [
            (t, c) for t in header.candidates() for c in header_columns(t, schema)
            if c not in shape.mapping
        ]
        if mapped and not (pivot and value_col and not header_columns(header.parts[-1], schema)):
            text, column = mapped[0]
            shape.mapping[column] = (header.index, text, _factor(header.parts))
        elif value_col and (when or pivot):
            named = any(names_value(p, schema) for p in header.parts)
            shape.wide.append(_Wide(header, when, pivot, named, _factor(header.parts)))
        else:
            shape.ignored.append(header.text)
    if value_col in shape.mapping and shape.wide:
        shape.ignored += [w.header.text for w in shape.wide]
        shape.wide = []
    title = _title_fields(block.title, schema)
    # A unit in the title ("(Ribu Jiwa)") scales the figures when it is the only one there.
    units = {f for f in (header_key(line)[1] for _, line in block.title) if f != 1}
    shape.title_factor = units.pop() if len(units) == 1 else 1
    provided = set(shape.mapping)
    if shape.wide:
        shape.problem = _wide_problem(shape, title)
        provided.add(value_col)
        if all(w.when for w in shape.wide):
            provided.add(WHEN[schema.name])
            if schema.name == "population_poverty":
                provided.add("year")
        if schema.name in PIVOT and all(w.pivot for w in shape.wide):
            provided.add(PIVOT[schema.name])
    for column, cell in title.items():
        if column in schema.names and column not in provided:
            shape.fixed[column] = cell
            provided.add(column)
    if shape.wide and "_value" in title:
        shape.fixed["_value"] = title["_value"]
    shape.missing = [c for c in required(schema, AUTO) if c not in provided]
    return shape


def records(block: Block, shape: Shape) -> tuple[list[Record], list[Skip]]:
    """The figures of a block read in ``shape``, one record each, and the rows left out.

    Wide tables give one record per non-empty cell of a wide column ("-" and "…" are empty).
    """
    schema = shape.schema
    out: list[Record] = []
    skipped: list[Skip] = []
    empty = 0
    for n, cells in block.body:
        base = {column: Cell(cells[i] if i < len(cells) else None, text, factor)
                for column, (i, text, factor) in shape.mapping.items()}
        value = base.get(VALUE.get(schema.name, ""))
        if value is not None and value.factor == 1 and shape.title_factor != 1:
            base[VALUE[schema.name]] = Cell(value.value, value.header, shape.title_factor)
        base.update({c: v for c, v in shape.fixed.items() if c != "_value"})
        if not shape.wide:
            out.append(Record(n, base))
            continue
        for w in shape.wide:
            i = w.header.index
            value = cells[i] if i < len(cells) else None
            if blank(value) or norm(value) in _EMPTY or cell_text(value) in _EMPTY:
                empty += 1
                continue
            shown = w.header.text
            factor = w.factor if w.factor != 1 else shape.title_factor
            cells_of = dict(base)
            cells_of[VALUE[schema.name]] = Cell(value, shown, factor)
            if w.when:
                cells_of[WHEN[schema.name]] = Cell(w.when[0], shown)
                if schema.name == "population_poverty" and w.when[1] != "year":
                    cells_of["year"] = Cell(parse_date(w.when[0])[0][:4], shown)
                    cells_of["period"] = Cell(w.when[0], shown)
            if w.pivot:
                cells_of[PIVOT[schema.name]] = Cell(w.pivot, shown)
            out.append(Record(n, cells_of))
    if empty:
        cells = f"{empty} empty cell{'s' if empty > 1 else ''}"
        skipped.append(Skip(0, 0, f"{cells} ('-', '…' or blank) in the wide columns, no figure"))
    return out, skipped


def subtotals(rows: list[dict[str, str]], schema: Schema) -> list[int]:
    """Positions of rows that are the total of other rows: a province whose figure is the sum
    of its kab/kota in the file (or Indonesia, the sum of its provinces).

    A province row that is not their sum is the province's own figure (its DBH Sawit
    allocation, its poverty rate) and stays.

    Parameters
    ----------
    rows : list of dict
        Converted rows (catalogue text form).
    schema : Schema

    Returns
    -------
    list of int
    """
    value = VALUE.get(schema.name)
    area = area_column(schema)
    if value is None:
        return []
    rest = [c for c in schema.key if c != area]

    def parent(code: str) -> str:
        return code[:2] if "." in code else "ID"

    sums: dict[tuple, float] = {}
    for row in rows:
        code, text = row.get(area, ""), row.get(value, "")
        if code and code != "ID" and re.fullmatch(r"-?\d+(\.\d+)?", text):
            group = (parent(code), *(row.get(c, "") for c in rest))
            sums[group] = sums.get(group, 0.0) + float(text)
    out = []
    for i, row in enumerate(rows):
        code, text = row.get(area, ""), row.get(value, "")
        if "." in code or not re.fullmatch(r"-?\d+(\.\d+)?", text):
            continue
        total = sums.get((code, *(row.get(c, "") for c in rest)))
        if total is not None and abs(total - float(text)) <= 1e-9 * max(1.0, abs(total)):
            out.append(i)
    return out


def guess_table(block: Block) -> str:
    """The importable table whose required columns the block provides.

    Raises
    ------
    UserError
        When none or several tables fit equally well.
    """
    shapes = {name: read_shape(block, SCHEMAS[name]) for name in IMPORTABLE}
    fits = sorted(((s.score, _values_fit(block, s), n) for n, s in shapes.items() if s.fits),
                  reverse=True)
    fits = [(score, n) for score, _, n in fits]
    if not fits:
        wide = sorted(((s.score, s.problem) for s in shapes.values() if s.problem), reverse=True)
        if wide:
            raise UserError(wide[0][1])
        raise UserError(
            "cannot tell which table the columns belong to; name it with --table "
            f"({'|'.join(IMPORTABLE)})"
        )
    if len(fits) > 1 and fits[0][0] == fits[1][0] and _tie(shapes, block, fits):
        raise UserError(
            f"the columns fit both {fits[0][1]} and {fits[1][1]}; choose one with --table"
        )
    return fits[0][1]


def _values_fit(block: Block, shape: Shape) -> int:
    """How many choice cells of the first data rows are values of the table ("Penduduk
    Bekerja" is an indicator of labour_force, not of population_poverty)."""
    count = 0
    for column, (i, _, _) in shape.mapping.items():
        spec = shape.schema.column(column)
        if spec.kind != "choice":
            continue
        for _, cells in block.body[:20]:
            if i < len(cells) and not blank(cells[i]):
                count += choice(cells[i], spec) in spec.allowed
    return count


def _tie(shapes: dict[str, Shape], block: Block, fits: list[tuple[int, str]]) -> bool:
    """Whether the two best tables fit equally well, their values included."""
    (_, a), (_, b) = fits[:2]
    return _values_fit(block, shapes[a]) == _values_fit(block, shapes[b])
