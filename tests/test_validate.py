"""Validity and accessibility of the example dossier.

- The Nu HTML Checker (``vnu-jar`` from the npm registry, run with the machine's Java)
  reports no errors on any page of the example, one of every kind and more: home,
  listings, each document kind, tags, timeline, sources, search, 404 and a redirect.
- axe-core (npm registry) in headless Chromium: no serious or critical violations on
  the home page, an article, a person, the timeline and the search page with results.

Missing tools fail these tests (scripts/setup-test-env installs them); they never skip.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, SiteDir, StaticServer, copy_example

NPM = REPO / "tests" / ".npm" / "node_modules"
VNU = NPM / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NPM / "axe-core" / "axe.min.js"
SETUP = "run scripts/setup-test-env (installs vnu-jar and axe-core into tests/.npm, and Java)"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    root = tmp_path_factory.mktemp("validate-example")
    copy_example(root)
    person = root / "content/people/ahmad-massoud.md"  # give the copy a redirect page too
    person.write_text(person.read_text(encoding="utf-8").replace("---\n", "---\nprevious_slugs: [ahmed-masood]\n", 1),
                      encoding="utf-8")
    site = SiteDir(root)
    run = site.build("--strict", "--base-url", "https://example.org/")
    assert run.code == 0, run.err
    return site


def pages(site):
    return sorted(p for p in site.out.rglob("*.html") if "pagefind" not in p.relative_to(site.out).parts)


def vnu_errors(java: str, files) -> tuple[list[str], subprocess.CompletedProcess]:
    """The Nu HTML Checker's errors over ``files`` as "path:line: message", and its process."""
    proc = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(proc.stderr or "{}")
    errors = [f'{m.get("url", "").split("/build/")[-1]}:{m.get("lastLine")}: {m["message"]}'
              for m in report.get("messages", []) if m.get("type") in ("error", "non-document-error")]
    return errors, proc


def test_nu_html_checker_finds_no_errors(example):
    java = shutil.which("java")
    assert java, f"java not found: {SETUP}"
    assert VNU.is_file(), f"{VNU} missing: {SETUP}"
    files = pages(example)
    rels = {p.relative_to(example.out).as_posix() for p in files}
    for must in ("index.html", "articles/index.html", "articles/panjshir-interview-summary/index.html",
                 "people/ahmad-massoud/index.html", "places/panjshir-valley/index.html", "organizations/taliban/index.html",
                 "events/fall-of-kabul/index.html", "claims/haqqani-massoud-is-leaving/index.html", "about/index.html",
                 "tags/index.html", "tags/interview/index.html", "timeline/index.html", "map/index.html", "sources/index.html",
                 "search/index.html", "404.html", "people/ahmed-masood/index.html"):
        assert must in rels, must
    errors, proc = vnu_errors(java, files)
    assert errors == [], "\n".join(errors[:30])
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.fixture(scope="module")
def server(example):
    s = StaticServer(example.out)
    yield s
    s.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "articles/panjshir-interview-summary/", "people/ahmad-massoud/", "timeline/",
                                  "search/?q=Masood", "map/", "places/kabul/"],
                         ids=["home", "article", "person", "timeline", "search", "map", "place"])
@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_axe_finds_no_serious_or_critical_violations(browser, server, path, width):
    assert AXE.is_file(), f"{AXE} missing: {SETUP}"
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(server.url + path)
        if path.startswith("search/"):
            page.wait_for_selector("#search-results li a", timeout=15000)
        if path in ("map/", "places/kabul/"):  # the interactive map is drawn: check it, not the static one
            page.wait_for_selector(".tm-leaflet .tm-marker", timeout=15000)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 5).map(n => n.html.slice(0, 160))}));
        }""")
    finally:
        page.close()
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], json.dumps(bad, indent=1)
