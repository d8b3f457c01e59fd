"""Which scenario a regency gets: its shipped file, a given file, or a default built from data.

``scenario_file_for`` finds the shipped file of a regency (``data/scenarios/<code>-*.yml``);
``default_scenario`` builds one from the data tables for a regency without a file; ``resolve``
chooses between them for a notebook or a report.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from analysis.core import config
from analysis.core.checks import as_date
from analysis.core.errors import ScenarioError
from analysis.data.names import resolve_regency
from analysis.data.parameters import default_parameters
from analysis.data.tables import newest_fact_date, regencies
from analysis.model.scenarios.budget import with_current_apbd
from analysis.model.scenarios.from_data import (
    _basis_rows,
    _dbh_from_data,
    _palm_workers_from_data,
)
from analysis.model.scenarios.reader import load_scenario, scenario_from_dict
from analysis.model.scenarios.spec import Scenario


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
    regency_code: str, start_year: int, years: int, params: Any = None, as_of: Any = None
) -> Scenario:
    """A scenario built from data for a regency without a file.

    Target: the village basis (desa × ``targets.workers_per_desa``) where the regency has desa,
    else the latest informal-worker count in ``labour_force``; reached in full every year (a
    scenario choice). DBH Sawit: the allocation that drives the envelope at ``as_of`` (read once,
    through ``from_data._dbh_from_data``) with its range, kept for later years; the share paid
    into contributions is assumption A13 (2,9% of the allocation, range 1,5–20%, drawn in the
    simulation); it pays only for the palm workers the data show funded from DBH Sawit, and for
    nobody, with the envelope reported as a condition, where no count exists (None, never 0).
    APBD: none in the file; ``resolve`` adds today's spending from the payment cases.

    Parameters
    ----------
    regency_code : str
        Kemendagri code.
    start_year, years : int
        First year and horizon.
    params : optional
        Parameters object; the shipped parameters when omitted.
    as_of : date or str, optional
        Date of the data read; 31 December of ``start_year`` when omitted.

    Returns
    -------
    Scenario
    """
    table = regencies(None).set_index("regency_code")
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
        p = default_parameters(params)
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
    day = as_date(as_of) if as_of else date(start_year, 12, 31)
    if _dbh_from_data(regency_code, day) is not None:
        palm = _palm_workers_from_data(regency_code)
        doc["funding"]["dbh_sawit"] = {
            "allocation_rp": "from_data",
            "share_of_allocation": {"assumption": "A13"},
            "eligible_workers": {"value": palm, "note": "palm workers funded from DBH Sawit in "
                                 "the data" if palm is not None else "no count of "
                                 "unregistered palm workers in the data"},
        }
    return scenario_from_dict(doc, file=f"default scenario {regency_code}", params=params,
                              as_of=as_of)


def resolve(regency: str | None = None, scenario_file: str | Path | None = None,
            start_year: int | None = None, years: int = 5, as_of: Any = None) -> Scenario:
    """The scenario a notebook or report asks for: a file, the regency's file or the default.

    With ``as_of`` the horizon starts in that date's year (a file written for other years is
    read by year, see ``load_scenario``), DBH Sawit read from the data is taken at that date,
    and every year the file leaves without an APBD budget gets today's spending from the
    payment cases (``with_current_apbd``).

    Parameters
    ----------
    regency : str, optional
        Code or name; used when ``scenario_file`` is None.
    scenario_file : str or Path, optional
        A scenario file.
    start_year : int, optional
        Start of the horizon; the year of ``as_of`` when given, else the file's own start (or,
        for a default scenario, the current year).
    years : int
        Horizon of the default scenario.
    as_of : date or str, optional
        The date the scenario speaks for; ``"latest"`` for the newest dated fact in the data
        (the date the reports use).

    Returns
    -------
    Scenario
    """
    if as_of == "latest":
        as_of = newest_fact_date(None)
    if start_year is None and as_of:
        start_year = as_date(as_of).year
    if scenario_file:
        s = load_scenario(scenario_file, start_year=start_year, as_of=as_of)
    else:
        code = regency if regency and re.fullmatch(r"\d{2}\.\d{2}", regency) else \
            resolve_regency(str(regency))
        found = scenario_file_for(code)
        if found:
            s = load_scenario(found, start_year=start_year, as_of=as_of)
        else:
            s = default_scenario(code, start_year or date.today().year, years, as_of=as_of)
    return with_current_apbd(s, as_of) if as_of else s
