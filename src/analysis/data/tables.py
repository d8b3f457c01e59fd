"""Cached reading of the data catalogue: validated tables, references, the newest fact date.

Tables are read from ``config.RAW`` (read-only; nothing here writes there) and, unless
``include_user=False``, user rows imported into ``config.user_data_dir()`` are appended as newer
figures; a user row with the key of a shipped row (``Schema.key``) replaces that row. Every
table is validated against its schema (:mod:`analysis.data.schemas`, checked by
:mod:`analysis.data.validate`) before it is returned, so a broken CSV stops the analysis with a
message naming file, row and column.

Reading is cached per file modification time, so building many reports in one process reads
each CSV once, while an edited or newly imported file is picked up at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.core import config
from analysis.core.errors import UserError, ValidationError
from analysis.core.files import repo_label
from analysis.data.schemas import SCHEMAS
from analysis.data.validate import Label, Problem, References, coerce, labels_for, validate

# --- Reading -------------------------------------------------------------------------------------


def file_stamp(path: Path) -> tuple[str, int, int]:
    """Identity of a file's current content for the caches (path, mtime, size); also keys the
    name index of :mod:`analysis.data.names`."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


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


def newest_fact_date(as_of: str | None = None) -> str:
    """The date a report's data speak for: ``as_of`` when given, else the newest dated fact.

    Parameters
    ----------
    as_of : str, optional
        ISO date chosen by the caller.

    Returns
    -------
    str
        ISO date: the newest ``date`` in coverage facts and declared targets on or before
        ``as_of`` (or today).
    """
    if as_of:
        return pd.Timestamp(as_of).strftime("%Y-%m-%d")
    today = pd.Timestamp.today().normalize()
    newest = []
    for name in ("coverage_facts", "declared_targets"):
        dates = pd.to_datetime(load_table(name)["date"], errors="coerce")
        dates = dates[dates <= today].dropna()
        if len(dates):
            newest.append(dates.max())
    return (max(newest) if newest else today).strftime("%Y-%m-%d")
