"""Multilingual dossiers: languages:, translations, one identity per entity, switcher and hreflang."""
import json
import re
from html.parser import HTMLParser

import pytest

from dossier.config import load_config

CONFIG = """title: Panjshir
base_url: https://example.org/
languages:
  - {code: en, name: English}
  - {code: fa-AF, name: دری, calendar: persian, title: پنجشیر}
"""
FILES = {
    "content/people/ahmad-massoud.md": "---\ntitle: Ahmad Massoud\naliases: [Masood]\nborn: 1989\n---\nSon of the commander. Lives in [[Panjshir Valley]].\n",
    "content/people/ahmad-massoud.fa-AF.md": "---\ntitle: احمد مسعود\n---\nپسر فرمانده. در [[دره پنجشیر]] است.\n",
    "content/people/macron.md": "---\ntitle: Emmanuel Macron\n---\nPresident.\n",
    "content/places/panjshir-valley.md": "---\ntitle: Panjshir Valley\ncoordinates: [35.3, 69.5]\n---\nA valley.\n",
    "content/places/panjshir-dari.md": "---\ntitle: دره پنجشیر\nlang: fa-AF\ntranslation_of: panjshir-valley.md\n---\nیک دره.\n",
    "content/articles/interview.md": "---\ntitle: The interview\ndate: 2021-08-22\npeople: [Masood, Emmanuel Macron]\n---\nWe spoke to [[Masood]].\n",
    "content/articles/interview.fa-AF.md": (
        "---\ntitle: مصاحبه\ndate: 2021-08-22\npeople: [احمد مسعود, Emmanuel Macron]\n---\n"
        "با [[احمد مسعود]] گفت‌وگو کردیم.\n"),
    "content/articles/only-dari.fa-AF.md": "---\ntitle: فقط دری\ndate: 2021-08-23\n---\nمتن.\n",
}


@pytest.fixture
def multilingual(make_site):
    site = make_site(FILES, config=CONFIG)
    run = site.build()
    assert run.code == 0, run.err
    return site


def test_languages_config_and_no_change_without_it(tmp_path):
    (tmp_path / "dossier.yaml").write_text(CONFIG + "  - ps\n  - {code: ps, name: x}\n  - {name: nameless}\n", encoding="utf-8")
    config, diags = load_config(tmp_path)
    assert [lang.code for lang in config.languages] == ["en", "fa-AF", "ps"]
    assert config.language == "en" and config.languages[1].path == "fa-af/" and config.languages[1].direction == "rtl"
    assert config.languages[1].date_language == "fa-AF-u-ca-persian"
    assert sorted(d.message for d in diags) == ["config: languages: ps is listed twice",
                                               "config: languages[4] needs a code (en, fa-AF, ps...)"]
    assert all(d.line == 3 for d in diags)
    (tmp_path / "dossier.yaml").write_text("title: T\n", encoding="utf-8")
    assert load_config(tmp_path)[0].languages == ()


def test_translations_live_under_their_language_folder(multilingual):
    out = multilingual.out
    for rel in ("fa-af/index.html", "fa-af/people/ahmad-massoud/index.html", "fa-af/places/panjshir-valley/index.html",
                "fa-af/articles/interview/index.html", "fa-af/articles/only-dari/index.html", "fa-af/timeline/index.html",
                "fa-af/articles/index.html", "fa-af/search/index.html"):
        assert (out / rel).is_file(), rel
    assert not (out / "people/ahmad-massoud-fa-af").exists() and not (out / "articles/only-dari").exists()
    page = multilingual.read("fa-af/people/ahmad-massoud/index.html")
    assert '<html lang="fa-AF" dir="rtl">' in page and "<h1 dir=\"auto\">احمد مسعود</h1>" in page
    assert "<dt>تولد</dt><dd>1367–1368</dd>" in page  # the original's fact, in the Dari calendar
    assert 'href="/fa-af/places/panjshir-valley/"' in page and '<a href="/fa-af/people/">شخص</a>' in page
    # English lists show English pages; the Dari-only article exists in Dari only
    assert "فقط دری" not in multilingual.read("articles/index.html")
    assert "فقط دری" in multilingual.read("fa-af/articles/index.html")
    assert "The interview" not in multilingual.read("fa-af/articles/index.html")


def test_one_identity_across_languages(multilingual):
    """Links from both languages reach one person; each page shows the items in its own language."""
    en = multilingual.read("people/ahmad-massoud/index.html")
    fa = multilingual.read("fa-af/people/ahmad-massoud/index.html")
    backlinks = lambda page: re.findall(r'<li><a href="([^"]+)" dir="auto">([^<]+)</a>', page.split('id="backlinks-h"')[1])  # noqa: E731
    assert backlinks(en) == [("/articles/interview/", "The interview")]
    assert backlinks(fa) == [("/fa-af/articles/interview/", "مصاحبه")]
    assert "We spoke to Masood." in en and "با احمد مسعود گفت‌وگو کردیم." in fa
    # a person without a Dari version is shown in English on the Dari page, marked as English
    article = multilingual.read("fa-af/articles/interview/index.html")
    assert 'href="/fa-af/people/ahmad-massoud/" dir="auto">احمد مسعود</a>' in article
    assert 'href="/people/macron/" dir="auto" lang="en">Emmanuel Macron</a>' in article
    macron = multilingual.read("people/macron/index.html")
    assert backlinks(macron) == [("/articles/interview/", "The interview")]  # both versions link: one backlink
    assert "/fa-af/" not in macron.split("<main")[1]


