"""Where the table is in a handed-over sheet, and what shape it has.

An office recap is rarely a bare table. :func:`find_table` finds the header below a title block
(one row, or two rows where a merged group header stands over the column names), the data rows
below it, and what to leave out: column numbers under the header, a repeated header, total rows
(``JUMLAH``, ``TOTAL``), one-cell headings, footnotes (``Sumber:``, ``Keterangan:``, ``*)``)
and the signature block, which end the table. Every row left out is listed with its reason.

:func:`read_shape` then reads the block as one catalogue table: which header is which column,
and whether the table is long (one figure per row) or wide (years, months, indicators or
segments as columns), which is reshaped to one record per figure. Values a file gives once in
its title ("Posisi: 31 Desember 2024", "Tahun Anggaran 2024", "Persentase Penduduk Miskin")
fill the columns the table lacks. :func:`subtotals` finds province rows that only add up their
kab/kota. :func:`guess_table` picks the table a block fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.core.errors import UserError
from analysis.data.import_formats import Grid, blank, cell_text, choice, norm, parse_date
from analysis.data.import_headers import (
    PIVOT,
    VALUE,
    WHEN,
    area_column,
    header_columns,
    header_key,
    header_score,
    ignored_header,
    known_header,
    names_value,
    pivot_value,
    required,
    when_of,
)
from analysis.data.schemas import IMPORTABLE, SCHEMAS, Schema

# Columns the importer fills itself when the file lacks them.
AUTO = ("source_id", "fact_id", "case_id", "date_precision", "flag", "note")
_SCAN = 30  # rows searched for the header
_TOTAL = re.compile(r"^(jumlah|total|sub ?total|grand total|rata rata|rerata|average|mean|sum)\b")
_FOOTNOTE = re.compile(
    r"^\s*(?:(?:sumber|source|sumber data|keterangan|ket|catatan|note|notes)\s*[:.]|\*|[¹²³]|"
    r"\d\)\s)",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(
    r"^(mengetahui|menyetujui|disetujui|diketahui|dibuat oleh|disusun oleh|yang membuat|"
    r"kepala|plt|plh|pj|a n|an|ttd|nip|nik|pembina|penata|direktur|sekretaris|kabid)\b"
)
_PLACE_DATE = re.compile(r"^[A-Za-z .'-]+,\s*\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}\s*$")
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


# --- The block: title, header, data rows ---------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """One column's header: its text in the upper and lower header row (one part if equal)."""

    index: int
    parts: tuple[object, ...]

    @property
    def text(self) -> str:
        """The header as shown to the user ("Kepesertaan / Segmen")."""
        return " / ".join(cell_text(p) for p in self.parts)

    def candidates(self) -> list[str]:
        """Texts to match to a column: the lower part, both parts, the upper part."""
        texts = [cell_text(p) for p in self.parts]
        if len(texts) == 2:
            return [texts[1], f"{texts[0]} {texts[1]}", texts[0]]
        return texts


@dataclass
class Skip:
    """Rows left out of the import and why."""

    first: int
    last: int
    reason: str

    def __str__(self) -> str:
        if not self.first:
            return self.reason  # not a row: cells of a wide table
        rows = f"row {self.first}" if self.first == self.last else f"rows {self.first}–{self.last}"
        return f"{rows}: {self.reason}"


@dataclass
class Block:
    """The table found in a sheet."""

    sheet: str | None
    header_rows: tuple[int, ...]
    headers: list[Header]
    body: Grid
    title: list[tuple[int, str]]
    skipped: list[Skip]
    score: int


def _skip(skipped: list[Skip], row: int, reason: str) -> None:
    """Record a skipped row, joining it to the previous one when the reason is the same."""
    if skipped and skipped[-1].reason == reason and skipped[-1].last < row:
        skipped[-1].last = row
    else:
        skipped.append(Skip(row, row, reason))


def _figure(cell: object) -> bool:
    """A number that is not a year: what data rows hold and header rows do not."""
    if isinstance(cell, bool) or blank(cell) or when_of(cell) is not None:
        return False
    if isinstance(cell, int | float):
        return True
    return bool(re.fullmatch(r"(rp\.?\s*)?-?[\d.,]+(\s*%)?", cell_text(cell).lower()))


def _header_like(cells: list[object], above: list[object] | None = None) -> bool:
    """Whether a row next to the header is a second header row (not data, not a title)."""
    marks: list[tuple[object, bool]] = []
    for i, cell in enumerate(cells):
        if blank(cell):
            continue
        same = above is not None and i < len(above) and cell == above[i]
        known = known_header(cell) or ignored_header(cell) or when_of(cell) is not None
        known = known or any(pivot_value(cell, SCHEMAS[n]) for n in PIVOT)
        if marks and marks[-1][0] == cell:
            continue  # a merged cell counts once
        marks.append((cell, same or known))
    if len({m[0] for m in marks}) < 2 or any(_figure(c) for c in cells):
        return False
    return 3 * sum(ok for _, ok in marks) >= 2 * len(marks)


