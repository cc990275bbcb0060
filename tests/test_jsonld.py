"""schema.org JSON-LD, Open Graph, Twitter card and canonical links on every kind of page."""
import json
import re
import shutil

import pytest

from conftest import REPO, SiteDir
from dossier.render.jsonld import CLAIM_RATINGS, json_script

from conftest import EXAMPLE_BASE_URL as BASE  # noqa: E402
LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def example(example_build_with_base_url):
    return example_build_with_base_url  # conftest: built with --base-url BASE


def ld(site, rel):
    blocks = LD.findall(site.read(rel))
    assert len(blocks) == 1, rel
    return json.loads(blocks[0])


def meta(site, rel):
    html = site.read(rel)
    props = dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)">', html))
    names = dict(re.findall(r'<meta name="([^"]+)" content="([^"]*)">', html))
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    return props, names, canonical


def test_every_html_page_has_one_parseable_json_ld_block(example):
    pages = [p for p in example.out.rglob("*.html") if "pagefind" not in p.parts]
    assert len(pages) > 40
    for page in pages:
        rel = page.relative_to(example.out).as_posix()
        data = ld(example, rel)
        assert data["@context"] == "https://schema.org" and data["@type"], rel


def test_news_article(example):
    data = ld(example, "articles/panjshir-interview-summary/index.html")
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "The Panjshir interview: a summary"
    assert data["datePublished"] == "2021-08-22" and data["dateModified"] == "2021-08-22"
    assert data["author"] == [{"@type": "Person", "name": "Dossier desk"}]
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["url"] == BASE
    assert data["url"] == BASE + "articles/panjshir-interview-summary/"
    based = data["isBasedOn"]
    assert based[0]["url"].startswith("https://") and based[0]["inLanguage"] == "fr"
    assert data["translationOfWork"]["url"] == based[0]["url"]
    assert {"@type": "Person", "name": "Ahmad Massoud", "url": BASE + "people/ahmad-massoud/"} in data["mentions"]
    props, names, canonical = meta(example, "articles/panjshir-interview-summary/index.html")
    assert canonical == [BASE + "articles/panjshir-interview-summary/"]
    assert props["og:type"] == "article" and props["og:title"] == "The Panjshir interview: a summary"
    assert props["og:url"] == canonical[0] and props["article:published_time"] == "2021-08-22"
    assert names["twitter:card"] == "summary" and names["twitter:title"] == props["og:title"]


def test_person_place_organization(example):
    person = ld(example, "people/ahmad-massoud/index.html")
    assert person["@type"] == "Person" and person["name"] == "Ahmad Massoud"
    assert "Masood" in person["alternateName"] and person["birthDate"] == "1989"
    assert person["affiliation"][0]["@type"] == "Organization"
    place = ld(example, "places/panjshir-valley/index.html")
    assert place["@type"] == "Place"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 35.31, "longitude": 69.52}
    assert place["containedInPlace"]["name"] == "Afghanistan"
    org = ld(example, "organizations/taliban/index.html")
    assert org["@type"] == "Organization" and org["foundingDate"] == "1994" and "Taleban" in org["alternateName"]
    props, _, _ = meta(example, "people/ahmad-massoud/index.html")
    assert props["og:type"] == "profile"


def test_event_dates_keep_their_precision(example):
    ev = ld(example, "events/massoud-meets-macron/index.html")
    assert ev["@type"] == "Event"
    assert ev["startDate"] == "2017-05" and ev["endDate"] == "2021-08-21"  # a month stays a month
    assert ev["location"] == {"@type": "Place", "name": "Paris", "url": BASE + "places/paris/"}
    kabul = ld(example, "events/fall-of-kabul/index.html")
    assert kabul["startDate"] == "2021-08-15" and "endDate" not in kabul


def test_claim_review(example):
    data = ld(example, "claims/haqqani-massoud-is-leaving/index.html")
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "Haqqani: Massoud is leaving"
    rating = data["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"].startswith("Denied")
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    item = data["itemReviewed"]
    assert item["@type"] == "Claim" and item["datePublished"] == "2021-08"
    assert item["author"]["name"] == "Haqqani (Taliban leader)" and item["author"]["url"].startswith(BASE)
    assert CLAIM_RATINGS["false"][0] < CLAIM_RATINGS["misleading"][0] < CLAIM_RATINGS["confirmed"][0]


def test_home_and_listings(example):
    home = ld(example, "index.html")
    assert home["@type"] == "WebSite" and home["url"] == BASE
    assert home["potentialAction"]["target"]["urlTemplate"] == BASE + "search/?q={search_term_string}"
    assert ld(example, "people/index.html")["@type"] == "CollectionPage"
    assert ld(example, "timeline/index.html")["name"] == "Timeline"
    assert '<meta name="robots" content="noindex">' in example.read("404.html")


def test_json_script_cannot_break_out():
    hostile = '</script><script>alert(1)</script><!--<script> & \u2028'
    text = str(json_script({"headline": hostile}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["headline"] == hostile


def test_sensitive_pages_do_not_leak_their_summary_into_previews(make_site):
    site = make_site({"content/articles/g.md": "---\ntitle: G\ndate: 2021\nsensitive: true\nsummary: Graphic details\n---\nx\n"})
    assert site.build().code == 0
    html = site.read("articles/g/index.html")
    head = html.split("</head>")[0]
    assert 'property="og:description" content="This page carries a content warning."' in head
    assert "Graphic details" not in "".join(LD.findall(html))
