"""What the two PDF briefs share: language, data date, the citation ledger and the sources table.

Each section method of a brief returns a display object of ``analysis.render.blocks`` (or a
``Section`` of several). Numbers come from ``analysis.model``; sentences come from
``core/locales/reports.yml`` with those numbers filled in, formatted by ``Brief.number``,
``Brief.rupiah`` and ``Brief.percent`` in the report language.

The ledger depends on cell order: every section records the sources it shows (``_use``), and
``sources()`` lists what was recorded so far, so it must be the last cell of the notebook.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.core import i18n, numbers
from analysis.data.tables import load_table, newest_fact_date
from analysis.render.blocks import Column, Section, Table, Text
from analysis.render.markup import clean_text, is_web_url, markdown_escape
from analysis.views import figures


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
    """

    def __init__(self, lang: str = "id", as_of: str | None = None) -> None:
        self.lang = i18n.check_lang(lang)
        # Every section computes on the date the footer prints, so a narrative never says
        # "per <today>" above a stamp saying "data per <newest fact>".
        self.as_of = newest_fact_date(as_of)
        self.cited: set[str] = set()
        self.assumption_ids: set[str] = set()

    def _use(self, *source_ids: Any) -> list[str]:
        ids = [str(s) for s in source_ids if s is not None and str(s) not in ("", "nan")]
        for sid in ids:
            for part in sid.split(";"):
                if part.strip():
                    self.cited.add(part.strip())
        return ids

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

    def percent(self, share: Any) -> str:
        """A share (0–1) as a percentage in the report language ("41,4%" / "41.4%").

        Parameters
        ----------
        share : number
            The share.

        Returns
        -------
        str
            The formatted percentage.
        """
        return numbers.format_percent(float(share), self.lang)

    def sources_table(self) -> Any:
        """Every source the report cited: a list in the PDF and HTML, a sheet in the workbook."""
        table = load_table("sources")
        used = table[table["source_id"].isin(sorted(self.cited))].copy()
        if used.empty:
            return Text(i18n.t("reports.sources_none", self.lang))
        used["date_published"] = pd.to_datetime(used["date_published"], errors="coerce")
        used = used.sort_values(["date_published", "source_id"], na_position="first")
        lines = []
        for row in used.itertuples(index=False):
            day = row.date_published.strftime("%Y-%m-%d") if pd.notna(row.date_published) else "–"
            # Publisher, title and id are data: escaped, never markup. The URL field is the one
            # place a report takes a link from, and only an http(s) address becomes one.
            url = str(row.url or "").strip()
            plain = is_web_url(url) and not any(c.isspace() or c in "<>" for c in url)
            link = f" <{url}>" if plain else (f" {markdown_escape(url)}" if url else "")
            code = clean_text(row.source_id).replace("`", "")  # a code span shows it literally
            lines.append(f"- **{markdown_escape(row.publisher)}** ({day}). "
                         f"{markdown_escape(row.title)}.{link} `{code}`")
        title = i18n.t("reports.sources_title", self.lang)
        listing = Text(f"**{title}**\n\n" + "\n".join(lines)
                       + f"\n\n{i18n.t('reports.sources_note', self.lang)}")
        sheet = Table(
            used,
            [
                Column("source_id", i18n.t("reports.col_source_id", self.lang)),
                Column("publisher", i18n.t("reports.col_publisher", self.lang)),
                Column("title", i18n.t("reports.col_title", self.lang)),
                Column("date_published", i18n.t("reports.col_date", self.lang), "date"),
                Column("url", i18n.t("reports.col_url", self.lang), "link"),
                Column("grade", i18n.t("reports.col_grade", self.lang)),
            ],
            title=title,
            lang=self.lang,
            sheet=i18n.t("reports.sheet_sources_short", self.lang),
            sources=used["source_id"],
            role="sources",
            workbook_only=True,
        )
        return Section(listing, sheet)
