"""Every path the project uses, resolved in one place so notebooks run from any folder.

Environment variables let scheduled jobs and tests point the project elsewhere without editing
code: ``PEKERJA_RENTAN_USER_DATA`` (imported user data) and ``PEKERJA_RENTAN_REPORTS`` (output).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
RAW = DATA / "raw"
PARAMETERS = DATA / "parameters"
SCENARIOS = DATA / "scenarios"
ASSUMPTIONS = DATA / "assumptions.yml"
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE / "render" / "templates"
LOCALES = PACKAGE / "core" / "locales"

# Resolution of every raster figure: notebook previews, PDF and HTML images share it.
FIGURE_DPI = 200


def user_data_dir() -> Path:
    """Folder holding user data brought in with ``python -m analysis data import``.

    Returns
    -------
    Path
        ``data/user`` unless ``PEKERJA_RENTAN_USER_DATA`` names another folder.
    """
    return Path(os.environ.get("PEKERJA_RENTAN_USER_DATA", DATA / "user"))


def reports_dir() -> Path:
    """Folder the report pipeline writes to.

    Returns
    -------
    Path
        ``reports`` unless ``PEKERJA_RENTAN_REPORTS`` names another folder.
    """
    return Path(os.environ.get("PEKERJA_RENTAN_REPORTS", ROOT / "reports"))
