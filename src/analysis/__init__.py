"""Analysis of BPJS Ketenagakerjaan protection for vulnerable workers funded by local governments.

The package holds everything the notebooks and the command line call, one sub-package per stage
of the pipeline, with ``core`` (errors, paths, numbers, language) under all of them::

    data → model → views → briefs → render → build → cli

``data`` reads the inputs, ``model`` computes, ``views`` words and draws, ``briefs`` composes the
two PDF briefs, ``render`` writes PDF, HTML and XLSX, ``build`` runs the scheduled batch and
``cli`` is the command line. A stage imports only stages to its left; ``render`` imports only
``core``. This module imports nothing, so ``python -m analysis.render`` stays light.
"""

__version__ = "0.1.0"
