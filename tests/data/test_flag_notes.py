"""A note that doubts its own figure must come with a flag.

Data rule (data/README.md): a figure that is approximate, assumed, probably a misprint or not the
one used carries a flag (UNCONFIRMED, CONFLICT, ESTIMATE, ...). This test reads every
``data/raw/*.csv`` that has both a ``note`` and a ``flag`` column and fails for each row whose
note uses one of the words below while its flag is empty.

Tables with a note but no flag column (``sources``, ``sources_reference``, ``regency_aliases``)
describe sources or names, not figures, and cannot carry a flag; they are left out.

Standalone on purpose: it reads the CSV files with the standard library and does not import the
``analysis`` package.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"

# Words (lower case) that say a row's figure is doubtful. Matched as whole words or phrases
# ("typo" does not match "typology"); "~" is matched anywhere.
DOUBT_WORDS: tuple[str, ...] = (
    # misprints
    "misprint",
    "typo",
    "salah cetak",
    "salah ketik",
    # a conflicting figure kept but not used
    "not used",
    "tidak dipakai",
    "tidak digunakan",
    # guesses and inferences
    "probably",
    "perhaps",
    "possibly",
    "assumed",
    "inferred",
    "inference",
    "not confirmed",
    "not verified",
    "unverified",
    # approximate figures
    "approx",
    "approximate",
    "approximately",
    "approximation",
    "~",
    "rounded",
    "sekitar",
    "kira-kira",
    "kurang lebih",
    "diperkirakan",
)

# Tables that must be checked: a renamed column must not silently drop one of them.
FACT_TABLES = {
    "apbd",
    "claims",
    "coverage_facts",
    "dbh_sawit",
    "declared_targets",
    "labour_force",
    "payment_cases",
    "population_poverty",
}


def _pattern(word: str) -> re.Pattern[str]:
    if word[0].isalpha():
        return re.compile(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])")
    return re.compile(re.escape(word))


PATTERNS = {word: _pattern(word) for word in DOUBT_WORDS}


def doubt_words(note: str) -> list[str]:
    """The words of DOUBT_WORDS that ``note`` uses (case-insensitive)."""
    text = (note or "").lower()
    return [word for word, pattern in PATTERNS.items() if pattern.search(text)]


def unflagged_doubts(rows: list[dict[str, str]]) -> list[tuple[int, list[str], str]]:
    """(file line, words, note) of each row with a doubting note and an empty flag."""
    found = []
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        words = doubt_words(row.get("note", ""))
        if words and not (row.get("flag") or "").strip():
            found.append((line, words, row.get("note", "")))
    return found


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _tables_with_note_and_flag() -> list[Path]:
    return [
        path
        for path in sorted(RAW.glob("*.csv"))
        if {"note", "flag"} <= set(_read(path)[0])
    ]


TABLES = _tables_with_note_and_flag()


def test_every_fact_table_is_checked():
    assert RAW.is_dir(), RAW
    assert FACT_TABLES <= {path.stem for path in TABLES}


@pytest.mark.parametrize("path", TABLES, ids=[path.stem for path in TABLES])
def test_doubting_notes_carry_a_flag(path: Path):
    _, rows = _read(path)
    problems = [
        f"{path.relative_to(ROOT)}:{line}: note says {', '.join(repr(w) for w in words)} "
        f"but flag is empty: {note[:120]!r}"
        for line, words, note in unflagged_doubts(rows)
    ]
    assert not problems, "\n".join(problems)


def test_the_check_catches_and_spares_the_right_rows():
    rows = [
        {"note": "year ~2023, approximate", "flag": ""},
        {"note": "Probably a misprint", "flag": "UNCONFIRMED"},
        {"note": "stage not stated; murni assumed", "flag": ""},
        {"note": "sekitar 750 pekerja", "flag": ""},
        {"note": "NOT USED: waspada.id", "flag": ""},
        {"note": "Dukcapil December 2021", "flag": ""},
        {"note": "typology of workers", "flag": ""},
    ]
    found = unflagged_doubts(rows)
    assert [line for line, _, _ in found] == [2, 4, 5, 6]
    assert found[0][1] == ["approximate", "~"]
    assert {"misprint", "not used", "probably", "typo", "salah cetak", "approximate", "~",
            "assumed"} <= set(DOUBT_WORDS)
