"""Reading a scenario file: YAML → validated ``Scenario``, with the provenance of every number.

``load_scenario`` reads a file in the format of ``data/scenarios/README.md`` and
``scenario_from_dict`` validates a parsed document. Errors name the file and the key path (e.g.
``funding.csr[1].probability``) and are ``ScenarioError`` (a ``UserError``: exit code 2 on the
command line). Contribution rates come from ``analysis.model.contributions`` and legal caps from
the dated parameters; nothing here is a literal rate.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from analysis.core.errors import ScenarioError, UserError
from analysis.core.files import read_yaml_file
from analysis.data.names import resolve_regency
from analysis.data.parameters import default_assumptions, default_parameters
from analysis.data.tables import regencies
from analysis.model.contributions import monthly_contribution
from analysis.model.scenarios.from_data import _base_from_data
from analysis.model.scenarios.spec import DEFAULT_RELATIVE, TARGET_BASES, Pledge, Scenario

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
            self._assumptions = default_assumptions()
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
    if not path.exists():
        raise ScenarioError(f"{path}: no such scenario file")
    try:  # folders, devices, FIFOs, UTF-16, bad or too deeply nested YAML: one message
        doc = read_yaml_file(path, "scenario file")
    except UserError as exc:
        raise ScenarioError(str(exc)) from None
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
    params = default_parameters(params)
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


def _regency(r: _Reader, node: Any) -> tuple[str, str]:
    text = str(r.unwrap(node, "regency")).strip()
    try:
        code = resolve_regency(text)
    except UserError as exc:
        raise r.error("regency", str(exc)) from None
    row = regencies(None).set_index("regency_code").loc[code]
    return code, str(row["short_name"])


def _monthly(r: _Reader, package: str, year: int, income, wage, params) -> int:
    try:
        return monthly_contribution(package, date(year, 1, 1), income, wage, params)
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
