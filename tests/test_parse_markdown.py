from dossier.parse import ParseOptions, parse
from dossier.model import SourceFile


def doc(body, front="title: T\ndate: 2021", path="content/articles/t.md", unsafe=False):
    text = f"---\n{front}\n---\n{body}"
    return parse(SourceFile(path, "article", text, "x"), ParseOptions(unsafe_html=unsafe))


def test_extensions_tables_footnotes_ids_smart_quotes_attr_lists():
    d = doc('## A "heading"\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] -- "quoted" it\'s\n\n[^1]: A note.\n\nPara\n{: .lead }\n')
    html = d.body_html
    assert '<h2 id="a-heading">A “heading”</h2>' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert 'class="footnote-ref"' in html and 'id="fn:1"' in html
    assert "“quoted”" in html and "it’s" in html and "–" in html
    assert '<p class="lead">Para</p>' in html
    assert [h.anchor for h in d.headings] == ["a-heading"]


def test_wiki_links_become_slots_with_line_and_column():
    d = doc("Intro.\n\nWe met [[Ahmad Massoud|Massoud]] in [[Panshir#History]].\n\n`[[not a link]]`\n")
    body = [l for l in d.links if l.origin == "body"]
    assert [(l.target, l.label, l.anchor, l.line, l.col) for l in body] == [
        ("Ahmad Massoud", "Massoud", None, 7, 8),
        ("Panshir", None, "History", 7, 37),
    ]
    assert 'href="dossier:link/0">Massoud</a>' in d.body_html
    assert "<code>[[not a link]]</code>" in d.body_html
    assert body[0].context == "We met Massoud in Panshir."


def test_relative_md_links_are_recorded_as_paths():
    d = doc("See [the interview](../articles/interview.md#top) and [site](https://example.org).\n")
    (link,) = [l for l in d.links if l.origin == "body"]
    assert (link.form, link.target, link.anchor) == ("path", "content/articles/interview.md", "top")
    assert 'href="https://example.org"' in d.body_html


def test_front_matter_references_become_links_with_lines():
    d = doc("", front="title: T\ndate: 2021\npeople:\n  - Masood\n  - \"[[Ahmad Shah Massoud]]\"")
    assert [(l.target, l.line, l.origin) for l in d.links] == [("Masood", 5, "people"), ("Ahmad Shah Massoud", 6, "people")]
    assert d.fields["people"] == (0, 1)


def test_raw_html_is_sanitised_by_default():
    d = doc('<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n\n[b](javascript:alert(3)) [c](java&#115;cript:x)\n\n<p dir="rtl" lang="fa">سلام</p>\n')
    html = d.body_html
    assert "<script" not in html and "onerror" not in html and "alert(3)" not in html and "cript:x" not in html
    assert '<p dir="rtl" lang="fa">سلام</p>' in html


def test_unsafe_html_keeps_raw_html_but_not_dangerous_schemes():
    d = doc('<div class="embed"><iframe src="https://example.org/x"></iframe></div>\n\n<a href="javascript:alert(1)">x</a>\n', unsafe=True)
    assert "<iframe" in d.body_html
    assert "javascript:" not in d.body_html


def test_content_is_never_a_template():
    d = doc("{{ 7*7 }} {% include '/etc/passwd' %}\n")
    assert "{{ 7*7 }}" in d.body_html and "49" not in d.body_html


def test_runaway_markdown_is_stopped_by_the_time_budget():
    import time

    from dossier.parse import ParseOptions
    from dossier.model import Failed

    nested = "".join("  " * i + "- x\n" for i in range(1000))  # took 8 s in Python-Markdown 3.11
    t = time.perf_counter()
    d = parse(SourceFile("content/articles/t.md", "article", f"---\ntitle: T\ndate: 2021\n---\n{nested}", "x"),
              ParseOptions(time_budget=1.0))
    assert time.perf_counter() - t < 5
    assert isinstance(d, Failed)
    assert "took more than 1 s to render" in d.diagnostics[-1].message
    assert d.diagnostics[-1].line == 5


def test_double_bracket_followed_by_parenthesis_is_a_markdown_link():
    d = doc("See [[1]](https://example.org/report) and [[Masood]].\n")
    assert '<a href="https://example.org/report">[1]</a>' in d.body_html
    assert [l.target for l in d.links if l.origin == "body"] == ["Masood"]
    assert "broken-link" not in d.body_html
