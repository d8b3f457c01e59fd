"""Contribution cost engine: what BPJS Ketenagakerjaan protection costs a local government.

Answers the three budget questions an office asks (how much for N workers over M months; how
many months a budget pays for N workers; how many workers a budget pays for M months) and the
DBH Sawit question (how many palm-plantation workers the "other activities" share can fund).

Every rate comes from the dated policy parameters (``data/parameters/*.yml`` through
``analysis.params``); nothing here is a literal rate. Each function that needs a rate takes an
optional ``params`` object (anything with ``get(name, on)`` and ``entry(name, on)``) and uses the
shipped parameters when it is omitted.

Rupiah rounding rule (one place: ``_whole_rupiah``): BPJS bills whole rupiah, so the
contribution of one worker for one month is rounded half up to a whole rupiah once, after
adding its programmes; budgets are that whole amount times workers times months, so they are
exact multiples of the monthly bill, as in published budgets (2.814 × 12 × Rp13.713 =
Rp463.060.584 in Dairi 2023).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from numbers import Real
from typing import Any, Protocol

from analysis.core.errors import UserError


class Parameters(Protocol):
    """What the engine needs from a parameters object (see ``analysis.params``)."""

    def get(self, name: str, on: date | None = None) -> Any: ...

    def entry(self, name: str, on: date | None = None) -> dict: ...


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


def _parameters(params: Parameters | None) -> Parameters:
    if params is not None:
        return params
    from analysis.params import load_parameters  # late: the CLI imports this module early

    return load_parameters()


def _whole_rupiah(amount: Decimal) -> int:
    """The single rounding rule: whole rupiah, half up (see the module docstring)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def as_date(on: date | str | None) -> date | None:
    """Read a date given as ``date``, ISO text ``YYYY-MM-DD`` or ``None`` (today).

    Parameters
    ----------
    on : date, str or None
        The date the rates are taken at.

    Returns
    -------
    date or None
        The date; ``None`` stays ``None`` (the parameters read it as today).

    Raises
    ------
    UserError
        For text that is not an ISO date.
    """
    if on is None or isinstance(on, date):
        return on
    try:
        return date.fromisoformat(str(on).strip())
    except ValueError:
        raise UserError(f"date must be written YYYY-MM-DD, got {on!r}") from None


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


def _positive_int(value: object, what: str, *, allow_zero: bool = False) -> int:
    """Check a count (workers, months) is a whole number above zero."""
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise UserError(f"{what} must be a whole number, got {value!r}")
    if not math.isfinite(value) or value != int(value):
        raise UserError(f"{what} must be a whole number, got {value!r}")
    number = int(value)
    if number < 0 or (number == 0 and not allow_zero):
        limit = "zero or more" if allow_zero else "more than zero"
        raise UserError(f"{what} must be {limit}, got {number}")
    return number


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
    params = _parameters(params)
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
    workers = _positive_int(workers, "workers")
    months = _positive_int(months, "months")
    return workers * months * monthly_contribution(package, on, income_rp, wage_rp, params)


