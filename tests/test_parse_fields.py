"""parse/fields.py and the Document parse makes: typed values, links by index, positions beside the fields."""
from dossier.dates import PartialDate
from dossier.model import SourceFile, SourceRef
from dossier.parse import ParseOptions, parse
from dossier.parse.fields import validate_fields


def _doc(kind, text, path=None):
    folder = {"article": "articles", "person": "people", "event": "events", "claim": "claims"}.get(kind, "pages")
    return parse(SourceFile(path or f"content/{folder}/x.md", kind, text, "digest"), ParseOptions())


def test_an_article_source_is_a_typed_source_like_its_sources():
    doc = _doc("article", "---\ntitle: T\ndate: 2021-08\nsource:\n  publisher: Tolo\n  url: https://tolo.example/a\n"
                          "  published: 2021-08-15\n  translated_from: fa\n  translator: Sara\n"
                          "sources:\n  - {url: https://b.example/, title: B}\n  - '[[Other]]'\n---\nBody\n")
    source = doc.fields["source"]
    assert isinstance(source, SourceRef) and source.publisher == "Tolo" and source.translated_from == "fa"
    assert source.when == PartialDate(2021, 8, 15) and source.line == 4
    external, internal = doc.fields["sources"]
    assert external.title == "B" and external.link is None
    assert internal.link is not None and doc.links[internal.link].target == "Other"


def test_positions_of_fields_are_beside_the_fields_not_inside(tmp_path):
    doc = _doc("person", "---\ntitle: Ahmad\n\naliases:\n  - Masood\n  - Massoud\nborn: 1989\n---\n")
    assert not any(key.startswith("_") for key in doc.fields)
    assert doc.lines["title"] == 2 and doc.lines["aliases"] == 4 and doc.line("born") == 7
    assert doc.alias_lines == (5, 6)
    assert doc.line("missing", "title") == 2 and doc.line("missing", default=1) == 1


def test_reference_fields_become_links_with_their_lines():
    doc = _doc("event", "---\ntitle: E\ndate: 2021\nplace: Kabul\npeople: [A, '[[B]]']\n---\n")
    place = doc.links[doc.fields["place"]]
    assert (place.target, place.origin, place.line) == ("Kabul", "place", 4)
    assert [doc.links[i].target for i in doc.fields["people"]] == ["A", "B"]


def test_a_bad_date_is_an_error_on_its_line():
    fields, _links, diags = validate_fields("article", {"title": "T", "date": "next tuesday"}, "a.md",
                                            {"title": 0, "date": 1}, {}, ["---", "title: T", "date: next tuesday"])
    assert "date" not in fields
    assert [(d.code, d.line, d.is_error) for d in diags] == [("D301", 3, True)]


def test_required_fields_and_wrong_types():
    _f, _l, diags = validate_fields("claim", {"title": "C", "tags": {"a": 1}}, "c.md", {}, {}, ["---"])
    assert sorted(d.code for d in diags) == ["D103", "D104"]  # no status; tags is not a list


def test_unknown_scalar_fields_reach_templates_as_extra():
    fields, _l, diags = validate_fields("page", {"title": "P", "colour": "red", "nested": {"x": 1}}, "p.md", {}, {}, [])
    assert fields["extra"] == {"colour": "red"}
    assert [(d.code, d.message) for d in diags] == [("D105", 'unknown field "colour"'), ("D105", 'unknown field "nested"')]
