"""The small timeline dossier in tests/fixtures/timeline/, copied and built through the real CLI."""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, SiteDir

FIXTURE = REPO / "tests" / "fixtures" / "timeline"


def build_fixture(root: Path, config: str | None = None, files: dict[str, str] | None = None,
                  expect_ok: bool = True) -> SiteDir:
    """Copy the fixture to ``root``, optionally replace dossier.yaml / add files, build with --strict."""
    shutil.copytree(FIXTURE, root)
    site = SiteDir(root)
    if config is not None:
        site.write("dossier.yaml", config)
    for rel, text in (files or {}).items():
        site.write(rel, text)
    run = site.build("--strict")
    if expect_ok:
        assert run.code == 0, run.err
    site.last_run = run
    return site


def timeline_entries(html: str) -> list[dict]:
    """Every ``li.tl-event`` of a page, in page order: classes, data-filter, datetime, date text, title, links."""
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.items: list[dict] = []
            self.depth = 0  # <li> nesting inside the current event
            self.field: str | None = None
            self.field_tag: str | None = None
            self.month: str | None = None
            self.in_month_label = False

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            cls = (a.get("class") or "").split()
            if "tl-month-label" in cls:
                self.in_month_label, self.month = True, ""
            if tag == "li" and "tl-event" in cls:
                self.items.append({"classes": cls, "filter": a.get("data-filter", "").split(), "datetime": None,
                                   "date": "", "title": "", "links": [], "month": self.month, "text": ""})
                self.depth = 1
                return
            if not self.depth:
                return
            item = self.items[-1]
            if tag == "li":
                self.depth += 1
            if tag == "a":
                item["links"].append(a.get("href"))
            if self.field is None:
                if tag == "time" and item["datetime"] is None:
                    item["datetime"] = a.get("datetime")
                    self.field, self.field_tag = "date", "time"
                elif "tl-title" in cls:
                    self.field, self.field_tag = "title", tag

        def handle_endtag(self, tag):
            if self.in_month_label and tag.startswith("h"):
                self.in_month_label = False
            if tag == self.field_tag:
                self.field = self.field_tag = None
            if self.depth and tag == "li":
                self.depth -= 1

        def handle_data(self, data):
            if self.in_month_label:
                self.month += data
            if self.depth:
                self.items[-1]["text"] += data
                if self.field:
                    self.items[-1][self.field] += data

    p = P()
    p.feed(html)
    for item in p.items:
        item["title"] = item["title"].strip()
        item["month"] = (item["month"] or "").strip()
        item["text"] = " ".join(item["text"].split())
    return p.items
