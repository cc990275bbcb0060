"""Hugo shortcodes and Liquid tags (parse/shortcodes.py): understood, or a warning and never shown."""
import pytest

from dossier.model import Document, SourceFile
from dossier.parse import ParseOptions, parse
from dossier.parse.shortcodes import FOREIGN, convert


def doc(body, path="content/articles/t.md"):
    d = parse(SourceFile(path, "article", f"---\ntitle: T\ndate: 2021\n---\n{body}", "x"), ParseOptions())
    assert isinstance(d, Document), d.diagnostics
    return d


def no_foreign(html):
    assert not any(f in html for f in FOREIGN), html


def test_youtube_vimeo_tweet_become_links():
    d = doc('{{< youtube 7Y4thikv-OM >}}\n\n{{< vimeo id="123" >}}\n\n{{< tweet user="SamGregory" id="1268512277877178368" >}}\n')
    assert 'href="https://www.youtube.com/watch?v=7Y4thikv-OM"' in d.body_html
    assert 'href="https://vimeo.com/123"' in d.body_html
    assert 'href="https://x.com/SamGregory/status/1268512277877178368"' in d.body_html
    no_foreign(d.body_html)
    assert not d.diagnostics


def test_figure_becomes_a_captioned_image():
    d = doc('{{< figure src="chart.png" alt="A chart" caption="Arrests by month" attr="Source: OHCHR" >}}\n')
    assert '<figure><img alt="A chart" src="dossier:asset/content/articles/chart.png">' in d.body_html
    assert '<figcaption>Arrests by month <small class="credit">Source: OHCHR</small></figcaption>' in d.body_html


def test_ref_inside_a_link_is_a_page_link_by_file_name():
    d = doc('See [privacy leaks]({{< ref 2014-10-16-reducing-metadata >}}) and {{< relref "blog/other/index.md#part" >}}.\n')
    body = [l for l in d.links if l.origin == "body"]
    assert sorted((l.target, l.anchor, l.line) for l in body) == [("other", "part", 5), ("reducing-metadata", None, 5)]
    assert [l.col for l in body if l.target == "reducing-metadata"] == [19]
    no_foreign(d.body_html)


def test_highlight_is_a_code_block_and_keeps_line_numbers():
    d = doc('{{< highlight go >}}\nfmt.Println("{{< x >}}")\n{{< /highlight >}}\n\n[[Missing]]\n')
    assert '<code class="language-go">' in d.body_html
    assert [l.line for l in d.links if l.origin == "body"] == [9]


def test_unknown_shortcode_is_a_warning_with_position_and_is_not_shown():
    d = doc('Intro.\n\nText {{< gallery dir="x" >}} more {{% notice info %}}Careful{{% /notice %}}.\n')
    warns = [(w.code, w.line, w.col) for w in d.diagnostics]
    assert warns == [("D209", 7, 6), ("D209", 7, 35)]
    assert "Careful" in d.body_html
    no_foreign(d.body_html)
    assert "gallery" not in d.text and "{{" not in d.text  # not in meta descriptions either


def test_liquid_tags():
    d = doc('{% include links.html %}\n\nRead [the post]({% post_url 2010-01-02-old-news %}) at [home]({{ site.baseurl }}/about/).\n\n'
            '{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\n{{ page.title }}\n')
    assert [(w.code, w.line, w.col) for w in d.diagnostics] == [("D209", 5, 1), ("D209", 13, 1)]
    assert [l.target for l in d.links if l.origin == "body"] == ["old-news"]
    assert 'href="/about/"' in d.body_html and '<code class="language-ruby">' in d.body_html
    no_foreign(d.body_html)


def test_code_is_left_alone():
    d = doc("```\n{{< youtube x >}} {% include y %}\n```\n\nInline `{{< ref x >}}`.\n")
    assert not d.diagnostics
    assert "{{&lt; youtube x &gt;}}" in d.body_html and "<code>{{&lt; ref x &gt;}}</code>" in d.body_html


@pytest.mark.parametrize("text", ["{{< ", "{{% x", "{% if", "{{< a >}}{{< /a", "{{<{{<>}}>}}"])
def test_broken_syntax_never_raises(text):
    out = convert(text, "content/x.md", 1)
    assert isinstance(out.text, str)


def test_attribute_lookalikes_in_code_are_not_rewritten():
    d = doc('```\nm = re.match(\'<a href="http(.*)">\', line)\n```\n\n    x = \'<img src="photo.jpg">\'\n')
    assert not d.refs and not d.diagnostics
    assert 'href="http(.*)"' in d.body_html.replace("&quot;", '"') and "dossier:asset" not in d.body_html
