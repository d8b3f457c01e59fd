"""Contribution cost engine: what BPJS Ketenagakerjaan protection costs a local government.

Answers the three budget questions an office asks (how much for N workers over M months; how
many months a budget pays for N workers; how many workers a budget pays for M months).
The DBH Sawit question (how many palm-plantation workers the "other activities" share can fund)
is answered in ``analysis.model.dbh_sawit``, and the sentences in ``analysis.views.cost``.

Every rate comes from the dated policy parameters (``data/parameters/*.yml`` through
``analysis.data.parameters``); nothing here is a literal rate. Each function that needs a rate
takes an optional ``params`` object (``analysis.data.parameters.Parameters``) and uses the
shipped parameters when it is omitted.

Rupiah rounding rule (one place: ``_whole_rupiah``): BPJS bills whole rupiah, so the
contribution of one worker for one month is rounded half up to a whole rupiah once, after
adding its programmes; budgets are that whole amount times workers times months, so they are
exact multiples of the monthly bill, as in published budgets (2.814 × 12 × Rp13.713 =
Rp463.060.584 in Dairi 2023).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from analysis.core.checks import amount_rp, as_date, month_start, positive_int
from analysis.core.errors import UserError
from analysis.data.parameters import Parameters, default_parameters


@dataclass(frozen=True)
class Package:
    """A set of programmes paid together for one worker.

    Attributes
    ----------
    name : str
        Identifier used in data (``payment_cases.package``) and on the command line.
    basis : {"income", "wage"}
        ``income``: BPU (informal) participant, rates on the declared monthly income, raised to
        the lowest income basis. ``wage``: PU participant (village officials, BPD, non-ASN),
        rates on the fixed monthly income (siltap) or wage, no floor.
    components : tuple of (label, parameter name)
        Parameter names ending in ``.rate`` are shares of the basis; the others are flat rupiah.
    """

    name: str
    basis: str
    components: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        """Programmes joined as officials write them, e.g. ``"JKK+JKM"``."""
        return "+".join(label for label, _ in self.components)


_BPU_JKK = ("JKK", "bpu.jkk.rate")
_BPU_JKM = ("JKM", "bpu.jkm.monthly_rp")
_BPU_JHT = ("JHT", "bpu.jht.rate")
_PU_JKK = ("JKK", "pu.jkk.rate")
_PU_JKM = ("JKM", "pu.jkm.rate")
_PU_JHT = ("JHT", "pu.jht.rate")
_PU_JP = ("JP", "pu.jp.rate")

PACKAGES: dict[str, Package] = {
    p.name: p
    for p in (
        Package("jkk-jkm", "income", (_BPU_JKK, _BPU_JKM)),
        Package("jkk-jkm-jht", "income", (_BPU_JKK, _BPU_JKM, _BPU_JHT)),
        Package("pu-jkk-jkm", "wage", (_PU_JKK, _PU_JKM)),
        Package("pu-jkk-jkm-jht", "wage", (_PU_JKK, _PU_JKM, _PU_JHT)),
        Package("pu-jkk-jkm-jp", "wage", (_PU_JKK, _PU_JKM, _PU_JP)),
        Package("pu-jkk-jkm-jht-jp", "wage", (_PU_JKK, _PU_JKM, _PU_JHT, _PU_JP)),
    )
}
DEFAULT_PACKAGE = "jkk-jkm"
INCOME_FLOOR = "bpu.income.floor_rp"
# Assumption that a pemda-paid BPU worker declares the lowest income basis (cited whenever the
# floor is used because no income was given).
FLOOR_ASSUMPTION = "A10"


def _whole_rupiah(amount: Decimal) -> int:
    """The single rounding rule: whole rupiah, half up (see the module docstring)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def get_package(package: str) -> Package:
    """Look up a package by name.

    Parameters
    ----------
    package : str
        One of ``PACKAGES`` (``jkk-jkm``, ``jkk-jkm-jht``, ``pu-jkk-jkm``, ...).

    Returns
    -------
    Package
        The package definition.

    Raises
    ------
    UserError
        For an unknown name, listing the known ones.
    """
    try:
        return PACKAGES[package]
    except KeyError:
        known = ", ".join(PACKAGES)
        raise UserError(f"unknown package {package!r}; choose one of: {known}") from None


