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
        stem, _dot, code = md.stem.rpartition(".")
        if code == "fa-AF":  # the Dari version of stem.md lives at the same address under /fa-af/
            folder = "fa-af/" + folder
        else:
            stem = md.stem
        url = f"{folder}/{slugify(stem)}/" if folder != "." else f"{slugify(stem)}/"
        assert (example.out / url / "index.html").is_file(), url


def test_example_meets_the_brief(example):
    counts = {k: len([p for p in (REPO / "content" / k).glob("*.md") if not p.stem.endswith(".fa-AF")])
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


def test_example_has_dari_versions(example):
    """An article, two people, a place and every claim in Dari, with their Persian-script names."""
    dari = {p.relative_to(REPO / "content").as_posix() for p in (REPO / "content").rglob("*.fa-AF.md")}
    claims = {f"claims/{p.stem}.fa-AF.md" for p in (REPO / "content/claims").glob("*.md") if "." not in p.stem}
    assert claims <= dari and len([d for d in dari if d.startswith("people/")]) >= 2
    assert any(d.startswith("articles/") for d in dari) and any(d.startswith("places/") for d in dari)
    person = example.read("fa-af/people/ahmad-massoud/index.html")
    assert '<h1 dir="auto">احمد مسعود</h1>' in person and 'hreflang="en" href="/people/ahmad-massoud/"' in person
    assert "<dt>تولد</dt>" in person  # the original's facts, in the Dari page's calendar
    assert '<h1 dir="auto">احمد شاه مسعود</h1>' in example.read("fa-af/people/ahmad-shah-massoud/index.html")
    assert '<h1 dir="auto">درهٔ پنجشیر</h1>' in example.read("fa-af/places/panjshir-valley/index.html")
