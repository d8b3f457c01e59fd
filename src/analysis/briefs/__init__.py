"""Content of the two PDF briefs, called cell by cell by notebooks 03 and 04.

``RegencyBrief`` is the policy brief of one kab/kota (notebook 03_regency_report),
``ProvinceBrief`` the overview of a province (notebook 04_province_overview) and ``NationalBrief``
the overview of Indonesia's provinces (notebook 05_national_overview); ``setup()`` prepares a
notebook (the chart style). Each section returns a display object of ``analysis.render.blocks``.
"""

from __future__ import annotations

from analysis.briefs.base import Brief, setup
from analysis.briefs.national import NationalBrief
from analysis.briefs.province import ProvinceBrief
from analysis.briefs.regency import RegencyBrief

__all__ = ["Brief", "NationalBrief", "ProvinceBrief", "RegencyBrief", "setup"]
