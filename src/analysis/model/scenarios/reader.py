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

from analysis.core.checks import as_date
from analysis.core.errors import ScenarioError, UserError
from analysis.core.files import read_yaml_file
from analysis.data.names import resolve_regency
from analysis.data.parameters import default_assumptions, default_parameters
from analysis.data.tables import regencies
from analysis.model.contributions import monthly_contribution
from analysis.model.scenarios.from_data import _base_from_data, _dbh_from_data
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
        # The horizon written in the file; ``years`` differs from it when the caller moves the
        # start (``start_year``, e.g. to the as-of year of a report).
        self.file_years: list[int] = []
        self.provenance: list[dict] = []
        self._assumptions = assumptions

    @property
    def rebased(self) -> bool:
        """True when the horizon was moved away from the file's own start year."""
        return self.file_years != self.years

    def in_range(self, year: int) -> bool:
        """Whether a year named in the file may be used (see ``per_year``)."""
        if year in self.years:
            return True
        return self.rebased and (year in self.file_years or year < self.years[0])

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

        ``node`` is a number (every year), a list (one per year of the file's horizon) or a
        mapping ``year → value``. In a mapping, ``fill="carry"`` keeps the last value for later
        years (a year before the first key is an error); ``fill="zero"`` puts 0 in the years not
        named. When the horizon was moved (``rebased``): a list is read by year, the years before
        the file's first year taking its first value and those after its last year its last
        value; a mapping may name years before the horizon (their value carries into it) and
        years after it (ignored), and the years before its first key take the first value.
        """
        node = self.unwrap(node, path)
        years = self.years

        def one(value: Any, where: str) -> Any:
            value = self.unwrap(value, where)
            if value is None and allow_null:
                return None
            return self.number(value, where, low=low, high=high, whole=whole)

        if isinstance(node, list):
            span = self.file_years
            if len(node) != len(span):
                raise self.error(
                    path, f"has {len(node)} values but the horizon has {len(span)} years "
                    f"({span[0]}–{span[-1]})"
                )
            values = [one(v, f"{path}[{i}]") for i, v in enumerate(node)]
            if not self.rebased:
                return values
            return [values[min(max(y - span[0], 0), len(span) - 1)] for y in years]
        if isinstance(node, dict):
            values: dict[int, Any] = {}
            for key, value in node.items():
                try:
                    year = int(key)
                except (TypeError, ValueError):
                    raise self.error(f"{path}.{key}", "must be a year (e.g. 2026)") from None
                if not self.in_range(year):
                    raise self.error(
                        f"{path}.{key}", f"year outside the horizon {years[0]}–{years[-1]}"
                    )
                values[year] = one(value, f"{path}.{key}")
            out = []
            for year in years:
                named = [k for k in values if k <= year]
                if named:
                    out.append(values[max(named)] if fill == "carry" or year in values else 0)
                elif fill == "zero":
                    out.append(0)
                elif self.rebased and values:
                    out.append(values[min(values)])
                else:
                    raise self.error(
                        path, f"no value for {year}, the first year (first given: {min(values)})"
                    )
            return out
        if node is None and allow_null:
            return [None] * len(years)
        return [one(node, path)] * len(years)


def _show(value: float) -> str:
    """A number as written in a YAML file (no exponent for whole rupiah)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def load_scenario(path: str | Path, params: Any = None, assumptions: dict | None = None,
                  start_year: int | None = None, as_of: Any = None) -> Scenario:
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
    start_year : int, optional
        Move the horizon to start in this year (same number of years), e.g. the as-of year of
        a report; values per year are read by year (see ``_Reader.per_year``).
    as_of : date or str, optional
        Date of the figures read from the data (``allocation_rp: from_data``); 31 December of
        the first year when omitted.

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
                              assumptions=assumptions, start_year=start_year, as_of=as_of)


def scenario_from_dict(
    doc: Any, file: str = "<scenario>", params: Any = None, path: Path | None = None,
    assumptions: dict | None = None, start_year: int | None = None, as_of: Any = None,
) -> Scenario:
    """Validate a parsed scenario document (see ``load_scenario``)."""
    r = _Reader(file, assumptions)
    doc = r.keys(doc if doc is not None else {}, "", _TOP_KEYS)
    for key in ("regency", "start_year", "years", "target"):
        if key not in doc:
            raise r.error(key, "missing (required)")
    code, name = _regency(r, doc["regency"])
    first = r.number(doc["start_year"], "start_year", low=2000, high=2100, whole=True)
    years = r.number(doc["years"], "years", low=1, high=30, whole=True)
    r.file_years = list(range(first, first + years))
    start = first if start_year is None else int(start_year)
    r.years = list(range(start, start + years))
    day = as_date(as_of) if as_of else date(start, 12, 31)
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
    dbh = _dbh(r, funding.get("dbh_sawit"), params, code, day)
    dana_desa, dana_desa_what_if = _dana_desa(r, funding.get("dana_desa"), cost)
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
        dana_desa_what_if=dana_desa_what_if,
        province_workers=province,
        relative=relative,
        provenance=r.provenance,
        path=path,
        as_of=day.isoformat() if as_of else None,
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
                                    "probability", "realised_share", "what_if", "source",
                                    "assumption", "choice", "flag", "note"})
        what_if = item.get("what_if", False)
        if not isinstance(what_if, bool):
            raise r.error(where + ".what_if", f"must be true or false, got {what_if!r}")
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
                if r.in_range(year) or year > r.years[-1] and r.rebased:
                    continue  # a pledge year outside a moved horizon
                raise r.error(f"{where}.years[{j}]",
                              f"year {year} outside the horizon {r.years[0]}–{r.years[-1]}")
            pledges.append(Pledge(str(item.get("company", f"CSR {i + 1}")), year, rupiah,
                                  workers, prob, share, what_if))
    return pledges


