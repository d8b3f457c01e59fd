"""Perkada funding scenarios: who pays for how many vulnerable workers, year by year.

A scenario file (``data/scenarios/*.yml``, format in ``data/scenarios/README.md``) describes one
regency's plan: a target path of workers, and the funding sources with their rules (APBD, CSR
pledges, DBH Sawit, Dana Desa / APBDes, provincial co-funding). This module

- loads and validates the file (errors name the file and the key path, e.g.
  ``funding.csr[1].probability``, and exit the CLI with code 2);
- projects it deterministically per year (``project``), filling the target source by source:
  earmarked and eligible sources first (DBH Sawit for unregistered palm workers, province
  co-funding, Dana Desa, CSR), then the APBD up to its budget;
- simulates the uncertain parts (CSR realisation, DBH allocation, worker counts) with a seeded
  ``numpy.random.Generator(PCG64(seed))`` on arrays of shape (regencies, draws, years)
  (``simulate``, ``simulate_batch``);
- compares source mixes (``compare_variants``), varies each main parameter (``sensitivity``)
  and recommends the mix with the least APBD that reaches the target with a chosen probability
  (``recommend_mix``).

Contribution rates come from ``analysis.funding`` (which reads the dated parameters), legal caps
from ``analysis.params``; nothing here is a literal rate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.core import config, i18n
from analysis.core.errors import ScenarioError, UserError
from analysis.core.numbers import format_number, format_percent, format_rupiah

SOURCES = ("dbh", "province", "dana_desa", "csr", "apbd")
"""Funding sources in allocation order: earmarked/eligible first, APBD fills the rest."""

TARGET_BASES = ("workers", "village", "declared", "informal")
VARIANTS = ("apbd_only", "apbd_csr", "apbd_dbh", "mixed")
DEFAULT_RELATIVE = 0.25
"""Default low/high swing (±25%) of the sensitivity analysis: an analysis choice, not a fact;
a scenario file may set its own under ``sensitivity.relative``."""

_Z90 = 1.2815515655446004  # standard normal quantile at 0.9: P10/P90 of a lognormal


# --------------------------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pledge:
    """One CSR pledge of one company for one year.

    Attributes
    ----------
    company : str
        Company name (or a label such as "plantation companies, scenario choice").
    year : int
        Budget year the pledge pays for.
    rupiah : float or None
        Pledged rupiah; None when the pledge is a number of workers.
    workers : int or None
        Pledged workers (the company pays their contributions for the year's months).
    probability : float
        Chance the pledge is paid in full (Bernoulli); 1 when ``realised_share`` is given.
    realised_share : tuple of float or None
        (low, high): the pledge is paid in part, the share drawn uniformly in the range.
    """

    company: str
    year: int
    rupiah: float | None
    workers: int | None
    probability: float = 1.0
    realised_share: tuple[float, float] | None = None

    @property
    def expected_share(self) -> float:
        """Expected share of the pledge that is paid."""
        if self.realised_share is not None:
            return (self.realised_share[0] + self.realised_share[1]) / 2
        return self.probability


@dataclass(frozen=True)
class Scenario:
    """A funding scenario resolved to one value per year (index 0 = ``start_year``).

    Attributes
    ----------
    regency_code, regency_name : str
        Kemendagri code (``"12.10"``) and short name.
    title : str
        Free text from the file.
    start_year, years : int
        First budget year and horizon.
    package : str
        Contribution package (see ``analysis.funding.PACKAGES``).
    months : list of int
        Months paid in each year (the first year may be partial).
    monthly_rp : list of int
        Contribution per worker per month in each year (``funding.monthly_contribution`` on
        1 January of that year).
    target_segments : dict of str to list of int
        Target workers per segment per year; the target is their sum.
    target_uncertainty : tuple of float
        (low, high) multipliers of the target (triangular, mode 1) in the simulation.
    apbd_budget_rp : list of float or None
        APBD rupiah per year; None in a year = not given, the projection then reports the APBD
        needed to reach the target.
    belanja_rp : list of float or None
        Regional spending (belanja daerah) per year, for the APBD burden; None = unknown.
    csr : list of Pledge
    dbh_allocation_rp : list of float
        DBH Sawit allocation per year.
    dbh_other_share : float
        Share of the allocation for "other activities" (at most ``dbh_sawit.other.max_share``).
    dbh_social_share : float
        Share of that envelope that goes to palm workers' social protection.
    dbh_max_share : float
        The legal cap in force (kept for the headroom figure of ``recommend_mix``).
    dbh_eligible : list of int
        Palm-plantation workers not yet registered (the most DBH may pay for).
    dbh_uncertainty : dict
        ``{"distribution": "lognormal", "sigma": s}`` or ``{"distribution": "triangular",
        "low": a, "high": b}`` (multipliers of the path) or ``{"distribution": "none"}``.
    dana_desa_workers : list of int
        Workers paid through Dana Desa / APBDes per year (workers or rupiah per village ×
        villages, converted).
    province_workers : list of int
        Workers the province pays for in this regency per year.
    relative : float
        Low/high swing of the sensitivity analysis.
    provenance : list of dict
        Every annotated number: ``path``, ``value``, ``source``, ``assumption``, ``choice``,
        ``flag``, ``note``.
    path : Path or None
        The file read, if any.
    """

    regency_code: str
    regency_name: str
    title: str
    start_year: int
    years: int
    package: str
    months: list[int]
    monthly_rp: list[int]
    target_segments: dict[str, list[int]]
    target_uncertainty: tuple[float, float] = (1.0, 1.0)
    apbd_budget_rp: list[float | None] = field(default_factory=list)
    belanja_rp: list[float | None] = field(default_factory=list)
    csr: list[Pledge] = field(default_factory=list)
    dbh_allocation_rp: list[float] = field(default_factory=list)
    dbh_other_share: float = 0.0
    dbh_social_share: float = 0.0
    dbh_max_share: float = 0.0
    dbh_eligible: list[int] = field(default_factory=list)
    dbh_uncertainty: dict = field(default_factory=lambda: {"distribution": "none"})
    dana_desa_workers: list[int] = field(default_factory=list)
    province_workers: list[int] = field(default_factory=list)
    relative: float = DEFAULT_RELATIVE
    provenance: list[dict] = field(default_factory=list)
    path: Path | None = None

    @property
    def year_list(self) -> list[int]:
        """Budget years of the horizon."""
        return list(range(self.start_year, self.start_year + self.years))

    @property
    def cost_per_worker_rp(self) -> list[int]:
        """Contribution per worker for each year's months (monthly × months)."""
        return [m * r for m, r in zip(self.months, self.monthly_rp, strict=True)]

    @property
    def target(self) -> list[int]:
        """Target workers per year (sum over segments)."""
        return [int(sum(v)) for v in zip(*self.target_segments.values(), strict=True)]

    @property
    def solve_apbd(self) -> bool:
        """True when some year has no APBD budget: the APBD needed is computed instead."""
        return any(b is None for b in self.apbd_budget_rp)


# --------------------------------------------------------------------------------------------
# Reading and validating a scenario file
# --------------------------------------------------------------------------------------------

_TOP_KEYS = {
    "regency", "title", "start_year", "years", "package", "months", "income_rp", "wage_rp",
    "target", "funding", "sensitivity", "notes",
}
_NOTE_KEYS = {"source", "assumption", "choice", "flag", "note"}


class _Reader:
    """Walks a parsed YAML file, unwrapping annotated numbers and raising located errors."""

    def __init__(self, file: str, assumptions: dict | None = None) -> None:
        self.file = file
        self.years: list[int] = []
        self.provenance: list[dict] = []
        self._assumptions = assumptions

    def assumption(self, aid: str, path: str, use: str = "value") -> Any:
        """Central (or low/high) value of an assumption of the log (``data/assumptions.yml``)."""
        if self._assumptions is None:
            from analysis.params import load_assumptions

            self._assumptions = load_assumptions()
        entry = self._assumptions.get(aid)
        if entry is None or entry.get(use) is None:
            raise self.error(path, f"assumption {aid} is not in the assumptions log or has no "
                             f"{use}")
        return entry[use]

    def error(self, path: str, message: str) -> ScenarioError:
        return ScenarioError(f"{self.file}: {path}: {message}")

    def keys(self, node: Any, path: str, allowed: set[str]) -> dict:
        if not isinstance(node, dict):
            raise self.error(path, f"must be a mapping of keys, got {type(node).__name__}")
        unknown = sorted(set(map(str, node)) - allowed)
        if unknown:
            raise self.error(
                path + "." + unknown[0] if path else unknown[0],
                f"unknown key; allowed keys here: {', '.join(sorted(allowed))}",
            )
        return node

    def unwrap(self, node: Any, path: str) -> Any:
        """Return the bare value of ``node``, recording ``{value: ..., source: ...}`` notes."""
        if isinstance(node, dict) and ("value" in node or set(node) <= {"assumption", "use"}
                                       and "assumption" in node):
            self.keys(node, path, _NOTE_KEYS | {"value", "use"})
            if "value" in node:
                value = node["value"]
            else:
                use = str(node.get("use", "value"))
                if use not in ("value", "low", "high"):
                    raise self.error(path + ".use", f"must be value, low or high, got {use!r}")
                value = self.assumption(str(node["assumption"]), path, use)
            self.provenance.append(
                {
                    "path": path,
                    "value": value,
                    **{k: str(node.get(k, "") or "") for k in sorted(_NOTE_KEYS)},
                }
            )
            return value
        return node

    def number(
        self,
        node: Any,
        path: str,
        *,
        low: float | None = 0,
        high: float | None = None,
        whole: bool = False,
    ) -> float:
        value = self.unwrap(node, path)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(path, f"must be a number, got {value!r}")
        if not math.isfinite(value):
            raise self.error(path, f"must be a finite number, got {value!r}")
        if low is not None and value < low:
            raise self.error(path, f"must be {low:g} or more, got {_show(value)}")
        if high is not None and value > high:
            raise self.error(path, f"must be at most {high:g}, got {_show(value)}")
        if whole and value != int(value):
            raise self.error(path, f"must be a whole number, got {value}")
        return int(value) if whole else float(value)

    def per_year(
        self,
        node: Any,
        path: str,
        *,
        fill: str = "carry",
        low: float | None = 0,
        high: float | None = None,
        whole: bool = False,
        allow_null: bool = False,
    ) -> list:
        """A value for each year of the horizon.

        ``node`` is a number (every year), a list (one per year) or a mapping ``year → value``.
        In a mapping, ``fill="carry"`` keeps the last value for later years (a year before the
        first key is an error); ``fill="zero"`` puts 0 in the years not named.
        """
        node = self.unwrap(node, path)
        years = self.years

        def one(value: Any, where: str) -> Any:
            value = self.unwrap(value, where)
            if value is None and allow_null:
                return None
            return self.number(value, where, low=low, high=high, whole=whole)

        if isinstance(node, list):
            if len(node) != len(years):
                raise self.error(
                    path, f"has {len(node)} values but the horizon has {len(years)} years "
                    f"({years[0]}–{years[-1]})"
                )
            return [one(v, f"{path}[{i}]") for i, v in enumerate(node)]
        if isinstance(node, dict):
            values: dict[int, Any] = {}
            for key, value in node.items():
                try:
                    year = int(key)
                except (TypeError, ValueError):
                    raise self.error(f"{path}.{key}", "must be a year (e.g. 2026)") from None
                if year not in years:
                    raise self.error(
                        f"{path}.{key}", f"year outside the horizon {years[0]}–{years[-1]}"
                    )
                values[year] = one(value, f"{path}.{key}")
            out, last = [], None
            for year in years:
                if year in values:
                    last = values[year]
                    out.append(last)
                elif fill == "zero":
                    out.append(0)
                elif last is None:
                    raise self.error(
                        path, f"no value for {year}, the first year (first given: {min(values)})"
                    )
                else:
                    out.append(last)
            return out
        if node is None and allow_null:
            return [None] * len(years)
        return [one(node, path)] * len(years)


def _show(value: float) -> str:
    """A number as written in a YAML file (no exponent for whole rupiah)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def load_scenario(path: str | Path, params: Any = None, assumptions: dict | None = None
                  ) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        A YAML file in the format of ``data/scenarios/README.md``.
    params : optional
        Parameters object (``get(name, on)``); the shipped parameters when omitted.
    assumptions : dict, optional
        Assumptions log (id → entry) for values written as ``{assumption: A07}``; the shipped
        log when omitted.

    Returns
    -------
    Scenario
        Every value resolved to one number per year.

    Raises
    ------
    ScenarioError
        For a missing or unreadable file, or any invalid value; the message names the file and
        the key path (``funding.csr[1].probability``).
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: no such scenario file")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    return scenario_from_dict(doc, file=str(path), params=params, path=path,
                              assumptions=assumptions)


def scenario_from_dict(
    doc: Any, file: str = "<scenario>", params: Any = None, path: Path | None = None,
    assumptions: dict | None = None,
) -> Scenario:
    """Validate a parsed scenario document (see ``load_scenario``)."""
    r = _Reader(file, assumptions)
    doc = r.keys(doc if doc is not None else {}, "", _TOP_KEYS)
    for key in ("regency", "start_year", "years", "target"):
        if key not in doc:
            raise r.error(key, "missing (required)")
    code, name = _regency(r, doc["regency"])
    start = r.number(doc["start_year"], "start_year", low=2000, high=2100, whole=True)
    years = r.number(doc["years"], "years", low=1, high=30, whole=True)
    r.years = list(range(start, start + years))
    params = _params(params)
    package = str(doc.get("package", "jkk-jkm"))
    months = r.per_year(doc.get("months", 12), "months", low=1, high=12, whole=True)
    income = doc.get("income_rp")
    wage = doc.get("wage_rp")
    income = None if income is None else r.number(income, "income_rp")
    wage = None if wage is None else r.number(wage, "wage_rp", low=1)
    monthly = [_monthly(r, package, y, income, wage, params) for y in r.years]

    segments, uncertainty = _target(r, doc["target"], code, params)
    funding = r.keys(doc.get("funding") or {}, "funding",
                     {"apbd", "csr", "dbh_sawit", "dana_desa", "province"})
    cost = [m * c for m, c in zip(months, monthly, strict=True)]
    apbd, belanja = _apbd(r, funding.get("apbd"))
    csr = _csr(r, funding.get("csr"))
    dbh = _dbh(r, funding.get("dbh_sawit"), params)
    dana_desa = _dana_desa(r, funding.get("dana_desa"), cost)
    province = _province(r, funding.get("province"))
    sens = r.keys(doc.get("sensitivity") or {}, "sensitivity", {"relative"})
    relative = r.number(sens.get("relative", DEFAULT_RELATIVE), "sensitivity.relative",
                        low=0, high=1)
    return Scenario(
        regency_code=code,
        regency_name=name,
        title=str(doc.get("title", "")),
        start_year=start,
        years=years,
        package=package,
        months=months,
        monthly_rp=monthly,
        target_segments=segments,
        target_uncertainty=uncertainty,
        apbd_budget_rp=apbd,
        belanja_rp=belanja,
        csr=csr,
        dana_desa_workers=dana_desa,
        province_workers=province,
        relative=relative,
        provenance=r.provenance,
        path=path,
        **dbh,
    )


def _params(params: Any) -> Any:
    if params is not None:
        return params
    from analysis.params import load_parameters

    return load_parameters()


def _regency(r: _Reader, node: Any) -> tuple[str, str]:
    from analysis import data

    text = str(r.unwrap(node, "regency")).strip()
    try:
        code = data.resolve_regency(text)
    except UserError as exc:
        raise r.error("regency", str(exc)) from None
    row = data.regencies(None).set_index("regency_code").loc[code]
    return code, str(row["short_name"])


def _monthly(r: _Reader, package: str, year: int, income, wage, params) -> int:
    from analysis import funding

    try:
        return funding.monthly_contribution(package, date(year, 1, 1), income, wage, params)
    except UserError as exc:
        raise r.error("package", str(exc)) from None


def _target(r: _Reader, node: Any, code: str, params: Any) -> tuple[dict, tuple[float, float]]:
    node = r.keys(node, "target",
                  {"segments", "basis", "base_workers", "share", "uncertainty", "segment"})
    unc = r.keys(node.get("uncertainty") or {}, "target.uncertainty", _NOTE_KEYS | {"low", "high"})
    low = r.number(unc.get("low", 1.0), "target.uncertainty.low", low=0, high=1)
    high = r.number(unc.get("high", 1.0), "target.uncertainty.high", low=1, high=10)
    if any(k in unc for k in ("low", "high")):
        r.provenance.append({"path": "target.uncertainty", "value": [low, high],
                             **{k: str(unc.get(k, "") or "") for k in sorted(_NOTE_KEYS)}})
    if "segments" in node:
        if "share" in node or "basis" in node:
            raise r.error("target", "give either segments (workers) or basis + share, not both")
        segs = node["segments"]
        if not isinstance(segs, dict) or not segs:
            raise r.error("target.segments", "must map a segment name to workers per year")
        out = {str(k): _segment(r, v, f"target.segments.{k}") for k, v in segs.items()}
        return out, (low, high)
    if "share" not in node:
        raise r.error("target", "missing: give segments (workers per year) or basis + share")
    basis = str(node.get("basis", "workers"))
    if basis not in TARGET_BASES:
        raise r.error("target.basis", f"must be one of {', '.join(TARGET_BASES)}, got {basis!r}")
    if "base_workers" in node:
        base = r.number(node["base_workers"], "target.base_workers", low=1, whole=True)
    elif basis == "workers":
        raise r.error("target.base_workers", "missing (required when basis is 'workers')")
    else:
        base = _base_from_data(r, basis, code, params)
    shares = r.per_year(node["share"], "target.share", low=0, high=1)
    segment = str(node.get("segment", basis))
    return {segment: [int(round(s * base)) for s in shares]}, (low, high)


def _segment(r: _Reader, node: Any, where: str) -> list[int]:
    """Workers per year of one segment: a per-year value, or ``base_workers`` × ``share``."""
    if isinstance(node, dict) and "share" in node:
        node = r.keys(node, where, {"base_workers", "share"})
        if "base_workers" not in node:
            raise r.error(where + ".base_workers", "missing (required with share)")
        base = r.number(node["base_workers"], where + ".base_workers", low=1, whole=True)
        shares = r.per_year(node["share"], where + ".share", low=0, high=1)
        return [int(round(x * base)) for x in shares]
    return r.per_year(node, where, whole=True)


def _base_from_data(r: _Reader, basis: str, code: str, params: Any) -> int:
    """Target base of a regency from the data tables (village, declared or informal)."""
    from analysis import data

    if basis == "village":
        row = data.regencies(None).set_index("regency_code").loc[code]
        per_desa = params.get("targets.workers_per_desa", None)
        base = int(row["desa"]) * int(per_desa)
        r.provenance.append({"path": "target.base_workers", "value": base, "source":
                             str(row.get("source_id", "")), "assumption": "", "flag": "",
                             "choice": "", "note": f"{int(row['desa'])} desa × {per_desa} "
                             "(targets.workers_per_desa)"})
        if base <= 0:
            raise r.error("target.basis", f"{code} has no desa; use basis 'informal' or workers")
        return base
    rows, column = _basis_rows(basis, code)
    if rows.empty:
        raise r.error("target.basis", f"no {basis} target for {code} in the data; give "
                      "target.base_workers with its source")
    last = rows.iloc[-1]
    r.provenance.append({"path": "target.base_workers", "value": int(last[column]),
                         "source": str(last.get("source_id", "")), "assumption": "",
                         "flag": str(last.get("flag", "") or ""), "choice": "",
                         "note": f"latest {basis} figure in the data"})
    return int(last[column])


def _basis_rows(basis: str, code: str) -> tuple[pd.DataFrame, str]:
    """Rows of the data giving a declared or informal target (empty when none)."""
    from analysis import data

    name = "declared_targets" if basis == "declared" else "labour_force"
    try:
        table = data.load_table(name)
    except UserError:
        return pd.DataFrame(), ""
    if basis == "declared":
        rows = table[table["area_code"].astype(str) == code].sort_values("date")
        return rows, "target_workers"
    rows = table[(table["area_code"].astype(str) == code)
                 & (table["indicator"] == "informal_workers")].sort_values("period")
    return rows, "value"


def _apbd(r: _Reader, node: Any) -> tuple[list, list]:
    none = [None] * len(r.years)
    if node is None:
        return none, none
    node = r.keys(node, "funding.apbd", {"budget_rp", "share_of_belanja", "belanja_rp", "growth"})
    growth = r.number(node.get("growth", 0.0), "funding.apbd.growth", low=-1, high=1)
    factor = [(1 + growth) ** i for i in range(len(r.years))]
    belanja = r.per_year(node.get("belanja_rp"), "funding.apbd.belanja_rp", allow_null=True)
    if "budget_rp" in node and "share_of_belanja" in node:
        raise r.error("funding.apbd", "give budget_rp or share_of_belanja, not both")
    if "share_of_belanja" in node:
        share = r.number(node["share_of_belanja"], "funding.apbd.share_of_belanja", low=0, high=1)
        if any(b is None for b in belanja):
            raise r.error("funding.apbd.belanja_rp", "needed for every year with share_of_belanja")
        belanja = [b * f for b, f in zip(belanja, factor, strict=True)]
        return [share * b for b in belanja], belanja
    budget = r.per_year(node.get("budget_rp"), "funding.apbd.budget_rp", allow_null=True)
    budget = [None if b is None else b * f for b, f in zip(budget, factor, strict=True)]
    belanja = [None if b is None else b * f for b, f in zip(belanja, factor, strict=True)]
    return budget, belanja


def _csr(r: _Reader, node: Any) -> list[Pledge]:
    if node is None:
        return []
    if not isinstance(node, list):
        raise r.error("funding.csr", "must be a list of pledges")
    pledges = []
    for i, item in enumerate(node):
        where = f"funding.csr[{i}]"
        item = r.keys(item, where, {"company", "year", "years", "rupiah", "workers",
                                    "probability", "realised_share", "source", "assumption",
                                    "choice", "flag", "note"})
        if ("rupiah" in item) == ("workers" in item):
            raise r.error(where, "give either rupiah or workers (per year)")
        years = item.get("years", [item["year"]] if "year" in item else None)
        if not isinstance(years, list) or not years:
            raise r.error(where + ".years", "give the year or the list of years of the pledge")
        rupiah = workers = None
        if "rupiah" in item:
            rupiah = r.number(item["rupiah"], where + ".rupiah")
        else:
            workers = r.number(item["workers"], where + ".workers", whole=True)
        if "probability" in item and "realised_share" in item:
            raise r.error(where, "give probability or realised_share, not both")
        prob, share = 1.0, None
        if "realised_share" in item:
            pair = r.unwrap(item["realised_share"], where + ".realised_share")
            if not isinstance(pair, list) or len(pair) != 2:
                raise r.error(where + ".realised_share", "must be [low, high]")
            lo = r.number(pair[0], where + ".realised_share[0]", low=0, high=1)
            hi = r.number(pair[1], where + ".realised_share[1]", low=0, high=1)
            if lo > hi:
                raise r.error(where + ".realised_share", f"low {lo} is above high {hi}")
            share = (lo, hi)
        elif "probability" in item:
            prob = r.number(item["probability"], where + ".probability", low=0, high=1)
        if any(k in item for k in _NOTE_KEYS):
            r.provenance.append({"path": where, "value": rupiah if rupiah is not None
                                 else workers, **{k: str(item.get(k, "") or "")
                                                  for k in sorted(_NOTE_KEYS)}})
        for j, year in enumerate(years):
            year = r.number(year, f"{where}.years[{j}]", whole=True)
            if year not in r.years:
                raise r.error(f"{where}.years[{j}]",
                              f"year {year} outside the horizon {r.years[0]}–{r.years[-1]}")
            pledges.append(Pledge(str(item.get("company", f"CSR {i + 1}")), year, rupiah,
                                  workers, prob, share))
    return pledges


def _dbh(r: _Reader, node: Any, params: Any) -> dict:
    n = len(r.years)
    caps = {}
    for year in r.years:
        try:
            caps[year] = float(params.get("dbh_sawit.other.max_share", date(year, 12, 31)))
        except LookupError:
            caps[year] = None  # DBH Sawit did not exist yet (PP 38/2023)
    known = [c for c in caps.values() if c is not None]
    cap = min(known) if known else 0.0
    if node is None:
        return {"dbh_allocation_rp": [0.0] * n, "dbh_eligible": [0] * n, "dbh_max_share": cap}
    where = "funding.dbh_sawit"
    node = r.keys(node, where, {"allocation_rp", "other_share", "social_share",
                                "eligible_workers", "uncertainty"})
    for key in ("allocation_rp", "eligible_workers"):
        if key not in node:
            raise r.error(f"{where}.{key}", "missing (required with dbh_sawit)")
    other = r.number(node.get("other_share", cap), where + ".other_share", low=0)
    if other > cap:
        raise r.error(
            where + ".other_share",
            f"{other:g} is above the legal cap dbh_sawit.other.max_share = {cap:g} "
            "(PMK 91/2023 Pasal 16: at most 20% for other activities)",
        )
    social = r.number(node.get("social_share", 1.0), where + ".social_share", low=0, high=1)
    unc = r.keys(node.get("uncertainty") or {"distribution": "none"}, where + ".uncertainty",
                 _NOTE_KEYS | {"distribution", "sigma", "low", "high"})
    dist = str(unc.get("distribution", "none"))
    spec: dict[str, Any] = {"distribution": dist}
    if dist == "lognormal":
        spec["sigma"] = r.number(unc.get("sigma"), where + ".uncertainty.sigma", low=0, high=3)
    elif dist == "triangular":
        spec["low"] = r.number(unc.get("low"), where + ".uncertainty.low", low=0, high=1)
        spec["high"] = r.number(unc.get("high"), where + ".uncertainty.high", low=1, high=10)
    elif dist != "none":
        raise r.error(where + ".uncertainty.distribution",
                      f"must be lognormal, triangular or none, got {dist!r}")
    if dist != "none":
        r.provenance.append({"path": where + ".uncertainty", "value": spec,
                             **{k: str(unc.get(k, "") or "") for k in sorted(_NOTE_KEYS)}})
    allocation = r.per_year(node["allocation_rp"], where + ".allocation_rp")
    for year, amount in zip(r.years, allocation, strict=True):
        if amount and caps[year] is None:
            raise r.error(where + ".allocation_rp",
                          f"{year}: the DBH Sawit use rule (dbh_sawit.other.max_share) is not in "
                          "force yet; the allocation must be 0")
    return {
        "dbh_allocation_rp": allocation,
        "dbh_other_share": other,
        "dbh_social_share": social,
        "dbh_max_share": cap,
        "dbh_eligible": r.per_year(node["eligible_workers"], where + ".eligible_workers",
                                   whole=True),
        "dbh_uncertainty": spec,
    }


def _dana_desa(r: _Reader, node: Any, cost: list[int]) -> list[int]:
    n = len(r.years)
    if node is None:
        return [0] * n
    where = "funding.dana_desa"
    node = r.keys(node, where, {"villages", "workers_per_village", "rupiah_per_village"})
    villages = r.per_year(node.get("villages"), where + ".villages", whole=True)
    if ("workers_per_village" in node) == ("rupiah_per_village" in node):
        raise r.error(where, "give workers_per_village or rupiah_per_village")
    if "workers_per_village" in node:
        per = r.per_year(node["workers_per_village"], where + ".workers_per_village", whole=True)
        return [v * p for v, p in zip(villages, per, strict=True)]
    rp = r.per_year(node["rupiah_per_village"], where + ".rupiah_per_village")
    # Each village pays whole workers from its own budget, so round down per village.
    return [v * int(p // c) for v, p, c in zip(villages, rp, cost, strict=True)]


def _province(r: _Reader, node: Any) -> list[int]:
    if node is None:
        return [0] * len(r.years)
    node = r.keys(node, "funding.province", {"workers"})
    return r.per_year(node.get("workers", 0), "funding.province.workers", fill="zero",
                      whole=True)


# --------------------------------------------------------------------------------------------
# Finding and building scenarios
# --------------------------------------------------------------------------------------------


def scenario_file_for(regency_code: str) -> Path | None:
    """The shipped scenario file of a regency (``data/scenarios/<code>-*.yml``), if any.

    Parameters
    ----------
    regency_code : str
        Kemendagri code, e.g. ``"12.10"``.

    Returns
    -------
    Path or None
        The first matching file in name order, or None.
    """
    files = sorted(config.SCENARIOS.glob(f"{regency_code}-*.yml"))
    return files[0] if files else None


def default_scenario(
    regency_code: str, start_year: int, years: int, params: Any = None
) -> Scenario:
    """A scenario built from data for a regency without a file.

    Target: the village basis (desa × ``targets.workers_per_desa``) where the regency has desa,
    else the latest informal-worker count in ``labour_force``; reached in full every year (a
    scenario choice). DBH Sawit: the allocations in ``dbh_sawit`` (the latest known year carried
    forward, a path the file can refine), the full "other activities" cap, all of it for social
    protection (the most the law allows), paying only for the palm workers that data show as
    funded from DBH Sawit (0 when unknown). APBD: unknown, so the projection gives the APBD
    needed.

    Parameters
    ----------
    regency_code : str
        Kemendagri code.
    start_year, years : int
        First year and horizon.
    params : optional
        Parameters object; the shipped parameters when omitted.

    Returns
    -------
    Scenario
    """
    from analysis import data

    table = data.regencies(None).set_index("regency_code")
    if regency_code not in table.index:
        raise ScenarioError(f"default scenario: unknown regency code {regency_code!r}")
    row = table.loc[regency_code]
    target: dict[str, Any] = {"share": {"value": 1.0, "choice": "full target every year"}}
    if int(row["desa"]) > 0:
        target["basis"] = "village"
    elif not _basis_rows("informal", regency_code)[0].empty:
        target["basis"] = "informal"
    elif not _basis_rows("declared", regency_code)[0].empty:
        target["basis"] = "declared"
    else:
        # A city without desa and without informal or declared figures: the village rule is
        # applied to its kelurahan, flagged as a scenario choice.
        p = _params(params)
        per = int(p.get("targets.workers_per_desa", date(start_year, 1, 1)))
        target.update(basis="workers", segment="kelurahan", base_workers={
            "value": int(row["kelurahan"]) * per, "source": str(row.get("source_id", "")),
            "choice": f"{int(row['kelurahan'])} kelurahan × {per}: the '1 desa 100 pekerja "
                      "rentan' rule applied to kelurahan"})
    doc: dict[str, Any] = {
        "regency": regency_code,
        "title": "default",
        "start_year": start_year,
        "years": years,
        "target": target,
        "funding": {},
    }
    allocation = _allocation_path(regency_code, start_year, years)
    if allocation:
        doc["funding"]["dbh_sawit"] = {
            "allocation_rp": allocation,
            "social_share": {"value": 1.0, "choice": "the most the law allows"},
            "eligible_workers": {"value": _palm_workers_from_data(regency_code),
                                 "note": "palm workers funded from DBH Sawit in the data"},
        }
    return scenario_from_dict(doc, file=f"default scenario {regency_code}", params=params)


def _allocation_path(code: str, start: int, years: int) -> dict:
    """DBH allocations in data for the horizon, the latest earlier year carried forward."""
    from analysis import data

    table = data.load_table("dbh_sawit")
    rows = table[table["area_code"].astype(str) == code]
    if rows.empty:
        return {}
    by_year = rows.groupby("year")["amount_rp"].last()
    before = by_year[by_year.index <= start]
    out = {}
    if not before.empty:
        out[start] = {"value": float(before.iloc[-1]),
                      "note": f"DBH Sawit {int(before.index[-1])} from data, carried forward"}
    for year, amount in by_year[(by_year.index > start) & (by_year.index < start + years)].items():
        out[int(year)] = {"value": float(amount), "note": f"DBH Sawit {int(year)} from data"}
    if start not in out:
        first = min(out)
        out[start] = out.pop(first)
    return out


def _palm_workers_from_data(code: str) -> int:
    from analysis import data

    try:
        facts = data.load_table("coverage_facts")
    except (UserError, KeyError, FileNotFoundError):
        return 0
    rows = facts[(facts["area_code"].astype(str) == code) & (facts["segment"] == "palm_workers")
                 & (facts["funding_source"] == "dbh_sawit")]
    return int(rows["workers"].dropna().max()) if not rows.empty else 0


# --------------------------------------------------------------------------------------------
# The allocation engine (shared by the projection and the simulation)
# --------------------------------------------------------------------------------------------


@dataclass
class _Arrays:
    """Numeric inputs of one or more scenarios, shape (R, Y) or (R, K, Y)."""

    target: np.ndarray
    cost: np.ndarray
    dbh_alloc: np.ndarray
    dbh_share: np.ndarray  # (R, 1): other_share × social_share
    eligible: np.ndarray
    province: np.ndarray
    dana_desa: np.ndarray
    csr_amount: np.ndarray  # (R, K, Y) rupiah if fully paid
    csr_prob: np.ndarray  # (R, K)
    csr_lo: np.ndarray
    csr_hi: np.ndarray
    csr_range: np.ndarray  # (R, K) bool
    apbd: np.ndarray  # rupiah; inf = not given (solve)
    belanja: np.ndarray  # nan = unknown
    t_low: np.ndarray  # (R, 1)
    t_high: np.ndarray
    dbh_kind: np.ndarray  # (R, 1) 0 none, 1 lognormal, 2 triangular
    dbh_sigma: np.ndarray
    dbh_low: np.ndarray
    dbh_high: np.ndarray


def _arrays(scenarios: list[Scenario]) -> _Arrays:
    """Stack scenarios of the same horizon into arrays (CSR pledges padded with zeros)."""
    n_years = {s.years for s in scenarios}
    if len(n_years) != 1:
        raise ValueError("scenarios in one batch must have the same number of years")
    y = n_years.pop()
    k = max([len(s.csr) for s in scenarios] + [1])
    r = len(scenarios)
    amount = np.zeros((r, k, y))
    prob = np.zeros((r, k))
    lo = np.zeros((r, k))
    hi = np.zeros((r, k))
    rng_ = np.zeros((r, k), dtype=bool)
    for i, s in enumerate(scenarios):
        cost = s.cost_per_worker_rp
        for j, p in enumerate(s.csr):
            t = p.year - s.start_year
            amount[i, j, t] = p.rupiah if p.rupiah is not None else p.workers * cost[t]
            prob[i, j] = p.probability
            if p.realised_share is not None:
                rng_[i, j] = True
                lo[i, j], hi[i, j] = p.realised_share

    def col(values: list[float]) -> np.ndarray:
        return np.array(values, dtype=float).reshape(r, 1)

    kinds = {"none": 0, "lognormal": 1, "triangular": 2}
    return _Arrays(
        target=np.array([s.target for s in scenarios], dtype=float),
        cost=np.array([s.cost_per_worker_rp for s in scenarios], dtype=float),
        dbh_alloc=np.array([s.dbh_allocation_rp for s in scenarios], dtype=float),
        dbh_share=col([s.dbh_other_share * s.dbh_social_share for s in scenarios]),
        eligible=np.array([s.dbh_eligible for s in scenarios], dtype=float),
        province=np.array([s.province_workers for s in scenarios], dtype=float),
        dana_desa=np.array([s.dana_desa_workers for s in scenarios], dtype=float),
        csr_amount=amount,
        csr_prob=prob,
        csr_lo=lo,
        csr_hi=hi,
        csr_range=rng_,
        apbd=np.array([[np.inf if b is None else b for b in s.apbd_budget_rp]
                       for s in scenarios], dtype=float),
        belanja=np.array([[np.nan if b is None else b for b in s.belanja_rp]
                          for s in scenarios], dtype=float),
        t_low=col([s.target_uncertainty[0] for s in scenarios]),
        t_high=col([s.target_uncertainty[1] for s in scenarios]),
        dbh_kind=col([kinds[s.dbh_uncertainty.get("distribution", "none")] for s in scenarios]),
        dbh_sigma=col([s.dbh_uncertainty.get("sigma", 0.0) for s in scenarios]),
        dbh_low=col([s.dbh_uncertainty.get("low", 1.0) for s in scenarios]),
        dbh_high=col([s.dbh_uncertainty.get("high", 1.0) for s in scenarios]),
    )


def _whole(x: np.ndarray) -> np.ndarray:
    """Round down to whole units, forgiving the last bits of floating-point error."""
    return np.floor(x + 1e-6)


def _allocate(
    target: np.ndarray,
    cost: np.ndarray,
    dbh_envelope: np.ndarray,
    eligible: np.ndarray,
    province: np.ndarray,
    dana_desa: np.ndarray,
    csr_rp: np.ndarray,
    apbd_rp: np.ndarray,
) -> dict[str, np.ndarray]:
    """Fill the target source by source; all arguments broadcast to one shape.

    Order: DBH Sawit (only unregistered palm workers, at most its envelope), province
    co-funding, Dana Desa, CSR, then APBD up to its budget. A source never pays for more
    workers than the target still needs.

    Returns
    -------
    dict
        Workers per source (``dbh`` … ``apbd``), ``covered`` and ``gap`` (workers).
    """
    remaining = np.asarray(target, dtype=float)
    possible = {
        "dbh": np.minimum(_whole(dbh_envelope / cost), eligible),
        "province": province,
        "dana_desa": dana_desa,
        "csr": _whole(csr_rp / cost),
        "apbd": _whole(apbd_rp / cost),
    }
    out = {}
    for name in SOURCES:
        funded = np.minimum(possible[name], remaining)
        remaining = remaining - funded
        out[name] = funded
    out["gap"] = remaining
    out["covered"] = target - remaining
    return out


def _envelope(alloc: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Whole rupiah of DBH Sawit for social protection: allocation × other × social share."""
    return _whole(alloc * share)


# --------------------------------------------------------------------------------------------
# Deterministic projection
# --------------------------------------------------------------------------------------------


def project(
    s: Scenario,
    lang: str = "id",
    *,
    apbd_factor: float = 1.0,
    csr_share: float | None = None,
    dbh_factor: float = 1.0,
    social_factor: float = 1.0,
    cost_factor: float = 1.0,
    target_factor: float = 1.0,
) -> pd.DataFrame:
    """Project a scenario year by year with central values.

    Central values: the target path, the DBH allocation path, each CSR pledge at its expected
    value (amount × probability, or × the middle of its realised-share range). The factors move
    one input at a time (used by ``sensitivity``).

    Parameters
    ----------
    s : Scenario
    lang : {"id", "en"}
        Language of the ``messages``.
    apbd_factor, dbh_factor, social_factor, cost_factor, target_factor : float
        Multipliers of the APBD budget, DBH allocation, DBH social share, contribution per worker
        and target.
    csr_share : float, optional
        Share of every CSR pledge that is paid (0 = none, 1 = all); the expected share when
        omitted.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year``, ``months``, ``cost_per_worker_rp``, ``target_workers``,
        ``<source>_workers`` and ``<source>_rp`` for dbh, province, dana_desa, csr, apbd,
        ``covered_workers``, ``coverage``, ``gap_workers``, ``gap_rp``, ``total_rp``,
        ``apbd_budget_rp`` (NaN when not given), ``belanja_rp``, ``apbd_share_of_belanja``,
        ``dbh_allocation_rp``, ``dbh_envelope_rp``, ``dbh_unused_rp``, ``eligible_palm_workers``,
        ``cost_per_covered_worker_rp`` (all sources), ``apbd_per_covered_worker_rp``.
        ``attrs["messages"]`` lists, in ``lang``, the years where the target is not met, where
        eligibility limits DBH Sawit, and the UNCONFIRMED figures used.
    """
    i18n.check_lang(lang)
    a = _arrays([s])
    cost = a.cost[0] * cost_factor
    target = np.round(a.target[0] * target_factor)
    share = (np.array([p.expected_share for p in s.csr] + [0.0]) if csr_share is None
             else np.full(len(s.csr) + 1, float(csr_share)))[: a.csr_amount.shape[1]]
    csr_rp = (share[:, None] * a.csr_amount[0]).sum(axis=0)
    alloc = a.dbh_alloc[0] * dbh_factor
    envelope = _envelope(alloc, np.minimum(a.dbh_share[0] * social_factor, s.dbh_other_share))
    apbd = a.apbd[0] * apbd_factor
    res = _allocate(target, cost, envelope, a.eligible[0], a.province[0], a.dana_desa[0],
                    csr_rp, apbd)
    df = pd.DataFrame({"year": s.year_list, "months": s.months, "cost_per_worker_rp": cost,
                       "target_workers": target})
    for name in SOURCES:
        df[f"{name}_workers"] = res[name].astype(int)
        df[f"{name}_rp"] = res[name] * cost
    df["covered_workers"] = res["covered"].astype(int)
    df["coverage"] = np.where(target > 0, res["covered"] / np.maximum(target, 1), 1.0)
    df["gap_workers"] = res["gap"].astype(int)
    df["gap_rp"] = res["gap"] * cost
    df["total_rp"] = sum(df[f"{n}_rp"] for n in SOURCES)
    df["apbd_budget_rp"] = np.where(np.isinf(apbd), np.nan, apbd)
    df["belanja_rp"] = a.belanja[0]
    df["apbd_share_of_belanja"] = df["apbd_rp"] / df["belanja_rp"]
    df["dbh_allocation_rp"] = alloc
    df["dbh_envelope_rp"] = envelope
    df["dbh_unused_rp"] = envelope - df["dbh_rp"]
    df["eligible_palm_workers"] = a.eligible[0].astype(int)
    covered = df["covered_workers"].replace(0, np.nan)
    df["cost_per_covered_worker_rp"] = df["total_rp"] / covered
    df["apbd_per_covered_worker_rp"] = df["apbd_rp"] / covered
    df.attrs["messages"] = _messages(s, df, lang)
    return df


def _messages(s: Scenario, df: pd.DataFrame, lang: str) -> list[str]:
    out = []
    if s.solve_apbd:
        out.append(i18n.t("scenarios.msg_apbd_solved", lang))
    per_year: list[tuple[int, str, tuple]] = []
    for row in df.itertuples():
        if row.gap_workers > 0:
            per_year.append((int(row.year), "scenarios.msg_target_not_met", (
                ("target", format_number(row.target_workers, lang)),
                ("gap", format_number(row.gap_workers, lang)),
                ("gap_rp", format_rupiah(row.gap_rp, lang)))))
        fundable = _whole(np.array(row.dbh_envelope_rp / row.cost_per_worker_rp))
        if row.dbh_workers < fundable and row.dbh_workers == row.eligible_palm_workers:
            per_year.append((int(row.year), "scenarios.msg_dbh_eligibility", (
                ("fundable", format_number(float(fundable), lang)),
                ("eligible", format_number(row.eligible_palm_workers, lang)),
                ("unused", format_rupiah(row.dbh_unused_rp, lang)))))
    for years, key, values in _merge_years(per_year):
        out.append(i18n.t(key, lang, year=years, **dict(values)))
    flagged = [p for p in s.provenance if "UNCONFIRMED" in p.get("flag", "")]
    for p in flagged:
        out.append(i18n.t("scenarios.msg_unconfirmed", lang, path=p["path"],
                          value=_plain(p["value"], lang)))
    return out


def _merge_years(items: list[tuple[int, str, tuple]]) -> list[tuple[str, str, tuple]]:
    """Join messages that repeat in consecutive years into one ("2025–2028: …").

    A reader of a five-year scenario should see a message once with its years, not five
    near-identical lines.
    """
    runs: list[list] = []
    for year, key, values in sorted(items, key=lambda i: (i[1], i[2], i[0])):
        last = runs[-1] if runs else None
        if last and last[2] == key and last[3] == values and last[1] == year - 1:
            last[1] = year
        else:
            runs.append([year, year, key, values])
    runs.sort(key=lambda r: (r[0], r[2]))
    return [(str(a) if a == b else f"{a}–{b}", key, values) for a, b, key, values in runs]


def _plain(value: Any, lang: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, lang)
    return str(value)


# --------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------


@dataclass
class _Draws:
    target: np.ndarray  # (R, D, Y)
    alloc: np.ndarray  # (R, D, Y)
    csr_rp: np.ndarray  # (R, D, Y)


def _triangular(u: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Inverse CDF of a triangular law with mode 1 on [low, high]; degenerate ranges give 1."""
    width = np.maximum(high - low, 1e-12)
    cut = (1.0 - low) / width
    left = low + np.sqrt(u * width * (1.0 - low))
    right = high - np.sqrt((1.0 - u) * width * (high - 1.0))
    return np.where(high - low < 1e-12, 1.0, np.where(u < cut, left, right))


def _draw(a: _Arrays, draws: int, rng: np.random.Generator) -> _Draws:
    """Draw target, DBH allocation and CSR payments for every scenario, draw and year."""
    r, y = a.target.shape
    # Worker counts: one multiplier per draw, kept over the years (a count that is off is off
    # every year).
    mult = _triangular(rng.random((r, draws, 1)), a.t_low[:, :, None], a.t_high[:, :, None])
    target = np.round(a.target[:, None, :] * mult)
    alloc = np.broadcast_to(a.dbh_alloc[:, None, :], (r, draws, y))
    kind = a.dbh_kind[:, :, None]
    if (kind == 1).any():
        z = rng.standard_normal((r, draws, y))
        # Median on the path: P50 of the allocation is the path itself.
        alloc = np.where(kind == 1, alloc * np.exp(a.dbh_sigma[:, :, None] * z), alloc)
    if (kind == 2).any():
        u = rng.random((r, draws, y))
        tri = _triangular(u, a.dbh_low[:, :, None], a.dbh_high[:, :, None])
        alloc = np.where(kind == 2, alloc * tri, alloc)
    u = rng.random((r, draws, a.csr_prob.shape[1]))
    paid = np.where(a.csr_range[:, None, :],
                    a.csr_lo[:, None, :] + (a.csr_hi - a.csr_lo)[:, None, :] * u,
                    (u < a.csr_prob[:, None, :]).astype(float))
    csr_rp = np.matmul(paid, a.csr_amount)
    return _Draws(target=target, alloc=np.asarray(alloc), csr_rp=csr_rp)


def _run(a: _Arrays, d: _Draws, apbd: np.ndarray) -> dict[str, np.ndarray]:
    envelope = _envelope(d.alloc, a.dbh_share[:, :, None])
    return _allocate(d.target, a.cost[:, None, :], envelope, a.eligible[:, None, :],
                     a.province[:, None, :], a.dana_desa[:, None, :], d.csr_rp, apbd)


def fan_metric(s: Scenario) -> str:
    """The metric a fan chart of ``s`` should show.

    Parameters
    ----------
    s : Scenario

    Returns
    -------
    str
        ``"apbd_rp"`` (the APBD needed) when the scenario leaves the APBD open, so that it fills
        every gap and coverage is 100% by construction; otherwise ``"coverage"``.
    """
    return "apbd_rp" if s.solve_apbd else "coverage"


@dataclass
class SimulationResult:
    """Monte Carlo results for R scenarios: arrays of shape (R, draws, years).

    Attributes
    ----------
    regencies : list of str
        Regency code of each scenario.
    years : numpy.ndarray
        (R, Y) budget years.
    cost : numpy.ndarray
        (R, Y) contribution per worker-year.
    workers : dict of str to numpy.ndarray
        ``target``, ``covered``, ``gap`` and each source of ``SOURCES``: int32 (R, D, Y).
    seed, draws : int
    """

    regencies: list[str]
    years: np.ndarray
    cost: np.ndarray
    workers: dict[str, np.ndarray]
    seed: int
    draws: int

    def probability_of_target(self, i: int = 0) -> pd.Series:
        """Share of draws in which the target is met, per year, for scenario ``i``."""
        met = self.workers["gap"][i] <= 0
        return pd.Series(met.mean(axis=0), index=self.years[i], name="probability")

    def bands(self, metric: str = "coverage", i: int = 0,
              q: tuple[float, ...] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Percentiles of a metric per year for scenario ``i``.

        Parameters
        ----------
        metric : str
            ``coverage`` (covered / target), ``gap_rp``, ``apbd_rp`` or any key of
            ``workers``.
        i : int
            Scenario index.
        q : tuple of float
            Quantiles.

        Returns
        -------
        pandas.DataFrame
            Index year; columns ``p10``, ``p50``, ``p90`` (one per quantile) and ``mean``.
        """
        values = self.metric(metric, i)
        qs = np.quantile(values, q, axis=0)
        out = pd.DataFrame({f"p{round(x * 100)}": qs[j] for j, x in enumerate(q)},
                           index=pd.Index(self.years[i], name="year"))
        out["mean"] = values.mean(axis=0)
        return out

    def metric(self, metric: str, i: int = 0) -> np.ndarray:
        """(draws, years) values of ``metric`` for scenario ``i``."""
        w = self.workers
        if metric == "coverage":
            return w["covered"][i] / np.maximum(w["target"][i], 1)
        if metric.endswith("_rp"):
            name = metric[:-3]
            return w[name][i].astype(float) * self.cost[i]
        return w[metric][i]


def simulate_batch(
    scenarios: list[Scenario], draws: int = 10_000, seed: int = 0,
    apbd: np.ndarray | None = None
) -> SimulationResult:
    """Monte Carlo of many scenarios at once (same horizon), vectorised over (R, draws, Y).

    Uncertain inputs: CSR pledges (Bernoulli on ``probability`` or a uniform share in
    ``realised_share``, independent per pledge and year), the DBH allocation (lognormal with
    median on the path, or triangular with mode on the path, independent per year) and the
    target (one triangular multiplier per draw with mode 1).

    Parameters
    ----------
    scenarios : list of Scenario
    draws : int
        Draws per scenario.
    seed : int
        Seed of ``numpy.random.Generator(PCG64(seed))``: same seed, same numbers.
    apbd : numpy.ndarray, optional
        (R, Y) APBD rupiah overriding the scenarios' budgets (``inf`` = unlimited).

    Returns
    -------
    SimulationResult
    """
    if draws < 1:
        raise UserError(f"draws must be 1 or more, got {draws}")
    a = _arrays(scenarios)
    rng = np.random.Generator(np.random.PCG64(seed))
    d = _draw(a, draws, rng)
    budget = a.apbd if apbd is None else np.asarray(apbd, dtype=float)
    res = _run(a, d, budget[:, None, :])
    workers = {k: v.astype(np.int32) for k, v in res.items()}
    workers["target"] = d.target.astype(np.int32)
    return SimulationResult(
        regencies=[s.regency_code for s in scenarios],
        years=np.array([s.year_list for s in scenarios]),
        cost=a.cost,
        workers=workers,
        seed=seed,
        draws=draws,
    )


def simulate(s: Scenario, draws: int = 10_000, seed: int = 0) -> SimulationResult:
    """Monte Carlo of one scenario (see ``simulate_batch``); results at index 0."""
    return simulate_batch([s], draws, seed)


# --------------------------------------------------------------------------------------------
# Variants, recommended mix, sensitivity
# --------------------------------------------------------------------------------------------


def variant(s: Scenario, name: str) -> Scenario:
    """The scenario with only some sources.

    Parameters
    ----------
    s : Scenario
    name : {"apbd_only", "apbd_csr", "apbd_dbh", "mixed"}
        ``mixed`` keeps every source of the file (province and Dana Desa only appear here).

    Returns
    -------
    Scenario
    """
    if name not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {name!r}")
    if name == "mixed":
        return s
    zero = [0] * s.years
    keep_csr = name == "apbd_csr"
    keep_dbh = name == "apbd_dbh"
    return replace(
        s,
        csr=s.csr if keep_csr else [],
        dbh_allocation_rp=s.dbh_allocation_rp if keep_dbh else [0.0] * s.years,
        dana_desa_workers=zero,
        province_workers=zero,
    )


def recommend_mix(
    s: Scenario, prob: float = 0.9, draws: int = 10_000, seed: int = 0, lang: str = "id"
) -> dict:
    """The mix reaching the target with probability ``prob`` at the least APBD cost.

    Every other source is used first, within its legal cap and eligibility (the file's DBH
    shares, never beyond the eligible palm workers; CSR and DBH as drawn); the APBD then pays for
    the ``prob``-quantile of the shortfall in each year, e.g. the P90 shortfall for 90%.

    Parameters
    ----------
    s : Scenario
    prob : float
        Chosen probability of reaching the target each year (0–1).
    draws, seed : int
        Monte Carlo size and seed.
    lang : {"id", "en"}
        Language of the messages.

    Returns
    -------
    dict
        ``prob``; ``years`` (list of dicts per year: ``year``, ``apbd_rp``, ``apbd_workers``,
        ``achieved_probability``, ``share`` (mean share of covered workers by source),
        ``planned_apbd_rp``, ``apbd_share_of_belanja``); ``total_apbd_rp``; ``dbh_headroom_rp``
        (extra DBH envelope per year if the "other activities" share were at the legal cap and
        all of it went to social protection); ``messages``.
    """
    if not 0 < prob < 1:
        raise UserError(f"probability must be between 0 and 1, got {prob}")
    a = _arrays([s])
    rng = np.random.Generator(np.random.PCG64(seed))
    d = _draw(a, draws, rng)
    others = _run(a, d, np.zeros((1, 1, s.years)))
    shortfall = others["gap"][0]
    need = np.ceil(np.quantile(shortfall, prob, axis=0, method="inverted_cdf"))
    apbd_rp = need * a.cost[0]
    full = _run(a, d, apbd_rp[None, None, :])
    achieved = (full["gap"][0] <= 0).mean(axis=0)
    covered = full["covered"][0].mean(axis=0)
    rows = []
    for t, year in enumerate(s.year_list):
        planned = s.apbd_budget_rp[t]
        rows.append({
            "year": year,
            "apbd_rp": float(apbd_rp[t]),
            "apbd_workers": int(need[t]),
            "achieved_probability": float(achieved[t]),
            "share": {n: float(full[n][0][:, t].mean() / covered[t]) if covered[t] else 0.0
                      for n in SOURCES},
            "planned_apbd_rp": planned,
            "apbd_share_of_belanja": (float(apbd_rp[t] / s.belanja_rp[t])
                                      if s.belanja_rp[t] else None),
        })
    headroom = [float(_envelope(np.array(x), s.dbh_max_share) - _envelope(
        np.array(x), s.dbh_other_share * s.dbh_social_share)) for x in s.dbh_allocation_rp]
    messages = [
        i18n.t("scenarios.msg_mix_above_plan", lang, year=r["year"],
               need=format_rupiah(r["apbd_rp"], lang),
               plan=format_rupiah(r["planned_apbd_rp"], lang))
        for r in rows if r["planned_apbd_rp"] is not None and r["apbd_rp"] > r["planned_apbd_rp"]
    ]
    return {
        "prob": prob,
        "draws": draws,
        "seed": seed,
        "years": rows,
        "total_apbd_rp": float(apbd_rp.sum()),
        "dbh_headroom_rp": headroom,
        "messages": messages,
    }


def compare_variants(
    s: Scenario, prob: float = 0.9, draws: int = 2_000, seed: int = 0
) -> pd.DataFrame:
    """APBD only, APBD + CSR, APBD + DBH Sawit and the full mix, side by side.

    Parameters
    ----------
    s : Scenario
    prob : float
        Probability used for the APBD needed (see ``recommend_mix``).
    draws, seed : int
        Monte Carlo size and seed.

    Returns
    -------
    pandas.DataFrame
        One row per variant and year: ``variant``, ``year``, ``target_workers``,
        ``covered_workers``, ``coverage`` and ``gap_workers`` with the file's APBD budget
        (central values), ``apbd_rp`` spent, ``other_rp`` (all other sources),
        ``probability`` (of reaching the target with the file's APBD) and ``apbd_needed_rp``
        (the APBD that reaches the target with probability ``prob``).
    """
    frames = []
    for name in VARIANTS:
        v = variant(s, name)
        table = project(v)
        sim = simulate(v, draws, seed)
        mix = recommend_mix(v, prob, draws, seed)
        frames.append(pd.DataFrame({
            "variant": name,
            "year": table["year"],
            "target_workers": table["target_workers"],
            "covered_workers": table["covered_workers"],
            "coverage": table["coverage"],
            "gap_workers": table["gap_workers"],
            "apbd_rp": table["apbd_rp"],
            "other_rp": table["total_rp"] - table["apbd_rp"],
            "probability": sim.probability_of_target().to_numpy(),
            "apbd_needed_rp": [r["apbd_rp"] for r in mix["years"]],
        }))
    return pd.concat(frames, ignore_index=True)


def sensitivity(s: Scenario, metric: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Tornado table: each main parameter at its low and high value, one at a time.

    Parameters and ranges: APBD budget and DBH social share ±``s.relative`` (the share capped at
    1); CSR realisation none / all pledges paid; DBH allocation at the P10/P90 of its
    uncertainty (±``s.relative`` when none is given); contribution per worker ±``s.relative``;
    target at its uncertainty range (±``s.relative`` when none is given).

    Parameters
    ----------
    s : Scenario
    metric : str, optional
        ``coverage``, ``gap_rp``, ``gap_workers`` or ``apbd_rp``; default ``coverage`` when the
        file gives an APBD budget, else ``apbd_rp`` (the APBD needed).
    year : int, optional
        Year measured; the last year of the horizon by default.

    Returns
    -------
    pandas.DataFrame
        ``parameter``, ``low``, ``high`` (the factor or share used), ``value_low``,
        ``value_high``, ``base``, ``swing`` (|high − low|), sorted by swing, largest first.
        ``attrs`` holds ``metric`` and ``year``.
    """
    metric = metric or ("apbd_rp" if s.solve_apbd else "coverage")
    year = year or s.year_list[-1]
    t = s.year_list.index(year)
    rel = s.relative

    def value(**kw: float) -> float:
        return float(project(s, **kw)[metric].iloc[t])

    unc = s.dbh_uncertainty
    if unc.get("distribution") == "lognormal":
        dbh = (math.exp(-_Z90 * unc["sigma"]), math.exp(_Z90 * unc["sigma"]))
    elif unc.get("distribution") == "triangular":
        dbh = (unc["low"], unc["high"])
    else:
        dbh = (1 - rel, 1 + rel)
    tl, th = s.target_uncertainty
    target = (tl, th) if th > tl else (1 - rel, 1 + rel)
    social_high = min(1 + rel, 1 / s.dbh_social_share) if s.dbh_social_share else 1.0
    cases = [
        ("csr_realisation", "csr_share", 0.0, 1.0),
        ("dbh_allocation", "dbh_factor", *dbh),
        ("dbh_social_share", "social_factor", 1 - rel, social_high),
        ("contribution", "cost_factor", 1 - rel, 1 + rel),
        ("target", "target_factor", *target),
    ]
    if not s.solve_apbd:
        cases.insert(0, ("apbd_budget", "apbd_factor", 1 - rel, 1 + rel))
    base = value()
    rows = []
    for name, kw, lo, hi in cases:
        v_lo, v_hi = value(**{kw: lo}), value(**{kw: hi})
        rows.append({"parameter": name, "low": lo, "high": hi, "value_low": v_lo,
                     "value_high": v_hi, "base": base, "swing": abs(v_hi - v_lo)})
    out = pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)
    out.attrs.update(metric=metric, year=year)
    return out


# --------------------------------------------------------------------------------------------
# Benefits, the full analysis, text and JSON
# --------------------------------------------------------------------------------------------


def benefits_table(s: Scenario, table: pd.DataFrame) -> pd.DataFrame | None:
    """Expected benefits flowing back to residents for the workers covered each year.

    Calls ``analysis.benefits.expected_benefits`` for the workers covered each year and scales
    it by the months paid (expected cases grow with the time covered).

    Parameters
    ----------
    s : Scenario
    table : pandas.DataFrame
        Its projection (``project``).

    Returns
    -------
    pandas.DataFrame or None
        One row per year: ``year``, ``covered_workers``, ``contributions_rp`` (what the sources
        pay), ``benefits_rp`` (expected payouts with a known amount), ``jkm_deaths``,
        ``jkk_accidents`` and ``assumptions`` (ids used); None when the benefits module is not
        available or the package is not a BPU package.
    """
    try:
        from analysis import benefits
        from analysis.funding import get_package
    except ImportError:
        return None
    if get_package(s.package).basis != "income":
        return None
    try:
        benefits.check_assumptions()
    except (UserError, FileNotFoundError):
        return None  # no assumptions log: the benefit side cannot be computed
    rows = []
    for row in table.itertuples():
        out = {"year": row.year, "covered_workers": row.covered_workers,
               "contributions_rp": row.total_rp, "benefits_rp": 0.0, "jkm_deaths": 0.0,
               "jkk_accidents": 0.0, "assumptions": ""}
        if row.covered_workers > 0:
            res = benefits.expected_benefits(int(row.covered_workers), 1, s.package,
                                             on=date(row.year, 1, 1))
            share = row.months / 12
            out.update(
                benefits_rp=(res.get("total_rp") or 0.0) * share,
                jkm_deaths=(res.get("jkm", {}).get("deaths") or 0.0) * share,
                jkk_accidents=(res.get("jkk", {}).get("accidents") or 0.0) * share,
                assumptions=", ".join(res.get("assumptions", [])),
            )
        rows.append(out)
    return pd.DataFrame(rows)


@dataclass
class Analysis:
    """Everything the CLI, the notebook and the reports show for one scenario."""

    scenario: Scenario
    table: pd.DataFrame
    simulation: SimulationResult
    mix: dict
    variants: pd.DataFrame
    sensitivity: pd.DataFrame
    benefits: pd.DataFrame | None
    lang: str = "id"


def analyse(
    s: Scenario, draws: int = 10_000, seed: int = 0, prob: float = 0.9, lang: str = "id"
) -> Analysis:
    """Run the projection, the simulation, the variants, the sensitivity and the mix.

    Parameters
    ----------
    s : Scenario
    draws, seed : int
        Monte Carlo size and seed (the variants use at most 2.000 draws).
    prob : float
        Probability of success of the recommended mix.
    lang : {"id", "en"}
        Language of the messages.

    Returns
    -------
    Analysis
    """
    table = project(s, lang)
    return Analysis(
        scenario=s,
        table=table,
        simulation=simulate(s, draws, seed),
        mix=recommend_mix(s, prob, draws, seed, lang),
        variants=compare_variants(s, prob, min(draws, 2_000), seed),
        sensitivity=sensitivity(s),
        benefits=benefits_table(s, table),
        lang=lang,
    )


def resolve(regency: str | None = None, scenario_file: str | Path | None = None,
            start_year: int | None = None, years: int = 5) -> Scenario:
    """The scenario a notebook or report asks for: a file, the regency's file or the default.

    Parameters
    ----------
    regency : str, optional
        Code or name; used when ``scenario_file`` is None.
    scenario_file : str or Path, optional
        A scenario file.
    start_year : int, optional
        Start of the default scenario; the current year when omitted.
    years : int
        Horizon of the default scenario.

    Returns
    -------
    Scenario
    """
    if scenario_file:
        return load_scenario(scenario_file)
    from analysis import data

    code = regency if regency and re.fullmatch(r"\d{2}\.\d{2}", regency) else \
        data.resolve_regency(str(regency))
    found = scenario_file_for(code)
    if found:
        return load_scenario(found)
    return default_scenario(code, start_year or date.today().year, years)


def provenance_table(s: Scenario) -> pd.DataFrame:
    """Every annotated number of a scenario with its source, assumption or scenario choice.

    Parameters
    ----------
    s : Scenario

    Returns
    -------
    pandas.DataFrame
        Columns ``path``, ``value``, ``source``, ``assumption``, ``choice``, ``flag``, ``note``.
    """
    columns = ["path", "value", "source", "assumption", "choice", "flag", "note"]
    return pd.DataFrame([{k: p.get(k, "") for k in columns} for p in s.provenance],
                        columns=columns)


def _money(value: float | None, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_rupiah(value, lang)


def display_table(an: Analysis, lang: str = "id") -> pd.DataFrame:
    """The per-year table with translated headers and the language's number formats (text).

    Parameters
    ----------
    an : Analysis
    lang : {"id", "en"}

    Returns
    -------
    pandas.DataFrame
        Strings, one row per year, ready to show in a notebook or print.
    """
    prob = an.simulation.probability_of_target()
    heads = ["year", "target", "dbh", "province", "dana_desa", "csr", "apbd", "covered",
             "coverage", "gap", "gap_rp", "apbd_rp", "probability"]
    rows = []
    for r in an.table.itertuples():
        rows.append([
            str(r.year), format_number(r.target_workers, lang),
            *(format_number(getattr(r, f"{n}_workers"), lang) for n in SOURCES),
            format_number(r.covered_workers, lang), format_percent(r.coverage, lang),
            format_number(r.gap_workers, lang), _money(r.gap_rp, lang), _money(r.apbd_rp, lang),
            format_percent(prob.loc[r.year], lang, 0),
        ])
    return pd.DataFrame(rows, columns=[i18n.t(f"scenarios.col_{h}", lang) for h in heads])


def format_table(an: Analysis, lang: str = "id") -> str:
    """The per-year table as plain text (see ``display_table``)."""
    df = display_table(an, lang)
    rows = [list(df.columns), *df.to_numpy().tolist()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(df.columns))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_mix(mix: dict, lang: str = "id") -> str:
    """The recommended mix as plain text."""
    lines = [i18n.t("scenarios.mix_title", lang, prob=format_percent(mix["prob"], lang, 0))]
    for r in mix["years"]:
        shares = ", ".join(f"{i18n.t('scenarios.src_' + n, lang)} "
                           f"{format_percent(v, lang, 0)}" for n, v in r["share"].items() if v)
        lines.append(i18n.t("scenarios.mix_year", lang, year=r["year"],
                            apbd=format_rupiah(r["apbd_rp"], lang),
                            workers=format_number(r["apbd_workers"], lang),
                            achieved=format_percent(r["achieved_probability"], lang, 1),
                            shares=shares or "–"))
    return "\n".join(lines)


def narrative(an: Analysis, lang: str = "id") -> str:
    """A few sentences summarising the scenario for a report (Markdown)."""
    s, t = an.scenario, an.table
    last = t.iloc[-1]
    prob = an.simulation.probability_of_target()
    band = an.simulation.bands("coverage")
    mix_total = an.mix["total_apbd_rp"]
    top = an.sensitivity.iloc[0]["parameter"] if len(an.sensitivity) else "-"
    parts = [i18n.t(
        "scenarios.story_intro", lang, regency=s.regency_name, start=s.start_year,
        end=s.year_list[-1], target=format_number(last.target_workers, lang),
        covered=format_number(last.covered_workers, lang),
        coverage=format_percent(last.coverage, lang),
        p10=format_percent(band["p10"].iloc[-1], lang), p90=format_percent(band["p90"].iloc[-1],
                                                                             lang),
        prob=format_percent(prob.iloc[-1], lang, 0))]
    parts.append(i18n.t("scenarios.story_mix", lang, prob=format_percent(an.mix["prob"], lang, 0),
                        total=format_rupiah(mix_total, lang),
                        top=i18n.t(f"scenarios.param_{top}", lang)))
    if an.benefits is not None and an.benefits["benefits_rp"].sum() > 0:
        parts.append(i18n.t("scenarios.story_benefits", lang,
                            benefits=format_rupiah(an.benefits["benefits_rp"].sum(), lang),
                            contributions=format_rupiah(
                                an.benefits["contributions_rp"].sum(), lang)))
    if t.attrs.get("messages"):
        parts.append("\n".join(f"- {m}" for m in t.attrs["messages"]))
    return "\n\n".join(parts)


def to_json(an: Analysis) -> dict:
    """Machine-readable output of an analysis (plain Python types)."""
    s = an.scenario

    def records(df: pd.DataFrame) -> list[dict]:
        return [{k: _py(v) for k, v in row.items()} for row in df.to_dict("records")]

    bands = an.simulation.bands("coverage")
    return {
        "regency_code": s.regency_code,
        "regency": s.regency_name,
        "title": s.title,
        "file": str(s.path) if s.path else None,
        "package": s.package,
        "years": records(an.table),
        "messages": an.table.attrs.get("messages", []),
        "simulation": {
            "draws": an.simulation.draws,
            "seed": an.simulation.seed,
            "probability_of_target": [_py(v) for v in an.simulation.probability_of_target()],
            "coverage_bands": records(bands.reset_index()),
        },
        "recommended_mix": {k: (v if k != "years" else [{kk: _py(vv) for kk, vv in r.items()}
                                                        for r in v])
                            for k, v in an.mix.items()},
        "variants": records(an.variants),
        "sensitivity": records(an.sensitivity),
        "benefits": records(an.benefits) if an.benefits is not None else None,
        "provenance": [{k: _py(v) for k, v in p.items()} for p in s.provenance],
    }


def _py(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    if isinstance(value, dict):
        return {k: _py(v) for k, v in value.items()}
    return value


def run_cli(
    file: str | Path, *, as_json: bool = False, draws: int = 10_000, seed: int = 0,
    prob: float = 0.9, lang: str = "id"
) -> int:
    """``python -m analysis scenario FILE``: print the per-year table and the recommended mix.

    Parameters
    ----------
    file : str or Path
        Scenario file.
    as_json : bool
        Print JSON (``to_json``) instead of text.
    draws, seed : int
        Monte Carlo size and seed.
    prob : float
        Chance of reaching the target for the recommended mix.
    lang : {"id", "en"}
        Language and number format of the text.

    Returns
    -------
    int
        0; a bad file raises ``ScenarioError`` (the CLI prints it and exits 2).
    """
    import json

    if draws < 1:
        raise UserError(f"--draws must be 1 or more, got {draws}")
    an = analyse(load_scenario(file), draws=draws, seed=seed, prob=prob, lang=lang)
    if as_json:
        print(json.dumps(to_json(an), ensure_ascii=False, indent=1))
        return 0
    s = an.scenario
    head = f"{s.regency_name} ({s.regency_code})" + (f": {s.title}" if s.title else "")
    print(head)
    print(i18n.t("scenarios.cli_setup", lang, package=s.package, draws=format_number(draws, lang),
                 seed=seed))
    print()
    print(format_table(an, lang))
    print()
    print(format_mix(an.mix, lang))
    notes = an.table.attrs.get("messages", []) + an.mix["messages"]
    if notes:
        print()
        print("\n".join(f"- {m}" for m in notes))
    return 0