def _basis(
    pkg: Package,
    params: Parameters,
    on: date | None,
    income_rp: float | None,
    wage_rp: float | None,
) -> Decimal:
    """The rupiah amount the rates of ``pkg`` apply to."""
    if pkg.basis == "income":
        if wage_rp is not None:
            raise UserError(
                f"package {pkg.name} is for informal (BPU) workers and uses the declared income "
                "(--income), not a wage; for village officials use a pu-* package"
            )
        floor = Decimal(str(params.get(INCOME_FLOOR, on)))
        if income_rp is None:
            return floor
        if income_rp < 0:
            raise UserError(f"income must be zero or more, got {income_rp}")
        # BPJS raises a declared income below the lowest basis to that basis.
        return max(Decimal(str(income_rp)), floor)
    if income_rp is not None:
        raise UserError(
            f"package {pkg.name} is for wage earners (PU) and uses the wage or fixed income "
            "(--wage), not a declared income"
        )
    if wage_rp is None:
        raise UserError(
            f"package {pkg.name} is a share of the wage: give the monthly wage or fixed income "
            "(siltap) with --wage"
        )
    if wage_rp <= 0:
        raise UserError(f"wage must be more than zero, got {wage_rp}")
    return Decimal(str(wage_rp))


def contribution_breakdown(
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    wage_rp: float | None = None,
    params: Parameters | None = None,
) -> dict:
    """Contribution of one worker for one month, programme by programme, with references.

    Parameters
    ----------
    package : str
        Package name (see ``PACKAGES``); default ``jkk-jkm``.
    on : date or str, optional
        Date the rates are taken at; today when omitted.
    income_rp : float, optional
        Declared monthly income of a BPU worker; the lowest basis when omitted or below it.
    wage_rp : float, optional
        Monthly wage or fixed income (siltap) of a PU worker; required by ``pu-*`` packages.
    params : Parameters, optional
        Parameters object; the shipped parameters when omitted.

    Returns
    -------
    dict
        ``package``, ``label`` ("JKK+JKM"), ``basis`` ("income"/"wage"), ``basis_rp`` (the amount
        the rates apply to), ``components`` (list of dicts: ``programme``, ``parameter``,
        ``value``, ``amount_rp`` unrounded Decimal, ``reference``, ``source_id``, ``assumption``)
        ``total_rp`` (whole rupiah, the billed amount) and ``assumptions`` (ids used: a rate
        that is an assumption, and A10 when the lowest income basis is taken by default).
    """
    pkg = get_package(package)
    params = default_parameters(params)
    on = as_date(on)
    basis = _basis(pkg, params, on, income_rp, wage_rp)
    parts = []
    for programme, name in pkg.components:
        entry = params.entry(name, on) or {}
        value = Decimal(str(params.get(name, on)))
        amount = value * basis if name.endswith(".rate") else value
        parts.append(
            {
                "programme": programme,
                "parameter": name,
                "value": value,
                "amount_rp": amount,
                "reference": entry.get("reference", ""),
                "source_id": entry.get("source_id", ""),
                "assumption": entry.get("assumption", ""),
            }
        )
    assumptions = [p["assumption"] for p in parts if p["assumption"]]
    if pkg.basis == "income" and income_rp is None:
        assumptions.append(FLOOR_ASSUMPTION)
    return {
        "package": pkg.name,
        "label": pkg.label,
        "basis": pkg.basis,
        "basis_rp": _whole_rupiah(basis),
        "components": parts,
        "total_rp": _whole_rupiah(sum((p["amount_rp"] for p in parts), Decimal(0))),
        "assumptions": assumptions,
    }


