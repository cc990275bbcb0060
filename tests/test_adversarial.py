"""tests/adversarial/: a dossier of hostile files. The build fails cleanly (or, without
the fatal files, succeeds) with no traceback, no hang, nothing executed, nothing
written outside the output, and no payload left active in any output."""
import html
import json
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, SiteDir

ADVERSARIAL = REPO / "tests" / "adversarial"
FATAL = {  # file -> the located message the author sees
    "content/articles/alias-bomb.md": "content/articles/alias-bomb.md:2: D101 front matter: document is too large",
    "content/articles/bad-date.md": 'content/articles/bad-date.md:3: D301 date: "2021-13-40": month must be in 1..12',
    "content/articles/binary.md": "content/articles/binary.md: D100 not UTF-8 text (invalid byte at offset 0)",
    "content/articles/deep-yaml.md": "content/articles/deep-yaml.md:4: D101 front matter:",
    "content/articles/js-links.md": 'content/articles/js-links.md:4: D104 source: url "javascript:alert(1)" must start with http',
    "content/articles/latin1.md": "content/articles/latin1.md: D100 not UTF-8 text (invalid byte at offset 14)",
    "content/articles/python-tag.md": "content/articles/python-tag.md:2: D101 front matter: could not determine a constructor",
    "content/articles/self-reference.md": "content/articles/self-reference.md:4: D101 front matter: a value refers to itself",
    "content/people/traversal.md": 'content/people/traversal.md:3: D205 slug: "../../../etc/evil" must not contain',
}
WARNED = [
    'content/articles/brackets.md:5: warning: D110 Markdown not rendered: the text has more than 3000 "["',
    'content/articles/emphasis.md:5: warning: D110 Markdown not rendered',
    "content/articles/controls.md:5: warning: D111 control characters removed",
    'content/articles/dup-keys.md:4: warning: D106 front matter: "title" appears twice',
    "content/people/bidi.md:3: warning: D205 slug: bidi control characters removed",
]


def _copy(tmp_path: Path) -> SiteDir:
    root = tmp_path / "adv"
    shutil.copytree(ADVERSARIAL, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("---\ntitle: SECRET-LEAK\n---\nsecret\n")
    (root / "content/articles/leak.md").symlink_to(outside / "secret.md")  # points out of the source
    (root / "content/articles/loop").symlink_to(root / "content/articles")  # a loop
    return SiteDir(root)


def _listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if ".dossier-cache" not in p.parts}


def test_hostile_dossier_fails_cleanly_and_names_every_file(tmp_path):
    site = _copy(tmp_path)
    before = _listing(tmp_path)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dossier", "build", "--source", str(site.root)],
                          capture_output=True, text=True, timeout=120, cwd=REPO)
    assert time.perf_counter() - t < 60
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    for message in [*FATAL.values(), *WARNED]:
        assert message in proc.stderr, message
    assert "symlink points outside the source folder" in proc.stderr
    assert not Path("/tmp/dossier-pwned").exists()
    assert _listing(tmp_path) == before  # nothing written anywhere (no output for a failed build)


def test_surviving_files_build_inert(tmp_path):
    site = _copy(tmp_path)
    for rel in FATAL:
        (site.root / rel).unlink()
    # the raw HTML vectors, without the fatal front matter
    (site.root / "content/articles/js-links-body.md").write_text(
        (ADVERSARIAL / "content/articles/js-links.md").read_text().replace(
            'source: {publisher: Evil, url: "javascript:alert(1)"}\n', ""))
    before = _listing(tmp_path)
    run = site.build()
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    created = _listing(tmp_path) - before
    assert all(p.startswith("adv/build") or p.startswith("adv/.build") is False for p in created), created
    assert not any("SECRET-LEAK" in p.read_text(errors="ignore") for p in site.out.rglob("*.html"))
    for page in site.out.rglob("*.html"):
        _assert_inert(page)
    for page in site.out.rglob("*.xml"):
        ET.parse(page)  # strict XML
    for page in site.out.rglob("*.json"):
        json.loads(page.read_text())
    literal = site.read("articles/template-injection/index.html")
    assert "{{ 7*7 }}" in literal and "49" not in re.sub(r"<[^>]+>", "", literal).replace("2021", "")
    assert "Safe paragraph stays." in site.read("articles/js-links-body/index.html")
    assert (site.out / "people/bidi-person/index.html").is_file()


class _Inspector(HTMLParser):
    BAD_TAGS = {"iframe", "base", "object", "embed"}  # (our own search and filter forms are fine)

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.scripts = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction") and value:
                v = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                if v.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"{tag} {name}={value}")
            if name == "style" and "javascript" in (value or "").lower():
                self.problems.append(f"{tag} style")
        if tag in self.BAD_TAGS:
            self.problems.append(tag)
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.problems.append("meta refresh")
        if tag == "script":
            self._in_script = attrs
            self.scripts.append([attrs, ""])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self.scripts[-1][1] += data


def _assert_inert(page: Path):
    p = _Inspector()
    text = page.read_text(encoding="utf-8")
    assert "evil.example" not in text, page  # no iframe, base, form action or refresh pointing there
    p.feed(text)
    assert p.problems == [], (page, p.problems)
    for attrs, body in p.scripts:
        if attrs.get("type") == "application/ld+json":
            json.loads(body)  # parses: nothing broke out of it; payloads are inert strings
            assert "<" not in body and ">" not in body, page
        else:
            assert "alert(" not in body, (page, attrs, body[:120])
