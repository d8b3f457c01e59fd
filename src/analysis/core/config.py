"""Every path the project uses, resolved in one place so notebooks run from any folder.

The package runs from a checkout of the repository (``pip install -e .``, ``make``) or from a
plain install (``pip install .`` or a wheel). A checkout reads ``data/`` and ``notebooks/`` of
the repository; an install reads the copies shipped inside the package (``analysis/_shipped``)
and writes its reports and imported data under the current working folder.

Environment variables let scheduled jobs and tests point the project elsewhere without editing
code:

- ``PEKERJA_RENTAN_DATA``: a data folder laid out like ``data/`` (``raw/``, ``parameters/``,
  ``scenarios/``, ``assumptions.yml``), read when the package is first imported;
- ``PEKERJA_RENTAN_USER_DATA``: imported user data (default ``data/user``);
- ``PEKERJA_RENTAN_REPORTS``: report output (default ``reports``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
_REPOSITORY = PACKAGE.parents[1]  # src/analysis → the repository, in a checkout
# A checkout has the project file and the data beside src/; an install has neither there.
CHECKOUT = (_REPOSITORY / "pyproject.toml").is_file() and (_REPOSITORY / "data" / "raw").is_dir()
# The folder holding data/ and notebooks/: the repository, or the copy shipped in the package.
ROOT = _REPOSITORY if CHECKOUT else PACKAGE / "_shipped"
SHIPPED_DATA = ROOT / "data"
DATA = Path(os.environ.get("PEKERJA_RENTAN_DATA") or SHIPPED_DATA).expanduser()
RAW = DATA / "raw"
PARAMETERS = DATA / "parameters"
SCENARIOS = DATA / "scenarios"
ASSUMPTIONS = DATA / "assumptions.yml"
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = PACKAGE / "render" / "templates"
LOCALES = PACKAGE / "core" / "locales"

# Resolution of every raster figure: notebook previews, PDF and HTML images share it.
FIGURE_DPI = 200


def work_dir() -> Path:
    """Folder that outputs go under by default: the repository, or the current folder.

    Returns
    -------
    Path
        The repository in a checkout; the current working folder for an installed package
        (its own folder in site-packages is not the user's to write in).
    """
    return ROOT if CHECKOUT else Path.cwd()


def user_data_dir() -> Path:
    """Folder holding user data brought in with ``python -m analysis data import``.

    Returns
    -------
    Path
        ``PEKERJA_RENTAN_USER_DATA`` when set; else ``user/`` of the data folder, or
        ``data/user`` under the current folder when the data is the copy inside an installed
        package.
    """
    given = os.environ.get("PEKERJA_RENTAN_USER_DATA")
    if given:
        return Path(given)
    if CHECKOUT or DATA != SHIPPED_DATA:
        return DATA / "user"
    return work_dir() / "data" / "user"


def reports_dir() -> Path:
    """Folder the report pipeline writes to.

    Returns
    -------
    Path
        ``PEKERJA_RENTAN_REPORTS`` when set; else ``reports`` in the repository (checkout) or
        in the current folder (installed package).
    """
    given = os.environ.get("PEKERJA_RENTAN_REPORTS")
    return Path(given) if given else work_dir() / "reports"
