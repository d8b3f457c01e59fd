"""Views: model results in the report language, as sentences, text tables and charts.

``parameters`` reads the parameters of a notebook (codes and dates as text, whatever papermill
made of them) in the notebook's first code cell.
"""