def _group_row(upper: list[object], lower: list[object]) -> bool:
    """Whether ``upper`` is a row of group headers over ``lower`` ("Kepesertaan" written once,
    or merged, over "Segmen | Jumlah Peserta | Sumber Dana"); its other cells name columns."""
    group = False
    for i, cell in enumerate(upper):
        if blank(cell) or (i and upper[i - 1] == cell):
            continue
        span = 0
        for j in range(i + 1, len(upper)):
            if not (blank(upper[j]) or upper[j] == cell) or j >= len(lower) or blank(lower[j]):
                break
            span += 1
        named = known_header(cell) or ignored_header(cell)
        named = named or any(pivot_value(cell, SCHEMAS[n]) for n in PIVOT)
        if span and when_of(cell) is None and not _figure(cell) and not blank(lower[i]):
            group = True
        elif not named:
            return False
    return group


def _headers(rows: list[list[object]]) -> list[Header]:
    """Combine one or two header rows into one header per column."""
    width = max(len(r) for r in rows)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    if len(rows) == 1:
        return [Header(i, () if blank(c) else (c,)) for i, c in enumerate(rows[0])]
    upper, lower = rows
    for i in range(1, width):
        # A group header written once over several columns (CSV, or unmerged): carry it right.
        left_up, left_low = upper[i - 1], lower[i - 1]
        grouped = not blank(left_up) and not blank(left_low) and left_up != left_low
        if blank(upper[i]) and not blank(lower[i]) and grouped:
            upper[i] = upper[i - 1]
    headers = []
    for i, (u, low) in enumerate(zip(upper, lower, strict=True)):
        parts = tuple(p for p in (u, low) if not blank(p))
        if len(parts) == 2 and norm(parts[0]) == norm(parts[1]):
            parts = parts[:1]
        headers.append(Header(i, parts))
    return headers


def _first_text(cells: list[object]) -> str:
    return next((cell_text(c) for c in cells if not blank(c)), "")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def _end_reason(cells: list[object]) -> str | None:
    """Footnote or signature: rows that end the table."""
    first = _first_text(cells)
    filled = [c for c in cells if not blank(c)]
    if _FOOTNOTE.match(first):
        return f"footnote ({_short(first)!r})"
    if len({cell_text(c) for c in filled}) <= 2 and not any(_figure(c) for c in filled):
        if _SIGNATURE.match(norm(first)) or _PLACE_DATE.match(first):
            return "signature block"
    return None


def _row_reason(cells: list[object], header: list[object], width: int, first: bool) -> str | None:
    """Why a row inside the table is not data, or None for a data row."""
    filled = [c for c in cells if not blank(c)]
    texts = [cell_text(c) for c in filled]
    if first and texts and all(re.fullmatch(r"\(?\d{1,2}\)?", t) for t in texts):
        return "column numbers under the header"
    if texts == [cell_text(c) for c in header if not blank(c)]:
        return "header repeated"
    lead = [t for c, t in zip(filled[:2], texts[:2], strict=True) if not _figure(c)]
    if lead and _TOTAL.match(norm(lead[0])):
        return f"total row ({_short(lead[0])!r})"
    if width >= 3 and len(set(texts)) == 1 and not _figure(filled[0]):
        return f"one cell only, a heading ({_short(texts[0])!r})"
    return None


def find_table(grid: Grid, label: str, sheet: str | None = None) -> Block:
    """Locate the table in the rows of one sheet.

    Parameters
    ----------
    grid : Grid
        Non-blank rows of the sheet (see :func:`~analysis.data.import_formats.read_sheets`).
    label : str
        The file, for messages.
    sheet : str, optional
        Sheet name, kept in the block.

    Returns
    -------
    Block
        Header rows and headers, data rows, title lines and the rows left out with reasons.
    """
    if not grid:
        raise UserError(f"{label}: the file has no rows")
    scores = [header_score(cells) for _, cells in grid[:_SCAN]]
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    at = best if scores[best] >= 2 else 0
    rows = [at]
    below = grid[at + 1] if at + 1 < len(grid) else None
    above = grid[at - 1] if at > 0 else None
    if below and below[0] == grid[at][0] + 1 and _header_like(below[1], grid[at][1]):
        rows = [at, at + 1]
    elif above and above[0] == grid[at][0] - 1 and (
        _header_like(above[1]) or _group_row(above[1], grid[at][1])
    ):
        rows = [at - 1, at]
    headers = _headers([grid[i][1] for i in rows])
    skipped: list[Skip] = []
    title = []
    for n, cells in grid[: rows[0]]:
        title.append((n, " ".join(dict.fromkeys(cell_text(c) for c in cells if not blank(c)))))
        _skip(skipped, n, "title above the table")
    width = sum(1 for h in headers if h.parts)
    body: Grid = []
    ended = False
    for k, (n, cells) in enumerate(grid[rows[-1] + 1 :]):
        end = _end_reason(cells)
        if end or ended:
            ended = True
            _skip(skipped, n, end or "below the end of the table")
            continue
        reason = _row_reason(cells, grid[rows[-1]][1], width, k == 0)
        if reason:
            _skip(skipped, n, reason)
        else:
            body.append((n, cells))
    return Block(sheet, tuple(grid[i][0] for i in rows), headers, body, title, skipped,
                 max(scores))


# --- The shape: columns, wide columns, values from the title -------------------------------------


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


def one_row_block(headers: list[object]) -> Block:
    """A block with the given header row and no data (to guess a table from headers alone)."""
    return Block(None, (1,), _headers([headers]), [], [], [], header_score(headers))
