"""The workbook calculator of a regency brief: the brief's arithmetic as Excel formulas.

Inputs take their defaults from the same model calls as the brief (the village target, the
contribution of ``data/parameters/rates.yml``, the DBH Sawit allocation and its legal share, the
APBD budgeted today, the regional spending); outputs are formulas on those inputs, so an official
who types 9 months, 60% of the target or another budget sees what follows without this software.
A test recomputes the formulas with an Excel engine and compares them with the model.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from analysis.core import i18n
from analysis.model.contributions import contribution_breakdown
from analysis.render.summary import Calculator, Cell

# Excel defined names, per workbook language (letters only, so no name looks like a cell).
NAMES = {
    "id": {"workers": "Pekerja", "share": "PorsiSasaran", "months": "Bulan", "rate": "Iuran",
           "others": "PekerjaSumberLain", "palm": "SawitBelumTerdaftar", "dbh": "AlokasiDBH",
           "dbh_other": "PorsiLain", "dbh_social": "PorsiSosial", "budget": "PaguAPBD",
           "belanja": "Belanja", "per_desa": "PekerjaPerDesa", "cost": "BiayaPerTahun",
           "envelope": "PaguDBH", "dbh_max": "PekerjaDBHMaks", "dbh_workers": "PekerjaDBH",
           "apbd": "APBDDibutuhkan", "belanja_share": "PorsiBelanja",
           "months_paid": "BulanTerbiayai", "workers_paid": "PekerjaTerbiayai",
           "per_desa_cost": "BiayaPerDesa"},
    "en": {"workers": "Workers", "share": "TargetShare", "months": "Months", "rate": "Rate",
           "others": "WorkersOtherSources", "palm": "PalmUnregistered", "dbh": "DBHAllocation",
           "dbh_other": "OtherShare", "dbh_social": "SocialShare", "budget": "APBDBudget",
           "belanja": "Spending", "per_desa": "WorkersPerDesa", "cost": "CostPerYear",
           "envelope": "DBHEnvelope", "dbh_max": "DBHWorkersMax", "dbh_workers": "DBHWorkers",
           "apbd": "APBDNeeded", "belanja_share": "SpendingShare",
           "months_paid": "MonthsFunded", "workers_paid": "WorkersFunded",
           "per_desa_cost": "CostPerDesa"},
}

# Output formulas with {name} placeholders for the defined names above.
FORMULAS = {
    "cost": "={workers}*{share}*{months}*{rate}",
    "envelope": '=IF({dbh}="",0,ROUNDDOWN({dbh}*{dbh_other}*{dbh_social},0))',
    "dbh_max": "=ROUNDDOWN({envelope}/({rate}*{months}),0)",
    # DBH Sawit pays only palm workers not yet registered: with no count, it pays nobody.
    "dbh_workers": '=IF({palm}="",0,MIN({palm},{dbh_max}))',
    "apbd": "=MAX(0,({workers}*{share}-{dbh_workers}-{others})*{rate}*{months})",
    "belanja_share": '=IF({belanja}="","",{apbd}/{belanja})',
    "months_paid": '=IF({budget}="","",ROUND({budget}/({workers}*{share}*{rate}),1))',
    "workers_paid": '=IF({budget}="","",ROUNDDOWN({budget}/({rate}*{months}),0))',
    "per_desa_cost": "={per_desa}*{rate}*{months}",
}
OUTPUT_KINDS = {"cost": "rupiah", "envelope": "rupiah", "dbh_max": "count",
                "dbh_workers": "count", "apbd": "rupiah", "belanja_share": "share",
                "months_paid": "number", "workers_paid": "count", "per_desa_cost": "rupiah"}


def rate_formula(package: str = "jkk-jkm", on: Any = None) -> str:
    """The monthly contribution as an Excel formula from its parts ("=1%*1000000+6800").

    Parameters
    ----------
    package : str
        Contribution package (``analysis.model.contributions.PACKAGES``).
    on : date or str, optional
        Date the rates are taken at.

    Returns
    -------
    str
        Each rate times the income basis, plus each fixed amount, as in
        ``contribution_breakdown``; an official sees where Rp16.800 comes from.
    """
    breakdown = contribution_breakdown(package, on=on)
    basis = int(breakdown["basis_rp"])
    terms = []
    for part in breakdown["components"]:
        value = Decimal(str(part["value"]))
        if part["parameter"].endswith(".rate"):
            terms.append(f"{(value * 100).normalize():f}%*{basis}")
        else:
            terms.append(f"{value.normalize():f}")
    return "=" + "+".join(terms)


def regency_calculator(
    lang: str, *, workers: float | None, desa: int, per_desa: float, dbh_allocation: Any,
    dbh_other_share: float, dbh_social_share: float, budget: Any, belanja: Any,
    on: Any = None,
) -> Calculator:
    """The calculator sheet of one regency, with the brief's figures as defaults.

    Parameters
    ----------
    lang : {"id", "en"}
        Workbook language (labels and defined names).
    workers : float or None
        Target workers (the village target; the informal estimate where there is no desa).
    desa : int
        Number of desa (for the cost per desa).
    per_desa : float
        Workers per desa of the village target (``targets.workers_per_desa``).
    dbh_allocation : number or None
        Latest DBH Sawit allocation in rupiah; None leaves the cell empty.
    dbh_other_share, dbh_social_share : float
        Legal share for "other activities" (20%) and the part of it for social protection.
    budget : number or None
        APBD budgeted today for these workers (rupiah a year); None when unknown.
    belanja : number or None
        Regional spending (belanja daerah) of the latest budget; None when unknown.
    on : date or str, optional
        Date of the contribution rates.

    Returns
    -------
    Calculator
    """
    names = NAMES[lang]

    def t(key: str, **kw: Any) -> str:
        return i18n.t(f"calculator.{key}", lang, **kw)

    def num(value: Any) -> Any:
        return None if value is None or value != value else float(value)

    inputs = [
        Cell(names["workers"], t("in_workers"), int(round(workers)) if workers else None,
             "count", t("unit_workers"), t("note_workers")),
        Cell(names["share"], t("in_share"), 1.0, "share", "", t("note_share")),
        Cell(names["months"], t("in_months"), 12, "number", t("unit_months"), t("note_months")),
        Cell(names["rate"], t("in_rate"), rate_formula(on=on), "rupiah", t("unit_rate"),
             t("note_rate")),
        Cell(names["others"], t("in_others"), 0, "count", t("unit_workers"), t("note_others")),
        Cell(names["palm"], t("in_palm"), None, "count", t("unit_workers"), t("note_palm")),
        Cell(names["dbh"], t("in_dbh"), num(dbh_allocation), "rupiah", "Rp", t("note_dbh")),
        Cell(names["dbh_other"], t("in_dbh_other"), float(dbh_other_share), "share", "",
             t("note_dbh_other")),
        Cell(names["dbh_social"], t("in_dbh_social"), float(dbh_social_share), "share", "",
             t("note_dbh_social")),
        Cell(names["budget"], t("in_budget"), num(budget), "rupiah", "Rp", t("note_budget")),
        Cell(names["belanja"], t("in_belanja"), num(belanja), "rupiah", "Rp",
             t("note_belanja")),
        Cell(names["per_desa"], t("in_per_desa"), int(per_desa), "count", t("unit_workers"),
             t("note_per_desa", desa=desa)),
    ]
    outputs = [
        Cell(names[key], t(f"out_{key}"), FORMULAS[key].format(**names), OUTPUT_KINDS[key],
             t(f"unit_{OUTPUT_KINDS[key]}"), t(f"note_out_{key}"), 1)
        for key in FORMULAS
    ]
    return Calculator(
        sheet=t("sheet"), title=t("title"), inputs=inputs, outputs=outputs, note=t("note"),
        labels={"inputs": t("inputs"), "outputs": t("outputs"), "item": t("item"),
                "value": t("value"), "unit": t("unit"), "note": t("col_note")},
    )
