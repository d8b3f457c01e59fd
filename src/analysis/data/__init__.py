"""Inputs of the analysis: data catalogue, schemas, provenance, dated parameters, user imports.

The four functions most callers need are re-exported here: :func:`load_table`, :func:`regencies`,
:func:`resolve_regency` and :func:`resolve_area`. Everything else is imported from its module
(``analysis.data.parameters``, ``analysis.data.provenance``, ...).

The re-exports are resolved on first use (PEP 562), so importing a light module of the package,
such as ``analysis.data.schemas`` for the table names of ``--help``, does not load pandas.
``analysis.data.importing`` is not re-exported at all: it needs ``analysis.core.numbers``, and a
model module importing ``analysis.data`` must not pull the number formats in with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.data.names import resolve_area, resolve_regency
    from analysis.data.tables import load_table, regencies

__all__ = ["load_table", "regencies", "resolve_area", "resolve_regency"]

_HOMES = {
    "load_table": "analysis.data.tables",
    "regencies": "analysis.data.tables",
    "resolve_area": "analysis.data.names",
    "resolve_regency": "analysis.data.names",
}


def __getattr__(name: str) -> Any:
    """Import a re-exported function from its module when it is first asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
