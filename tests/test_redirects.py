"""previous_slugs: old addresses stay alive as redirect pages; a redirect never replaces a real page."""
import re

BASE = "https://example.org/panjshir/"


def test_old_slugs_become_redirect_pages(make_site):
    site = make_site({
        "content/people/ahmad-massoud.md": (
            "---\ntitle: Ahmad Massoud\nprevious_slugs: [massoud-jr, Ahmad Masood]\n---\nText.\n"),
        "content/articles/report.md": (
            "---\ntitle: Report\ndate: 2021-08-20\nprevious_slugs: [/2021/08/old-report/]\n---\nOn [[Ahmad Massoud]].\n"),
    }, config=f"title: T\nbase_url: {BASE}\n")
    run = site.build("--strict")
    assert run.code == 0, run.err
    for old in ("people/massoud-jr/index.html", "people/ahmad-masood/index.html", "2021/08/old-report/index.html"):
        html = site.read(old)
        target = "people/ahmad-massoud/" if old.startswith("people") else "articles/report/"
        assert f'<meta http-equiv="refresh" content="0; url=/panjshir/{target}">' in html
        assert f'<link rel="canonical" href="{BASE}{target}">' in html
        assert f'<a href="/panjshir/{target}"' in html
        assert '<meta name="robots" content="noindex">' in html
    sitemap = site.read("sitemap.xml")
    assert "massoud-jr" not in sitemap and "old-report" not in sitemap
    assert "massoud-jr" not in site.read("search/index.html")


def test_redirect_follows_in_a_browser_style_fetch(make_site):
    site = make_site({"content/places/kabul.md": "---\ntitle: Kabul\nprevious_slugs: [kabul-city]\n---\n"})
    assert site.build().code == 0
    html = site.read("places/kabul-city/index.html")
    url = re.search(r'content="0; url=([^"]+)"', html).group(1)
    assert (site.out / url.lstrip("/") / "index.html").is_file()


def test_a_redirect_that_would_overwrite_a_page_is_an_error_naming_both_files(make_site):
    site = make_site({
        "content/people/a.md": "---\ntitle: A\n---\n",
        "content/people/b.md": "---\ntitle: B\nprevious_slugs: [c, a]\n---\n",
    })
    run = site.build()
    assert run.code == 1
    assert "content/people/b.md:3" in run.err and "content/people/a.md" in run.err  # b.md:3 is its previous_slugs line
    assert "/people/a/" in run.err and "previous_slugs" in run.err
    assert not site.out.exists()


def test_two_pages_claiming_one_old_slug_collide(make_site):
    site = make_site({
        "content/people/a.md": "---\ntitle: A\nprevious_slugs: [old]\n---\n",
        "content/people/b.md": "---\ntitle: B\nprevious_slugs: [old]\n---\n",
    })
    run = site.build()
    assert run.code == 1
    assert "content/people/a.md" in run.err and "content/people/b.md" in run.err and "/people/old/" in run.err


def test_a_redirect_onto_a_fixed_page_is_refused(make_site):
    site = make_site({"content/about.md": "---\ntitle: About\nprevious_slugs: [/timeline/]\n---\n"})
    run = site.build()
    assert run.code == 1 and "the timeline" in run.err and "content/about.md" in run.err


def test_previous_slug_equal_to_the_current_one_is_ignored(make_site):
    site = make_site({"content/people/a.md": "---\ntitle: A\nslug: a\nprevious_slugs: [A]\n---\n"})
    run = site.build("--strict")
    assert run.code == 0, run.err
    assert "Moved" not in site.read("people/a/index.html")
