"""Search: a Pagefind index built with the site; "Masood" finds Ahmad Massoud in a real browser."""
import json
import shutil

import pytest

from conftest import MINIMAL, REPO, SHOTS, SiteDir, StaticServer


def _search(page, url, query):
    page.goto(url)
    page.fill("#search-q", query)
    page.wait_for_selector("#search-results li a", timeout=15000)
    return page.locator("#search-results li a")


@pytest.mark.browser
def test_typing_masood_finds_ahmad_massoud(browser, example_server):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    links = _search(page, example_server.url + "search/", "Masood")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('Masood')")
    titles = [t.strip() for t in links.all_inner_texts()]
    assert "Ahmad Massoud" in titles
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "search-masood.png"), full_page=True)
    page.locator("#search-results li a", has_text="Ahmad Massoud").first.click()
    page.wait_for_url("**/people/ahmad-massoud/")
    assert page.locator("h1").inner_text() == "Ahmad Massoud"
    # a shared search address runs the search when opened
    page.goto(example_server.url + "search/?q=Panshir")
    page.wait_for_selector("#search-results li a")
    assert "Panjshir Valley" in [t.strip() for t in page.locator("#search-results li a").all_inner_texts()]
    assert page.input_value("#search-q") == "Panshir"
    assert errors == []
    page.close()


@pytest.mark.browser
def test_search_works_under_a_path_prefix(browser, tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "dossier.yaml", tmp_path / "dossier.yaml")
    site = SiteDir(tmp_path)
    assert site.build("--base-url", "https://example.org/panjshir/").code == 0
    server = StaticServer(site.out, prefix="/panjshir/")
    try:
        page = browser.new_page()
        links = _search(page, server.url + "search/", "Masud")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert "/panjshir/people/ahmad-massoud/" in hrefs
        assert all(h.startswith("/panjshir/") for h in hrefs)
        page.locator("#search-results li a", has_text="Ahmad Massoud").first.click()
        page.wait_for_url("**/panjshir/people/ahmad-massoud/")
        page.close()
    finally:
        server.close()


def test_the_index_holds_document_pages_only_and_no_sensitive_ones(make_site):
    files = dict(MINIMAL)
    files["content/people/witness.md"] = "---\ntitle: Protected witness\nsensitive: true\n---\nZanzibarword.\n"
    site = make_site(files)
    assert site.build("--strict").code == 0
    entry = json.loads(site.read("pagefind/pagefind-entry.json"))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == 3  # person, place, article
    fragments = b"".join(p.read_bytes() for p in (site.out / "pagefind/fragment").iterdir())
    assert b"Protected witness" not in fragments  # fragments are gzip-compressed: check the page too
    page = site.read("people/witness/index.html")
    assert "data-pagefind-body" not in page and 'data-pagefind-ignore="all"' in page
    assert "data-pagefind-body" in site.read("people/ahmad-massoud/index.html")
    assert 'class="aliases" data-pagefind-weight' in site.read("people/ahmad-massoud/index.html")


@pytest.mark.parametrize("binary", ["missing", "failing"])
def test_without_an_index_the_build_warns_and_the_page_says_so(make_site, monkeypatch, tmp_path, binary):
    if binary == "missing":
        monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    else:
        fake = tmp_path / "pagefind"
        fake.write_text("#!/bin/sh\necho 'Error: boom' >&2\nexit 3\n")
        fake.chmod(0o755)
        monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    site = make_site(dict(MINIMAL))
    run = site.build()
    assert run.code == 0, run.err
    assert "D504" in run.err and "search index not built" in run.err
    assert ("status 3" in run.err and "boom" in run.err) if binary == "failing" else "not found" in run.err
    html = site.read("search/index.html")
    assert '<div class="search-unavailable" id="search-unavailable">' in html
    assert "data-search-form hidden" in html
    assert not (site.out / "pagefind").exists()
    assert (site.out / "index.html").is_file()


def test_pagefind_comes_from_the_python_package():
    from dossier.render.search import pagefind_binary

    binary = pagefind_binary()
    assert binary is not None and binary.is_file(), "pip install 'pagefind[bin]' (a dossier dependency)"
    assert "pagefind_bin" in str(binary) or "pagefind" in binary.name


def test_search_can_be_turned_off(make_site):
    site = make_site({"content/people/a.md": "---\ntitle: Ahmad Massoud\n---\n"}, config="title: T\nsearch: false\n")
    run = site.build("--strict")
    assert run.code == 0, run.err
    assert not (site.out / "pagefind").exists()
    assert "Search is turned off for this site." in site.read("search/index.html")