def _affordable(budget_rp: float, per_unit_rp: int) -> int:
    budget = _budget(budget_rp)
    return int(budget // per_unit_rp)


def _budget(budget_rp: float) -> Decimal:
    if isinstance(budget_rp, bool) or not isinstance(budget_rp, Real | Decimal):
        raise UserError(f"budget must be an amount of rupiah, got {budget_rp!r}")
    if not math.isfinite(budget_rp) or budget_rp < 0:
        raise UserError(f"budget must be zero or more, got {budget_rp}")
    return Decimal(str(budget_rp))


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
    workers = _positive_int(workers, "workers")
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
    months = _positive_int(months, "months")
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
    first, last = _month_date(start), _month_date(end)
    if last < first:
        raise UserError(f"the period ends ({end}) before it starts ({start})")
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _month_date(value: date | str) -> date:
    if isinstance(value, str) and len(value.strip()) == 7:
        value = value.strip() + "-01"
    result = as_date(value)
    if result is None:
        raise UserError("a period needs both a start and an end date")
    return result.replace(day=1)


def dbh_envelope(
    allocation_rp: float,
    social_share: float = 1.0,
    on: date | str | None = None,
    params: Parameters | None = None,
) -> int:
    """Rupiah of a DBH Sawit allocation that may go to palm workers' social protection.

    PMK 91/2023 Pasal 16 keeps at least 80% for roads and allows at most 20% for "other
    activities", of which social protection of unregistered palm workers (Pasal 16(5)e) is one
    of five; ``social_share`` is the part of that 20% the regency gives to it.

    Parameters
    ----------
    allocation_rp : float
        The regency's DBH Sawit allocation for the year.
    social_share : float
        Share (0–1) of the "other activities" envelope used for social protection; 1 = all.
    on : date or str, optional
        Date the rule is taken at.
    params : Parameters, optional
        Parameters object; the shipped parameters when omitted.

    Returns
    -------
    int
        floor(allocation × ``dbh_sawit.other.max_share`` × social_share), whole rupiah; rounded
        down because the envelope is a legal ceiling.
    """
    allocation = _budget(allocation_rp)
    if isinstance(social_share, bool) or not 0 <= social_share <= 1:
        raise UserError(f"social_share must be a share between 0 and 1, got {social_share!r}")
    params = _parameters(params)
    cap = Decimal(str(params.get("dbh_sawit.other.max_share", as_date(on))))
    return int(allocation * cap * Decimal(str(social_share)))


def palm_workers_fundable(
    envelope_rp: float,
    months: int = 12,
    eligible_workers: int | None = None,
    package: str = DEFAULT_PACKAGE,
    on: date | str | None = None,
    income_rp: float | None = None,
    params: Parameters | None = None,
) -> int:
    """Palm-plantation workers a DBH Sawit envelope covers for ``months``.

    Parameters
    ----------
    envelope_rp : float
        Rupiah available (see ``dbh_envelope``).
    months : int
        Months of contributions; 12 by default.
    eligible_workers : int, optional
        Palm-plantation workers not yet registered: PMK 91/2023 Pasal 16(5)e funds only them,
        so the answer never exceeds this number. No cap when omitted.
    package, on, income_rp, params
        As in ``contribution_breakdown`` (BPU packages).

    Returns
    -------
    int
        min(floor(envelope / (monthly × months)), eligible_workers).
    """
    fundable = workers_affordable(envelope_rp, months, package, on, income_rp, None, params)
    if eligible_workers is None:
        return fundable
    return min(fundable, _positive_int(eligible_workers, "eligible workers", allow_zero=True))


def dbh_allocation(area_code: str, year: int) -> int | None:
    """DBH Sawit allocation of a province or regency for a year, from ``dbh_sawit``.

    Parameters
    ----------
    area_code : str
        Kemendagri code, ``"12.10"`` (regency) or ``"12"`` (province).
    year : int
        Budget year.

    Returns
    -------
    int or None
        Whole rupiah, or None when the table has no row. Where several rows exist (a user
        import appended after the shipped row), the last one, i.e. the newest, is used. Check
        the row's ``flag`` (e.g. UNCONFIRMED) with ``analysis.data.load_table("dbh_sawit")``.
    """
    from analysis.data import load_table  # late: keeps the cost engine usable without data

    table = load_table("dbh_sawit")
    return allocation_from_table(table, area_code, year)


def allocation_from_table(table: Any, area_code: str, year: int) -> int | None:
    """Pick the allocation of ``area_code`` and ``year`` from a ``dbh_sawit`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``area_code``, ``year``, ``amount_rp`` (see data/README.md).
    area_code : str
        Kemendagri code.
    year : int
        Budget year.

    Returns
    -------
    int or None
        The last matching non-empty amount, or None.
    """
    rows = table[(table["area_code"].astype(str) == str(area_code)) & (table["year"] == year)]
    amounts = rows["amount_rp"].dropna()
    if amounts.empty:
        return None
    return int(amounts.iloc[-1])


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
        answer filled in), and also ``mode`` (``"budget"``, ``"months"`` or ``"workers"``: the
        quantity computed), ``label`` ("JKK+JKM"), ``cost_rp`` (workers × months × monthly: what
        the answer spends), ``remainder_rp`` (budget − cost), ``basis_rp`` (income or wage the
        rates apply to), ``on`` (ISO date of the rates) and ``breakdown`` (see
        ``contribution_breakdown``).

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
        workers, months = _positive_int(workers, "workers"), _positive_int(months, "months")
        budget_rp = workers * months * monthly
    elif months is None:
        mode = "months"
        workers = _positive_int(workers, "workers")
        months = _affordable(budget_rp, workers * monthly)
    else:
        mode = "workers"
        months = _positive_int(months, "months")
        workers = _affordable(budget_rp, months * monthly)
    budget = _whole_rupiah(_budget(budget_rp))
    cost = workers * months * monthly
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
        "basis_rp": breakdown["basis_rp"],
        "on": day.isoformat(),
        "breakdown": breakdown,
    }


