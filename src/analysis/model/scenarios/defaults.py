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
from analysis.core.errors import ScenarioError
from analysis.data.names import resolve_regency
from analysis.data.parameters import default_parameters
from analysis.data.tables import regencies
from analysis.model.scenarios.from_data import (
    _allocation_path,
    _basis_rows,
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
    allocation = _allocation_path(regency_code, start_year, years)
    if allocation:
        doc["funding"]["dbh_sawit"] = {
            "allocation_rp": allocation,
            "social_share": {"value": 1.0, "choice": "the most the law allows"},
            "eligible_workers": {"value": _palm_workers_from_data(regency_code),
                                 "note": "palm workers funded from DBH Sawit in the data"},
        }
    return scenario_from_dict(doc, file=f"default scenario {regency_code}", params=params)


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
    code = regency if regency and re.fullmatch(r"\d{2}\.\d{2}", regency) else \
        resolve_regency(str(regency))
    found = scenario_file_for(code)
    if found:
        return load_scenario(found)
    return default_scenario(code, start_year or date.today().year, years)
