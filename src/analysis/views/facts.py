"""Facts of the data said in the report language: flags as words, the sources' own words.

The ``note`` column of the raw tables is the researchers' English working note (arithmetic, case
ids, table names). It never reaches a reader as it is. A report shows instead what the note
quotes from the source, when that is Indonesian (the words of a Bupati, of a BPJS branch head),
as a quotation; and the row's flags as words ("belum terkonfirmasi", "rencana, belum
terlaksana"), never as codes.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from analysis.core import i18n

# Flags in the order a reader needs them: what the fact is (a plan, an estimate) before how sure
# it is (unconfirmed, conflicting) and how it was obtained (derived).
FLAGS = ("PLANNED", "ESTIMATE", "UNCONFIRMED", "CONFLICT", "DERIVED")

# A quotation opens after a non-letter and closes before one, so the apostrophe of "Bupati's"
# neither opens nor closes one.
_QUOTE = re.compile(r"(?<![A-Za-z0-9])'([^']{3,}?)'(?![A-Za-z])")
_WORD = re.compile(r"[A-Za-z]+")
# Words that mark a quotation as the researchers' English rather than the source's Indonesian.
_ENGLISH = frozenset(
    "the and of to is are was were be been more than about almost every budgeted covered "
    "which with from for by this that not as at or on it its into per-worker year years "
    "allocated workers worker million billion".split()
)
MIN_QUOTE_WORDS = 3  # "akan diterbitkan" out of its sentence tells a reader nothing


def flag_codes(flag: Any) -> list[str]:
    """The flags of a row, in ``FLAGS`` order ("CONFLICT;DERIVED" → both; empty → none)."""
    if flag is None or flag != flag:
        return []
    given = {part.strip().upper() for part in str(flag).split(";") if part.strip()}
    return [f for f in FLAGS if f in given] + sorted(given - set(FLAGS))


def flag_words(flag: Any, lang: str = "id") -> str:
    """A row's flags as words in the report language ("belum terkonfirmasi; perkiraan").

    Parameters
    ----------
    flag : str or None
        The ``flag`` cell: codes joined with ";".
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        The words joined with "; ", empty when the row has no flag.
    """
    words = []
    for code in flag_codes(flag):
        try:
            words.append(i18n.t(f"facts.flag_{code.lower()}", lang))
        except KeyError:
            words.append(i18n.t("facts.flag_other", lang))
    return "; ".join(dict.fromkeys(words))


def quotations(note: Any, min_words: int = MIN_QUOTE_WORDS) -> list[str]:
    """The source's own Indonesian words that a researcher's note quotes.

    Parameters
    ----------
    note : str or None
        The ``note`` cell of a raw table.
    min_words : int
        Shorter quotations (a name, "akan diterbitkan") are left out.

    Returns
    -------
    list of str
        Each quotation once, in the note's order, without the researchers' English ones
        ("almost 8,000") and without "..." elisions at the ends.
    """
    if note is None or note != note:
        return []
    found = []
    for text in _QUOTE.findall(str(note)):
        words = [w.lower() for w in _WORD.findall(text)]
        if len(text.split()) < min_words or any(w in _ENGLISH for w in words):
            continue
        found.append(text.strip(" .…"))
    return list(dict.fromkeys(found))


def quoted(note: Any, lang: str = "id") -> str:
    """The quotations of a note as the report prints them: “…”; “…” (empty when none)."""
    open_q, close_q = i18n.t("facts.quote_open", lang), i18n.t("facts.quote_close", lang)
    return "; ".join(f"{open_q}{q}{close_q}" for q in quotations(note))


def known_funding(cases: Any, keys: tuple[str, ...] = ("year", "segment", "workers",
                                                          "budget_rp", "flag")) -> Any:
    """Payment rows whose funding source is "unknown" take the one known source of the same
    payment: same year, group, workers, budget and flag told by another source that names it.

    A source that does not say who paid is not a second payment; without this, Pakpak Bharat's
    4.979 THL and 498 perangkat desa of 2025 appeared twice ("tidak disebut" and "APBD") under
    a note saying each payment is written once. An unknown row stays unknown when no other row
    matches, or when the matches name different sources.

    Parameters
    ----------
    cases : pandas.DataFrame
        Rows of ``payment_cases`` with ``funding_source`` and the ``keys`` columns.
    keys : tuple of str
        The columns that identify one payment.

    Returns
    -------
    pandas.DataFrame
        A copy with ``funding_source`` filled where the rule applies.
    """
    out = cases.copy()
    if out.empty:
        return out

    def key(row: Any) -> tuple:
        return tuple(None if pd.isna(v) else v for v in (row[k] for k in keys))

    known: dict[tuple, set] = {}
    for _, row in out.iterrows():
        if row["funding_source"] != "unknown":
            known.setdefault(key(row), set()).add(row["funding_source"])
    for index, row in out.iterrows():
        named = known.get(key(row), set())
        if row["funding_source"] == "unknown" and len(named) == 1:
            out.at[index, "funding_source"] = next(iter(named))
    return out
