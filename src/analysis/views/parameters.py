"""The parameters of a notebook, whatever papermill made of them, as the analysis expects them.

papermill reads every ``-p NAME VALUE`` as YAML-like text: ``-p regency_code 12.10`` arrives as
the float 12.1, ``-p province_code 12`` as the int 12, ``-p as_of None`` as None. Codes and dates
are text, so the first code cell of each notebook passes its parameters through
:func:`notebook_parameters`, which turns what papermill made of them back into what the analysis
expects and refuses what cannot be meant, with one message naming the parameter
(:class:`~analysis.core.errors.UserError`). It lives in ``views`` because it knows the report
languages; the model has none.
"""

from __future__ import annotations

import math
from datetime import date
from os import PathLike
from pathlib import Path

from analysis.core import config
from analysis.core.checks import as_date, positive_int
from analysis.core.errors import UserError
from analysis.core.i18n import LANGUAGES

_CODE_PARAMETERS = ("regency_code", "regency", "province_code")
_COUNT_PARAMETERS = ("horizon", "draws")
_FILE_PARAMETERS = ("scenario_file", "boundary_file")
_TEXT_PARAMETERS = ("target_basis", "map_style")


def notebook_parameters(**given: object) -> tuple:
    """Check and normalise the parameters of a notebook, whatever papermill made of them.

    Parameters
    ----------
    **given
        The notebook's parameters by name. Known names and what they become:

        - ``regency_code``, ``regency``: text; a number as papermill reads ``-p regency_code
          12.10`` (the float 12.1) becomes the code ``"12.10"`` (two digits after the point);
        - ``province_code``: text (``12`` → ``"12"``);
        - ``as_of``: ``None`` or an ISO date as text ``"YYYY-MM-DD"``;
        - ``lang``: ``"id"`` or ``"en"``;
        - ``scenario_file``, ``boundary_file``: ``None`` or the path of a file that exists
          (a relative path is looked up in the current folder, then in the project folder);
        - ``horizon``, ``draws``: a whole number above zero;
        - ``seed``: ``None`` (the project's default) or a whole number, zero or more;
        - ``target_basis``, ``map_style``: text.

    Returns
    -------
    tuple
        The values in the order given, ready to unpack back into the same names.

    Raises
    ------
    UserError
        A value that cannot be meant (``lang="fr"``, ``as_of=20240630``, ``draws=0``), naming
        the parameter and how to write it.

    Examples
    --------
    >>> notebook_parameters(regency_code=12.1, lang="en", as_of=None)
    ('12.10', 'en', None)
    >>> notebook_parameters(province_code=12, as_of=date(2024, 6, 30))
    ('12', '2024-06-30')
    """
    return tuple(_notebook_parameter(name, value) for name, value in given.items())


def _notebook_parameter(name: str, value: object) -> object:
    """One parameter of ``notebook_parameters``."""
    if name in _CODE_PARAMETERS:
        return _code_text(name, value, decimals=0 if name == "province_code" else 2)
    if name == "as_of":
        return _iso_date_text(value)
    if name == "lang":
        if value not in LANGUAGES:
            raise UserError(f"notebook parameter lang must be one of {', '.join(LANGUAGES)}, "
                            f"got {value!r}")
        return value
    if name in _FILE_PARAMETERS:
        return _existing_file(name, value)
    if name in _COUNT_PARAMETERS:
        return positive_int(value, f"notebook parameter {name}")
    if name == "seed":
        return None if value is None else positive_int(value, "notebook parameter seed",
                                                       allow_zero=True)
    if name in _TEXT_PARAMETERS:
        if not isinstance(value, str) or not value.strip():
            raise UserError(f"notebook parameter {name} must be text, got {value!r}")
        return value.strip()
    raise ValueError(f"notebook_parameters has no rule for {name!r}")


def _code_text(name: str, value: object, decimals: int) -> str:
    """A code given as text or as the number papermill made of it, as text."""
    hint = f"write it as text, e.g. papermill ... -r {name} 12.10"
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"notebook parameter {name} must be a code or a name, got {value!r}; "
                        f"{hint}")
    if isinstance(value, float):
        text = f"{value:.{decimals}f}"
        if not math.isfinite(value) or float(text) != value:
            raise UserError(f"notebook parameter {name}: {value!r} is not a code; {hint}")
        return text
    return str(value)


def _iso_date_text(value: object) -> str | None:
    """``None``, or a date as ISO text; numbers (``20240630``) are refused."""
    if value is None:
        return None
    if isinstance(value, date):  # a YAML date (papermill -y) or a datetime
        return value.isoformat()[:10]
    if not isinstance(value, str):
        raise UserError(f"notebook parameter as_of must be a date written YYYY-MM-DD, got "
                        f"{value!r}; with papermill: -r as_of 2024-06-30")
    try:
        return as_date(value).isoformat()
    except UserError:
        raise UserError(f"notebook parameter as_of must be a date written YYYY-MM-DD, got "
                        f"{value!r}") from None


def _existing_file(name: str, value: object) -> str | None:
    """``None``, or the path of an existing file (current folder first, then the project)."""
    if value is None:
        return None
    if not isinstance(value, str | PathLike) or not str(value).strip():
        raise UserError(f"notebook parameter {name} must be a file path or None, got {value!r}")
    path = Path(str(value).strip()).expanduser()
    for candidate in (path, config.ROOT / path):
        if candidate.is_file():
            return str(candidate)
    looked = "" if path.is_absolute() else f" (looked in {Path.cwd()} and {config.ROOT})"
    raise UserError(f"notebook parameter {name}: no such file {path}{looked}")
