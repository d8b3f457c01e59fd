"""The report plan as data: which notebook runs with which parameters, and where its files go.

One ``Job`` per report and language: the province overview (notebook 04) and each kab/kota
(notebook 03). A name that matches no kab/kota gives a job that fails with the reason, not a stop.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.core import config, i18n
from analysis.core.errors import UserError
from analysis.data import names, tables

REGENCY_NOTEBOOK = config.NOTEBOOKS / "03_regency_report.ipynb"
PROVINCE_NOTEBOOK = config.NOTEBOOKS / "04_province_overview.ipynb"
FORMATS = ("pdf", "html", "xlsx", "ipynb")


@dataclass
class Job:
    """One report to build: a notebook, its parameters and where its files go."""

    kind: str  # "regency" or "province"
    code: str
    name: str
    lang: str
    notebook: str
    parameters: dict[str, Any]
    stem: str
    input_hash: str = ""
    error: str | None = None  # set when the job cannot even be planned (unknown regency)
    timeout_s: float | None = None  # stop the notebook after this many seconds

    @property
    def id(self) -> str:
        return f"{self.lang}/{self.code}"

    def relpath(self, fmt: str) -> str:
        return f"{self.lang}/{self.stem}.{fmt}"


def slugify(text: str) -> str:
    """File-name form of a name: ``"Nias Selatan"`` → ``"nias-selatan"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "area"


def resolve_regencies(province: str, given: Sequence[str] | None) -> list[str] | None:
    """Kab/kota codes for the names or codes a user gave, refusing any unknown one up front.

    Parameters
    ----------
    province : str
        Province code; it must have kab/kota.
    given : sequence of str, optional
        Codes or names (any variant ``analysis.data.names.resolve_regency`` knows).

    Returns
    -------
    list of str or None
        The codes; None when none were given (all of the province).

    Raises
    ------
    UserError
        An unknown province, or a name that matches no (or several) kab/kota.
    """
    if tables.regencies(province).empty:
        raise UserError(f"--province {province!r}: no such province code (e.g. 12)")
    if not given:
        return None
    codes = []
    for text in given:
        try:
            codes.append(names.resolve_regency(text, province))
        except UserError as exc:
            raise UserError(f"--regency {text!r}: {exc}") from None
    return codes


def plan_jobs(
    *,
    province: str = "12",
    regencies: Sequence[str] | None = None,
    langs: Sequence[str] = ("id",),
    as_of: str | None = None,
    overview: bool | None = None,
    regency_notebook: Path = REGENCY_NOTEBOOK,
    province_notebook: Path = PROVINCE_NOTEBOOK,
) -> list[Job]:
    """List the reports to build.

    Parameters
    ----------
    province : str
        Province code; all its kab/kota when ``regencies`` is empty.
    regencies : sequence of str, optional
        Codes or names of kab/kota (any variant ``analysis.data.names.resolve_regency``
        knows). A name that matches nothing gives a job that fails with the reason, not a stop.
    langs : sequence of {"id", "en"}
        Report languages.
    as_of : str, optional
        ISO date passed to the notebooks (data known on that date); None = everything.
    overview : bool, optional
        Build the province overview; by default only when no regency is named.
    regency_notebook, province_notebook : Path
        The notebooks to run.

    Returns
    -------
    list of Job
        Province overview first (the longest), then kab/kota by code, for each language.
    """
    for lang in langs:
        i18n.check_lang(lang)
    table = tables.regencies(None if regencies else province)
    by_code = {row.regency_code: row for row in table.itertuples(index=False)}
    wanted: list[tuple[str, str | None]] = []  # (code or given text, error)
    if regencies:
        for given in regencies:
            try:
                wanted.append((names.resolve_regency(given, province), None))
            except Exception as exc:  # an unknown name fails that report only
                wanted.append((str(given), str(exc)))
    else:
        wanted = [(code, None) for code in sorted(by_code)]
    if overview is None:
        overview = not regencies
    jobs: list[Job] = []
    for lang in langs:
        if overview:
            prov_rows = tables.regencies(province)
            prov_name = str(prov_rows["province_name"].iloc[0]) if len(prov_rows) else province
            jobs.append(Job(
                kind="province", code=str(province), name=prov_name, lang=lang,
                notebook=str(province_notebook),
                parameters={"province_code": str(province), "lang": lang, "as_of": as_of},
                stem=f"{province}_{slugify(prov_name)}_overview",
            ))
        seen: set[str] = set()
        for code, error in wanted:
            if code in seen:
                continue
            seen.add(code)
            row = by_code.get(code)
            name = str(row.name) if row is not None else code
            jobs.append(Job(
                kind="regency", code=code, name=name, lang=lang,
                notebook=str(regency_notebook),
                parameters={"regency_code": code, "lang": lang, "as_of": as_of,
                            "scenario_file": None},
                stem=f"{code}_{slugify(str(row.short_name))}" if row is not None else code,
                error=error,
            ))
    return jobs
