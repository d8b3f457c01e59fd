"""Input hashes of the reports: what a report depends on, reduced to one digest per report.

The shared digest covers every file under ``data/`` (and the user-data folder), the whole package
(its Python files, render templates and locales) and the versions of the libraries that shape a
report. A report's own hash adds its notebook, its parameters, its scenario file and the
*effective* as-of date: without ``--as-of`` a report speaks for the newest fact dated on or
before today, so a fact dated in the future changes the report on the day its date passes, and
the hash changes with it (no ``--force`` needed). Nothing here imports matplotlib or IPython, so
a run with nothing to do decides in seconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import analysis
from analysis.build.jobs import Job
from analysis.core import config
from analysis.core.files import sha256_file
from analysis.data.tables import newest_fact_date

# What the input hash covers besides the notebook and its parameters: the whole package, not
# only build/, so that a change to the model or the briefs rebuilds the reports.
_PACKAGE = Path(analysis.__file__).resolve().parent
_CODE_PATTERNS = ("**/*.py", "render/templates/*", "core/locales/*")


def _tree_files(root: Path, patterns: Sequence[str]) -> list[Path]:
    files: set[Path] = set()
    for pattern in patterns:
        for path in root.glob(pattern):
            rel = path.relative_to(root).parts
            if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in rel):
                files.add(path)
    return sorted(files)


def inputs_digest() -> str:
    """Hash of every input shared by all reports: data, user data, code, templates, locales.

    Returns
    -------
    str
        sha256 hex digest over (relative path, content) of each file, in sorted order.
    """
    digest = hashlib.sha256()
    groups = [
        ("data", config.DATA, ("**/*",)),
        ("user", config.user_data_dir(), ("**/*",)),
        ("code", _PACKAGE, _CODE_PATTERNS),
    ]
    for label, root, patterns in groups:
        if not root.is_dir() or (label == "user" and config.DATA in root.resolve().parents):
            continue  # the default user folder (data/user) is already part of data/
        for path in _tree_files(root, patterns):
            digest.update(f"{label}:{path.relative_to(root).as_posix()}\0".encode())
            digest.update(sha256_file(path).encode())
    for name, version in library_versions().items():
        digest.update(f"lib:{name}={version}\0".encode())
    return digest.hexdigest()


# Libraries whose upgrade can change what a report shows (numbers, charts, PDF layout).
REPORT_LIBRARIES = ("numpy", "pandas", "matplotlib", "seaborn", "papermill", "ipython", "typst",
                    "openpyxl", "markdown-it-py")


def library_versions() -> dict[str, str]:
    """Installed versions of ``REPORT_LIBRARIES``, read from package metadata (no import).

    Returns
    -------
    dict
        Distribution name → version ("missing" when not installed).
    """
    from importlib import metadata

    versions = {}
    for name in REPORT_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def effective_as_of(as_of: str | None) -> str:
    """The date a report's data speak for: ``as_of``, or the newest fact dated up to today.

    Parameters
    ----------
    as_of : str, optional
        The ``--as-of`` date, if any.

    Returns
    -------
    str
        ISO date (``analysis.data.tables.newest_fact_date``, which the briefs use too).
    """
    return newest_fact_date(as_of)


def job_hash(job: Job, shared: str) -> str:
    """Input hash of one report: shared inputs, notebook bytes, parameters, scenario file and
    the effective as-of date."""
    digest = hashlib.sha256(shared.encode())
    digest.update(Path(job.notebook).read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    digest.update(f"as-of:{effective_as_of(job.parameters.get('as_of'))}".encode())
    scenario = job.parameters.get("scenario_file")
    if scenario and Path(scenario).is_file():
        digest.update(Path(scenario).read_bytes())
    return digest.hexdigest()