def describe_cost(answer: dict, lang: str = "id") -> str:
    """Sentences answering a budget question, in Indonesian (default) or English.

    Parameters
    ----------
    answer : dict
        The result of ``cost_answer``.
    lang : {"id", "en"}
        Report language.

    Returns
    -------
    str
        e.g. "Anggaran: Rp294.000.000 (Rp294 juta) untuk 2.500 pekerja × 7 bulan, paket JKK+JKM
        Rp16.800/pekerja/bulan", followed by the breakdown of the monthly contribution.
    """
    from analysis.core.i18n import check_lang, t
    from analysis.core.numbers import format_number, format_percent, format_rupiah

    check_lang(lang)

    def money(value: int) -> str:
        exact, short = format_rupiah(value, lang, exact=True), format_rupiah(value, lang)
        return exact if exact == short else f"{exact} ({short})"

    values = {
        "budget": money(answer["budget_rp"]),
        "workers": format_number(answer["workers"], lang),
        "months": format_number(answer["months"], lang),
        "package": answer["label"],
        "monthly": format_rupiah(answer["per_worker_month_rp"], lang, exact=True),
        "cost": format_rupiah(answer["cost_rp"], lang, exact=True),
        "remainder": format_rupiah(answer["remainder_rp"], lang, exact=True),
    }
    lines = [t(f"funding.answer_{answer['mode']}", lang, **values)]
    if answer["mode"] != "budget":
        lines.append(t("funding.spent", lang, **values))
    parts = []
    for c in answer["breakdown"]["components"]:
        if c["parameter"].endswith(".rate"):
            exponent = (c["value"] * 100).normalize().as_tuple().exponent
            decimals = max(0, -exponent) if isinstance(exponent, int) else 0
            text = f"{c['programme']} {format_percent(float(c['value']), lang, decimals)}"
        else:
            text = f"{c['programme']} {format_rupiah(float(c['value']), lang, exact=True)}"
        if c.get("assumption"):
            text += " " + t("funding.assumption", lang, id=c["assumption"])
        parts.append(text)
    basis_key = "funding.basis_income" if answer["breakdown"]["basis"] == "income" else (
        "funding.basis_wage")
    lines.append(
        t(
            "funding.breakdown",
            lang,
            parts=" + ".join(parts),
            basis=t(basis_key, lang, amount=format_rupiah(answer["basis_rp"], lang, exact=True)),
            on=answer["on"],
        )
    )
    if answer["months"] > 12:
        lines.append(t("funding.multi_year", lang, on=answer["on"]))
    return "\n".join(lines)
