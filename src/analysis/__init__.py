"""Analysis of BPJS Ketenagakerjaan protection for vulnerable workers funded by local governments.

The package holds everything the notebooks and the command line call: the data layer, coverage
metrics, funding scenarios, benefits, figures and the report pipeline.
"""

__version__ = "0.1.0"
