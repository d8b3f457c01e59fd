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

Contribution rates come from ``analysis.model.contributions`` (which reads the dated
parameters), legal caps from ``analysis.data.parameters``; nothing here is a literal rate. The
results are numbers and structured notes; ``analysis.views.scenarios`` words them and
``analysis.views.figures`` draws them.

This package is the public surface. The code lives in ``spec`` (the records), ``reader`` (YAML
→ ``Scenario``), ``from_data`` (values read from the tables), ``defaults`` (which scenario a
regency gets), ``allocation`` (the engine and ``project``), ``montecarlo`` (the simulation)
and ``analysis`` (variants, mix, sensitivity, benefits, ``analyse``). Names with a leading
underscore are shared between these modules only.
"""

from __future__ import annotations

from analysis.core.errors import ScenarioError
from analysis.model.scenarios.allocation import project
from analysis.model.scenarios.analysis import (
    Analysis,
    analyse,
    benefits_table,
    compare_variants,
    provenance_table,
    recommend_mix,
    sensitivity,
    variant,
)
from analysis.model.scenarios.defaults import default_scenario, resolve, scenario_file_for
from analysis.model.scenarios.montecarlo import (
    SimulationResult,
    fan_metric,
    simulate,
    simulate_batch,
)
from analysis.model.scenarios.reader import load_scenario, scenario_from_dict
from analysis.model.scenarios.spec import (
    DEFAULT_RELATIVE,
    DEFAULT_SEED,
    SOURCES,
    TARGET_BASES,
    VARIANTS,
    Pledge,
    Scenario,
)

__all__ = [
    "DEFAULT_RELATIVE",
    "DEFAULT_SEED",
    "SOURCES",
    "TARGET_BASES",
    "VARIANTS",
    "Analysis",
    "Pledge",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "analyse",
    "benefits_table",
    "compare_variants",
    "default_scenario",
    "fan_metric",
    "load_scenario",
    "project",
    "provenance_table",
    "recommend_mix",
    "resolve",
    "scenario_file_for",
    "scenario_from_dict",
    "sensitivity",
    "simulate",
    "simulate_batch",
    "variant",
]
