"""Policy parameters (dated, with legal reference) and the assumptions log, loaded and checked.

Parameters live in ``data/parameters/*.yml`` as ``name -> list of dated values`` (format in
``data/README.md``). :func:`load_parameters` reads every file of the folder, checks each value
(unit, ``effective_from`` date, legal ``reference``, flags, a source or an assumption id) and
returns a :class:`Parameters` object whose :meth:`Parameters.get` gives the value in force on a
date. The assumptions log ``data/assumptions.yml`` is read by :func:`load_assumptions`.

Both loaders read ``config.PARAMETERS`` / ``config.ASSUMPTIONS`` when they are called (so a test
can point them elsewhere) and are cached on the resolved path and the files' stamps (modification
time, size): notebooks and the CLI read each file once per process, and again once it is edited.
:func:`clear_caches` frees the caches.
:func:`default_parameters` and :func:`default_assumptions` are the one way a computation falls
back to the shipped files when its caller passed none.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from analysis.core import config
from analysis.core.checks import as_date
from analysis.core.errors import ParameterError, ParameterLookupError, UserError
from analysis.core.files import file_stamp, parse_yaml, regular_file, repo_label
from analysis.data.schemas import FLAGS

# Units a parameter may carry. A new unit is added here on purpose, so that a typo in a YAML
# file ("rupiah per wroker") stops the analysis instead of reaching a report.
KNOWN_UNITS = frozenset(
    {
        "age in years",
        "boolean",
        "children",
        "months",
        "multiple of declared monthly income",
        "rupiah per case",
        "rupiah per child per year",
        "rupiah per death",
        "rupiah per month",
        "rupiah per participant",
        "rupiah per region per year",
        "rupiah per worker per month",
        "share of declared monthly income",
        "share of monthly wage",
        "share of the DBH Sawit pool of a province",
        "share of the JKK+JKM contribution",
        "share of the allocation",
        "share of the allocation of each activity",
        "share of the next tranche",
        "share of the previous year's realised export duty and levy on palm products",
        "workers",
        "workers per desa",
        "years",
    }
)
REQUIRED_KEYS = ("value", "unit", "effective_from", "reference")
OPTIONAL_KEYS = ("source_id", "assumption", "flag", "note")

# Dates a policy value may take effect: BPJS Ketenagakerjaan exists since 2014 (UU 24/2011); a
# date outside this window is a typo ("2205-01-01"), not a rule.
EARLIEST_EFFECTIVE = date(1990, 1, 1)
LATEST_EFFECTIVE = date(2100, 12, 31)

UNCERTAINTY = ("low", "medium", "high")
ASSUMPTION_REQUIRED = ("id", "title", "statement", "rationale", "source", "uncertainty", "used_by")
ASSUMPTION_ID = re.compile(r"^A\d{2}[a-z]?$")


def _as_date(on: date | datetime | str | None) -> date:
    """Turn ``on`` into a date; None is today.

    Parameters
    ----------
    on : date, datetime, str or None
        A date, an ISO text ``YYYY-MM-DD``, or None.

    Returns
    -------
    date

    Raises
    ------
    ParameterError
        If a text is not an ISO date.
    """
    if on is None:
        return date.today()
    if isinstance(on, datetime):
        return on.date()
    try:
        return as_date(on)
    except UserError:
        # The parameters name their own error class and wording (tests match it).
        raise ParameterError(f"date {on!r} is not an ISO date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Parameters:
    """Dated policy parameters, as read by :func:`load_parameters`.

    Attributes
    ----------
    values : dict
        Parameter name -> tuple of entries (dicts) sorted by ``effective_from``.
    files : dict
        Parameter name -> the file it came from (for messages).
    """

    values: dict[str, tuple[dict[str, Any], ...]]
    files: dict[str, str]

    def names(self) -> list[str]:
        """All parameter names, sorted."""
        return sorted(self.values)

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def history(self, name: str) -> list[dict[str, Any]]:
        """Every dated entry of a parameter, oldest first (copies).

        Parameters
        ----------
        name : str
            Parameter name, e.g. ``"benefits.jkm.santunan_kematian_rp"``.

        Returns
        -------
        list of dict
        """
        return [dict(e) for e in self._entries(name)]

    def _entries(self, name: str) -> tuple[dict[str, Any], ...]:
        try:
            return self.values[name]
        except KeyError:
            close = difflib.get_close_matches(name, self.values, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ParameterLookupError(
                f"unknown parameter {name!r} (not in data/parameters/*.yml){hint}"
            ) from None

    def entry(self, name: str, on: date | datetime | str | None = None) -> dict[str, Any]:
        """The entry of ``name`` in force on ``on``: value, unit, reference, source_id, ...

        Parameters
        ----------
        name : str
            Parameter name.
        on : date, datetime, str or None
            Date; None is today.

        Returns
        -------
        dict
            A copy of the entry whose ``effective_from`` is the latest on or before ``on``, with
            ``name`` and ``file`` added.

        Raises
        ------
        ParameterLookupError
            If the name is unknown or no entry is in force on that date.
        """
        day = _as_date(on)
        entries = self._entries(name)
        in_force = [e for e in entries if e["effective_from"] <= day]
        if not in_force:
            first = entries[0]["effective_from"].isoformat()
            raise ParameterLookupError(
                f"parameter {name!r} ({self.files[name]}) has no value in force on "
                f"{day.isoformat()}; its first value starts on {first}"
            )
        return {**in_force[-1], "name": name, "file": self.files[name]}

    def get(self, name: str, on: date | datetime | str | None = None) -> Any:
        """Value of ``name`` in force on ``on`` (today when None).

        Parameters
        ----------
        name : str
            Parameter name, e.g. ``"bpu.jkm.monthly_rp"``.
        on : date, datetime, str or None
            Date; None is today.

        Returns
        -------
        int, float or bool

        Raises
        ------
        ParameterLookupError
            If the name is unknown or no value is in force on that date.
        """
        return self.entry(name, on)["value"]


def _check_flags(text: str, where: str) -> None:
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if part not in FLAGS:
            raise ParameterError(
                f"{where}: flag {part!r} is not one of {', '.join(sorted(FLAGS))}"
            )


def _check_entry(raw: Any, where: str) -> dict[str, Any]:
    """Validate one dated value of a parameter and return it normalised."""
    if not isinstance(raw, dict):
        raise ParameterError(f"{where}: expected a mapping with {', '.join(REQUIRED_KEYS)}")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise ParameterError(f"{where}: unknown key(s) {', '.join(unknown)}")
    for key in REQUIRED_KEYS:
        if raw.get(key) is None or (isinstance(raw[key], str) and not raw[key].strip()):
            raise ParameterError(f"{where}: missing {key!r}")
    value = raw["value"]
    unit = str(raw["unit"]).strip()
    if unit not in KNOWN_UNITS:
        close = difflib.get_close_matches(unit, KNOWN_UNITS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(
            f"{where}: unknown unit {unit!r}{hint}; known units are listed in "
            "analysis.data.parameters.KNOWN_UNITS"
        )
    if unit == "boolean":
        if not isinstance(value, bool):
            raise ParameterError(f"{where}: value {value!r} is not true/false")
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{where}: value {value!r} is not a number")
    elif not math.isfinite(value):
        raise ParameterError(f"{where}: value {value!r} is not a finite number")
    elif unit.startswith("share") and not 0 <= value <= 1:
        raise ParameterError(f"{where}: value {value!r} is a share and must lie in 0-1")
    elif value < 0:
        # Every unit counts or prices something: a negative rate would print "-Rp6.800".
        raise ParameterError(f"{where}: value {value!r} is negative; a {unit} cannot be below 0")
    effective = raw["effective_from"]
    if isinstance(effective, datetime):
        effective = effective.date()
    if not isinstance(effective, date):
        try:
            effective = date.fromisoformat(str(effective).strip())
        except ValueError:
            raise ParameterError(
                f"{where}: effective_from {raw['effective_from']!r} is not an ISO date "
                "(YYYY-MM-DD)"
            ) from None
    if not EARLIEST_EFFECTIVE <= effective <= LATEST_EFFECTIVE:
        raise ParameterError(
            f"{where}: effective_from {effective.isoformat()} is outside "
            f"{EARLIEST_EFFECTIVE.isoformat()}–{LATEST_EFFECTIVE.isoformat()} (a typo in the year?)"
        )
    source_id = str(raw.get("source_id") or "").strip()
    assumption = str(raw.get("assumption") or "").strip()
    if not source_id and not assumption:
        raise ParameterError(
            f"{where}: needs a source_id (sources.csv / sources_reference.csv) or an "
            "assumption id (assumptions.yml)"
        )
    if assumption and not ASSUMPTION_ID.match(assumption):
        raise ParameterError(f"{where}: assumption {assumption!r} is not an id like A09")
    flag = str(raw.get("flag") or "").strip()
    _check_flags(flag, where)
    return {
        "value": value,
        "unit": unit,
        "effective_from": effective,
        "reference": str(raw["reference"]).strip(),
        "source_id": source_id,
        "assumption": assumption,
        "flag": flag,
        "note": str(raw.get("note") or "").strip(),
    }


def _read_yaml(path: Path) -> Any:
    label = repo_label(path)
    try:
        regular_file(path, "parameter file")
        raw = path.read_bytes()
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ParameterError(f"{label}: saved as UTF-16; save it as UTF-8")
        return parse_yaml(raw.decode("utf-8-sig"), dates_as_text=True)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{label}: not valid YAML ({exc})") from None
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{label}: not UTF-8 text (byte {exc.start})") from None
    except RecursionError:
        raise ParameterError(f"{label}: nested too deeply") from None
    except UserError as exc:
        raise ParameterError(str(exc)) from None
    except OSError as exc:
        raise ParameterError(f"{label}: cannot be read ({exc.strerror})") from None


@lru_cache(maxsize=8)
def _load_parameters(folder: Path, stamps: tuple = ()) -> Parameters:
    # ``stamps`` (of the folder's files) is only part of the cache key: an edited file reloads.
    if not folder.is_dir():
        raise ParameterError(f"{repo_label(folder)}: parameter folder not found")
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise ParameterError(f"{repo_label(folder)}: no *.yml parameter files")
    values: dict[str, tuple[dict[str, Any], ...]] = {}
    origin: dict[str, str] = {}
    for path in files:
        label = repo_label(path)
        doc = _read_yaml(path)
        if not isinstance(doc, dict) or not doc:
            raise ParameterError(f"{label}: expected a mapping 'name: [dated values]'")
        for name, raw_entries in doc.items():
            name = str(name)
            if name in values:
                raise ParameterError(f"{label}: parameter {name!r} is also in {origin[name]}")
            if not isinstance(raw_entries, list) or not raw_entries:
                raise ParameterError(f"{label}: {name}: expected a list of dated values")
            entries = [
                _check_entry(raw, f"{label}: {name}[{i}]") for i, raw in enumerate(raw_entries)
            ]
            entries.sort(key=lambda e: e["effective_from"])
            days = [e["effective_from"] for e in entries]
            if len(set(days)) != len(days):
                raise ParameterError(f"{label}: {name}: two values with the same effective_from")
            values[name] = tuple(entries)
            origin[name] = label
    return Parameters(values=values, files=origin)


def load_parameters(folder: Path | str | None = None) -> Parameters:
    """Read and check every ``*.yml`` file of the parameter folder.

    Parameters
    ----------
    folder : Path or str, optional
        Folder of parameter files; ``config.PARAMETERS`` (``data/parameters``), read at call
        time, when omitted.

    Returns
    -------
    Parameters
        Cached per resolved folder and the stamps (modification time, size) of its files, so
        an edited file is read again at the next call.

    Raises
    ------
    ParameterError
        For a missing folder, unreadable YAML, or an entry without unit, ``effective_from`` or
        reference, with an unknown unit, a bad date, a bad flag or no source.
    """
    # Resolved before the cached call, so the cache is keyed by the folder actually read and by
    # the stamps of its files: an edited file (a researcher's, in JupyterLab) is read again.
    resolved = Path(config.PARAMETERS if folder is None else folder).resolve()
    stamps = tuple(file_stamp(p) for p in sorted(resolved.glob("*.yml")))
    return _load_parameters(resolved, stamps)


def _is_rate(unit: object) -> bool:
    """A share, a probability or a rate per person (deaths per worker-year): at most 1."""
    text = str(unit or "").strip().lower()
    return text.startswith(("share", "probability")) or (" per " in text and "rupiah" not in text
                                                         and "multiplier" not in text)


def _check_assumption(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ParameterError(f"{where}: expected a mapping with {', '.join(ASSUMPTION_REQUIRED)}")
    for key in ASSUMPTION_REQUIRED:
        text = raw.get(key)
        if text is None or (isinstance(text, str | list) and not text):
            raise ParameterError(f"{where}: missing {key!r}")
    aid = str(raw["id"])
    if not ASSUMPTION_ID.match(aid):
        raise ParameterError(f"{where}: id {aid!r} is not like A01 or A04b")
    if raw["uncertainty"] not in UNCERTAINTY:
        raise ParameterError(
            f"{where} ({aid}): uncertainty {raw['uncertainty']!r} is not one of "
            f"{', '.join(UNCERTAINTY)}"
        )
    numbers = {}
    for key in ("value", "low", "high"):
        if raw.get(key) is None:
            continue
        if isinstance(raw[key], bool) or not isinstance(raw[key], int | float):
            raise ParameterError(f"{where} ({aid}): {key} {raw[key]!r} is not a number")
        if not math.isfinite(raw[key]) or raw[key] < 0:
            raise ParameterError(f"{where} ({aid}): {key} {raw[key]!r} must be 0 or more")
        if _is_rate(raw.get("unit")) and raw[key] > 1:
            raise ParameterError(
                f"{where} ({aid}): {key} {raw[key]!r} is a rate ({raw['unit']}) and must lie "
                "in 0-1"
            )
        numbers[key] = raw[key]
    if "low" in numbers and "high" in numbers and numbers["low"] > numbers["high"]:
        raise ParameterError(f"{where} ({aid}): low is above high")
    if "value" in numbers:
        if "low" in numbers and numbers["value"] < numbers["low"]:
            raise ParameterError(f"{where} ({aid}): value is below low")
        if "high" in numbers and numbers["value"] > numbers["high"]:
            raise ParameterError(f"{where} ({aid}): value is above high")
    if "flag" in raw:
        _check_flags(str(raw.get("flag") or ""), f"{where} ({aid})")
    return dict(raw)


@lru_cache(maxsize=4)
def _load_assumptions(path: Path, stamp: tuple = ()) -> dict[str, dict[str, Any]]:
    # ``stamp`` (of the file) is only part of the cache key: an edited log reloads.
    label = repo_label(path)
    if not path.is_file():
        raise ParameterError(f"{label}: assumptions log not found")
    doc = _read_yaml(path)
    items = doc.get("assumptions") if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not items:
        raise ParameterError(f"{label}: expected a list of assumptions")
    log: dict[str, dict[str, Any]] = {}
    for i, raw in enumerate(items):
        entry = _check_assumption(raw, f"{label}: entry {i + 1}")
        if entry["id"] in log:
            raise ParameterError(f"{label}: id {entry['id']} appears twice")
        log[entry["id"]] = entry
    return log


def load_assumptions(path: Path | str | None = None) -> dict[str, dict[str, Any]]:
    """Read and check the assumptions log.

    Parameters
    ----------
    path : Path or str, optional
        YAML list of ``{id, title, statement, rationale, source, uncertainty, used_by}`` (plus
        ``value``/``low``/``high`` where numeric); ``config.ASSUMPTIONS``
        (``data/assumptions.yml``), read at call time, when omitted.

    Returns
    -------
    dict
        id -> entry (a fresh copy on each call; the file is read again only once edited).

    Raises
    ------
    ParameterError
        For a missing file, a missing field, a bad id, an unknown uncertainty level, a
        non-numeric value, or ``low <= value <= high`` not holding.
    """
    path = config.ASSUMPTIONS if path is None else path
    resolved = Path(path).resolve()
    return copy.deepcopy(_load_assumptions(resolved, file_stamp(resolved)))


def default_parameters(params: Parameters | None = None) -> Parameters:
    """``params`` when given, else the shipped parameters (:func:`load_parameters`).

    Every computation that takes an optional ``params`` falls back through this one function,
    so the default is read in one place, at call time.

    Parameters
    ----------
    params : Parameters, optional
        Parameters chosen by the caller (a test fixture, another folder).

    Returns
    -------
    Parameters
    """
    if params is not None:
        return params
    return load_parameters()


def default_assumptions(assumptions: dict | None = None) -> dict[str, dict[str, Any]]:
    """``assumptions`` when given, else the shipped assumptions log (:func:`load_assumptions`).

    Parameters
    ----------
    assumptions : dict, optional
        An assumptions log chosen by the caller, id -> entry.

    Returns
    -------
    dict
        id -> entry.
    """
    if assumptions is not None:
        return assumptions
    return load_assumptions()


def clear_caches() -> None:
    """Forget cached parameter folders and assumption logs (an edit is seen without it)."""
    _load_parameters.cache_clear()
    _load_assumptions.cache_clear()
