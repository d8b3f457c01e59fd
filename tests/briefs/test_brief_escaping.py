"""Text from the data (publisher, title, URL of a source) is shown literally in a brief."""

from __future__ import annotations

from analysis.briefs.base import Brief

TYPST = "application/vnd.pekerja-rentan.typst"


def test_sources_list_escapes_publisher_and_title(user_dir):
    # A user-imported source whose publisher and title carry Markdown: a link, an image, bold.
    user_dir.mkdir(parents=True)
    (user_dir / "sources.csv").write_text(
        "source_id,publisher,title,url,date_published,date_accessed,grade,licence,note\n"
        'user-x,"[Resmi](http://evil.example/a)","![logo](http://evil.example/p.png) **t**",'
        "javascript:alert(1),2024-01-01,2024-01-02,USER,,\n"
        "user-y,BPS,Tabel,https://example.org/ok,2024-01-01,2024-01-02,USER,,\n",
        encoding="utf-8",
    )
    brief = Brief("id", as_of="2024-06-30")
    brief._use("user-x", "user-y")
    listing = brief.sources_table().parts[0]._bundle()[0]
    page, typst = listing["text/html"], listing[TYPST]
    assert "<img" not in page and "evil.example/a\"" not in page
    assert page.count("<a href=") == 1 and 'href="https://example.org/ok"' in page
    assert "[Resmi](http://evil.example/a)" in page  # the words, as written
    assert typst.count("#link(") == 1 and "#strong[t]" not in typst
