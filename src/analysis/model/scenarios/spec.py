"""What a funding scenario is: the sources, variants and the ``Pledge`` and ``Scenario`` records.

A ``Scenario`` holds one value per budget year for every input of a Perkada funding plan (target
path, contribution per worker, APBD, CSR pledges, DBH Sawit, Dana Desa, province co-funding) and
the provenance of each annotated number. It is built by ``analysis.model.scenarios.reader`` from
a file or by ``analysis.model.scenarios.defaults`` from the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SOURCES = ("dbh", "province", "dana_desa", "csr", "apbd")
"""Funding sources in allocation order: earmarked/eligible first, APBD fills the rest."""

TARGET_BASES = ("workers", "village", "declared", "informal")
VARIANTS = ("apbd_only", "central", "csr_what_if", "dbh_what_if", "dana_desa_what_if")
"""Source mixes compared: the APBD alone; the central scenario (sourced figures only); and one
labelled what-if per unsourced option (a CSR pledge nobody has made, DBH Sawit for palm workers
nobody has counted yet, Dana Desa a village has not budgeted). ``variants_for`` keeps those that
apply to a scenario."""
TARGET_SHARES = (0.6, 0.8, 1.0)
"""Target levels of the "what if the target were 60% / 80% / 100%" line: the target is a policy
choice, shown apart from the uncertain inputs."""
DEFAULT_SEED = 2026
"""Seed of every Monte Carlo run unless the caller gives one: the command line, the notebooks and
the reports all use it, so the same inputs give the same numbers wherever they are run."""
DEFAULT_RELATIVE = 0.25
"""Default low/high swing (±25%) of the sensitivity analysis: an analysis choice, not a fact;
a scenario file may set its own under ``sensitivity.relative``."""


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
    what_if : bool
        True for an option nobody has pledged (a labelled what-if): it stays out of the central
        scenario and appears only in the ``csr_what_if`` variant, assumed paid there.
    """

    company: str
    year: int
    rupiah: float | None
    workers: int | None
    probability: float = 1.0
    realised_share: tuple[float, float] | None = None
    what_if: bool = False

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
        Contribution package (see ``analysis.model.contributions.PACKAGES``).
    months : list of int
        Months paid in each year (the first year may be partial).
    monthly_rp : list of int
        Contribution per worker per month in each year (``contributions.monthly_contribution`` on
        1 January of that year).
    target_segments : dict of str to list of int
        Target workers per segment per year; the target is their sum.
    target_uncertainty : tuple of float
        (low, high) multipliers of the target (triangular, mode 1) in the simulation.
    apbd_budget_rp : list of float or None
        APBD rupiah budgeted per year (what the regency spends; from the file or, by
        ``with_current_apbd``, from its payment cases); None in a year = unknown: the
        projection then gives only the APBD needed and no probability.
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
    dbh_eligible : list of int or None
        Palm-plantation workers not yet registered (the most DBH may pay for); None = not
        counted: DBH Sawit then pays nobody in the central scenario and the envelope is reported
        as a condition ("needs a count of palm workers"), never as 0 eligible workers.
    dbh_share_range : tuple of float
        (low, high) multipliers (triangular, mode 1) of other_share × social_share in the
        simulation, e.g. from the range of assumption A13; (1, 1) = no uncertainty.
    dbh_uncertainty : dict
        ``{"distribution": "lognormal", "sigma": s}`` or ``{"distribution": "triangular",
        "low": a, "high": b}`` (multipliers of the path) or ``{"distribution": "none"}``.
    dana_desa_workers : list of int
        Workers paid through Dana Desa / APBDes per year (workers or rupiah per village ×
        villages, converted).
    dana_desa_what_if : bool
        True when no village has budgeted it: a labelled what-if, kept out of the central
        scenario (variant ``dana_desa_what_if``).
    province_workers : list of int
        Workers the province pays for in this regency per year.
    relative : float
        Low/high swing of the sensitivity analysis.
    provenance : list of dict
        Every annotated number: ``path``, ``value``, ``source``, ``assumption``, ``choice``,
        ``flag``, ``note``.
    path : Path or None
        The file read, if any.
    apbd_basis : dict
        Where the budgeted APBD comes from when read from the data (``with_current_apbd``):
        case ids, year, flags, how it was derived; empty otherwise.
    dbh_basis : dict
        The DBH Sawit allocation read from the data (``year``, ``allocation``, ``low``,
        ``high``, ``flag``, ``source_id``, ``series``); empty when the file gives the amounts.
    as_of : str or None
        ISO date the scenario speaks for (its first year is that date's year).
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
    dbh_eligible: list[int | None] = field(default_factory=list)
    dbh_share_range: tuple[float, float] = (1.0, 1.0)
    dbh_uncertainty: dict = field(default_factory=lambda: {"distribution": "none"})
    dana_desa_workers: list[int] = field(default_factory=list)
    dana_desa_what_if: bool = False
    province_workers: list[int] = field(default_factory=list)
    relative: float = DEFAULT_RELATIVE
    provenance: list[dict] = field(default_factory=list)
    path: Path | None = None
    apbd_basis: dict = field(default_factory=dict)
    dbh_basis: dict = field(default_factory=dict)
    as_of: str | None = None

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

    @property
    def eligible_unknown(self) -> bool:
        """True when the palm workers DBH Sawit may pay for have not been counted (None)."""
        return any(e is None for e in self.dbh_eligible)

    @property
    def dbh_share(self) -> float:
        """Share of the allocation for palm workers' contributions: other × social share."""
        return self.dbh_other_share * self.dbh_social_share
