"""Corrections replace, never add: how imported rows join the rows already in the catalogue.

A BPJS branch that re-sends a corrected count (3.310 instead of 3.250 for one regency, date,
segment and funding source) must end with one row of 3.310, not two rows the coverage rules
would add up to 6.560. Each importable table has a key (``Schema.key``): an imported row with
the key of a row imported before replaces it, a row equal to it is unchanged, any other row is
added. A row with the key of a shipped row overrides it (the loaders set the shipped row
aside, :func:`analysis.data.tables.table_text`). Where the analysis takes the newest figure of
an area, an imported figure older than a shipped one is reported: it will not show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis.core import config
from analysis.core.files import repo_label
from analysis.data.schemas import Schema
from analysis.data.tables import read_text_table, table_text
from analysis.data.validate import Label, Problem, duplicate_problems, labels_for

# Tables where the analysis reads the newest figure of a group: (group columns, time columns).
NEWEST: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "coverage_facts": (("area_code", "segment"), ("date",)),
    "declared_targets": (("area_code",), ("date",)),
    "population_poverty": (("regency_code", "indicator"), ("year", "period")),
    "labour_force": (("area_code", "indicator"), ("period",)),
    "dbh_sawit": (("area_code",), ("year",)),
}
_IDS = ("fact_id", "case_id")  # made from the row's values by the importer


@dataclass(frozen=True)
class Change:
    """An imported row set against a row already there."""

    row: int
    key: str
    diff: str
    where: str

    def __str__(self) -> str:
        diff = f": {self.diff}" if self.diff else ""
        return f"row {self.row} ({self.key}){diff} [{self.where}]"


@dataclass
class Merge:
    """The user table after the import, and what happened to each imported row."""

    table: pd.DataFrame
    added: list[int] = field(default_factory=list)
    replaced: list[Change] = field(default_factory=list)
    unchanged: list[Change] = field(default_factory=list)
    overrides: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the user table changes at all."""
        return bool(self.added or self.replaced)


def _key_text(values: tuple[str, ...]) -> str:
    return ", ".join(v for v in values if v)


def _diff(old: dict[str, str], new: dict[str, str], schema: Schema) -> str:
    """Columns that differ, as ``workers 3250 → 3310, source_id a → b``; empty when the figure
    is the same (the same figure re-sent under a newer source is unchanged and keeps the source
    it was first imported with)."""
    parts = [
        f"{c} {old.get(c) or '–'} → {new.get(c) or '–'}"
        for c in schema.names
        if c not in _IDS and (old.get(c) or "") != (new.get(c) or "")
    ]
    if all(p.startswith("source_id ") for p in parts):
        return ""
    return ", ".join(parts)


def _keys(frame: pd.DataFrame, key: tuple[str, ...]) -> list[tuple[str, ...]]:
    return list(frame[list(key)].fillna("").astype(str).itertuples(index=False, name=None))


def _user_table(schema: Schema) -> tuple[pd.DataFrame, list[Label]]:
    path = config.user_data_dir() / f"{schema.name}.csv"
    if not path.exists():
        return pd.DataFrame(columns=schema.names, dtype=str), []
    frame = read_text_table(path)[schema.names].fillna("").astype(str)
    return frame, labels_for(repo_label(path), len(frame))


def _older(
    row: dict[str, str], file_row: int, shipped: pd.DataFrame, labels: list[Label], schema: Schema
) -> str | None:
    """A warning when a shipped figure of the same group is newer than the imported one."""
    if schema.name not in NEWEST or shipped.empty:
        return None
    group, when = NEWEST[schema.name]
    same = pd.Series(True, index=shipped.index)
    for column in group:
        same &= shipped[column] == row.get(column, "")
    if not same.any():
        return None
    mine = tuple(row.get(c, "") for c in when)
    times = [tuple(r) for r in shipped.loc[same, list(when)].itertuples(index=False)]
    newest = max(range(len(times)), key=lambda i: times[i])
    if times[newest] <= mine:
        return None
    file, at = labels[int(shipped.index[same][newest])]
    shown = [v for v in times[newest] if v][-1]  # the most precise: the period over the year
    return (
        f"row {file_row} ({_key_text(tuple(row.get(c, '') for c in schema.key))}) is older than "
        f"the shipped figure of {shown} ({file}, row {at}); the analysis takes the newest "
        "figure, so the reports keep showing the shipped one"
    )