def monthly_contribution(
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    wage_rp: float | None = None,
    params: Parameters | None = None,
) -> int:
    """Whole rupiah billed for one worker for one month.

    Parameters
    ----------
    package, on, income_rp, wage_rp, params
        As in ``contribution_breakdown``.

    Returns
    -------
    int
        e.g. 16.800 for ``jkk-jkm`` at the Rp1 juta floor (1% × 1.000.000 + 6.800).
    """
    return contribution_breakdown(package, on, income_rp, wage_rp, params)["total_rp"]


def budget_for(
    workers: int,
    months: int,
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    wage_rp: float | None = None,
    params: Parameters | None = None,
) -> int:
    """Budget needed to cover ``workers`` for ``months``.

    Parameters
    ----------
    workers : int
        Workers covered, more than zero.
    months : int
        Months of contributions, more than zero. More than 12 is allowed (a multi-year budget);
        the rates in force on ``on`` are then used for every month.
    package, on, income_rp, wage_rp, params
        As in ``contribution_breakdown``.

    Returns
    -------
    int
        Whole rupiah: workers × months × the monthly contribution.
    """
    workers = positive_int(workers, "workers")
    months = positive_int(months, "months")
    return workers * months * monthly_contribution(package, on, income_rp, wage_rp, params)



NEAR_WHOLE_SHARE = 0.01
"""A budget this close (as a share of one month's or one worker's cost) below the next whole
number was probably computed for it and rounded when published: an analysis choice, stated in
the calculator's output, not a rule of law."""


