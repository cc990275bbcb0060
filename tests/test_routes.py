"""URLs: collisions, the base_url prefix, drafts."""


def test_slug_collision_is_an_error_naming_both_files(make_site):
    site = make_site({
        "content/people/masood.md": "---\ntitle: Masood\nslug: massoud\n---\n",
        "content/people/massoud.md": "---\ntitle: Massoud\n---\n",
    })
    run = site.build()
    assert run.code == 1
    assert "content/people/masood.md and content/people/massoud.md both" in run.err
    assert not site.out.exists()


def test_collision_by_case_is_caught(make_site):
    site = make_site({
        "content/articles/Kabul-Report.md": "---\ntitle: A\ndate: 2021\n---\n",
        "content/articles/kabul-report.md": "---\ntitle: B\ndate: 2021\n---\n",
    })
    run = site.build()
    assert run.code == 1 and "both" in run.err


def test_page_colliding_with_timeline_is_an_error(make_site):
    site = make_site({"content/timeline.md": "---\ntitle: My timeline\n---\n"})
    run = site.build()
    assert run.code == 1
    assert "the timeline and content/timeline.md both write the URL /timeline/" in run.err


def test_base_url_prefix_on_every_internal_link(make_site, minimal_files):
    import re

    site = make_site(minimal_files)
    assert site.build("--base-url", "https://example.org/panjshir/").code == 0
    for page in site.out.rglob("*.html"):
        html = page.read_text()
        for href in re.findall(r'(?:href|src)="([^"]+)"', html):
            if href.startswith("/"):
                assert href.startswith("/panjshir/"), (page, href)
    assert 'href="/panjshir/people/ahmad-massoud/"' in site.read("articles/interview/index.html")
    assert 'href="/panjshir/static/style.css"' in site.read("index.html")


def test_drafts_only_with_flag(make_site):
    site = make_site({"content/articles/d.md": "---\ntitle: Draft\ndate: 2021\ndraft: true\n---\n"})
    assert site.build().code == 0
    assert not (site.out / "articles/d/index.html").exists()
    assert site.build("--drafts").code == 0
    assert (site.out / "articles/d/index.html").exists()


def test_every_kind_gets_its_page_and_index(make_site):
    site = make_site({
        "content/articles/a.md": "---\ntitle: A\ndate: 2021\ntags: [War Crimes]\n---\n",
        "content/people/p.md": "---\ntitle: P\n---\n",
        "content/places/pl.md": "---\ntitle: Pl\n---\n",
        "content/organizations/o.md": "---\ntitle: O\n---\n",
        "content/events/e.md": "---\ntitle: E\ndate: 2021-08\n---\n",
        "content/claims/c.md": "---\ntitle: C\nstatus: denied\n---\n",
        "content/about.md": "---\ntitle: About\n---\n",
    })
    assert site.build("--strict").code == 0
    for rel in ["articles/a/", "people/p/", "places/pl/", "organizations/o/", "events/e/", "claims/c/", "about/",
                "articles/", "people/", "places/", "organizations/", "events/", "claims/", "tags/",
                "tags/war-crimes/", "timeline/", ""]:
        assert (site.out / rel / "index.html").is_file(), rel
    assert (site.out / "404.html").is_file()


def test_nfd_file_names_are_normalised_and_collide_with_their_nfc_twin(make_site):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "content/people/lévy.md")
    nfc = unicodedata.normalize("NFC", "content/people/lévy.md")
    site = make_site({nfd: "---\ntitle: Bernard-Henri Lévy\n---\n"})
    assert site.build().code == 0
    assert (site.out / "people/levy/index.html").is_file()
    site.write(nfc, "---\ntitle: Another Lévy\n---\n")
    run = site.build()
    assert run.code == 1  # one name, two files: named, never a silent overwrite
    assert "(NFD) and content/people/lévy.md (NFC) are the same name in different Unicode normalisation forms" in run.err


def test_no_two_output_paths_differ_only_by_case(make_site, minimal_files):
    site = make_site(minimal_files)
    assert site.build().code == 0
    paths = [p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_file()]
    assert len({p.casefold() for p in paths}) == len(paths)


def test_permalink_patterns_in_front_matter_are_expanded(make_site):
    site = make_site({
        "content/articles/2016-03-29-riohacha.md": "---\ntitle: Riohacha\npermalink: /blog/:year/:month/:day/:title/\n---\n",
        "content/articles/2016-04-25-hub.md": "---\ntitle: Hub\npermalink: /blog/:categories/:year/:i_month/:title/\n---\n",
    })
    run = site.build()
    assert run.code == 0, run.err
    assert (site.out / "blog/2016/03/29/riohacha/index.html").is_file()
    assert (site.out / "blog/2016/4/hub/index.html").is_file()


def test_same_name_on_different_dates_are_two_documents(make_site):
    site = make_site({
        "content/articles/2019-12-09-a-year-of-blogs.md": "---\ntitle: December\npermalink: /blog/:year/:month/:day/:title/\n---\n",
        "content/articles/2020-01-29-a-year-of-blogs.md": "---\ntitle: January\npermalink: /blog/:year/:month/:day/:title/\n---\n",
    })
    run = site.build()
    assert run.code == 0, run.err
    assert (site.out / "blog/2019/12/09/a-year-of-blogs/index.html").is_file()
    assert (site.out / "blog/2020/01/29/a-year-of-blogs/index.html").is_file()
