"""What file names and other generators' fields mean (parse/conventions.py, parse/fields.py)."""
from dossier.model import Document, SourceFile
from dossier.parse import ParseOptions, parse
from dossier.parse.conventions import read_name


def doc(text, path="content/articles/x.md", kind="article", language="en"):
    return parse(SourceFile(path, kind, text, "d"), ParseOptions(language=language))


def test_file_name_dates_bundles_languages_and_sections():
    n = read_name("content/articles/2012-04-10-how-we-help.md")
    assert (n.stem, n.date, n.lang, n.bundle) == ("how-we-help", "2012-04-10", None, False)
    n = read_name("content/blog/2023-06-02-Tor-Usability.md/index.md")
    assert (n.stem, n.date, n.bundle) == ("Tor-Usability", "2023-06-02", True)
    assert read_name("content/articles/name.fa.md").lang == "fa"
    n = read_name("content/articles/x/index.zh-hant.md")
    assert (n.stem, n.date, n.lang, n.bundle) == ("x", None, "zh-hant", True)
    assert read_name("content/articles/readme.txt.md").lang is None  # not a language
    assert read_name("content/articles/_index.md").section


def test_date_and_slug_come_from_a_dated_file_name():
    d = doc("---\ntitle: How we help\n---\nText.\n", "content/articles/2012-04-10-how-we-help.md")
    assert isinstance(d, Document), d.diagnostics
    assert (d.slug, d.id, d.date.iso()) == ("how-we-help", "articles/2012-04-10-how-we-help", "2012-04-10")


def test_front_matter_date_wins_over_the_name():
    d = doc("---\ntitle: T\ndate: 2013-01-02\n---\n", "content/articles/2012-04-10-x.md")
    assert d.date.iso() == "2013-01-02"


def test_bundle_takes_its_folder_name():
    d = doc("---\ntitle: T\ndate: 2021\n---\n", "content/articles/2021-03-02-clean-insights/index.md")
    assert (d.slug, d.id) == ("clean-insights", "articles/2021-03-02-clean-insights")
    p = doc("---\ntitle: About\n---\n", "content/about/team/index.md", kind="page")
    assert p.id == "about/team"


def test_author_description_permalink_and_path_aliases():
    d = doc("---\ntitle: T\ndate: 2021\nauthor: n8fr8\ndescription: The lede.\npermalink: /2010/03/02/old/\n"
            "aliases:\n  - /old/path\n  - Other name\n---\n")
    f = d.fields
    assert f["authors"] == ("n8fr8",) and f["summary"] == "The lede." and f["permalink"] == "2010/03/02/old/"
    assert f["aliases"] == ("Other name",) and f["previous_slugs"] == ("/old/path",)
    assert d.lines["previous_slugs"] == 7


def test_toml_front_matter():
    d = doc('+++\ntitle = "Tor in Iran"\ndate = 2021-08-15\ntags = ["tor", "iran"]\n+++\nBody *here*.\n')
    assert isinstance(d, Document), d.diagnostics
    assert (d.title, d.date.iso(), d.fields["tags"]) == ("Tor in Iran", "2021-08-15", ("tor", "iran"))
    assert "<em>here</em>" in d.body_html


def test_toml_error_names_its_line():
    d = doc('+++\ntitle = "T"\ndate = = 2\n+++\n')
    assert d.diagnostics[0].code == "D101" and d.diagnostics[0].line == 3


def test_json_front_matter():
    d = doc('{\n  "title": "JSON page",\n  "date": "2020-01-02",\n  "colour": "red"\n}\nThe body.\n')
    assert isinstance(d, Document), d.diagnostics
    assert (d.title, d.date.iso()) == ("JSON page", "2020-01-02")
    assert "The body." in d.body_html
    (note,) = [x for x in d.diagnostics if x.code == "D105"]
    assert note.line == 4


def test_unknown_keys_are_notes_with_did_you_mean():
    d = doc("---\ntitle: T\ndate: 2021\ntagz: [a]\nguid: 12\n---\n")
    notes = {x.message: x for x in d.diagnostics if x.code == "D105"}
    assert notes['unknown field "tagz"'].severity == "note"
    assert notes['unknown field "tagz"'].line == 4 and 'did you mean "tags"' in notes['unknown field "tagz"'].hint
    assert "did you mean" not in notes['unknown field "guid"'].hint


def test_a_language_in_the_name_sets_lang_and_is_not_a_second_english_page():
    fa = doc("---\ntitle: صفحه\ndate: 2021\n---\n", "content/articles/report.fa.md")
    en = doc("---\ntitle: Page\ndate: 2021\n---\n", "content/articles/report.md")
    assert fa.fields["lang"] == "fa" and fa.slug == "report" and fa.id != en.id
    same = doc("---\ntitle: Page\ndate: 2021\n---\n", "content/articles/report.fa.md", language="fa")
    assert same.id == "articles/report"  # the site's own language: just the page


def test_section_index_needs_no_title():
    d = doc("---\n---\nWelcome to the blog.\n", "content/articles/_index.md")
    assert isinstance(d, Document) and d.fields["_section"] == "articles"
