"""Render one executed notebook: ``python -m analysis.render NB --pdf X --html Y --xlsx Z``.

The only command line outside ``analysis.cli``: it lets ``render`` run on its own, on a notebook
executed elsewhere (docs/pdf-route.md, benchmarks/bench_reports.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from analysis.core.files import atomic_write
from analysis.render import RENDERERS, render
from analysis.render.stamp import make_stamp


def main(argv: Sequence[str] | None = None) -> int:
    """Render one executed notebook: ``python -m analysis.render NB --pdf X --html Y --xlsx Z``."""
    import nbformat

    parser = argparse.ArgumentParser(
        prog="python -m analysis.render",
        description="Render an executed report notebook to PDF (Typst), HTML and XLSX.",
    )
    parser.add_argument("notebook", type=Path, help="executed notebook (.ipynb)")
    for fmt in RENDERERS:
        parser.add_argument(f"--{fmt}", type=Path, help=f"write the {fmt.upper()} here")
    args = parser.parse_args(argv)
    nb = nbformat.read(args.notebook, as_version=4)
    stamp = make_stamp()
    wanted = {fmt: getattr(args, fmt) for fmt in RENDERERS if getattr(args, fmt)}
    if not wanted:
        parser.error("name at least one of --pdf, --html, --xlsx")
    for fmt, content in render(nb, stamp, wanted).items():
        atomic_write(wanted[fmt], content)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
