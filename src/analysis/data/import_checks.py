"""What an import refuses beyond the schema, and the lock that keeps two imports apart.

:func:`guarded` wraps :func:`analysis.data.importing.import_file`: it applies the size limits of
the file (:class:`analysis.data.import_limits.Limits`) and, unless the import is a dry run,
holds the lock of the user data folder (``.<folder>.import.lock`` beside it, through ``filelock``;
beside, so a refused import leaves no folder behind) from reading the
existing rows to writing the table and its sidecar. A second import waits ``IMPORT_WAIT_S``
seconds, then stops with :class:`~analysis.core.errors.DataLocked` (exit code 3): two imports at
once can no longer both report success while one file's rows vanish.

:func:`refuse_duplicate_headers` refuses a header written twice (one of its columns would be
dropped), and :func:`plausibility_problems` a count of people above the population of its area
(``population_kemendagri`` or ``population_poverty``), with the limit in the message.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.core import config
from analysis.core.errors import DataLocked, UserError
from analysis.data.import_formats import blank, norm
from analysis.data.import_headers import ignored_header
from analysis.data.import_limits import use_limits
from analysis.data.schemas import Schema
from analysis.data.tables import load_table
from analysis.data.validate import Label, Problem

IMPORT_WAIT_S = 10.0  # how long a second import waits for the first before giving up (exit 3)

# Columns that count people: none can exceed the population of the row's area.
PEOPLE_COLUMNS = ("workers", "target_workers", "cases")


def lock_path() -> Path:
    """The lock file of the user data folder: ``.<name>.import.lock`` beside the folder."""
    folder = config.user_data_dir()
    return folder.parent / f".{folder.name}.import.lock"


@contextmanager
def user_data_lock(wait_s: float | None = None) -> Iterator[None]:
    """Hold the lock of the user data folder while an import reads and writes it.

    Parameters
    ----------
    wait_s : float, optional
        Seconds to wait for another import (default ``IMPORT_WAIT_S``).

    Raises
    ------
    DataLocked
        Another import still held the lock after ``wait_s`` seconds.
    """
    from filelock import FileLock, Timeout

    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    wait_s = IMPORT_WAIT_S if wait_s is None else wait_s
    lock = FileLock(str(path), timeout=wait_s)
    try:
        lock.acquire()
    except Timeout:
        raise DataLocked(
            f"another `data import` is writing to {config.user_data_dir()} (lock {path}); "
            f"waited {wait_s:g} s. Run again when it has finished."
        ) from None
    try:
        yield
    finally:
        lock.release()


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func`` (an import) under its ``limits`` and, unless ``dry_run``, the data lock."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        writing = not kwargs.get("dry_run", False)
        with use_limits(kwargs.get("limits")), (user_data_lock() if writing else nullcontext()):
            return func(*args, **kwargs)

    return wrapper


def show_column(column: str, header: str | None) -> str:
    """Column as the user knows it: their header, with the catalogue name when different."""
    if header is None or norm(header) == norm(column):
        return column
    return f"{header} ({column})"


def refuse_duplicate_headers(label: str, header_row: int, headers: Sequence[object]) -> None:
    """Refuse a file whose header row names a column twice.

    Parameters
    ----------
    label : str
        The file, for the message.
    header_row : int
        Row number of the header.
    headers : sequence
        The header of each column, in order (None for a column without one). Row-number
        headers ("No") may repeat.

    Raises
    ------
    UserError
        Naming the header and both column numbers.
    """
    seen: dict[str, int] = {}
    for i, header in enumerate(headers):
        if blank(header) or ignored_header(header):
            continue
        key = norm(header)
        if key in seen:
            raise UserError(
                f"{label}, row {header_row}: the header {str(header)!r} appears twice (columns "
                f"{seen[key] + 1} and {i + 1}); rename or remove one of them"
            )
        seen[key] = i


def _populations() -> dict[str, tuple[int, str]]:
    """Area code → (largest known population, the table and date it comes from)."""
    found: dict[str, tuple[int, str]] = {}

    def keep(code: str, value: object, where: str) -> None:
        if value is None or pd.isna(value):
            return
        if int(value) > found.get(code, (0, ""))[0]:
            found[code] = (int(value), where)

    try:
        for row in load_table("population_kemendagri").itertuples(index=False):
            keep(row.area_code, row.population_total,
                 f"population_kemendagri {row.date:%Y-%m-%d}")
    except UserError:
        pass  # the dataset check reports a broken table
    try:
        table = load_table("population_poverty")
        for row in table[table["indicator"] == "population"].itertuples(index=False):
            keep(row.regency_code, row.value, f"population_poverty {row.year}")
    except UserError:
        pass
    return found


def plausibility_problems(schema: Schema, frame: pd.DataFrame, labels: Sequence[Label],
                          header_of: dict[str, str], area: str) -> list[Problem]:
    """Counts of people above the population of their area (a typo, or 10^15 workers).

    Parameters
    ----------
    schema : Schema
        The target table.
    frame : DataFrame
        The converted rows, as text.
    labels : sequence of (file, row)
        Where each row comes from.
    header_of : dict
        Catalogue column → the user's header.
    area : str
        The table's area column.

    Returns
    -------
    list of Problem
        One per count above the population of its area (or of its province, or of
        Indonesia when the area has none), naming that population and its table.
    """
    columns = [c for c in PEOPLE_COLUMNS if c in schema.names]
    counts_value = schema.name == "labour_force"
    if not columns and not counts_value:
        return []
    populations = _populations()
    problems = []
    for (file, row_number), (_, row) in zip(labels, frame.iterrows(), strict=True):
        code = str(row[area])
        limit = populations.get(code) or populations.get(code[:2]) or populations.get("ID")
        checked = list(columns)
        if counts_value and not str(row["indicator"]).endswith("_pct"):
            checked.append("value")
        for column in checked:
            text = str(row[column]).strip()
            if limit is None or not re.fullmatch(r"\d+(\.\d+)?", text):
                continue
            if float(text) > limit[0]:
                problems.append(Problem(
                    file, row_number, show_column(column, header_of.get(column)),
                    f"{text} is more than the population of {code} ({limit[0]} people, "
                    f"{limit[1]}); a count cannot exceed it: check the figure",
                ))
    return problems
