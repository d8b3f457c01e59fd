"""What the two PDF briefs share: language, data date, the citation ledger and the sources table.

Each section method of a brief returns a display object of ``analysis.render.blocks`` (or a
``Section`` of several). Numbers come from ``analysis.model``; sentences come from
``core/locales/reports.yml`` with those numbers filled in, formatted by ``Brief.number``,
``Brief.rupiah`` and ``Brief.percent`` in the report language.

The ledger depends on cell order: every section records the sources it shows (``_use``, or
``ref`` which also returns their numbers, "[3]"), and ``sources()`` lists what was recorded so
far, numbered in the order of first citation, so it must be the last cell of the notebook.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.core import i18n, numbers
from analysis.data.tables import load_table, newest_fact_date
from analysis.render.blocks import Column, Section, Table, Text
from analysis.render.markup import is_web_url, markdown_escape
from analysis.views import figures

HEADLINE_KEYS = ("status", "covered_total", "covered_rentan", "coverage_date", "target_village",
                 "target_informal", "target_declared", "rate", "gap_workers", "gap_rp_year",
                 "rank", "regencies_ranked", "has_unconfirmed", "has_estimate")


def headline(summary: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of a kab/kota for the manifest and the report site (raw values).

    Parameters
    ----------
    summary : dict
        From ``analysis.model.coverage.regency_summary`` (or a row of the coverage table).

    Returns
    -------
    dict
        ``HEADLINE_KEYS`` present in ``summary``; missing values become None, dates ISO text.
    """
    out: dict[str, Any] = {}
    for key in HEADLINE_KEYS:
        if key not in summary:
            continue
        value = summary[key]
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out[key] = None
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()[:10]
        elif hasattr(value, "item"):
            out[key] = value.item()
        else:
            out[key] = value
    return out


def setup() -> None:
    """Prepare a report notebook: the shared chart style."""
    figures.apply_style()


