"""Page bundles, files under content/, _index.md intros (discover, resolve.links.asset_urls, render/assets.py)."""


def test_bundles_take_their_folder_name_and_publish_their_files(make_site):
    site = make_site({
        "content/articles/2021-03-02-clean-insights/index.md":
            "---\ntitle: Clean Insights\n---\n[The report](data/report.pdf) and [notes](notes.txt).\n",
        "content/articles/2021-03-02-clean-insights/data/report.pdf": b"%PDF",
        "content/articles/2021-03-02-clean-insights/notes.txt": "n",
        "content/articles/2020-01-01-other/index.md": "---\ntitle: Other\n---\nSee [the first](../2021-03-02-clean-insights/).\n",
        "content/files/handbook.pdf": b"%PDF-2",
        "content/about/index.md": "---\ntitle: About\n---\n![Logo](../files/logo.png)\n",
    })
    run = site.build()
    assert run.code == 0, run.err
    assert "D501" not in run.err  # two index.md files, two slugs
    assert (site.out / "articles/clean-insights/data/report.pdf").read_bytes() == b"%PDF"
    assert (site.out / "articles/clean-insights/notes.txt").is_file()
    assert (site.out / "files/handbook.pdf").read_bytes() == b"%PDF-2"
    html = site.read("articles/clean-insights/index.html")
    assert 'href="/articles/clean-insights/data/report.pdf"' in html
    assert 'href="/articles/clean-insights/"' in site.read("articles/other/index.html")
    assert "content/about/index.md:4:9: warning: D207 no file \"../files/logo.png\"" in run.err
    assert site.read("about/index.html")


def test_bundle_files_follow_a_permalink(make_site):
    site = make_site({"content/articles/x/index.md": "---\ntitle: X\ndate: 2021\npermalink: /2021/old/x/\n---\n![Map](map.png)\n",
                      "content/articles/x/map.png": b"\x89PNG broken"})
    run = site.build()
    assert "content/articles/x/map.png: warning: D210" in run.err  # unreadable: not published
    assert (site.out / "2021/old/x/index.html").is_file()


def test_section_index_is_the_intro_of_its_listing(make_site, minimal_files):
    site = make_site({**minimal_files, "content/articles/_index.md": "---\ntitle: Blog\n---\nAll our [[Masood]] coverage.\n",
                      "content/_index.md": "---\n---\nWelcome to the *dossier*.\n"})
    run = site.build()
    assert run.code == 0, run.err
    listing = site.read("articles/index.html")
    assert '<div class="intro prose" dir="auto"><p>All our <a class="wikilink" href="/people/ahmad-massoud/">Masood</a>' in listing
    assert "Welcome to the <em>dossier</em>" in site.read("index.html")
    assert not (site.out / "articles/articles/index.html").exists() and not (site.out / "articles/_index").exists()
    assert "1 entry" in listing  # the intro is not an article


def test_site_absolute_links_are_checked_with_the_prefix_and_did_you_mean(make_site, minimal_files):
    site = make_site({**minimal_files, "content/articles/links.md": (
        "---\ntitle: Links\ndate: 2021\n---\n"
        "[ok](/panjshir/articles/interview/) [moved](/post/2021/interview/) [no prefix](/people/ahmad-massoud/)\n\n"
        "[gone](/nothing/here/) [feed](/panjshir/feed.xml)\n")},
        config="title: T\nbase_url: https://example.org/panjshir/\n")
    run = site.build()
    lines = [l for l in run.err.splitlines() if "D201" in l]
    assert lines == [
        'content/articles/links.md:5:45: warning: D201 link: no page at "/post/2021/interview/" (moved to /panjshir/articles/interview/?)',
        'content/articles/links.md:5:80: warning: D201 link: "/people/ahmad-massoud/" leaves out the site prefix /panjshir/ (write /panjshir/people/ahmad-massoud/)',
        'content/articles/links.md:7:8: warning: D201 link: no page at "/nothing/here/"',
    ]


def test_failing_build_still_reports_every_warning_of_the_files_that_parsed(make_site, minimal_files):
    site = make_site({**minimal_files,
                      "content/articles/broken.md": "---\ntitle: [unclosed\n---\n",
                      "content/articles/fine/index.md": "---\ntitle: Fine\ndate: 2021\nauthr: me\n---\n"
                      "[[Nobody]] ![](missing.png) {{< gallery >}} [x](/nowhere/)\n",
                      "content/articles/fine/broken.jpg": b"nope"})
    run = site.build()
    assert run.code == 1
    for expected in ("content/articles/broken.md:3: D101", "content/articles/fine/index.md:6:1: warning: D201",
                     "content/articles/fine/index.md:6:16: warning: D208", "content/articles/fine/index.md:6:16: warning: D207",
                     "content/articles/fine/index.md:6:29: warning: D209",
                     "content/articles/fine/index.md:6:49: warning: D201 link: no page at \"/nowhere/\"",
                     "content/articles/fine/broken.jpg: warning: D210", 'note: D105 unknown field "authr"'):
        assert expected in run.err, expected


def test_a_second_build_reports_the_same_warnings(make_site, minimal_files):
    import os
    import time

    site = make_site({**minimal_files, "content/articles/w.md": "---\ntitle: W\ndate: 2021\n---\n[[Nobody]]\n"})
    old = time.time() - 60  # files long settled: the build may take its "nothing changed" shortcut
    for path in (site.root / "content").rglob("*.md"):
        os.utime(path, (old, old))
    first = site.build()
    second = site.build("--strict")
    assert "D201" in first.err and "D201" in second.err
    assert second.code == 1
