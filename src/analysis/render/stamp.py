"""The stamp every report carries: code version and generation time, and the texts built from it.

The as-of date of the data comes from the notebook's ``ReportMeta``; the stamp adds what the
build knows (package version with the git commit, UTC time of the run) for the colophon at the
end of the PDF, the HTML footer and the workbook's "Tentang" sheet. Every page footer names only
the area and the data date, in words.

Reproducible builds: when the environment variable ``SOURCE_DATE_EPOCH`` holds a Unix time
(https://reproducible-builds.org/specs/source-date-epoch/), that time is the generation time, so
two builds of the same inputs give byte-identical PDF (Typst's document date), HTML and XLSX
(document properties and zip entry dates).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis import __version__
from analysis.core import config, i18n, numbers


@dataclass(frozen=True)
class Stamp:
    """Provenance printed on every page: code version and generation time (the as-of date comes
    from the notebook's ``ReportMeta``)."""

    version: str
    generated: str
    timestamp: dt.datetime = field(compare=False, repr=False,
                                   default_factory=lambda: dt.datetime.now(dt.UTC))


def code_version() -> str:
    """Package version plus the short git commit of the working tree, or ``+unknown``.

    Returns
    -------
    str
        e.g. ``"0.1.0+3f2a9c1"`` in a checkout; the package version alone (``"0.1.0"``) for an
        installed package, which is that release.
    """
    if not config.CHECKOUT:
        return __version__
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=config.ROOT, capture_output=True,
            text=True, timeout=5, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        sha = ""
    return f"{__version__}+{sha or 'unknown'}"


# Zip files (the XLSX) cannot date an entry before 1980.
_EARLIEST = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def source_date() -> dt.datetime | None:
    """The time ``SOURCE_DATE_EPOCH`` names (UTC), or None when it is unset or not a number."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text.isdigit():
        return None
    return max(dt.datetime.fromtimestamp(int(text), dt.UTC), _EARLIEST)


def make_stamp(version: str | None = None, now: dt.datetime | None = None) -> Stamp:
    """A ``Stamp`` for a build started now (UTC, ISO 8601 to the second).

    ``SOURCE_DATE_EPOCH`` (a Unix time), when set, replaces the clock: reproducible builds.
    """
    now = (now or source_date() or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return Stamp(version=version or code_version(), generated=now.isoformat(), timestamp=now)


def long_date(iso: str, lang: str) -> str:
    """"2024-06-30" → "30 Juni 2024" / "30 June 2024"."""
    return numbers.format_date(iso, lang)


def footer_text(meta: Mapping[str, Any]) -> str:
    """The footer of every page: area and newest data ("Kabupaten Dairi · data terbaru 1 Juli")."""
    return i18n.t("reports.footer", meta["lang"], area=meta["area"],
                  as_of=long_date(meta["as_of"], meta["lang"]))


def stamp_text(meta: Mapping[str, Any], stamp: Stamp) -> str:
    """The stamp line (HTML footer, workbook): data date, code version, build date in words."""
    lang = meta["lang"]
    return i18n.t("reports.stamp", lang, as_of=long_date(meta["as_of"], lang),
                  version=stamp.version, generated=numbers.format_date(stamp.timestamp, lang))


def colophon_text(meta: Mapping[str, Any], stamp: Stamp) -> str:
    """The closing lines of a PDF: made from open data on which day, code version, disclaimer."""
    lang = meta["lang"]
    return i18n.t("reports.colophon", lang, version=stamp.version,
                  generated=numbers.format_date(stamp.timestamp, lang),
                  as_of=long_date(meta["as_of"], lang))


def kind_label(meta: Mapping[str, Any]) -> str:
    """The kind of report as the cover names it (regency brief or province overview)."""
    return i18n.t(f"reports.kind_{meta['kind']}", meta["lang"])