def merge(frame: pd.DataFrame, labels: list[Label], schema: Schema) -> Merge:
    """Join imported rows to the user table: replace, keep or add each one.

    Parameters
    ----------
    frame : DataFrame
        The imported rows as text, all columns of ``schema``.
    labels : list of (file, row)
        Where each imported row comes from.
    schema : Schema
        The target table (its ``key`` decides which rows are the same figure).

    Returns
    -------
    Merge
        The new user table and the rows added, replaced, unchanged and overriding shipped rows;
        ``problems`` lists repeated keys within the file and clashes with other rows' ids.
    """
    key = schema.key
    user, user_labels = _user_table(schema)
    shipped, shipped_labels = table_text(schema.name, include_user=False)
    shipped = shipped.reindex(columns=schema.names).fillna("").astype(str)
    out = Merge(user.copy())
    new_labels = list(user_labels)
    user_at = {k: i for i, k in enumerate(_keys(user, key))}
    shipped_at: dict[tuple[str, ...], int] = {}
    for i, k in enumerate(_keys(shipped, key)):
        shipped_at.setdefault(k, i)
    first: dict[tuple[str, ...], int] = {}
    touched: list[int] = []  # imported rows added or replacing a row
    for i, (k, record) in enumerate(zip(_keys(frame, key), frame.to_dict("records"), strict=True)):
        file, row = labels[i]
        if k in first:
            out.problems.append(Problem(
                file, row, ", ".join(key),
                f"same {', '.join(key)} as row {labels[first[k]][1]} ({_key_text(k)}): one "
                "figure per key; a corrected figure replaces the earlier one in a later import",
            ))
            continue
        first[k] = i
        if k in user_at:
            j = user_at[k]
            old = out.table.iloc[j].to_dict()
            change = Change(row, _key_text(k), _diff(old, record, schema),
                            f"{new_labels[j][0]}, row {new_labels[j][1]}")
            if change.diff:
                out.table.iloc[j] = [record[c] for c in schema.names]
                new_labels[j] = labels[i]
                out.replaced.append(change)
                touched.append(i)
            else:
                out.unchanged.append(change)
            continue
        if k in shipped_at:
            j = shipped_at[k]
            diff = _diff(shipped.iloc[j].to_dict(), record, schema)
            change = Change(row, _key_text(k), diff,
                            f"{shipped_labels[j][0]}, row {shipped_labels[j][1]}")
            if not diff:
                out.unchanged.append(change)
                continue
            out.overrides.append(change)
        out.table.loc[len(out.table)] = [record[c] for c in schema.names]
        new_labels.append(labels[i])
        out.added.append(row)
        touched.append(i)
    # Shipped rows stay unless a user row now has their key (the loaders set those aside).
    corrected = set(_keys(out.table, key))
    kept = [k not in corrected for k in _keys(shipped, key)]
    rest = shipped[kept].reset_index(drop=True)
    rest_labels = [label for label, k in zip(shipped_labels, kept, strict=True) if k]
    for i in touched:
        warning = _older(frame.iloc[i].to_dict(), labels[i][1], rest, rest_labels, schema)
        if warning:
            out.warnings.append(warning)
    both = pd.concat([rest, out.table], ignore_index=True)
    files = {file for file, _ in labels}
    out.problems += [
        p for p in duplicate_problems(both, schema, rest_labels + new_labels) if p.file in files
    ]
    return out
