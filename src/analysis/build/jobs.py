"""The report plan as data: which notebook runs with which parameters, and where its files go.

One ``Job`` per report and language: the province overview (notebook 04) and each kab/kota
(notebook 03) of any of the 38 provinces; for ``province="all"`` the national overview of
provinces (notebook 05), every province overview and all 514 kab/kota. A name that matches no
kab/kota gives a job that fails with the reason, not a stop; an unknown province code stops the
plan with a message listing the codes.
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
NATIONAL_NOTEBOOK = config.NOTEBOOKS / "05_national_overview.ipynb"
FORMATS = ("pdf", "html", "xlsx", "ipynb")
ALL = "all"  # --province all: the whole country
NATIONAL_CODE = "ID"


@dataclass
class Job:
    """One report to build: a notebook, its parameters and where its files go."""

    kind: str  # "regency", "province" or "national"
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


def provinces_of(province: str) -> list[str]:
    """The province codes a ``--province`` value stands for.

    Parameters
    ----------
    province : str
        A province code (``"65"``), or ``"all"`` / ``"ID"`` for every province.

    Returns
    -------
    list of str
        Province codes in order.

    Raises
    ------
    UserError
        For a code that is no province, with the list of codes.
    """
    table = tables.regencies(None)
    known = dict(zip(table["province_code"], table["province_name"], strict=False))
    text = str(province).strip()
    if text.lower() == ALL or text.upper() == NATIONAL_CODE:
        return sorted(known)
    if text not in known:
        listing = ", ".join(f"{code} {name}" for code, name in sorted(known.items()))
        raise UserError(f"--province {province!r}: no such province code; use a province "
                        f"code or 'all': {listing}")
    return [text]


def is_national(province: str) -> bool:
    """True for ``"all"`` (or ``"ID"``): the whole country."""
    text = str(province).strip()
    return text.lower() == ALL or text.upper() == NATIONAL_CODE


def resolve_regencies(province: str, given: Sequence[str] | None) -> list[str] | None:
    """Kab/kota codes for the names or codes a user gave, refusing any unknown one up front.

    Parameters
    ----------
    province : str
        Province code (it must have kab/kota), or ``"all"``.
    given : sequence of str, optional
        Codes (any province) or names (looked up in ``province``; anywhere for ``"all"``), any
        variant ``analysis.data.names.resolve_regency`` knows.

    Returns
    -------
    list of str or None
        The codes; None when none were given (all of the province).

    Raises
    ------
    UserError
        An unknown province, or a name that matches no (or several) kab/kota.
    """
    provinces_of(province)  # an unknown province stops here, with the list of codes
    if not given:
        return None
    codes = []
    for text in given:
        try:
            codes.append(names.resolve_regency(text, _lookup_scope(province, text)))
        except UserError as exc:
            raise UserError(f"--regency {text!r}: {exc}") from None
    return codes


def _lookup_scope(province: str, given: str) -> str | None:
    """Where a kab/kota is looked up: a code anywhere, a name in the province (or anywhere)."""
    if is_national(province) or re.fullmatch(r"\d{2}\.?\d{2}", str(given).strip()):
        return None
    return str(province)


def plan_jobs(
    *,
    province: str = "12",
    regencies: Sequence[str] | None = None,
    langs: Sequence[str] = ("id",),
    as_of: str | None = None,
    overview: bool | None = None,
    regency_notebook: Path = REGENCY_NOTEBOOK,
    province_notebook: Path = PROVINCE_NOTEBOOK,
    national_notebook: Path = NATIONAL_NOTEBOOK,
) -> list[Job]:
    """List the reports to build.

    Parameters
    ----------
    province : str
        Province code (any of the 38); all its kab/kota when ``regencies`` is empty. ``"all"``:
        every province and the national overview.
    regencies : sequence of str, optional
        Codes or names of kab/kota (any variant ``analysis.data.names.resolve_regency``
        knows). A name that matches nothing gives a job that fails with the reason, not a stop.
    langs : sequence of {"id", "en"}
        Report languages.
    as_of : str, optional
        ISO date passed to the notebooks (data known on that date); None = everything.
    overview : bool, optional
        Build the overviews (province, and national for ``"all"``); by default only when no
        regency is named.
    regency_notebook, province_notebook, national_notebook : Path
        The notebooks to run.

    Returns
    -------
    list of Job
        Overviews first (the longest: national, then provinces), then kab/kota by code, for
        each language.

    Raises
    ------
    UserError
        For an unknown province code.
    """
    for lang in langs:
        i18n.check_lang(lang)
    provinces = provinces_of(province)
    national = is_national(province)
    scope = None if national or regencies else provinces[0]
    table = tables.regencies(scope)
    by_code = {row.regency_code: row for row in table.itertuples(index=False)}
    names_of = dict(zip(table["province_code"], table["province_name"], strict=False))
    wanted: list[tuple[str, str | None]] = []  # (code or given text, error)
    if regencies:
        for given in regencies:
            try:
                wanted.append((names.resolve_regency(given, _lookup_scope(province, given)),
                               None))
            except Exception as exc:  # an unknown name fails that report only
                wanted.append((str(given), str(exc)))
    else:
        wanted = [(code, None) for code in sorted(by_code)]
    if overview is None:
        overview = not regencies
    jobs: list[Job] = []
    for lang in langs:
        if overview and national:
            jobs.append(Job(
                kind="national", code=NATIONAL_CODE, name="Indonesia", lang=lang,
                notebook=str(national_notebook),
                parameters={"lang": lang, "as_of": as_of},
                stem=f"{NATIONAL_CODE}_indonesia_overview",
            ))
        if overview:
            for code in provinces:
                prov_name = str(names_of.get(code) or tables.regencies(code)["province_name"]
                                .iloc[0])
                jobs.append(Job(
                    kind="province", code=code, name=prov_name, lang=lang,
                    notebook=str(province_notebook),
                    parameters={"province_code": code, "lang": lang, "as_of": as_of},
                    stem=f"{code}_{slugify(prov_name)}_overview",
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
