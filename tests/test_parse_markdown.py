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


# ------------------------------------------------------------------ smarty, skipped where it cannot match
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from markdown.treeprocessors import InlineProcessor  # noqa: E402

from dossier.parse.frontmatter import split_front_matter  # noqa: E402
from dossier.parse.markdown import Renderer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def stock_smarty_renderer() -> Renderer:
    """Our renderer with Python-Markdown's own smarty and inline passes put back (the reference)."""
    r = Renderer()
    quick = r.md.treeprocessors["smarty"]
    stock = InlineProcessor(r.md)
    stock.inlinePatterns = quick.inlinePatterns
    r.md.treeprocessors.register(stock, "smarty", 6)
    r.md.treeprocessors.register(InlineProcessor(r.md), "inline", 20)
    assert type(r.md.treeprocessors["smarty"]) is InlineProcessor and type(r.md.treeprocessors["inline"]) is InlineProcessor
    return r


def bodies(folder: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted(folder.rglob("*.md")):
        try:
            body = split_front_matter(path.read_text(encoding="utf-8")).body
        except Exception:  # files the parser refuses are tested elsewhere
            continue
        out.append((str(path.relative_to(folder)), body))
    return out


def assert_same_bytes(texts: list[tuple[str, str]]) -> int:
    quick, stock = Renderer(), stock_smarty_renderer()
    assert type(quick.md.treeprocessors["smarty"]) is not InlineProcessor
    assert type(quick.md.treeprocessors["inline"]) is not InlineProcessor
    typographic = 0
    for path, body in texts:
        a = quick.render(body, f"content/{path}", 5, 0)
        b = stock.render(body, f"content/{path}", 5, 0)
        assert (a.html, a.links, a.headings, a.text) == (b.html, b.links, b.headings, b.text), path
        typographic += any(c in a.html for c in "‘’“”–—…")
    return typographic


def test_quick_smarty_gives_the_same_bytes_on_the_example():
    texts = bodies(REPO / "content")
    assert len(texts) > 10
    assert assert_same_bytes(texts) > 3  # the example does have quotes and dashes to educate


def test_quick_smarty_gives_the_same_bytes_on_a_generated_dossier(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    generate(tmp_path / "g", 40)
    texts = bodies(tmp_path / "g" / "content")
    texts += [(f"q{i}.md", body.replace(" the ", ' "the" ', 2).replace(" said ", " said -- it's ... ", 1))
              for i, (_p, body) in enumerate(texts[:30])]  # the same text with things to educate
    assert assert_same_bytes(texts) >= 30


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")
def test_quick_smarty_gives_the_same_bytes_on_real_sites():
    texts = bodies(CORPUS)
    assert len(texts) > 300
    assert assert_same_bytes(texts) > 50


def test_quick_smarty_educates_quotes_dashes_and_ellipses_in_every_place():
    r = Renderer()
    html = r.render('"Hi" -- it\'s... *"so"* --- [a "b"](x.html)\n\n- \'1990s\' "q"\n\n`"code"`\n', "content/a.md", 1, 0).html
    assert html == stock_smarty_renderer().render(
        '"Hi" -- it\'s... *"so"* --- [a "b"](x.html)\n\n- \'1990s\' "q"\n\n`"code"`\n', "content/a.md", 1, 0).html
    assert "“Hi” – it’s…" in html and "<em>“so”</em> —" in html and "<code>\"code\"</code>" in html
def test_quick_inline_pass_gives_the_same_bytes_for_every_inline_pattern():
    """Each bundled pattern, alone and mixed, at the start, middle and end of text, nested and escaped."""
    samples = [
        "`code` and ``two `ticks` `` and \\`not code\\`", "a \\*escaped\\* star and \\[bracket]",
        "A note[^1] here.\n\n[^1]: The note.", "[[Ahmad Massoud]] and [[ahmad-massoud|the commander]]",
        "[ref][r] and [r] and [text](https://example.org \"t\") and [bad](javascript:x)\n\n[r]: https://example.org/r",
        "![img](a.png) ![ref img][i] ![i]\n\n[i]: b.png", "<https://example.org/x> and <someone@example.org>",
        "line with break  \nnext line", "inline <span class=\"x\">html</span> <!-- c --> <?pi?>",
        "&amp; &#169; &#xA9; & alone", "*em* **strong** ***both*** _u_ __uu__ snake_case_word 2 * 3",
        "plain text with none of them at all", "*mixed [link](x.html) with `code` & <b>b</b>*", "trailing *",
        "- item *one*\n- item [two](y.html)\n\n| a | *b* |\n|---|---|\n| `c` | [[Masood]] |",
    ]
    texts = [(f"s{i}.md", text) for i, text in enumerate(samples)]
    assert_same_bytes(texts)
    html = Renderer().render(samples[10], "content/a.md", 1, 0).html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html and "snake_case_word" in html


def test_double_bracket_followed_by_parenthesis_is_a_markdown_link():
    d = doc("See [[1]](https://example.org/report) and [[Masood]].\n")
    assert '<a href="https://example.org/report">[1]</a>' in d.body_html
    assert [l.target for l in d.links if l.origin == "body"] == ["Masood"]
    assert "broken-link" not in d.body_html
