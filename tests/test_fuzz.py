"""Property test: random front matter and bodies (any Unicode, RTL, emoji, markup
fragments) never crash the build; every output parses; no value appears unescaped."""
import html
import json
import shutil
import string
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import SiteDir

MARKER = "<x-fuzz>"  # a tag that must never reach the HTML as a tag
text = st.lists(
    st.one_of(
        # (C0/C1 controls and unassigned code points are YAML errors, covered elsewhere: keep the fuzz on our code)
        st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co")),
        st.sampled_from(list("سلام پنجشیر مسعود ‏‎\u202e\u2066💥👩‍👩‍👧[]()*_`#<>&\"'{}%|\\!\n-:")),
        st.sampled_from([MARKER, "[[", "]]", "{{ 7*7 }}", "</script>", "javascript:", "&amp;", "\r\n", "---"]),
    ),
    max_size=40,
).map("".join)
scalar = st.one_of(text, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))


def yaml_str(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML: any value, safely quoted


@st.composite
def article(draw):
    fields = {
        "title": draw(text.filter(lambda s: s.strip())) + MARKER,
        "date": draw(st.sampled_from(["2021", "2021-08", "2021-08-15", "2021-08-15T21:00+04:30", "c. 1998", "August 2021"])),
        "summary": draw(text) + MARKER,
        "tags": draw(st.lists(text.filter(lambda s: s.strip()), max_size=3)) + [MARKER],
        "authors": [draw(text) + MARKER],
        "people": draw(st.lists(text, max_size=2)),
    }
    extra = draw(st.dictionaries(st.text(string.ascii_lowercase, min_size=1, max_size=8), scalar, max_size=3))
    body = draw(text) + "\n\n" + draw(text) + f" [[{draw(text)}]] {MARKER}\n"
    front = "\n".join(f"{k}: {yaml_str(v)}" for k, v in {**extra, **fields}.items())
    return f"---\n{front}\n---\n{body}"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag == "x-fuzz":
            self.bad.append(tag)
        for name, _ in attrs:
            if name.startswith("on"):
                self.bad.append(name)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(article(), min_size=1, max_size=3))
def test_random_dossiers_build_and_stay_escaped(tmp_path_factory, articles):
    root = tmp_path_factory.mktemp("fuzz")
    site = SiteDir(root)
    site.write("dossier.yaml", "title: Fuzz\nbase_url: https://example.org/f/\n")
    site.write("content/people/p.md", "---\ntitle: Ahmad Massoud\naliases: [مسعود]\n---\n")
    for i, text_ in enumerate(articles):
        site.write(f"content/articles/a{i}.md", text_)
    run = site.build("--no-cache")
    assert "Traceback" not in run.err + run.out
    assert run.code in (0, 1), run.err
    event(f"exit {run.code}")
    if run.code == 1:
        assert any(line.startswith("content/") for line in run.err.splitlines()), run.err
        return
    for page in site.out.rglob("*"):
        if page.suffix == ".html":
            parser = _Tags()
            parser.feed(page.read_text(encoding="utf-8"))
            assert parser.bad == [], page
        elif page.suffix == ".xml":
            ET.parse(page)
        elif page.suffix in (".json", ".geojson"):
            json.loads(page.read_text(encoding="utf-8"))
    shutil.rmtree(root, ignore_errors=True)
