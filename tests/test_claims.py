"""Claim pages, sources (citations, backlinks, /sources/), casualty ranges and the sensitive gate."""
import html
import re

ARCHIVE = "https://web.archive.org/web/2021/https://example.org/rumour"

FILES = {
    "content/people/ahmad-massoud.md": "---\ntitle: Ahmad Massoud\naliases: [Masood]\n---\nA person.\n",
    "content/people/haqqani.md": "---\ntitle: Haqqani\n---\nA Taliban leader.\n",
    "content/places/panjshir.md": "---\ntitle: Panjshir Valley\n---\nA valley.\n",
    "content/articles/interview.md": (
        "---\ntitle: The interview\ndate: 2021-08-22\npeople: [Masood]\n"
        "source:\n  publisher: Example Daily\n  url: https://example.org/interview\n"
        f"  archived_url: {ARCHIVE}\n---\nHe denied it.\n"
    ),
    "content/articles/denial.md": "---\ntitle: A flat denial\ndate: 2021-08-23\n---\nHe said no.\n",
    "content/claims/leaving.md": (
        "---\ntitle: Massoud is leaving\nstatus: denied\nclaimant: Haqqani\ndate: 2021-08\n"
        "sources:\n  - \"[[The interview]]\"\n"
        "  - {url: 'https://example.org/rumour', title: The rumour, publisher: Example Wire, date: 2021-08-20,"
        f" archived_url: '{ARCHIVE}'}}\n"
        "rebutted_by: \"[[A flat denial]]\"\n---\n## The evidence\n\nHe was still in the valley.\n"
    ),
    "content/claims/thousands.md": (
        "---\ntitle: Thousands joined\nstatus: unverified\ndate: 2021-08-21\n"
        "sources: ['[[The interview]]']\n---\nNo independent count.\n"
    ),
    "content/events/clash.md": (
        "---\ntitle: A clash at the gorge\ndate: 2021-08-30\nplace: Panjshir Valley\nlocation_precision: district\n"
        "casualties: {killed: [12, 30], injured: 4}\nsources:\n  - \"[[The interview]]\"\n"
        "  - {url: 'https://example.org/rumour', title: The rumour, publisher: Example Wire}\n---\nFighting.\n"
    ),
}


def build(make_site, extra=None):
    files = dict(FILES)
    files.update(extra or {})
    site = make_site(files)
    run = site.build()
    assert run.code == 0, run.err
    return site


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_claim_page_shows_status_explanation_evidence_sources_and_rebuttal(make_site):
    site = build(make_site)
    page = site.read("claims/leaving/index.html")
    text = text_of(page)
    assert 'class="verdict verdict-denied"' in page
    assert '<strong class="status status-denied">denied</strong>' in page
    assert "The person or group concerned has denied it." in text
    assert "What each status means" in text and "Checked and found to be untrue." in text
    assert 'href="/claims/#denied"' in page
    assert "Claimed by Haqqani" in text and 'href="/people/haqqani/"' in page
    assert "Claimed on August 2021" in text
    assert "Rebutted by A flat denial" in text and 'href="/articles/denial/"' in page
    assert "Evidence" in text and "He was still in the valley." in text
    sources = page.split('id="sources-h"', 1)[1]
    assert 'id="source-1"' in sources and 'href="/articles/interview/"' in sources
    assert 'id="source-2"' in sources and 'href="https://example.org/rumour"' in sources
    assert f'href="{ARCHIVE}"' in sources and "Example Wire" in sources


def test_claim_without_claimant_says_so(make_site):
    site = build(make_site)
    text = text_of(site.read("claims/thousands/index.html"))
    assert "Claimed by not identified" in text
    assert "Not yet checked against independent sources." in text


def test_claims_list_grouped_by_status(make_site):
    site = build(make_site)
    page = site.read("claims/index.html")
    assert page.index('id="unverified"') < page.index('id="denied"')  # the order of CLAIM_STATUSES
    denied = page.split('id="denied"', 1)[1]
    assert "The person or group concerned has denied it." in denied and "Massoud is leaving" in denied


def test_article_cited_as_source_backlinks_the_claim_and_event(make_site):
    site = build(make_site)
    page = site.read("articles/interview/index.html")
    backlinks = page.split('id="backlinks-h"', 1)[1]
    for url in ("/claims/leaving/", "/claims/thousands/", "/events/clash/"):
        assert f'href="{url}"' in backlinks, url
    assert "listed in sources" in backlinks


def test_sources_page_groups_by_publisher_and_names_citing_pages(make_site):
    site = build(make_site)
    page = site.read("sources/index.html")
    text = text_of(page)
    assert "2 external sources from 2 publishers" in text
    # one entry for the rumour although a claim and an event cite it (same URL)
    assert page.count('href="https://example.org/rumour"') == 1
    wire = page.split(">Example Wire</h2>", 1)[1].split("</section>", 1)[0]
    assert 'href="/claims/leaving/"' in wire and 'href="/events/clash/"' in wire
    assert f'href="{ARCHIVE}"' in wire  # filled in from the citation that had it
    daily = page.split(">Example Daily</h2>", 1)[1].split("</section>", 1)[0]
    assert 'href="https://example.org/interview"' in daily and "based on it" in daily
    internal = page.split('id="internal-h"', 1)[1]
    assert 'href="/articles/interview/"' in internal and 'href="/claims/thousands/"' in internal
    assert 'href="/sources/"' in site.read("index.html")  # linked from every page's footer


def test_casualty_ranges_and_location_precision(make_site):
    site = build(make_site)
    text = text_of(site.read("events/clash/index.html"))
    assert "12–30 killed (reported range)" in text
    assert "4 injured" in text and "4 injured (reported range)" not in text
    assert "(precision: district)" in text


def test_sensitive_page_is_gated_and_flagged(make_site):
    site = build(make_site, {"content/events/clash.md": FILES["content/events/clash.md"].replace(
        "location_precision", "sensitive: true\nsummary: Graphic details.\nlocation_precision")})
    page = site.read("events/clash/index.html")
    gate = page.split('<details class="sensitive-gate">', 1)
    assert len(gate) == 2, "the page content sits behind a <details> gate"
    assert "Content warning." in gate[1].split("</summary>", 1)[0]
    assert "Fighting." in gate[1].split("</summary>", 1)[1]  # the content is inside, after the summary
    assert "<details open" not in page
    listing = site.read("events/index.html")
    assert "Graphic details." not in listing and "Content warning" in listing
    # other pages are not gated
    assert "sensitive-gate" not in site.read("claims/leaving/index.html")


def test_views_expose_sensitive_for_feeds_and_search(make_site):
    from dossier.build import BuildOptions, load
    from dossier.render.views import Views

    site_dir = make_site({**FILES, "content/articles/denial.md": "---\ntitle: A flat denial\ndate: 2021-08-23\n"
                                                                  "sensitive: true\n---\nHe said no.\n"})
    _, site, diags, _ = load(BuildOptions(source=site_dir.root, jobs=1))
    views = Views(site)
    assert views.card("articles/denial")["sensitive"] is True
    assert views.card("articles/interview")["sensitive"] is False
    route = site.routes["articles/denial/"]
    assert views.view(route).context["page"]["sensitive"] is True
