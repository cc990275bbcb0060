"""Feeds, sitemap and robots.txt: valid XML always, absolute URLs, hostile text inert (RELIABILITY rows 7, 8, 20, 21)."""
import json
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser
import pytest

from conftest import REPO, SiteDir

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
from conftest import EXAMPLE_BASE_URL as BASE  # noqa: E402


@pytest.fixture
def example(example_build_with_base_url):
    return example_build_with_base_url  # conftest: built with --base-url BASE


def strict_xml(path):
    """xml.etree raises on anything that is not well-formed XML 1.0."""
    return ET.fromstring(path.read_bytes())


def parse_feed(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, (path, feed.get("bozo_exception"))
    return feed


def test_example_feeds_are_valid_and_absolute(example):
    out = example.out
    feed = parse_feed(out / "feed.xml")
    root = strict_xml(out / "feed.xml")
    assert root.tag == f"{ATOM}feed"
    assert feed.feed.title == "Panjshir, August 2021"
    assert [l.href for l in feed.feed.links if l.rel == "self"] == [BASE + "feed.xml"]
    titles = [e.title for e in feed.entries]
    assert "The Panjshir interview: a summary" in titles and len(titles) == 3
    for e in feed.entries:
        assert e.link.startswith(BASE + "articles/") and e.id == e.link
        assert e.published and e.updated
        html = e.content[0].value
        assert 'href="/' not in html, "root-relative links in feed content must be made absolute"
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True), "newest first"
    interview = next(e for e in feed.entries if e.title.startswith("The Panjshir interview"))
    assert {t.term for t in interview.tags} >= {"interview", "resistance"}
    assert 'href="https://example.org/panjshir/people/' in interview.content[0].value


