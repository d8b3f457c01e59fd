"""Page 1 of a brief (``Summary``) and the workbook's calculator (``Calculator``).

``Summary`` is the answer-first page: an action title, one line of context, a few key figures,
numbered key messages, a decision box and the recommendations. Its Typst markup fills page 1 of
the PDF; its payload (``MIME_SUMMARY``) becomes the first sheet of the workbook with every figure
as a typed value, so the PDF and the workbook show the same numbers.

``Calculator`` exists only in the workbook: input cells (workers, months, contribution, budget
…) under defined names and output cells whose formulas use them, so an official can try other
figures in Excel without this software.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from analysis.render.blocks import MIME_TYPST, _Displayable, _jsonable
from analysis.render.markup import markdown_to_html, markdown_to_typst, typst_escape

MIME_SUMMARY = "application/vnd.pekerja-rentan.summary+json"
MIME_CALCULATOR = "application/vnd.pekerja-rentan.calculator+json"

_VALUE_KINDS = {"text", "count", "rupiah", "share", "number", "date"}


@dataclass(frozen=True)
class Figure1:
    """One figure of page 1: the text a reader sees and the value the workbook stores.

    Parameters
    ----------
    label : str
        What the figure is ("pekerja belum terlindungi").
    text : str
        The figure as printed ("7.157", "Rp1,44 miliar", or a sentence in the decision box).
    value : object, optional
        The raw value (a number, an ISO date) for the workbook; None for a text-only line.
    kind : str
        ``count``, ``rupiah``, ``share``, ``number``, ``date`` or ``text``: the workbook format.
    """

    label: str
    text: str
    value: Any = None
    kind: str = "text"

    def __post_init__(self) -> None:
        if self.kind not in _VALUE_KINDS:
            raise ValueError(f"figure {self.label!r}: unknown kind {self.kind!r}")


def _inline(markdown: str) -> str:
    """One Markdown line as inline Typst (no paragraph break after it)."""
    return markdown_to_typst(markdown).strip()


class Summary(_Displayable):
    """Page 1 of a brief: title, context, key figures, key messages, decision box, actions.

    Parameters
    ----------
    title : str
        The action title: the finding in one sentence.
    lead : str
        One line of context or data caveat (Markdown).
    figures : sequence of Figure1
        Three or four headline figures.
    messages : sequence of str
        At most five key messages (Markdown), each with its number.
    decision : sequence of Figure1
        Rows of the decision box: label and what to decide (``text``), with the raw value.
    actions : sequence of str
        Recommendations with who acts and when (Markdown).
    labels : dict
        Headings in the report language: ``messages``, ``decision``, ``actions``, ``sheet``,
        ``figures`` (the workbook's section of the key figures), ``item``, ``value``, ``text``.
    kicker : str
        Small line above the title (kind of report, area, data date).
    """

    def __init__(
        self, *, title: str, lead: str, figures: Sequence[Figure1], messages: Sequence[str],
        decision: Sequence[Figure1], actions: Sequence[str] = (), labels: dict[str, str],
        kicker: str = "",
    ) -> None:
        if len(messages) > 5:
            raise ValueError("page 1 holds at most five key messages")
        self.title, self.lead, self.kicker = title, lead, kicker
        self.figures, self.messages = list(figures), list(messages)
        self.decision, self.actions, self.labels = list(decision), list(actions), dict(labels)

    def payload(self) -> dict[str, Any]:
        """Title, messages and every figure with its typed value (JSON-safe), for the workbook."""
        def row(f: Figure1) -> dict[str, Any]:
            return asdict(f) | {"value": _jsonable(f.value)}

        return {
            "title": self.title, "lead": self.lead, "labels": self.labels,
            "figures": [row(f) for f in self.figures],
            "messages": list(self.messages),
            "decision": [row(f) for f in self.decision],
            "actions": list(self.actions),
        }

    def _typst(self) -> str:
        figs = ", ".join(f"([{typst_escape(f.text)}], [{typst_escape(f.label)}])"
                         for f in self.figures)
        msgs = ", ".join(f"[{_inline(m)}]" for m in self.messages)
        rows = ", ".join(f"([{typst_escape(f.label)}], [{_inline(f.text)}])"
                         for f in self.decision)
        acts = ", ".join(f"[{_inline(a)}]" for a in self.actions)
        lab = self.labels
        return (
            "#summary-page(\n"
            f"  kicker: [{typst_escape(self.kicker)}],\n"
            f"  title: [{typst_escape(self.title)}],\n"
            f"  lead: [{_inline(self.lead)}],\n"
            f"  figures: ({figs},),\n"
            f"  messages-title: [{typst_escape(lab.get('messages', ''))}],\n"
            f"  messages: ({msgs},),\n"
            f"  decision-title: [{typst_escape(lab.get('decision', ''))}],\n"
            f"  decision: ({rows},),\n"
            f"  actions-title: [{typst_escape(lab.get('actions', ''))}],\n"
            f"  actions: ({acts}{',' if self.actions else ''}),\n"
            ")\n"
        )

    def _markdown(self) -> str:
        lab = self.labels
        lines = [f"**{self.title}**", "", self.lead, ""]
        lines += [f"- **{f.text}** {f.label}" for f in self.figures] + [""]
        lines += [f"**{lab.get('messages', '')}**", ""]
        lines += [f"{i}. {m}" for i, m in enumerate(self.messages, 1)] + [""]
        lines += [f"**{lab.get('decision', '')}**", ""]
        lines += [f"- {f.label}: {f.text}" for f in self.decision]
        if self.actions:
            lines += ["", f"**{lab.get('actions', '')}**", ""]
            lines += [f"{i}. {a}" for i, a in enumerate(self.actions, 1)]
        return "\n".join(lines)

    def _html(self) -> str:
        figs = "".join(f'<div class="kf"><span class="kv">{html.escape(f.text)}</span>'
                       f'<span class="kl">{html.escape(f.label)}</span></div>'
                       for f in self.figures)
        rows = "".join(f"<tr><th>{html.escape(f.label)}</th>"
                       f"<td>{markdown_to_html(f.text)}</td></tr>" for f in self.decision)
        lab = self.labels
        parts = [
            f'<section class="summary"><p class="kind">{html.escape(self.kicker)}</p>'
            f"<h1>{html.escape(self.title)}</h1>{markdown_to_html(self.lead)}",
            f'<div class="key-figures">{figs}</div>',
            f"<h2>{html.escape(lab.get('messages', ''))}</h2><ol>"
            + "".join(f"<li>{markdown_to_html(m)}</li>" for m in self.messages) + "</ol>",
            f'<div class="decision"><h2>{html.escape(lab.get("decision", ""))}</h2>'
            f'<table class="decision">{rows}</table></div>',
        ]
        if self.actions:
            parts.append(f"<h2>{html.escape(lab.get('actions', ''))}</h2><ol>"
                         + "".join(f"<li>{markdown_to_html(a)}</li>" for a in self.actions)
                         + "</ol>")
        return "".join(parts) + "</section>"

    def _bundle(self):
        return (
            {
                "text/plain": self._markdown(),
                "text/markdown": self._markdown(),
                "text/html": self._html(),
                MIME_TYPST: self._typst(),
                MIME_SUMMARY: self.payload(),
            },
            {},
        )


@dataclass(frozen=True)
class Cell:
    """A named cell of the calculator.

    Parameters
    ----------
    name : str
        Excel defined name (letters, digits, underscore; starts with a letter), unique in the
        workbook, e.g. ``Pekerja``.
    label : str
        What the cell holds, in the report language.
    value : object, optional
        An input's default (a number; None leaves it empty), or an output's formula
        (a string starting with "="; it may also be an input's default, e.g. the contribution).
    kind : str
        ``count``, ``rupiah``, ``share``, ``number`` or ``text``: the cell's number format.
    unit : str
        Unit shown beside the value.
    note : str
        Where the default comes from, or how to read the result.
    decimals : int
        Decimals for ``number``.
    """

    name: str
    label: str
    value: Any = None
    kind: str = "number"
    unit: str = ""
    note: str = ""
    decimals: int = 0


class Calculator(_Displayable):
    """The workbook's calculator sheet: inputs an official changes, formulas that follow.

    Parameters
    ----------
    sheet : str
        Sheet name in the report language.
    title : str
        First line of the sheet.
    inputs, outputs : sequence of Cell
        Input cells (shaded, unlocked) and output cells (formulas, locked).
    labels : dict
        ``inputs``, ``outputs``, ``item``, ``value``, ``unit``, ``note`` in the report language.
    note : str
        How to use the sheet.
    """

    def __init__(self, *, sheet: str, title: str, inputs: Sequence[Cell],
                 outputs: Sequence[Cell], labels: dict[str, str], note: str = "") -> None:
        names = [c.name for c in [*inputs, *outputs]]
        if len(set(n.lower() for n in names)) != len(names):
            raise ValueError(f"calculator names must be unique: {names}")
        self.sheet, self.title, self.note = sheet, title, note
        self.inputs, self.outputs, self.labels = list(inputs), list(outputs), dict(labels)

    def payload(self) -> dict[str, Any]:
        """The sheet as JSON: inputs and outputs with names, defaults and formulas."""
        def row(c: Cell) -> dict[str, Any]:
            value = c.value if isinstance(c.value, str) else _jsonable(c.value)
            return asdict(c) | {"value": value}

        return {"sheet": self.sheet, "title": self.title, "note": self.note,
                "labels": self.labels, "inputs": [row(c) for c in self.inputs],
                "outputs": [row(c) for c in self.outputs]}

    def _bundle(self):
        text = "\n".join(f"{c.label}: {c.value}" for c in [*self.inputs, *self.outputs])
        return {"text/plain": f"{self.title}\n{text}", MIME_CALCULATOR: self.payload()}, {}
