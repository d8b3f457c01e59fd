"""Cached reading of the data catalogue: validated tables, references, the newest fact date.

Tables are read from ``config.RAW`` (read-only; nothing here writes there) and, unless
``include_user=False``, user rows imported into ``config.user_data_dir()`` are appended as newer
figures; a user row with the key of a shipped row (``Schema.key``) replaces that row. Every
table is validated against its schema (:mod:`analysis.data.schemas`, checked by
:mod:`analysis.data.validate`) before it is returned, so a broken CSV stops the analysis with a
message naming file, row and column.

Reading is cached per file modification time, so building many reports in one process reads
each CSV once, while an edited or newly imported file is picked up at once. ``StampedCache`` keeps
results computed from the tables the same way, keyed by the stamps of their files
(``data_stamp``).
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from analysis.core import config
from analysis.core.errors import UserError, ValidationError
from analysis.core.files import file_stamp, repo_label
from analysis.data.schemas import SCHEMAS
from analysis.data.validate import Label, Problem, References, coerce, labels_for, validate

# --- Reading -------------------------------------------------------------------------------------


@lru_cache(maxsize=128)
def _read_text_table(stamp: tuple[str, int, int]) -> pd.DataFrame:
    path = Path(stamp[0])
    try:
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=True
        )
    except pd.errors.EmptyDataError as exc:
        raise UserError(f"{repo_label(path)}: the file is empty") from exc
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise UserError(f"{repo_label(path)}: cannot be read as a UTF-8 CSV ({exc})") from exc


def read_text_table(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as text ("" when blank), cached on modification time.

    Parameters
    ----------
    path : Path

    Returns
    -------
    DataFrame
        A copy; the cached frame is never handed out.
    """
    return _read_text_table(file_stamp(path)).copy()


def _table_files(name: str, include_user: bool) -> list[tuple[Path, bool]]:
    """Files of a table as (path, is raw), raw first, then the user file."""
    schema = SCHEMAS[name]
    files = [(config.RAW / f, True) for f in schema.files]
    if include_user and (name == "sources" or schema.importable):
        files.append((config.user_data_dir() / f"{name}.csv", False))
    return files


def table_text(name: str, *, include_user: bool = True) -> tuple[pd.DataFrame, list[Label]]:
    """A table as text with the spreadsheet label (file, row) of every row, not validated.

    Parameters
    ----------
    name : str
        Table name from ``analysis.data.schemas.SCHEMAS``.
    include_user : bool
        Append the rows imported into the user data folder.

    Returns
    -------
    (DataFrame, list of (str, int))
    """
    files = _table_files(name, include_user)
    if not any(path.exists() for path, raw in files if raw):
        raise UserError(f"{repo_label(files[0][0])}: the file is missing")
    frames, labels = [], []
    for path, raw in files:
        if not path.exists():
            continue
        frame = read_text_table(path)
        frame_labels = labels_for(repo_label(path), len(frame))
        if not raw and frames:
            frames, labels = _set_aside(frames, labels, frame, SCHEMAS[name].key)
        frames.append(frame)
        labels += frame_labels
    if not frames:
        return pd.DataFrame(columns=SCHEMAS[name].names, dtype=str), []
    return pd.concat(frames, ignore_index=True).fillna(""), labels


def _set_aside(
    frames: list[pd.DataFrame], labels: list[Label], user: pd.DataFrame, key: tuple[str, ...]
) -> tuple[list[pd.DataFrame], list[Label]]:
    """Shipped rows without those whose key (``Schema.key``) a user row repeats.

    A user row with the key of a shipped row is a correction of that figure; keeping both would
    add them up (data/README.md, "Adding a newer year").
    """
    if not key or user.empty or any(c not in user for c in key):
        return frames, labels
    shipped = pd.concat(frames, ignore_index=True).fillna("")
    if any(c not in shipped for c in key):
        return frames, labels
    corrected = set(user[list(key)].fillna("").itertuples(index=False, name=None))
    keep = [k not in corrected for k in shipped[list(key)].itertuples(index=False, name=None)]
    if all(keep):
        return frames, labels
    kept_labels = [label for label, k in zip(labels, keep, strict=True) if k]
    return [shipped[keep].reset_index(drop=True)], kept_labels


def _known_table(name: str) -> None:
    if name not in SCHEMAS:
        raise UserError(f"unknown table {name!r}; tables: {', '.join(SCHEMAS)}")


def references_stamp(include_user: bool) -> tuple:
    """Cache key of the reference tables (sources, regencies); it changes when they change."""
    files = [p for p, _ in _table_files("sources", include_user)]
    files += [p for p, _ in _table_files("regencies", False)]
    return tuple(file_stamp(p) for p in files)


