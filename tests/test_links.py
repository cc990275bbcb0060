"""A link checker over the built example dossier: every internal href/src resolves to a file,
at the site root and under a path prefix (served from that prefix over HTTP)."""
import re
import shutil
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import REPO, SiteDir, StaticServer

ORIGIN = "https://example.org"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src", "action", "poster", "data-pagefind"):
            if a.get(key):
                self.links.append((tag, key, a[key]))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url=(.+)$", a.get("content") or "", re.I)
            if m:
                self.links.append((tag, "refresh", m.group(1).strip()))


def build_example(root, base_url=None) -> SiteDir:
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "dossier.yaml", root / "dossier.yaml")
    site = SiteDir(root)
    args = ["--strict"] + (["--base-url", base_url] if base_url else [])
    run = site.build(*args)
    assert run.code == 0, run.err
    return site


def check_site(out, prefix: str):
    """Return (broken links, internal URL paths seen). A link is internal when it has no host or our host."""
    pages = {}
    for path in out.rglob("*.html"):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("pagefind/"):
            continue
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[rel] = parser
    broken, seen = [], set()

    def url_of(rel):
        return prefix + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)

    def resolve(url_path):
        if not url_path.startswith(prefix):
            return None
        rel = unquote(url_path[len(prefix):])
        if rel == "" or rel.endswith("/"):
            rel += "index.html"
        return rel if (out / rel).is_file() else None

    def check(source, value, kind):
        parts = urlsplit(value)
        if parts.scheme in ("mailto", "tel", "data", "javascript"):
            assert parts.scheme != "javascript", (source, value)
            return
        if parts.scheme and f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            return  # external
        absolute = urlsplit(urljoin(ORIGIN + url_of(source), value))
        seen.add(absolute.path)
        rel = resolve(absolute.path)
        if rel is None:
            broken.append((source, kind, value))
            return
        if absolute.fragment and rel in pages and unquote(absolute.fragment) not in pages[rel].ids:
            broken.append((source, kind + "#", value))

    for rel, parser in pages.items():
        for tag, key, value in parser.links:
            check(rel, value, f"{tag}[{key}]")
    # feeds and the sitemap point into the site too
    for xml_file in ["sitemap.xml", "feed.xml", *[p.relative_to(out).as_posix() for p in out.glob("tags/*/feed.xml")]]:
        root = ET.fromstring((out / xml_file).read_bytes())
        for el in root.iter():
            if el.tag.endswith("}loc"):
                check(xml_file, el.text, "loc")
            if el.tag.endswith("}link") and el.get("href"):
                check(xml_file, el.get("href"), "link")
    return broken, seen


@pytest.mark.parametrize("base_url", [None, "https://example.org/panjshir/"], ids=["root", "prefix"])
def test_no_broken_internal_links(tmp_path, base_url):
    site = build_example(tmp_path, base_url)
    prefix = urlsplit(base_url).path if base_url else "/"
    broken, seen = check_site(site.out, prefix)
    assert broken == [], broken[:20]
    assert len(seen) > 60
    assert prefix + "static/style.css" in seen and prefix + "pagefind/pagefind.js" in seen
    assert prefix + "people/ahmad-massoud/" in seen
    if base_url:
        html = "".join(p.read_text(encoding="utf-8") for p in site.out.rglob("*.html") if "pagefind" not in p.parts)
        assert not re.search(r'(?:href|src)="/(?!panjshir/|/)', html), "a link that ignores the prefix"


def test_served_under_the_prefix_every_internal_url_answers(tmp_path):
    site = build_example(tmp_path, "https://example.org/panjshir/")
    broken, seen = check_site(site.out, "/panjshir/")
    assert broken == []
    server = StaticServer(site.out, prefix="/panjshir/")
    try:
        base = server.url[: -len("/panjshir/")]
        failures = []
        for path in sorted(seen):
            try:
                with urllib.request.urlopen(base + path, timeout=10) as resp:
                    if resp.status != 200:
                        failures.append((path, resp.status))
            except Exception as exc:  # noqa: BLE001 - report every failure together
                failures.append((path, str(exc)))
        assert failures == []
        # the Pagefind bundle loads its own files relative to pagefind.js
        with urllib.request.urlopen(base + "/panjshir/pagefind/pagefind-entry.json", timeout=10) as resp:
            assert resp.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "/people/ahmad-massoud/", timeout=10)  # nothing outside the prefix
    finally:
        server.close()


def test_the_checker_finds_a_broken_link(tmp_path):
    site = build_example(tmp_path)
    page = site.out / "about/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", '<a href="/people/nobody/">x</a><a href="#nowhere">y</a></main>'),
                    encoding="utf-8")
    broken, _ = check_site(site.out, "/")
    assert ("about/index.html", "a[href]", "/people/nobody/") in broken
    assert ("about/index.html", "a[href]#", "#nowhere") in broken
