"""The example dossier in content/ builds cleanly and has every page the contract names."""
import pytest

from conftest import REPO


@pytest.fixture
def example(example_build):
    return example_build  # conftest: a copy of the example built with --strict (the build must pass)


def test_example_has_a_page_for_every_content_file(example):
    from dossier.names import slugify

    for md in (REPO / "content").rglob("*.md"):
        rel = md.relative_to(REPO / "content")
        folder = rel.parent.as_posix()
        url = f"{folder}/{slugify(md.stem)}/" if folder != "." else f"{slugify(md.stem)}/"
        assert (example.out / url / "index.html").is_file(), url


def test_example_meets_the_brief(example):
    counts = {k: len(list((REPO / "content" / k).glob("*.md")))
              for k in ["articles", "people", "places", "organizations", "events", "claims"]}
    assert counts["articles"] >= 3 and counts["people"] >= 6 and counts["places"] >= 5
    assert counts["organizations"] >= 4 and counts["events"] >= 6 and counts["claims"] >= 2
    timeline = example.read("timeline/index.html")
    assert "September 2020" in timeline  # known only to the month
    assert "c. 1998" in timeline  # approximate
    interview = example.read("articles/panjshir-interview-summary/index.html")
    assert "machine translation" in interview
    person = example.read("people/ahmad-massoud/index.html")
    for alias in ["Masood", "Masud"]:
        assert f'<span class="alias" dir="auto">{alias}</span>' in person


def test_example_index_pages(example):
    for rel in ["index.html", "404.html", "articles/index.html", "people/index.html", "places/index.html",
                "organizations/index.html", "events/index.html", "claims/index.html", "tags/index.html",
                "timeline/index.html"]:
        assert (example.out / rel).is_file(), rel
