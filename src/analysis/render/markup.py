"""Report text in the two markups of the outputs: Typst (the PDF) and HTML.

Escaping of literal text for Typst and Markdown, and CommonMark narrative (with tables)
converted to Typst markup or HTML. A ``##`` heading in Markdown becomes a level-1 section of the
PDF (``#`` is the report title, on the cover). The display objects (``analysis.render.blocks``)
and the PDF and HTML writers use these functions, so a text looks the same in every format.

Text that comes from data (a note, a publisher, a title, an imported file) is data, never markup:
:func:`markdown_escape` and :func:`typst_escape` make it print literally, and
:func:`clean_text` drops the control and bidirectional-override characters that would break
Typst or the workbook, or make a name read backwards. Rendered Markdown makes a live link only
of an ``http``/``https`` address and never loads an image (an image shows its alt text), so even
unescaped text cannot pull an external image into the HTML or a ``javascript:`` link into a PDF.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# A "##" heading in Markdown is a level-1 section of the PDF; "#" is reserved for the cover.
HEADING_SHIFT = 1


# --- Text escaping --------------------------------------------------------------------------------

# C0 controls except tab, newline and carriage return, DEL, C1 controls, and the bidirectional
# embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069) that reorder text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
WEB_SCHEMES = ("http://", "https://")


def clean_text(text: object) -> str:
    r"""``text`` without control characters and bidirectional overrides.

    Parameters
    ----------
    text : object
        Any value; converted with ``str``.

    Returns
    -------
    str
        The text with NUL, backspace, ESC and the like, and U+202A-U+202E / U+2066-U+2069,
        removed (tab, newline and carriage return stay).

    Examples
    --------
    >>> clean_text("Nias\u202eSelatan\x1b")
    'NiasSelatan'
    """
    return _CONTROL.sub("", str(text))


def markdown_escape(text: object) -> str:
    r"""Data text (a note, a publisher, a title) shown literally inside Markdown narrative.

    Every ASCII punctuation character gets a backslash (CommonMark prints it as itself), so
    ``[x](http://…)``, ``![x](…)``, ``*``, ``#`` or ``&amp;`` in the data cannot become a link, an
    image, emphasis, a heading or an entity; line breaks become spaces (the text stays inline).

    Parameters
    ----------
    text : object
        Any value; converted with ``str``.

    Returns
    -------
    str
        Markdown that renders as exactly ``text``.

    Examples
    --------
    >>> markdown_escape("[klik](http://x)")
    '\\[klik\\]\\(http\\:\\/\\/x\\)'
    """
    flat = re.sub(r"\s*[\r\n]+\s*", " ", clean_text(text))
    return _MD_PUNCT.sub(r"\\\1", flat)


def is_web_url(url: object) -> bool:
    """True for an ``http``/``https`` address: the only kind a report makes a live link of."""
    text = str(url or "").strip().lower()
    return text.startswith(WEB_SCHEMES) and len(text) > len("https://")


_TYPST_SPECIAL = re.compile(r"([\\#*_`$<>@\[\]~/=+\-])")


def typst_escape(text: object) -> str:
    """Escape text so Typst markup prints it literally.

    Parameters
    ----------
    text : object
        Any value; converted with ``str``.

    Returns
    -------
    str
        The text with Typst's markup characters escaped by a backslash.
    """
    out = _TYPST_SPECIAL.sub(r"\\\1", clean_text(text))
    # "2024. Tahun" at the start of a line would be read as a numbered list item.
    return re.sub(r"^(\d+)\.", r"\1\\.", out)


def typst_string(text: object) -> str:
    """Write ``text`` as a Typst string literal (with quotes; control characters dropped)."""
    return json.dumps(clean_text(text), ensure_ascii=False)


# --- Markdown -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # Raw HTML in narrative is not passed through: the PDF could not show it.
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    # Only web addresses become links (no javascript:, data:, file: or relative ones) ...
    md.validateLink = is_web_url
    # ... and an image never loads from anywhere: the report shows its alt text instead.
    md.add_render_rule("image", _image_as_text)
    return md


def _image_as_text(self, tokens, idx, options, env) -> str:
    import html

    return html.escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


def markdown_to_html(text: str) -> str:
    """Render Markdown narrative to HTML (headings, emphasis, lists, links, tables)."""
    return _markdown().render(text)


def markdown_to_typst(text: str) -> str:
    """Render Markdown narrative to Typst markup.

    Parameters
    ----------
    text : str
        CommonMark with tables: headings, paragraphs, bold/italic, lists, links, inline code,
        block quotes, rules, code blocks.

    Returns
    -------
    str
        Typst markup; ``##`` becomes a level-1 heading (see ``HEADING_SHIFT``).
    """
    from markdown_it.tree import SyntaxTreeNode

    tree = SyntaxTreeNode(_markdown().parse(text))
    return _typst_blocks(tree.children, indent="").strip() + "\n"


def _typst_blocks(nodes: Sequence[Any], indent: str) -> str:
    parts: list[str] = []
    for node in nodes:
        parts.append(_typst_block(node, indent))
    return "".join(parts)


def _typst_block(node: Any, indent: str) -> str:
    kind = node.type
    if kind == "heading":
        level = max(1, int(node.tag[1]) - HEADING_SHIFT)
        return f"{indent}{'=' * level} {_typst_inline(node.children)}\n\n"
    if kind == "paragraph":
        sep = "\n" if node.hidden else "\n\n"  # tight list items keep their lines together
        return f"{indent}{_typst_inline(node.children)}{sep}"
    if kind in ("bullet_list", "ordered_list"):
        marker = "- " if kind == "bullet_list" else "+ "
        items = []
        for item in node.children:
            body = _typst_blocks(item.children, indent + "  ").strip("\n")
            items.append(f"{indent}{marker}{body.lstrip()}\n")
        return "".join(items) + "\n"
    if kind == "blockquote":
        return f"{indent}#quote(block: true)[{_typst_blocks(node.children, '').strip()}]\n\n"
    if kind == "hr":
        return f"{indent}#line(length: 100%, stroke: 0.5pt + luma(190))\n\n"
    if kind in ("fence", "code_block"):
        return f"{indent}#raw(block: true, {typst_string(node.content.rstrip())})\n\n"
    if kind == "table":
        return _typst_md_table(node) + "\n"
    if kind == "inline":
        return _typst_inline(node.children)
    return ""  # html blocks and anything unknown are dropped (see _markdown)


def _typst_md_table(node: Any) -> str:
    header: list[str] = []
    rows: list[list[str]] = []
    aligns: list[str] = []
    for section in node.children:
        for tr in section.children:
            cells = [
                _typst_inline(td.children[0].children if td.children else [])
                for td in tr.children
            ]
            if section.type == "thead":
                header = cells
                aligns = [
                    "right" if "right" in str(td.attrs.get("style", "")) else
                    "center" if "center" in str(td.attrs.get("style", "")) else "left"
                    for td in tr.children
                ]
            else:
                rows.append(cells)
    return typst_table_call(
        header=header, rows=rows, aligns=aligns, widths=["auto"] * len(header)
    )


def _typst_inline(nodes: Sequence[Any]) -> str:
    out: list[str] = []
    for node in nodes:
        kind = node.type
        if kind == "text":
            text = typst_escape(node.content)
            # Right after "#f[...]" a "(", "[" or "." would continue the call and a ";" would
            # end it (and vanish): escape it.
            if out and out[-1].endswith("]") and text[:1] in ("(", "[", ".", ";"):
                text = "\\" + text
            out.append(text)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append(" \\\n")
        elif kind == "strong":
            out.append(f"#strong[{_typst_inline(node.children)}]")
        elif kind == "em":
            out.append(f"#emph[{_typst_inline(node.children)}]")
        elif kind == "link":
            href = str(node.attrs.get("href", ""))
            if is_web_url(href):
                out.append(f"#link({typst_string(href)})[{_typst_inline(node.children)}]")
            else:
                out.append(_typst_inline(node.children))
        elif kind == "code_inline":
            out.append(f"#raw({typst_string(node.content)})")
        elif node.children:
            out.append(_typst_inline(node.children))
    return "".join(out)


def typst_table_call(
    *,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    aligns: Sequence[str],
    widths: Sequence[str],
    title: str | None = None,
    note: str | None = None,
    breakable: bool = True,
) -> str:
    """Typst markup calling the template's ``data-table`` with cells already in markup."""
    lines = ["#data-table("]
    if not breakable:
        lines.append("  breakable: false,")
    if title:
        lines.append(f"  title: [{title}],")
    if note:
        lines.append(f"  note: [{note}],")
    lines.append(f"  columns: ({', '.join(widths)},),")
    lines.append(f"  align: ({', '.join(aligns)},),")
    lines.append(f"  header: ({''.join(f'[{h}], ' for h in header)}),")
    for row in rows:
        lines.append("  " + " ".join(f"[{cell}]," for cell in row))
    lines.append(")")
    return "\n".join(lines) + "\n"
