"""Sentences answering a budget question (``python -m analysis cost``), in the report language.

The numbers come from ``analysis.model.contributions.cost_answer``; this module only words them,
in Indonesian (default) or English, with the language's number and rupiah formats.
"""

from __future__ import annotations

import math

from analysis.core.i18n import check_lang, t
from analysis.core.numbers import format_number, format_percent, format_rupiah
from analysis.model.contributions import NEAR_WHOLE_SHARE


def format_down(value: float, lang: str = "id", decimals: int = 2) -> str:
    """A fraction rounded down to ``decimals`` digits, so it never reads as the next whole number.

    Parameters
    ----------
    value : float
        e.g. 9,9989 months.
    lang : {"id", "en"}
        Report language.
    decimals : int
        Digits kept.

    Returns
    -------
    str
        ``"9,99"`` for 9,9989 (rounding would print "10,00", which reads as ten whole months).
    """
    scale = 10 ** decimals
    return format_number(math.floor(value * scale + 1e-9) / scale, lang, decimals)


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
    mode = answer["mode"]
    if mode != "budget" and answer.get("shortfall_rp"):
        whole = answer[mode]
        extra = {"exact": format_down(answer[f"{mode}_exact"], lang),
                 "shortfall": format_rupiah(answer["shortfall_rp"], lang, exact=True),
                 "next": format_number(whole + 1, lang),
                 "tolerance": format_percent(NEAR_WHOLE_SHARE, lang, 0)}
        lines.append(t(f"funding.exact_{mode}", lang, **extra))
        if answer.get("near_whole"):
            lines.append(t(f"funding.near_whole_{mode}", lang, **extra))
    if mode != "budget":
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