class Brief:
    """Shared part of the regency and province briefs: language, date, sources used.

    Parameters
    ----------
    lang : {"id", "en"}
        Report language.
    as_of : str, optional
        ISO date: use only data known on that date; the newest dated fact when omitted.
    area : str, optional
        The code of the area the brief is about (kab/kota, province, or ``"ID"``); it dates the
        brief (``data_date``).
    """

    def __init__(self, lang: str = "id", as_of: str | None = None,
                 area: str | None = None) -> None:
        self.lang = i18n.check_lang(lang)
        # Every section computes on one cut-off for the whole build (the newest dated fact, or
        # the date asked for), so ranks and province figures agree across briefs.
        self.as_of = newest_fact_date(as_of)
        # The cover and footer date the brief by its own area's data: the newest fact about
        # it, else the national table it reads. A Jawa Timur brief is not dated by a North
        # Sumatra fact.
        self.data_date = newest_fact_date(as_of, area) if area else self.as_of
        # Sources in the order the report first cites them: their number is the endnote's.
        self.cited: dict[str, int] = {}
        self.assumption_ids: set[str] = set()

    def _use(self, *source_ids: Any) -> list[str]:
        ids = []
        for sid in source_ids:
            if sid is None or str(sid) in ("", "nan", "None"):
                continue
            for part in str(sid).split(";"):
                part = part.strip()
                if part:
                    self.cited.setdefault(part, len(self.cited) + 1)
                    ids.append(part)
        return ids

    def ref(self, *source_ids: Any) -> str:
        """The endnote numbers of some sources, recording them as cited ("[2]", "[2, 5]").

        Parameters
        ----------
        *source_ids : str
            ``source_id`` values (several may be joined with ";").

        Returns
        -------
        str
            The numbers of the list of sources at the end of the report; "" when none.
        """
        numbers_ = sorted({self.cited[s] for s in self._use(*source_ids)})
        return f"[{', '.join(str(n) for n in numbers_)}]" if numbers_ else ""

    def summary_labels(self) -> dict[str, str]:
        """Headings of page 1 and of the workbook's summary sheet, in the report language."""
        keys = ("messages", "decision", "actions", "figures", "sheet", "item", "value", "text")
        return {k: i18n.t(f"reports.summary_{k}", self.lang) for k in keys}

    def date(self, value: Any, precision: str = "day") -> str:
        """A date in words in the report language ("9 Juli 2025"; "2023" for a year-only fact)."""
        return numbers.format_date(value, self.lang, precision)

    def number(self, value: Any, decimals: int = 0) -> str:
        """A number in the report language ("45.900" in Indonesian, "45,900" in English).

        Parameters
        ----------
        value : number
            The value.
        decimals : int
            Digits after the decimal separator.

        Returns
        -------
        str
            The formatted number.
        """
        return numbers.format_number(float(value), self.lang, decimals)

    def rupiah(self, value: Any) -> str:
        """An amount of rupiah with a scale word ("Rp9,25 miliar" / "Rp9.25 billion").

        Parameters
        ----------
        value : number
            Rupiah.

        Returns
        -------
        str
            The formatted amount.
        """
        return numbers.format_rupiah(float(value), self.lang)

    def percent(self, share: Any, decimals: int = 1) -> str:
        """A share (0–1) as a percentage in the report language ("41,4%" / "41.4%").

        Parameters
        ----------
        share : number
            The share.
        decimals : int
            Digits after the decimal separator (two for a small share of a budget: 0,27%).

        Returns
        -------
        str
            The formatted percentage.
        """
        return numbers.format_percent(float(share), self.lang, decimals)

    def _publisher(self, row: Any) -> str:
        """The publisher as a reader can cite it (an unnamed one said in words)."""
        publisher = str(row.publisher or "").strip()
        if not publisher or publisher.lower().startswith("unknown"):
            kind = "news" if str(row.grade) == "NEWS" else "other"
            return i18n.t(f"reports.publisher_unknown_{kind}", self.lang)
        return publisher

    def _address(self, url: Any) -> str:
        """A source's address: its link, or words saying why there is none (never a path)."""
        url = "" if url is None or url != url else str(url)
        if url.startswith(("http://", "https://")):
            return url
        key = "stored" if url.startswith("file:") else "none"
        return i18n.t(f"reports.address_{key}", self.lang)

    def sources_table(self) -> Any:
        """Every source the report cited, numbered as the tables cite them ("[3]").

        A numbered list in the PDF and HTML (publisher, title, date, link) and a sheet in the
        workbook with the same numbers; no internal source keys and no file paths.
        """
        table = load_table("sources")
        used = table[table["source_id"].isin(list(self.cited))].copy()
        if used.empty:
            return Text(i18n.t("reports.sources_none", self.lang))
        used["number"] = used["source_id"].map(self.cited)
        used = used.sort_values("number").drop_duplicates("source_id")
        used["date_published"] = pd.to_datetime(used["date_published"], errors="coerce")
        used["publisher_text"] = [self._publisher(r) for r in used.itertuples(index=False)]
        used["address"] = [self._address(u) for u in used["url"]]
        used["grade_text"] = [_grade(g, self.lang) for g in used["grade"]]
        lines = []
        for row in used.itertuples(index=False):
            day = (self.date(row.date_published) if pd.notna(row.date_published)
                   else i18n.t("reports.date_unknown", self.lang))
            # Publisher and title are data: escaped, never markup. The URL field is the one
            # place a report takes a link from, and only an http(s) address becomes one.
            address = row.address
            plain = is_web_url(address) and not any(c.isspace() or c in "<>" for c in address)
            link = f"<{address}>" if plain else markdown_escape(address)
            lines.append(f"- \\[{row.number}\\] {markdown_escape(row.publisher_text)}. "
                         f"*{markdown_escape(row.title)}*. {day}. {link}")
        title = i18n.t("reports.sources_title", self.lang)
        listing = Text(f"### {title}\n\n" + "\n".join(lines)
                       + f"\n\n{i18n.t('reports.sources_note', self.lang)}")
        sheet = Table(
            used.assign(date=[d.date().isoformat() if pd.notna(d) else None
                              for d in used["date_published"]]),
            [
                Column("number", i18n.t("reports.col_number", self.lang), "count"),
                Column("publisher_text", i18n.t("reports.col_publisher", self.lang)),
                Column("title", i18n.t("reports.col_title", self.lang)),
                Column("date", i18n.t("reports.col_date", self.lang), "date"),
                Column("address", i18n.t("reports.col_url", self.lang), "link"),
                Column("grade_text", i18n.t("reports.col_grade", self.lang)),
            ],
            title=title,
            lang=self.lang,
            sheet=i18n.t("reports.sheet_sources_short", self.lang),
            role="sources",
            workbook_only=True,
        )
        return Section(listing, self.glossary(), sheet)

    def glossary(self) -> Any:
        """The abbreviations of the brief, each explained once, after the sources."""
        lines = [f"- {i18n.t(f'glossary.{key}', self.lang)}" for key in GLOSSARY]
        return Text(f"### {i18n.t('glossary.title', self.lang)}\n\n" + "\n".join(lines))


# Abbreviations explained at the end of every brief (core/locales/glossary.yml), in this order.
GLOSSARY = ("apbd", "bpd", "bpu", "bud", "dbh", "jkk_jkm", "kua_ppas", "p3ke", "perkada", "pmk",
            "thl", "tjsl")


def _grade(grade: Any, lang: str) -> str:
    """The kind of a source in words (regulation, news, third-party data, data package)."""
    try:
        return i18n.t(f"reports.grade_{str(grade).lower()}", lang)
    except KeyError:
        return ""
