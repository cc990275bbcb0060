"""An imported page bundle in the browser: its images load with width and height set, and nothing shifts."""
import shutil

import pytest

from conftest import REPO, SHOTS, SiteDir, StaticServer
from test_images import photo

pytestmark = pytest.mark.browser

HUGO_POST = """---
title: "Field report: checkpoints"
date: 2021-08-20
author: A. Reporter
categories: [Reports]
---
Text before the photos, long enough to sit above the first image on a phone screen.

![A checkpoint at dawn](checkpoint.jpg "The checkpoint at dawn | Photo: A. Reporter")

More text between the images, where a reader would be reading when the second photo arrives.

{{< figure src="queue.png" alt="People queueing at the border" caption="The queue" >}}

And the end of the report.
"""


@pytest.fixture(scope="module")
def imported_bundle(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-import")
    hugo = root / "hugo"
    bundle = hugo / "content/posts/2021-08-20-field-report"
    bundle.mkdir(parents=True)
    (hugo / "config.toml").write_text('title = "Field notes"\nbaseURL = "https://example.org/notes/"\n')
    (bundle / "index.md").write_text(HUGO_POST)
    (bundle / "checkpoint.jpg").write_bytes(photo("JPEG", (1600, 1000)))
    (bundle / "queue.png").write_bytes(photo("PNG", (900, 600)))
    runner = SiteDir(root)
    assert runner.run("import", "--from", "hugo", str(hugo), "--into", str(root / "d")).code == 0
    site = SiteDir(root / "d")
    run = site.build()
    assert run.code == 0, run.err
    server = StaticServer(site.out, "/notes/")
    yield server
    server.close()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_bundle_images_load_with_size_and_no_layout_shift(browser, imported_bundle, viewport):
    page = browser.new_page(viewport=viewport)
    page.add_init_script("""
        window.__shift = 0;
        new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
          .observe({type: 'layout-shift', buffered: true});
    """)
    # slow the images down so they arrive after the text is laid out (where a shift would happen)
    page.route("**/*.{jpg,png,webp}", lambda route: (page.wait_for_timeout(300), route.continue_()))
    page.goto(imported_bundle.url + "articles/field-report/")
    imgs = page.locator(".prose img")
    assert imgs.count() == 2
    for i in range(2):
        imgs.nth(i).scroll_into_view_if_needed()
    page.wait_for_function("Array.from(document.querySelectorAll('.prose img')).every(i => i.complete && i.naturalWidth > 0)")
    info = page.eval_on_selector_all(".prose img", "els => els.map(e => [e.getAttribute('width'), e.getAttribute('height'), e.naturalWidth, e.currentSrc])")
    assert [(w, h) for w, h, _, _ in info] == [("1600", "1000"), ("900", "600")]
    assert all(n > 0 for _, _, n, _ in info)
    assert all(src.endswith(".webp") for _, _, _, src in info)  # the modern format was chosen
    assert page.locator("figcaption .credit").first.inner_text() == "Photo: A. Reporter"
    page.wait_for_timeout(200)
    assert page.evaluate("window.__shift") == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"bundle-images-{viewport['width']}.png"), full_page=True)
    page.close()


CORPUS_SITE = REPO.parent / "shared" / "corpus" / "guardianproject-info"


@pytest.mark.skipif(not CORPUS_SITE.is_dir(), reason=f"no corpus at {CORPUS_SITE}")
def test_real_imported_bundle_page_images_load_sized_without_shift(browser, tmp_path):
    runner = SiteDir(tmp_path)
    assert runner.run("import", "--from", "hugo", str(CORPUS_SITE), "--into", str(tmp_path / "d")).code == 0
    site = SiteDir(tmp_path / "d")
    assert site.build().code == 0
    server = StaticServer(site.out)
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.add_init_script("""
            window.__shift = 0;
            new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; })
              .observe({type: 'layout-shift', buffered: true});
        """)
        page.goto(server.url + "articles/onion-browser-tutorial/")
        local = page.locator(".prose img[src^='/']")
        assert local.count() >= 5
        for i in range(local.count()):
            local.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("Array.from(document.querySelectorAll(\".prose img[src^='/']\")).every(i => i.complete && i.naturalWidth > 0)")
        sizes = page.eval_on_selector_all(".prose img[src^='/']", "els => els.map(e => [e.getAttribute('width'), e.getAttribute('height')])")
        assert all(w and h for w, h in sizes)
        page.wait_for_timeout(200)
        assert page.evaluate("window.__shift") == 0
        local.first.scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "imported-bundle-390.png"))
        page.close()
    finally:
        server.close()