def _dbh(r: _Reader, node: Any, params: Any, code: str, day: date) -> dict:
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
                                "share_of_allocation", "eligible_workers", "uncertainty"})
    for key in ("allocation_rp", "eligible_workers"):
        if key not in node:
            raise r.error(f"{where}.{key}", "missing (required with dbh_sawit)")
    share_range = (1.0, 1.0)
    if "share_of_allocation" in node:
        if "other_share" in node or "social_share" in node:
            raise r.error(where, "give share_of_allocation or other_share/social_share, not both")
        share, low, high = _ranged(r, node["share_of_allocation"],
                                   where + ".share_of_allocation")
        if share > cap or share <= 0:
            raise r.error(where + ".share_of_allocation",
                          f"{share:g} must be above 0 and at most the legal cap "
                          f"dbh_sawit.other.max_share = {cap:g} (PMK 91/2023 Pasal 16)")
        other, social = cap, share / cap
        share_range = (low / share, min(high, cap) / share)
    else:
        other = r.number(node.get("other_share", cap), where + ".other_share", low=0)
        if other > cap:
            raise r.error(
                where + ".other_share",
                f"{other:g} is above the legal cap dbh_sawit.other.max_share = {cap:g} "
                "(PMK 91/2023 Pasal 16: at most 20% for other activities)",
            )
        social = r.number(node.get("social_share", 1.0), where + ".social_share", low=0, high=1)
    basis: dict[str, Any] = {}
    if node["allocation_rp"] == "from_data" and _dbh_from_data(code, day, r._assumptions) is None:
        # Data without an allocation for this regency (another data set, an earlier date): no
        # DBH Sawit money is known, so it pays nobody, as without a dbh_sawit section.
        r.provenance.append({"path": where + ".allocation_rp", "value": 0.0, "source": "",
                             "assumption": "", "choice": "", "flag": "",
                             "note": f"from_data: no DBH Sawit allocation for {code} in the data "
                                     f"up to {day.isoformat()}"})
        return {"dbh_allocation_rp": [0.0] * n, "dbh_eligible": [0] * n, "dbh_max_share": cap}
    if node["allocation_rp"] == "from_data":
        basis = _dbh_from_data(code, day, r._assumptions)
        allocation = [basis["allocation"] if caps[y] is not None else 0.0 for y in r.years]
        r.provenance.append({
            "path": where + ".allocation_rp", "value": basis["allocation"],
            "source": str(basis.get("source_id") or ""),
            "assumption": "A08" if "A08" in basis["range_from"] else "", "choice": "",
            "flag": str(basis.get("flag") or ""),
            "note": f"DBH Sawit {basis['year']} from the data, kept for later years; range "
                    f"{basis['low']:.0f}–{basis['high']:.0f}"})
    else:
        allocation = r.per_year(node["allocation_rp"], where + ".allocation_rp")
    default = ({"distribution": "triangular", "low": basis["low"] / basis["allocation"],
                "high": basis["high"] / basis["allocation"]}
               if basis and basis["allocation"] else {"distribution": "none"})
    unc = r.keys(node.get("uncertainty") or default, where + ".uncertainty",
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
    if dist != "none" and "uncertainty" in node:
        r.provenance.append({"path": where + ".uncertainty", "value": spec,
                             **{k: str(unc.get(k, "") or "") for k in sorted(_NOTE_KEYS)}})
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
        "dbh_share_range": share_range,
        "dbh_eligible": r.per_year(node["eligible_workers"], where + ".eligible_workers",
                                   whole=True, allow_null=True),
        "dbh_uncertainty": spec,
        "dbh_basis": basis,
    }


def _ranged(r: _Reader, node: Any, where: str) -> tuple[float, float, float]:
    """A share with its (low, high) range: from the assumptions log when written
    ``{assumption: A13}``, else the value itself at both ends."""
    value = r.number(node, where, low=0, high=1)
    if isinstance(node, dict) and "assumption" in node and "value" not in node:
        aid = str(node["assumption"])
        return value, float(r.assumption(aid, where, "low")), float(r.assumption(aid, where,
                                                                                  "high"))
    return value, value, value


def _dana_desa(r: _Reader, node: Any, cost: list[int]) -> tuple[list[int], bool]:
    n = len(r.years)
    if node is None:
        return [0] * n, False
    where = "funding.dana_desa"
    node = r.keys(node, where, {"villages", "workers_per_village", "rupiah_per_village",
                                "what_if"})
    what_if = node.get("what_if", False)
    if not isinstance(what_if, bool):
        raise r.error(where + ".what_if", f"must be true or false, got {what_if!r}")
    villages = r.per_year(node.get("villages"), where + ".villages", whole=True)
    if ("workers_per_village" in node) == ("rupiah_per_village" in node):
        raise r.error(where, "give workers_per_village or rupiah_per_village")
    if "workers_per_village" in node:
        per = r.per_year(node["workers_per_village"], where + ".workers_per_village", whole=True)
        return [v * p for v, p in zip(villages, per, strict=True)], what_if
    rp = r.per_year(node["rupiah_per_village"], where + ".rupiah_per_village")
    # Each village pays whole workers from its own budget, so round down per village.
    return [v * int(p // c) for v, p, c in zip(villages, rp, cost, strict=True)], what_if


def _province(r: _Reader, node: Any) -> list[int]:
    if node is None:
        return [0] * len(r.years)
    node = r.keys(node, "funding.province", {"workers"})
    return r.per_year(node.get("workers", 0), "funding.province.workers", fill="zero",
                      whole=True)
