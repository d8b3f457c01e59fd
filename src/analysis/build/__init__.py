"""The scheduled batch: run the report notebooks for every kab/kota and the province, render them.

``python -m analysis reports`` executes ``notebooks/03_regency_report.ipynb`` once per kab/kota
and ``notebooks/04_province_overview.ipynb`` once per province (any of the 38; ``--province all``
adds ``notebooks/05_national_overview.ipynb``) with papermill, then turns each executed notebook
into PDF, HTML and XLSX (``analysis.render``) and writes the report site ``index.html``
(``site``). Built for scheduled use:

- Notebooks run in a pool of worker processes (``--jobs``, default 2). Each worker imports the
  analysis once and executes many notebooks in-process (``analysis.build.engine``): no kernel
  start-up per report, no kernels racing each other, no change of working directory.
- A report whose inputs have not changed is not rebuilt. Its input hash covers the notebook, the
  parameters, every file under ``data/`` (and the user-data folder), the package's Python files,
  templates and locales (``fingerprint``). The decision is taken before matplotlib or IPython are
  imported, so a run with nothing to do takes seconds.
- One failing report does not stop the others: its error goes to ``manifest.json`` and
  ``build.log`` and the exit code is 1 at the end.
- Every file is written atomically (temporary file in the same folder, then ``os.replace``):
  readers see the old file or the new one, never half a PDF.
- A lock file (``<out>/.lock``) stops two runs from writing the same folder; the second run
  exits at once with code 3 (``guard``).

- ``--scheduler ADDRESS`` runs the same reports on a Dask cluster (``executors``) with the same
  manifest, skipping, isolation and atomic writes.

Outputs: ``<out>/<lang>/<code>_<slug>.{pdf,html,xlsx,ipynb}``, ``<out>/manifest.json``,
``<out>/build.log`` and ``<out>/index.html``. Modules: ``jobs`` (the plan), ``fingerprint``
(input hashes), ``manifest``, ``guard`` (lock, log, time limit), ``engine`` (in-process papermill
engine), ``runner`` (workers and the run), ``executors`` (the Dask option) and ``site`` (the
report site). This package does not import ``engine`` (nor IPython): only the worker processes do.
"""