class _Alternates(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.links[a["hreflang"]] = a["href"]


def _alternates(path) -> dict:
    parser = _Alternates()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.links


def test_hreflang_pairs_are_reciprocal_with_x_default(multilingual):
    out = multilingual.out
    pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
    by_url = {"https://example.org/" + p.relative_to(out).as_posix().removesuffix("index.html"): p for p in pages}
    checked = 0
    for url, page in by_url.items():
        links = _alternates(page)
        if not links:
            continue
        assert url in links.values(), (url, links)  # a page names itself
        assert links.get("x-default") == links["en"]
        for code, href in links.items():
            assert _alternates(by_url[href]) == links, (url, code)  # and every alternate names the same set
        checked += 1
    assert checked >= 10
    assert _alternates(out / "articles/only-dari/index.html") == {} if (out / "articles/only-dari").exists() else True
    assert _alternates(out / "fa-af/articles/only-dari/index.html") == {}  # no other version: no alternates


def test_language_switcher_goes_to_the_translation_else_that_languages_home(multilingual):
    switch = lambda page: re.findall(r'<a href="([^"]+)" hreflang="([^"]+)"', page.split('class="lang-switch"')[1].split("</nav>")[0])  # noqa: E731
    assert switch(multilingual.read("people/ahmad-massoud/index.html")) == [
        ("/people/ahmad-massoud/", "en"), ("/fa-af/people/ahmad-massoud/", "fa-AF")]
    assert switch(multilingual.read("people/macron/index.html")) == [("/people/macron/", "en"), ("/fa-af/", "fa-AF")]
    assert switch(multilingual.read("fa-af/timeline/index.html")) == [("/timeline/", "en"), ("/fa-af/timeline/", "fa-AF")]
    fa_home = multilingual.read("fa-af/index.html")
    assert "<h1 dir=\"auto\">پنجشیر</h1>" in fa_home and 'href="/fa-af/articles/"' in fa_home


def test_json_ld_in_language_and_translations(multilingual):
    def data(rel):
        return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', multilingual.read(rel), re.S)[1])

    en, fa = data("people/ahmad-massoud/index.html"), data("fa-af/people/ahmad-massoud/index.html")
    assert en["inLanguage"] == "en" and fa["inLanguage"] == "fa-AF"
    assert en["workTranslation"] == [{"@type": "CreativeWork", "url": "https://example.org/fa-af/people/ahmad-massoud/",
                                      "inLanguage": "fa-AF"}]
    assert fa["translationOfWork"]["url"] == "https://example.org/people/ahmad-massoud/"


def test_translation_of_that_points_nowhere_is_an_error_with_its_line(make_site):
    files = dict(FILES)
    files["content/places/panjshir-dari.md"] = "---\ntitle: دره پنجشیر\nlang: fa-AF\ntranslation_of: Panjsher Vally\n---\n"
    run = make_site(files, config=CONFIG).build()
    assert run.code == 1
    assert 'content/places/panjshir-dari.md:4: D702 translation_of: "Panjsher Vally" points nowhere' in run.err
    assert 'did you mean "Panjshir Valley"?' in run.err


def test_each_language_has_its_feeds_and_the_sitemap_names_alternates(multilingual):
    import feedparser

    out = multilingual.out
    en, fa = feedparser.parse((out / "feed.xml").read_bytes()), feedparser.parse((out / "fa-af/feed.xml").read_bytes())
    assert not en.bozo and not fa.bozo
    assert [e.title for e in en.entries] == ["The interview"] and en.feed.language == "en"
    assert [e.title for e in fa.entries] == ["فقط دری", "مصاحبه"] and fa.feed.language == "fa-AF"
    data = json.loads((out / "fa-af/feed.json").read_text(encoding="utf-8"))
    assert data["language"] == "fa-AF" and data["feed_url"] == "https://example.org/fa-af/feed.json"
    assert data["title"] == "پنجشیر" and len(data["items"]) == 2
    page = multilingual.read("fa-af/index.html")
    assert 'href="/fa-af/feed.xml"' in page and 'href="/fa-af/feed.json"' in page
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.findtext("s:loc", namespaces=ns): {link.get("hreflang"): link.get("href") for link in u.findall("x:link", ns)}
            for u in ET.parse(out / "sitemap.xml").getroot()}
    person = {"en": "https://example.org/people/ahmad-massoud/", "fa-AF": "https://example.org/fa-af/people/ahmad-massoud/",
              "x-default": "https://example.org/people/ahmad-massoud/"}
    assert urls["https://example.org/people/ahmad-massoud/"] == urls["https://example.org/fa-af/people/ahmad-massoud/"] == person
    assert urls["https://example.org/fa-af/articles/only-dari/"] == {}


