"""Bad input: exit 1, a file:line message, no traceback, previous output byte-identical."""
import pytest

GOOD = "---\ntitle: Fine\ndate: 2021-08-15\n---\nBody.\n"

BAD_CASES = {
    "malformed": ("---\ntitle: Fine\ndate: [2021\n---\nBody\n", "content/articles/bad.md:4", "D101"),
    "not a mapping": ("---\n- just\n- a list\n---\nBody\n", "content/articles/bad.md:2", "D102"),
    "missing title": ("---\ndate: 2021-08-15\n---\nBody\n", "content/articles/bad.md:1", "D103"),
    "missing date": ("---\ntitle: No date\n---\nBody\n", "content/articles/bad.md:1", "D103"),
    "wrong type": ("---\ntitle: Fine\ndate: 2021-08-15\ntags: {a: 1}\n---\nBody\n", "content/articles/bad.md:4", "D104"),
    "impossible date": ("---\ntitle: Fine\ndate: 2021-13-40\n---\nBody\n", "content/articles/bad.md:3", "D301"),
    "python tag": ("---\ntitle: !!python/object/apply:os.getcwd []\ndate: 2021\n---\n", "content/articles/bad.md:2", "D101"),
    "unclosed": ("---\ntitle: Fine\ndate: 2021\nBody without closing fence\n", "content/articles/bad.md:1", "D107"),
    "no front matter": ("Just text\n", "content/articles/bad.md:1", "D107"),
    "unquoted colon": ("---\ntitle: Fine\nsummary: a: b\ndate: 2021\n---\n", "content/articles/bad.md:3", "D101"),
}


@pytest.mark.parametrize("name", list(BAD_CASES))
def test_bad_front_matter_is_reported_and_keeps_previous_output(make_site, name):
    text, location, code = BAD_CASES[name]
    site = make_site({"content/articles/good.md": GOOD})
    assert site.build().code == 0
    before = site.snapshot()
    site.write("content/articles/bad.md", text)
    run = site.build()
    assert run.code == 1
    assert f"{location}: {code}" in run.err, run.err
    assert "Traceback" not in run.err + run.out
    assert site.snapshot() == before  # byte-identical previous build
    assert not list(site.root.glob(".build.tmp-*"))


def test_one_bad_file_does_not_hide_the_others(make_site):
    site = make_site({
        "content/articles/a.md": "---\ntitle: A\ndate: 2021-13-01\n---\n",
        "content/articles/b.md": "---\ntitle: B\n---\n",
        "content/articles/c.md": GOOD,
    })
    run = site.run("check", "--source", str(site.root))
    assert run.code == 1
    # dossier check reports on stdout as file:line: [code] message (see tests/test_check.py)
    assert "content/articles/a.md:3: [D301]" in run.out
    assert "content/articles/b.md:1: [D103]" in run.out
    assert "checked 1 pages" in run.out  # c.md still parsed


def test_python_tag_is_never_executed(make_site, tmp_path):
    sentinel = tmp_path / "sentinel"
    site = make_site({"content/articles/x.md": f"---\ntitle: !!python/object/apply:os.mkdir ['{sentinel}']\ndate: 2021\n---\n"})
    run = site.build()
    assert run.code == 1 and not sentinel.exists()
    assert "no !!python tags" in run.err


@pytest.mark.parametrize("encoding", ["lf", "crlf", "bom-crlf", "cr"])
def test_bom_and_line_endings_build_identical_pages(make_site, encoding):
    text = "---\ntitle: Kabul falls\ndate: 2021-08-15\ntags: [kabul]\n---\n## The day\n\nThe city *fell*.\n"
    data = {
        "lf": text.encode(), "crlf": text.replace("\n", "\r\n").encode(),
        "bom-crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), "cr": text.replace("\n", "\r").encode(),
    }[encoding]
    site = make_site({"content/articles/x.md": data})
    assert site.build().code == 0
    page = site.read("articles/x/index.html")
    assert "<h1 dir=\"auto\">Kabul falls</h1>" in page
    assert '<h2 id="the-day">The day</h2>' in page and "<em>fell</em>" in page
    assert "15 August 2021" in page
    reference = make_site({"content/articles/x.md": text})  # same tmp site dir: rebuilt with LF
    assert reference.build().code == 0
    assert reference.read("articles/x/index.html") == page


def test_crlf_error_lines_are_right(make_site):
    site = make_site({"content/articles/x.md": "---\r\ntitle: X\r\ndate: 2021\r\nupdated: 2021-02-31\r\n---\r\n"})
    run = site.build()
    assert "content/articles/x.md:4: D301" in run.err


def test_duplicate_key_is_a_warning_with_line(make_site):
    site = make_site({"content/articles/x.md": "---\ntitle: One\ndate: 2021\ntitle: Two\n---\n"})
    run = site.build()
    assert run.code == 0
    assert 'content/articles/x.md:4: warning: D106 front matter: "title" appears twice' in run.err
    assert site.build("--strict").code == 1
