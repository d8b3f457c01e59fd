"""Where the table is in a handed-over sheet: title block, header rows, data rows.

An office recap is rarely a bare table. :func:`find_table` finds the header below a title block
(one row, or two rows where a merged group header stands over the column names), the data rows
below it, and what to leave out: column numbers under the header, a repeated header, total rows
(``JUMLAH``, ``TOTAL``), one-cell headings, footnotes (``Sumber:``, ``Keterangan:``, ``*)``)
and the signature block, which end the table. Every row left out is listed with its reason.
:mod:`analysis.data.import_shape` then reads the block as one catalogue table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.core.errors import UserError
from analysis.data.import_formats import Grid, blank, cell_text, norm
from analysis.data.import_headers import (
    PIVOT,
    header_score,
    ignored_header,
    known_header,
    pivot_value,
    when_of,
)
from analysis.data.schemas import SCHEMAS

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


def one_row_block(headers: list[object]) -> Block:
    """A block with the given header row and no data (to guess a table from headers alone)."""
    return Block(None, (1,), _headers([headers]), [], [], [], header_score(headers))