def test_json_feed_1_1(example):
    data = json.loads((example.out / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "feed.json" and data["home_page_url"] == BASE
    assert len(data["items"]) == 3
    for item in data["items"]:
        assert item["id"] and item["url"].startswith(BASE) and item["title"]
        assert item["content_html"] and item["date_published"]
    interview = next(i for i in data["items"] if i["title"].startswith("The Panjshir interview"))
    assert interview["external_url"].startswith("https://")  # the source the article reports


def test_tag_feeds_sitemap_and_robots(example):
    out = example.out
    tag = parse_feed(out / "tags/interview/feed.xml")
    strict_xml(out / "tags/interview/feed.xml")
    assert [e.title for e in tag.entries] == ["The Panjshir interview: a summary"]
    assert 'type="application/atom+xml" title="#interview · Panjshir, August 2021" href="/panjshir/tags/interview/feed.xml"' in (
        out / "tags/interview/index.html").read_text(encoding="utf-8")
    for path in out.glob("tags/*/feed.xml"):
        parse_feed(path)
        strict_xml(path)
    urlset = strict_xml(out / "sitemap.xml")
    locs = {u.find(f"{SM}loc").text: (u.find(f"{SM}lastmod").text if u.find(f"{SM}lastmod") is not None else None)
            for u in urlset}
    assert all(loc.startswith(BASE) for loc in locs)
    assert locs[BASE + "articles/panjshir-interview-summary/"] == "2021-08-22"
    assert BASE + "people/ahmad-massoud/" in locs and BASE + "timeline/" in locs and BASE + "search/" in locs
    assert not any(loc.endswith(("404.html", ".xml", ".json")) for loc in locs)
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in robots and "User-agent: *" in robots


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        self.handlers += [(tag, k) for k, _ in attrs if k.startswith("on")]
        if tag == "script":
            self._in = dict(attrs).get("type", "")
            self.scripts.append([self._in, ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.scripts[-1][1] += data


HOSTILE = '</script><script>alert(1)</script><!--<script> "><img src=x onerror=alert(2)> & Co'


def test_hostile_titles_and_control_characters_stay_inert(make_site):
    site = make_site({
        "content/articles/evil.md": (
            "---\n"
            f"title: '{HOSTILE}'\n"
            'summary: "Bell\\x07 and unit separator\\x1f and vertical tab\\x0b in a scraped summary"\n'
            "authors: ['<b>Desk</b> \"quoted\"']\n"
            "tags: ['<script>x</script>']\n"
            "date: 2021-08-20\n---\n"
            "Body with controls: \x02start\x10 of text\x1f and <script>alert(3)</script> & an ampersand.\n"
        ),
    }, config=f"title: Test dossier\nbase_url: {BASE}\n")
    run = site.build()
    assert run.code == 0, run.err
    for rel in ("feed.xml", "sitemap.xml", "tags/script-x-script/feed.xml"):
        if (site.out / rel).exists():
            strict_xml(site.out / rel)
    feed = parse_feed(site.out / "feed.xml")
    entry = feed.entries[0]
    assert entry.title == HOSTILE
    assert "\x07" not in entry.summary and "\x1f" not in entry.summary and "Bell and unit separator" in entry.summary
    assert "<script" not in entry.content[0].value
    data = json.loads((site.out / "feed.json").read_text(encoding="utf-8"))
    assert data["items"][0]["title"] == HOSTILE
    page = (site.out / "articles/evil/index.html").read_text(encoding="utf-8")
    parser = _Scripts()
    parser.feed(page)
    assert parser.handlers == []
    for kind, body in parser.scripts:
        assert "alert" not in body or kind == "application/ld+json"
        if kind == "application/ld+json":
            assert "</script" not in body.lower() and "<!--" not in body
            assert json.loads(body)["headline"] == HOSTILE
    assert f'content="{HOSTILE}"' not in page  # Open Graph values are attribute-escaped


def test_summary_cut_before_escaping_never_splits_an_entity_or_a_grapheme(make_site):
    family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"
    head = ("Kabul & a < b " * 14) + "پنجشیر "
    body = head + family * 4 + " end of the story" * 5
    assert len(head) < 220 < len(head) + 4 * len(family)  # the summary limit (220) falls inside the emoji run
    site = make_site({"content/articles/cut.md": f"---\ntitle: Cut\ndate: 2021-08-20\n---\n{body}\n"},
                     config=f"title: T\nbase_url: {BASE}\nfeeds: {{content: summary}}\n")
    assert site.build().code == 0
    raw = (site.out / "feed.xml").read_text(encoding="utf-8")
    strict_xml(site.out / "feed.xml")
    summary = parse_feed(site.out / "feed.xml").entries[0].summary
    assert "&amp" not in summary.replace("&amp;", "")  # no half entity
    assert summary.endswith("…")
    text = summary[:-1].rstrip()
    assert not text.endswith("\u200D") and (family not in text or text.count("\U0001F468") == text.count("\U0001F467"))
    assert "&amp;" in raw and "<content" not in raw  # content: summary writes no full text


def test_feed_config_count_and_bad_values(make_site):
    files = {f"content/articles/a{i}.md": f"---\ntitle: A{i}\ndate: 2021-08-{10 + i}\n---\nText {i}.\n" for i in range(5)}
    site = make_site(files, config=f"title: T\nbase_url: {BASE}\nfeeds: {{count: 2}}\n")
    assert site.build("--strict").code == 0
    assert [e.title for e in parse_feed(site.out / "feed.xml").entries] == ["A4", "A3"]
    assert len(json.loads((site.out / "feed.json").read_text(encoding="utf-8"))["items"]) == 2
    site = make_site(files, config=f"title: T\nbase_url: {BASE}\nfeeds: {{count: -1, content: everything, colour: red}}\n")
    run = site.build()
    assert run.code == 0
    assert "feeds.count must be a whole number" in run.err and "feeds.content must be full or summary" in run.err
    assert 'unknown key "feeds.colour"' in run.err
    assert len(parse_feed(site.out / "feed.xml").entries) == 5


def test_sensitive_and_draft_articles_stay_out_of_feeds(make_site):
    site = make_site({
        "content/articles/open.md": "---\ntitle: Open report\ndate: 2021-08-20\n---\nText.\n",
        "content/articles/graphic.md": "---\ntitle: Graphic report\ndate: 2021-08-21\nsensitive: true\ntags: [t]\n---\nText.\n",
        "content/articles/wip.md": "---\ntitle: Work in progress\ndate: 2021-08-22\ndraft: true\ntags: [t]\n---\nText.\n",
    }, config=f"title: T\nbase_url: {BASE}\n")
    assert site.build("--drafts").code == 0
    for rel in ("feed.xml", "feed.json", "tags/t/feed.xml"):
        text = (site.out / rel).read_text(encoding="utf-8")
        assert "Open report" in text or rel.startswith("tags/")
        assert "Graphic report" not in text and "Work in progress" not in text


def test_without_a_host_feeds_use_paths_and_the_build_says_so_once(make_site, minimal_files):
    site = make_site(minimal_files)
    run = site.build("--strict")
    assert run.code == 0, run.err
    assert run.err.count("need an absolute base_url") == 1
    assert "warning" not in run.err
    feed = parse_feed(site.out / "feed.xml")
    strict_xml(site.out / "sitemap.xml")
    assert feed.entries[0].link == "/articles/interview/"
    assert feed.entries[0].id.startswith("urn:uuid:")
    assert "Sitemap:" not in (site.out / "robots.txt").read_text(encoding="utf-8").replace("# Sitemap:", "")
    site2 = make_site(minimal_files, config=f"title: T\nbase_url: {BASE}\n")
    assert "need an absolute base_url" not in site2.build().err


def test_sitemap_text_is_escaped_as_elementtree_escapes_it():
    import xml.etree.ElementTree as ET

    from dossier.render.feeds import _xml_escape

    for text in ["a&b", "<script>", "x > y", 'q"uote\'s', "د&ر", "&amp;"]:
        el = ET.Element("loc")
        el.text = text
        assert ET.tostring(el, encoding="unicode") == f"<loc>{_xml_escape(text)}</loc>"