def data_stamp(names: Sequence[str], parameters: bool = True) -> tuple:
    """Identity of the current content of some tables (and the parameter files), for caches.

    It changes whenever one of their files (raw or imported user rows) or the reference
    tables change, so a result cached under it is never stale.

    Parameters
    ----------
    names : sequence of str
        Table names.
    parameters : bool
        Include the ``*.yml`` files of ``config.PARAMETERS`` and the assumptions log.

    Returns
    -------
    tuple
        Hashable file stamps (path, modification time, size).
    """
    stamps = [file_stamp(p) for name in names for p, _ in _table_files(name, True)]
    if parameters:  # the parameter files and the assumptions log (A01's reference date, ...)
        stamps += [file_stamp(p) for p in sorted(Path(config.PARAMETERS).glob("*.yml"))]
        stamps.append(file_stamp(Path(config.ASSUMPTIONS)))
    return tuple(stamps) + references_stamp(True)


T = TypeVar("T")


class StampedCache:
    """Results computed from the data, kept per process while the data files are unchanged.

    The key a caller gives must hold everything the result depends on: the arguments, the
    date (today's, when a function reads "None" as today) and the stamps of the files read
    (``data_stamp``), so an edited or newly imported file is never served stale. Results go
    in and come out as deep copies: a caller that changes what it got cannot change what the
    next caller gets. The least recently used result is dropped beyond ``size``.

    Parameters
    ----------
    size : int
        Results kept.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, Any] = OrderedDict()

    def fetch(self, key: tuple, compute: Callable[[], T]) -> T:
        """A copy of the result stored under ``key``; ``compute()`` stores it on a miss.

        Parameters
        ----------
        key : tuple
            Hashable; see the class docstring for what it must hold.
        compute : callable
            Computes the result (None is a result like any other).

        Returns
        -------
        object
            A deep copy of the stored result.
        """
        if key in self._items:
            self._items.move_to_end(key)
        else:
            self._items[key] = compute()
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return copy.deepcopy(self._items[key])

    def clear(self) -> None:
        """Forget every result."""
        self._items.clear()


@lru_cache(maxsize=4)
def _references(include_user: bool, stamp: tuple) -> References:
    sources = load_table("sources", include_user=include_user)
    reg = load_table("regencies", include_user=False)
    return References(
        sources=frozenset(sources["source_id"]),
        regencies=frozenset(reg["regency_code"]),
        provinces=frozenset(reg["province_code"]),
    )


def references(*, include_user: bool = True) -> References:
    """Targets of foreign keys: source ids, regency codes and province codes.

    Parameters
    ----------
    include_user : bool
        Count sources created by user imports.
    """
    return _references(include_user, references_stamp(include_user))


@lru_cache(maxsize=64)
def _load(name: str, include_user: bool, stamp: tuple) -> pd.DataFrame:
    schema = SCHEMAS[name]
    frame, labels = table_text(name, include_user=include_user)
    # sources and regencies are the targets of references; they are checked without them
    # (regencies' own source_id is checked below once the sources are known).
    refs = None if name in ("sources", "regencies") else references(include_user=include_user)
    first = next(p for p, raw in _table_files(name, include_user) if raw and p.exists())
    problems = validate(frame, schema, labels, refs, file=repo_label(first))
    if name == "regencies" and not problems:
        known = set(load_table("sources", include_user=False)["source_id"])
        problems = [
            Problem(f, r, "source_id", f"source_id {s!r} is not in the sources")
            for s, (f, r) in zip(frame["source_id"], labels, strict=True)
            if s not in known
        ]
    if problems:
        raise ValidationError(problems, hint="; `python -m analysis data check` lists them")
    return coerce(frame, schema)


def load_table(name: str, *, include_user: bool = True) -> pd.DataFrame:
    """Load one table of the data catalogue, validated and with proper dtypes.

    Parameters
    ----------
    name : str
        ``sources``, ``regencies``, ``regency_aliases``, ``population_poverty``,
        ``labour_force``, ``coverage_facts``, ``declared_targets``, ``payment_cases``,
        ``claims``, ``dbh_sawit``, ``apbd`` or ``tile_grid``. ``sources`` joins
        ``sources.csv`` and ``sources_reference.csv``.
    include_user : bool
        Append rows imported by the user (newer figures) after the raw rows.

    Returns
    -------
    DataFrame
        Columns as in ``data/README.md``: codes and text as ``str`` ("" when blank), counts
        and money ``Int64``, other numbers ``float64``, dates ``datetime64[ns]``. A copy, free
        to modify.

    Raises
    ------
    UserError
        Unknown table, missing file, or a row that breaks the schema (``ValidationError``).
    """
    _known_table(name)
    stamp = tuple(file_stamp(p) for p, _ in _table_files(name, include_user))
    if name != "sources":
        stamp += references_stamp(include_user)
    return _load(name, include_user, stamp).copy()


def regencies(province: str | None = "12") -> pd.DataFrame:
    """Kabupaten and kota of a province (North Sumatra by default).

    Parameters
    ----------
    province : str or None
        Kemendagri province code (``"12"`` Sumatera Utara); None for all of Indonesia.

    Returns
    -------
    DataFrame
        One row per kab/kota, ordered by ``regency_code``.
    """
    table = load_table("regencies", include_user=False)
    if province is not None:
        table = table[table["province_code"] == str(province)]
    return table.sort_values("regency_code").reset_index(drop=True)


def _in_area(codes: pd.Series, area: str | None) -> pd.Series:
    """Which codes lie in ``area``: a kab/kota code, a province code (itself and its kab/kota),
    or None / ``"ID"`` (everything)."""
    if area is None or str(area).upper() == "ID":
        return pd.Series(True, index=codes.index)
    area = str(area)
    if "." in area:
        return codes == area
    return (codes == area) | codes.str.startswith(area + ".")


def newest_fact_date(as_of: str | None = None, area: str | None = None) -> str:
    """The date a report's data speak for.

    Without ``area``: ``as_of`` when given, else the newest dated fact (the cut-off a build
    computes on). With ``area``: the newest date of the data about that area on or before the
    cut-off: its coverage facts and declared targets; where it has none, the national
    population table's date for it; where that is missing too, the cut-off itself.

    Parameters
    ----------
    as_of : str, optional
        ISO date chosen by the caller (the cut-off).
    area : str, optional
        A kab/kota code (``"12.14"``), a province code (``"65"``: the province and its kab/kota)
        or ``"ID"`` (the whole country). A brief is dated by its own area's data, never by the
        newest fact of another province.

    Returns
    -------
    str
        ISO date.
    """
    if as_of and area is None:
        return pd.Timestamp(as_of).strftime("%Y-%m-%d")
    cutoff = pd.Timestamp(as_of or pd.Timestamp.today()).normalize()
    newest = []
    for name in ("coverage_facts", "declared_targets"):
        table = load_table(name)
        dates = pd.to_datetime(table["date"], errors="coerce")
        dates = dates[(dates <= cutoff) & _in_area(table["area_code"], area)].dropna()
        if len(dates):
            newest.append(dates.max())
    if not newest and area is not None:
        table = load_table("population_kemendagri", include_user=False)
        dates = pd.to_datetime(table["date"], errors="coerce")
        dates = dates[(dates <= cutoff) & _in_area(table["area_code"], area)].dropna()
        if len(dates):
            newest.append(dates.max())
        else:  # nothing dated about the area: the cut-off of the build
            return newest_fact_date(as_of)
    return (max(newest) if newest else cutoff).strftime("%Y-%m-%d")


def population_with_national(population: pd.DataFrame | None = None) -> pd.DataFrame:
    """``population_poverty`` plus the national population table where it has no population.

    A province or kab/kota with no ``population`` row in the curated table gets one row from
    ``population_kemendagri`` (Dukcapil figures with Kepmendagri 2025 codes): indicator
    ``population``, the year of its date, its ``source_id`` and its flag (UNCONFIRMED on every
    row), so estimates built on it carry the flag. Curated figures always come first.

    Parameters
    ----------
    population : DataFrame, optional
        Rows of ``population_poverty``; loaded when omitted.

    Returns
    -------
    DataFrame
        The rows of ``population_poverty`` and the added ones, same columns.
    """
    population = load_table("population_poverty") if population is None else population
    national = load_table("population_kemendagri", include_user=False)
    have = set(population.loc[population["indicator"] == "population", "regency_code"])
    extra = national[national["level"].isin(("province", "regency"))
                     & ~national["area_code"].isin(have)]
    if extra.empty:
        return population
    dates = pd.to_datetime(extra["date"], errors="coerce")
    rows = pd.DataFrame({
        "regency_code": extra["area_code"].to_numpy(),
        "indicator": "population",
        "year": pd.array(dates.dt.year, dtype=population["year"].dtype),
        "period": "",
        "value": extra["population_total"].astype(float).to_numpy(),
        "source_id": extra["source_id"].to_numpy(),
        "flag": extra["flag"].to_numpy(),
        "note": "national population table (population_kemendagri): no curated figure",
    })
    return pd.concat([population, rows[population.columns]], ignore_index=True)
