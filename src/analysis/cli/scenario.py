"""The ``scenario`` command: run a funding scenario file and print its table and mix.

``run(args)`` is what ``python -m analysis scenario FILE`` calls with the parsed arguments (the
parser lives in ``analysis.cli``); ``run_cli`` does the work with plain keyword arguments. It
computes through ``analysis.model.scenarios``, words the result through
``analysis.views.scenarios`` and prints it, as text or JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from analysis.core import i18n
from analysis.core.checks import as_date
from analysis.core.errors import UserError
from analysis.core.numbers import format_number
from analysis.data.tables import newest_fact_date
from analysis.model.scenarios import analyse, resolve
from analysis.views.scenarios import format_mix, format_table, messages, mix_messages, to_json


def run(args: argparse.Namespace) -> int:
    """Run the ``scenario`` command from its parsed arguments.

    Parameters
    ----------
    args : argparse.Namespace
        ``file``, ``json``, ``draws``, ``seed``, ``prob``, ``lang`` and ``as_of`` as parsed by
        ``analysis.cli``.

    Returns
    -------
    int
        The exit code of ``run_cli``.
    """
    return run_cli(args.file, as_json=args.json, draws=args.draws, seed=args.seed,
                   prob=args.prob, lang=args.lang, max_draws=args.max_draws,
                   as_of=getattr(args, "as_of", None))


def run_cli(
    file: str | Path, *, as_json: bool = False, draws: int = 10_000, seed: int | None = None,
    prob: float = 0.9, lang: str = "id", max_draws: int = 1_000_000,
    as_of: str | None = None
) -> int:
    """``python -m analysis scenario FILE``: print the per-year table and the recommended mix.

    Parameters
    ----------
    file : str or Path
        Scenario file.
    as_json : bool
        Print JSON (``to_json``) instead of text.
    draws : int
        Monte Carlo size.
    seed : int, optional
        Monte Carlo seed; the model's ``DEFAULT_SEED`` (as in the notebooks and reports) when
        None.
    prob : float
        Chance of reaching the target for the recommended mix.
    lang : {"id", "en"}
        Language and number format of the text.
    max_draws : int
        Refuse more draws than this (``--max-draws``).
    as_of : str, optional
        ISO date the scenario speaks for (see ``analysis.model.scenarios.resolve``); the newest
        dated fact when omitted, as in the reports.

    Returns
    -------
    int
        0; a bad file raises ``ScenarioError`` (the CLI prints it and exits 2).
    """
    if draws < 1:
        raise UserError(f"--draws must be 1 or more, got {draws}")
    if draws > max_draws:
        raise UserError(f"--draws {draws} is above the limit {max_draws} (raise it with "
                        "--max-draws)")
    if seed is not None and seed < 0:
        raise UserError(f"--seed must be 0 or more, got {seed}")
    if not 0 < prob < 1:
        raise UserError(f"--prob must lie between 0 and 1, got {prob:g}")
    day = as_date(as_of).isoformat() if as_of else newest_fact_date(None)
    an = analyse(resolve(scenario_file=file, as_of=day), draws=draws, seed=seed, prob=prob)
    if as_json:
        print(json.dumps(to_json(an, lang), ensure_ascii=False, indent=1))
        return 0
    s = an.scenario
    head = f"{s.regency_name} ({s.regency_code})" + (f": {s.title}" if s.title else "")
    print(head)
    print(i18n.t("scenarios.cli_setup", lang, package=s.package, draws=format_number(draws, lang),
                 seed=an.simulation.seed))
    print()
    print(format_table(an, lang))
    print()
    print(format_mix(an.mix, lang))
    notes = messages(an, lang) + mix_messages(an.mix, lang)
    if notes:
        print()
        print("\n".join(f"- {m}" for m in notes))
    return 0
