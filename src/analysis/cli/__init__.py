"""Command line of the project: ``python -m analysis <command>``.

Each sub-command is a thin layer: it parses arguments, calls the analysis modules and prints.
There is one module per command (``data``, ``cost``, ``scenario``, ``reports``); each imports the
analysis inside its command body, so ``--help`` loads no pandas. Errors the user can fix (bad
input files, bad parameters) end with one clear message and exit code 2; nothing is half-written.

Exit codes, the same for every command (docs/scheduling.md): 0 done; 1 some reports failed (or
the run was stopped by a signal); 2 your input (an argument, a file, the data, a folder that
cannot be written); 3 busy (another run holds the lock). No user error ends in a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from analysis import __version__
from analysis.cli import cost, data, reports
from analysis.core.errors import Busy, UserError

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_BUSY = 0, 1, 2, 3


def _add_scenario(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scenario",
        help="run a Perkada funding scenario file",
        description=(
            "Project a funding scenario file (APBD, CSR, DBH Sawit, Dana Desa, province) year by "
            "year from the as-of year: the APBD budgeted (the file's, or what the regency spent "
            "then according to its payment cases), the chance of reaching the target with it, "
            "and the APBD needed. File format: data/scenarios/README.md."
        ),
    )
    p.add_argument("file", metavar="FILE", help="scenario file (YAML), e.g. "
                   "data/scenarios/12.10-labuhanbatu.yml")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (default 10000)")
    p.add_argument("--max-draws", type=int, default=1_000_000, metavar="N",
                   help="upper limit of --draws (default 1000000; memory grows with draws)")
    p.add_argument("--seed", type=int, default=None,
                   help="random seed, 0 or more (default: the seed of the notebooks and reports, "
                   "analysis.model.scenarios.DEFAULT_SEED)")
    p.add_argument("--prob", type=float, default=0.9,
                   help="chance of reaching the target for the recommended mix (default 0.9)")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language (default id)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", dest="as_of",
                   help="date the scenario speaks for: the horizon starts in its year and the "
                   "data (DBH Sawit, APBD spent) are read at it (default: the newest dated fact, "
                   "as the reports)")

    def run(args: argparse.Namespace) -> int:
        from analysis.cli import scenario  # late: the model loads pandas; `--help` needs none

        return scenario.run(args)

    p.set_defaults(func=run)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command.

    Returns
    -------
    argparse.ArgumentParser
        The parser of ``python -m analysis``.
    """
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description=(
            "Coverage, funding scenarios and report PDFs for BPJS Ketenagakerjaan protection of "
            "vulnerable workers (pekerja rentan) by local governments, North Sumatra first."
        ),
        epilog=(
            "examples:\n"
            "  python -m analysis cost --workers 2500 --months 7\n"
            "  python -m analysis cost --budget \"Rp 294 juta\" --months 7 --json\n"
            "  python -m analysis scenario data/scenarios/12.10-labuhanbatu.yml --draws 10000\n"
            "  python -m analysis data check\n"
            "  python -m analysis data import peserta.xlsx --source-url URL --publisher P "
            "--date 2026-10-31\n"
            "  python -m analysis reports --regency 12.14 --lang en\n\n"
            "Run 'python -m analysis COMMAND --help' for the options of a command."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (data.add_parser, cost.add_parser, _add_scenario, reports.add_parser):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        The exit code: 0 done, 1 some reports failed, 2 a user error (argparse's own errors
        included), 3 another run holds the lock.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except Busy as exc:
        print(f"busy: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except OSError as exc:
        # A file or folder the user named (or the disk) refused: one line, not a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("stopped (interrupted)", file=sys.stderr)
        return EXIT_FAILED