def test_checks_report_stale_translations_and_untranslated_links(make_site):
    from dossier.build import BuildOptions, load
    from dossier.check import run_checks

    files = dict(FILES)
    files["content/people/ahmad-massoud.md"] = files["content/people/ahmad-massoud.md"].replace("born: 1989", "born: 1989\nupdated: 2021-09-01")
    site = make_site(files, config=CONFIG)
    _c, s, _d, _t = load(BuildOptions(source=site.root, jobs=1, cache=False))
    found = sorted((d.code, d.path, d.message) for d in run_checks(s) if d.code in ("E606", "E607", "E608", "E609"))
    assert found == [
        ("E608", "content/articles/interview.fa-AF.md", 'links to 1 entity with no fa-AF version: "Emmanuel Macron"'),
        ("E609", "content/people/ahmad-massoud.fa-AF.md",
         "translation may be out of date: content/people/ahmad-massoud.md was updated 2021-09-01, this fa-AF version has no updated: date"),
    ]


# ------------------------------------------------------------ no change for English single-language sites
THEME_STATIC = __import__("pathlib").Path(__file__).resolve().parent.parent / "themes/default/static"


@pytest.mark.parametrize("config, full", [
    ("title: T\n", False),  # English, one language: the CSS and scripts of before languages existed
    ("title: T\nlanguage: fa-AF\n", True),  # a Persian site uses the labels its pages carry
    (CONFIG, True),
])
def test_i18n_parts_of_the_theme_are_published_only_where_pages_use_them(make_site, minimal_files, config, full):
    site = make_site(minimal_files, config=config)
    assert site.build().code == 0
    out = site.root / "build/static"
    for name, used in (("style.css", ".lang-switch"), ("timeline.js", "data-some"), ("search.js", "data-some")):
        theme = (THEME_STATIC / name).read_bytes()
        assert theme.count(b"/* i18n: ") == theme.count(b"/* :i18n */") >= 1, name  # regions are closed
        published = (out / name).read_bytes()
        if full:
            assert published == theme, name
        else:
            assert b"i18n" not in published and used.encode() not in published, name
            assert len(theme) - len(published) < 1200, name  # only the marked lines went


def test_links_and_timeline_chips_in_another_language_carry_lang_and_dir(make_site):
    files = dict(FILES)
    files["content/articles/interview.fa-AF.md"] += "\nبا [[Emmanuel Macron]] و [[Emmanuel Macron|رئیس‌جمهور فرانسه]] هم.\n"
    files["content/events/talks.md"] = (
        "---\ntitle: Talks in Paris\ndate: 2021-08-25\npeople: [Emmanuel Macron, Ahmad Massoud]\nplaces: [Panjshir Valley]\n"
        "place: Panjshir Valley\nsources: [The interview]\n---\nTalks.\n")
    site = make_site(files, config=CONFIG)
    assert site.build().code == 0
    out = site.root / "build"
    body = (out / "fa-af/articles/interview/index.html").read_text(encoding="utf-8")
    # a Latin name on a Dari page, leading to an English page: the text and the target are English
    assert re.search(r'<a [^>]*href="/people/macron/"[^>]*hreflang="en" lang="en" dir="ltr"[^>]*>Emmanuel Macron</a>', body)
    # a Dari label for the same English page: only the target's language
    dari = re.search(r'<a ([^>]*)>رئیس‌جمهور فرانسه</a>', body).group(1)
    assert 'hreflang="en"' in dari and "lang=\"en\"" not in dari.replace("hreflang", "")
    # the link to احمد مسعود reaches his Dari page: nothing to mark
    assert re.search(r'<a [^>]*href="/fa-af/people/ahmad-massoud/"(?![^>]*lang=)[^>]*>احمد مسعود</a>', body)
    timeline = (out / "fa-af/timeline/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="chip chip-person" href="/people/macron/" lang="en" dir="ltr">Emmanuel Macron</a>', timeline)
    assert '<a class="chip chip-person" href="/fa-af/people/ahmad-massoud/">احمد مسعود</a>' in timeline
    assert re.search(r'<a href="/events/talks/" dir="auto" lang="en">Talks in Paris</a>', timeline)
    assert re.search(r'<a href="/fa-af/places/panjshir-valley/">دره پنجشیر</a>', timeline)
    assert re.search(r'<a href="/fa-af/articles/interview/" dir="auto">مصاحبه</a>', timeline)  # the source, in Dari
    english = (out / "timeline/index.html").read_text(encoding="utf-8")
    assert ' lang="' not in english.split("<main", 1)[1]  # the English page quotes nothing in another language
