"""Perkada funding scenarios: who pays for how many vulnerable workers, year by year.

A scenario file (``data/scenarios/*.yml``, format in ``data/scenarios/README.md``) describes one
regency's plan: a target path of workers, and the funding sources with their rules (APBD, CSR
pledges, DBH Sawit, Dana Desa / APBDes, provincial co-funding). This module

- loads and validates the file (errors name the file and the key path, e.g.
  ``funding.csr[1].probability``, and exit the CLI with code 2);
- takes the APBD the regency spends today from its payment cases (``with_current_apbd``), so the
  chance of reaching the target at that budget means something;
- projects it deterministically per year (``project``), filling the target source by source:
  earmarked and eligible sources first (DBH Sawit for unregistered palm workers, province
  co-funding, Dana Desa, CSR), then the APBD up to its budget; options nobody has pledged or
  counted (labelled what-ifs) stay out of it;
- simulates the uncertain parts (CSR realisation, DBH allocation, worker counts) with a seeded
  ``numpy.random.Generator(PCG64(seed))`` on arrays of shape (regencies, draws, years)
  (``simulate``, ``simulate_batch``);
- compares source mixes and what-ifs (``compare_variants``), varies each uncertain input
  (``sensitivity``) and the target level (``target_what_if``), and finds the least APBD that
  reaches the target with a chosen probability (``recommend_mix``: the APBD needed).

Contribution rates come from ``analysis.model.contributions`` (which reads the dated
parameters), legal caps from ``analysis.data.parameters``; nothing here is a literal rate. The
results are numbers and structured notes; ``analysis.views.scenarios`` words them and
``analysis.views.figures`` draws them.

This package is the public surface. The code lives in ``spec`` (the records), ``reader`` (YAML
→ ``Scenario``), ``from_data`` (values read from the tables), ``budget`` (today's APBD from the
payment cases), ``defaults`` (which scenario a regency gets), ``allocation`` (the engine and
``project``), ``montecarlo`` (the simulation) and ``analysis`` (variants, APBD needed,
sensitivity, benefits, ``analyse``). Names with a leading
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
    first_budget_year,
    provenance_table,
    recommend_mix,
    sensitivity,
    target_what_if,
    variant,
    variants_for,
)
from analysis.model.scenarios.budget import current_apbd, with_current_apbd
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
    TARGET_SHARES,
    VARIANTS,
    Pledge,
    Scenario,
)

__all__ = [
    "DEFAULT_RELATIVE",
    "DEFAULT_SEED",
    "SOURCES",
    "TARGET_BASES",
    "TARGET_SHARES",
    "VARIANTS",
    "Analysis",
    "Pledge",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "analyse",
    "benefits_table",
    "compare_variants",
    "current_apbd",
    "default_scenario",
    "first_budget_year",
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
    "target_what_if",
    "variant",
    "variants_for",
    "with_current_apbd",
]
