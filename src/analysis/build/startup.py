"""Imported first in every worker process: leave out an optional import nothing in a build uses.

``nbformat`` (through papermill and the engine) imports ``jsonschema``, whose format checkers
import ``rfc3987_syntax`` when it is installed (``jsonschema[format-nongpl]``, pulled in by
JupyterLab). That package compiles about 35 Earley parsers when imported: about 1 s of every
worker's start, for the ``iri`` formats that no notebook schema uses (jsonschema issue #1428).
Marking it absent makes ``jsonschema`` skip those two checkers and nothing else.

Only worker processes (the fork server, Dask tasks) import this module; the planning process and
a researcher's Jupyter kernel keep the full ``jsonschema``.
"""

from __future__ import annotations

import sys

UNUSED_OPTIONAL_MODULES = ("rfc3987_syntax",)

for _name in UNUSED_OPTIONAL_MODULES:
    # None in sys.modules makes ``import name`` raise ImportError, which jsonschema expects
    # from an optional checker; an already imported module is left as it is.
    sys.modules.setdefault(_name, None)  # type: ignore[arg-type]