def _affordable(budget_rp: float, per_unit_rp: int) -> int:
    budget = amount_rp(budget_rp)
    return int(budget // per_unit_rp)


def months_affordable(
    budget_rp: float,
    workers: int,
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    wage_rp: float | None = None,
    params: Parameters | None = None,
) -> int:
    """Whole months a budget pays for ``workers`` (rounded down).

    Parameters
    ----------
    budget_rp : float
        Budget in rupiah, zero or more.
    workers : int
        Workers covered, more than zero.
    package, on, income_rp, wage_rp, params
        As in ``contribution_breakdown``.

    Returns
    -------
    int
        floor(budget / (workers × monthly contribution)); may exceed 12.
    """
    workers = positive_int(workers, "workers")
    monthly = monthly_contribution(package, on, income_rp, wage_rp, params)
    return _affordable(budget_rp, workers * monthly)


def workers_affordable(
    budget_rp: float,
    months: int,
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    wage_rp: float | None = None,
    params: Parameters | None = None,
) -> int:
    """Whole workers a budget covers for ``months`` (rounded down).

    Parameters
    ----------
    budget_rp : float
        Budget in rupiah, zero or more.
    months : int
        Months of contributions, more than zero.
    package, on, income_rp, wage_rp, params
        As in ``contribution_breakdown``.

    Returns
    -------
    int
        floor(budget / (months × monthly contribution)).
    """
    months = positive_int(months, "months")
    monthly = monthly_contribution(package, on, income_rp, wage_rp, params)
    return _affordable(budget_rp, months * monthly)


def months_between(start: date | str, end: date | str) -> int:
    """Calendar months from ``start`` to ``end``, both months counted in full.

    Contributions are billed by the month, so a programme that starts on 15 June pays June in
    full (Mandailing Natal 2023: 15 Jun–Dec = 7 months).

    Parameters
    ----------
    start, end : date or str
        First and last day (or any day of the first and last month); text as ``YYYY-MM-DD``
        or ``YYYY-MM``.

    Returns
    -------
    int
        e.g. ``months_between("2022-10-01", "2022-12-31")`` → 3 (Labuhanbatu Selatan 2022).

    Raises
    ------
    UserError
        When ``end`` is before ``start`` or a date cannot be read.
    """
    first, last = month_start(start), month_start(end)
    if last < first:
        raise UserError(f"the period ends ({end}) before it starts ({start})")
    return (last.year - first.year) * 12 + last.month - first.month + 1


def cost_answer(
    budget_rp: float | None = None,
    workers: int | None = None,
    months: int | None = None,
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    wage_rp: float | None = None,
    params: Parameters | None = None,
) -> dict:
    """Answer one of the three budget questions from the two quantities given.

    Parameters
    ----------
    budget_rp, workers, months : optional
        Exactly two of the three. Workers and months → the budget; budget and workers → whole
        months it pays; budget and months → whole workers it covers (both rounded down).
    package, on, income_rp, wage_rp, params
        As in ``contribution_breakdown``.

    Returns
    -------
    dict
        ``budget_rp``, ``workers``, ``months``, ``package``, ``per_worker_month_rp`` (the
        answer filled in, whole months and workers rounded down), and also ``mode``
        (``"budget"``, ``"months"`` or ``"workers"``: the quantity computed), ``label``
        ("JKK+JKM"), ``cost_rp`` (workers × months × monthly: what the answer spends),
        ``remainder_rp`` (budget − cost), ``months_exact`` and ``workers_exact`` (the exact
        quotient of the budget for the quantity computed, e.g. 9,9989 months; the whole number
        given otherwise), ``shortfall_rp`` (what one more whole month or worker would still
        cost beyond the budget; 0 when the budget is spent exactly), ``near_whole`` (the
        shortfall is at most ``NEAR_WHOLE_SHARE`` of one month's or worker's cost, so the
        budget was probably meant for the next whole number), ``basis_rp`` (income or wage the
        rates apply to), ``on`` (ISO date of the rates) and ``breakdown`` (see
        ``contribution_breakdown``).

    Notes
    -----
    Kotawaringin Timur 2024: Rp739.122.000 for 4.400 workers at Rp16.800 buys 739.122.000 /
    73.920.000 = 9,9989 months: 9 whole months, and Rp78.000 short of the tenth
    (10 × 73.920.000 = 739.200.000).

    Raises
    ------
    UserError
        When not exactly two of the three are given, or a value is out of range.
    """
    given = [name for name, v in (("budget", budget_rp), ("workers", workers),
                                  ("months", months)) if v is not None]
    if len(given) != 2:
        raise UserError(
            "give exactly two of --budget, --workers and --months "
            f"(got {', '.join('--' + g for g in given) or 'none'})"
        )
    day = as_date(on) or date.today()
    breakdown = contribution_breakdown(package, day, income_rp, wage_rp, params)
    monthly = breakdown["total_rp"]
    if budget_rp is None:
        mode = "budget"
        workers, months = positive_int(workers, "workers"), positive_int(months, "months")
        budget_rp = workers * months * monthly
        unit = None
    elif months is None:
        mode = "months"
        workers = positive_int(workers, "workers")
        unit = workers * monthly
        months = _affordable(budget_rp, unit)
    else:
        mode = "workers"
        months = positive_int(months, "months")
        unit = months * monthly
        workers = _affordable(budget_rp, unit)
    budget = _whole_rupiah(amount_rp(budget_rp))
    cost = workers * months * monthly
    # The exact quotient answers "what did this published budget buy"; the whole number
    # answers "how many whole months (workers) can I pay". Both are given, with what the next
    # whole unit would still cost.
    exact = float(Decimal(budget) / Decimal(unit)) if unit else None
    short = (workers if mode == "workers" else months) + 1
    shortfall = short * unit - budget if unit and cost != budget else 0
    return {
        "budget_rp": budget,
        "workers": workers,
        "months": months,
        "package": breakdown["package"],
        "per_worker_month_rp": monthly,
        "mode": mode,
        "label": breakdown["label"],
        "cost_rp": cost,
        "remainder_rp": budget - cost,
        "months_exact": exact if mode == "months" else float(months),
        "workers_exact": exact if mode == "workers" else float(workers),
        "shortfall_rp": shortfall,
        "near_whole": bool(unit and shortfall and shortfall <= NEAR_WHOLE_SHARE * unit),
        "basis_rp": breakdown["basis_rp"],
        "on": day.isoformat(),
        "breakdown": breakdown,
    }
