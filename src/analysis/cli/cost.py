"""``python -m analysis cost``: the contribution calculator (budget, months or workers).

Parsing and printing only: the answer comes from ``analysis.model.contributions.cost_answer``
and its wording from ``analysis.views.cost.describe_cost``.
"""

from __future__ import annotations

import argparse

from analysis.core.errors import UserError
from analysis.core.numbers import parse_number, parse_rupiah


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``cost`` command to the sub-commands of ``python -m analysis``."""
    p = sub.add_parser(
        "cost",
        help="contribution calculator: budget, months or workers",
        description=(
            "Answer the three budget questions offices ask. Give exactly two of --budget, "
            "--workers and --months; the third is computed. Months and workers computed from a "
            "budget are whole numbers, rounded down, followed by the exact fraction the budget "
            "buys and what the next whole month or worker would still cost ('9,99 bulan; "
            "kurang Rp78.000 untuk 10 bulan penuh'). More than 12 months is allowed (a "
            "multi-year budget at the rates in force on --on). Default package: JKK+JKM for "
            "informal (BPU) workers at the lowest income basis, rates in force today."
        ),
        epilog=(
            "examples:\n"
            "  python -m analysis cost --workers 2500 --months 7\n"
            "  python -m analysis cost --budget \"Rp 294 juta\" --workers 2.500\n"
            "  python -m analysis cost --budget 294.000.000 --months 7 --json\n"
            "  python -m analysis cost --budget 739122000 --workers 4400 --on 2024-06-01\n"
            "  python -m analysis cost --workers 2814 --months 12 --package pu-jkk-jkm "
            "--wage 2.539.444\n"
            "  python -m analysis cost --workers 100 --months 12 --package jkk-jkm-jht "
            "--income \"2 juta\" --lang en\n\n"
            "--json prints one object with budget_rp, workers, months, package, "
            "per_worker_month_rp (whole numbers), months_exact and workers_exact (the exact "
            "fraction), and also mode, label, cost_rp, remainder_rp, shortfall_rp, near_whole, "
            "basis_rp, on.\n"
            "Amounts accept Indonesian writing: \"Rp 1,5 miliar\", \"Rp 1,2 M\" (M = miliar), "
            "\"294 juta\", \"294 jt\", \"250 rb\", \"294.000.000\"."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--budget", metavar="RP",
                   help="budget in rupiah, e.g. \"Rp 1,5 miliar\" or \"Rp 1,2 M\" (M = miliar)")
    p.add_argument("--workers", metavar="N", help="number of workers, e.g. 2.500")
    p.add_argument("--months", metavar="M", help="months of contributions, e.g. 12")
    p.add_argument(
        "--package",
        default="jkk-jkm",
        help="jkk-jkm (default), jkk-jkm-jht (informal, BPU); pu-jkk-jkm, pu-jkk-jkm-jht, "
        "pu-jkk-jkm-jp, pu-jkk-jkm-jht-jp (village officials, BPD, non-ASN: need --wage)",
    )
    basis = p.add_mutually_exclusive_group()
    basis.add_argument(
        "--income", metavar="RP", help="declared monthly income of a BPU worker (default: Rp1 juta)"
    )
    basis.add_argument(
        "--wage", metavar="RP", help="monthly wage or fixed income (siltap) for pu-* packages"
    )
    p.add_argument("--on", metavar="YYYY-MM-DD", help="date of the rates (default: today)")
    p.add_argument("--lang", default="id", choices=["id", "en"], help="output language")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Answer the question of ``args`` and print it as text or as one JSON object.

    Returns
    -------
    int
        0; an argument that cannot be read raises ``UserError`` (exit code 2).
    """
    import json

    # Late: the model loads pandas and the parameters; `--help` needs neither.
    from analysis.model.contributions import cost_answer
    from analysis.views.cost import describe_cost

    def read(text: str | None, what: str, parse):
        if text is None:
            return None
        try:
            return parse(text)
        except ValueError as exc:
            raise UserError(f"--{what}: {exc}") from None

    answer = cost_answer(
        budget_rp=read(args.budget, "budget", parse_rupiah),
        workers=read(args.workers, "workers", parse_number),
        months=read(args.months, "months", parse_number),
        package=args.package,
        on=args.on,
        income_rp=read(args.income, "income", parse_rupiah),
        wage_rp=read(args.wage, "wage", parse_rupiah),
    )
    if args.json:
        answer.pop("breakdown")
        print(json.dumps(answer, ensure_ascii=False))
    else:
        print(describe_cost(answer, args.lang))
    return 0
