"""Where every input comes from: raw-file sidecars, their checksums, and the whole-dataset check.

Every raw CSV has a ``<name>.csv.meta.yml`` sidecar with title, publisher, URLs, dates, licence,
units, manual steps and the sha256 of the file. :func:`verify_checksums` checks them all, and
:func:`check_dataset` validates every table, the sidecars, the policy parameters and the
assumptions log (ranges included: shares and rates in 0-1, no negative rupiah, dates that are
dates) and the user data folder at once (``python -m analysis data check``; ``reports`` runs the
same check before building). Scenario files are checked by the command line, which may use the
model (``analysis.cli.data``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from analysis.core import config
from analysis.core.errors import UserError, ValidationError
from analysis.core.files import read_yaml_file, repo_label, sha256_file
from analysis.data.parameters import load_assumptions, load_parameters
from analysis.data.schemas import SCHEMAS
from analysis.data.tables import load_table, read_text_table

SIDECAR_FIELDS = (
    "title",
    "publisher",
    "source_urls",
    "date_published",
    "date_accessed",
    "licence",
    "units",
    "manual_steps",
    "sha256",
)


# --- Raw files and their sidecars ----------------------------------------------------------------


@dataclass(frozen=True)
class RawFile:
    """A raw CSV and its metadata sidecar (None when it has none)."""

    csv: Path
    sidecar: Path | None


def sidecar_of(csv: Path) -> Path | None:
    """The sidecar of a CSV, ``<name>.csv.meta.yml``, if it exists."""
    candidate = csv.with_name(csv.name + ".meta.yml")
    return candidate if candidate.exists() else None


def raw_files(directory: Path | None = None) -> list[RawFile]:
    """Every raw CSV with its sidecar.

    Parameters
    ----------
    directory : Path, optional
        Defaults to ``config.RAW``.

    Returns
    -------
    list of RawFile
        Sorted by file name.
    """
    directory = config.RAW if directory is None else directory
    return [RawFile(p, sidecar_of(p)) for p in sorted(directory.glob("*.csv"))]


def _read_sidecar(path: Path) -> dict:
    meta = read_yaml_file(path, "sidecar")
    return meta if isinstance(meta, dict) else {}


def verify_checksums(directory: Path | None = None, *, fields: bool = False) -> list[str]:
    """Check that every raw CSV has a sidecar whose sha256 matches the file.

    Parameters
    ----------
    directory : Path, optional
        Defaults to ``config.RAW``.
    fields : bool
        Also require every field of ``SIDECAR_FIELDS`` in each sidecar.

    Returns
    -------
    list of str
        One message per problem; empty when all is well.
    """
    problems = []
    for raw in raw_files(directory):
        label = repo_label(raw.csv)
        if raw.sidecar is None:
            problems.append(f"{label}: no sidecar {raw.csv.name}.meta.yml")
            continue
        meta = _read_sidecar(raw.sidecar)
        if fields:
            missing = [f for f in SIDECAR_FIELDS if f not in meta]
            if missing:
                problems.append(f"{repo_label(raw.sidecar)}: missing fields {', '.join(missing)}")
        expected = str(meta.get("sha256") or "").strip().lower()
        actual = sha256_file(raw.csv)
        if not expected:
            problems.append(f"{repo_label(raw.sidecar)}: no sha256")
        elif expected != actual:
            problems.append(
                f"{repo_label(raw.sidecar)}: sha256 {expected[:12]}… does not match "
                f"{raw.csv.name} ({actual[:12]}…); the file changed after its sidecar was written"
            )
    return problems


# --- Whole-dataset check -------------------------------------------------------------------------


@dataclass
class DatasetReport:
    """Outcome of :func:`check_dataset`."""

    rows: dict[str, int] = field(default_factory=dict)
    user_rows: dict[str, int] = field(default_factory=dict)
    flags: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found (warnings allowed)."""
        return not self.problems


def check_dataset(*, include_user: bool = True) -> DatasetReport:
    """Validate every table, the raw sidecars and the user data folder.

    Parameters
    ----------
    include_user : bool
        Also validate the tables in ``config.user_data_dir()``.

    Returns
    -------
    DatasetReport
        Rows per table, flag counts, problems (make the dataset invalid) and warnings.
    """
    report = DatasetReport()
    for name in SCHEMAS:
        try:
            table = load_table(name, include_user=include_user)
        except ValidationError as exc:
            report.problems += [str(p) for p in exc.problems]
            continue
        except UserError as exc:
            report.problems.append(str(exc))
            continue
        report.rows[name] = len(table)
        if include_user:
            user_file = config.user_data_dir() / f"{name}.csv"
            if user_file.exists() and (name == "sources" or SCHEMAS[name].importable):
                report.user_rows[name] = len(read_text_table(user_file))
        if "flag" in table:
            for text in table["flag"]:
                report.flags.update(f for f in text.split(";") if f)
    catalogue = {f for s in SCHEMAS.values() for f in s.files}
    extra = sorted({p.name for p in config.RAW.glob("*.csv")} - catalogue)
    report.warnings += [
        f"{repo_label(config.RAW / f)}: not a table of the catalogue" for f in extra
    ]
    report.problems += verify_checksums(fields=True)
    report.problems += policy_problems()
    if include_user and config.user_data_dir().exists():
        report.warnings += verify_checksums(config.user_data_dir())
    return report


def policy_problems() -> list[str]:
    """Problems of the policy parameters and the assumptions log.

    Each file is checked as the analysis loads it (units, dates, ranges: shares and rates in
    0-1, nothing negative), and every ``assumption`` a parameter cites must be in the log.
    (That parameter sources are in the source registers is a test of the shipped data.)

    Returns
    -------
    list of str
        One message per problem (naming file, parameter and field); empty when all is well.
    """
    problems: list[str] = []
    params = log = None
    try:
        params = load_parameters()
    except UserError as exc:
        problems.append(str(exc))
    try:
        log = load_assumptions()
    except UserError as exc:
        problems.append(str(exc))
    if params is None or log is None:
        return problems
    for name in params.names():
        for entry in params.history(name):
            if entry["assumption"] and entry["assumption"] not in log:
                problems.append(f"{params.files[name]}: {name} (from "
                                f"{entry['effective_from']}): assumption "
                                f"{entry['assumption']} is not in the assumptions log")
    return problems
