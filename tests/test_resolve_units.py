"""resolve/ on documents made here (no files, no theme): names, links, backlinks, events, routes, cards."""
from types import SimpleNamespace

from dossier.model import SourceFile
from dossier.parse import ParseOptions, parse
from dossier.resolve import resolve
from dossier.resolve.cards import SUMMARY_CHARS, make_card, truncate

CONFIG = SimpleNamespace(drafts=False, permalinks={}, language="en", prefix="/")
FOLDER = {"article": "articles", "person": "people", "place": "places", "event": "events"}


def _docs(*specs):
    out = []
    for kind, slug, text in specs:
        out.append(parse(SourceFile(f"content/{FOLDER[kind]}/{slug}.md", kind, text, slug + "-digest"), ParseOptions()))
    return out


def _site(*specs):
    return resolve(_docs(*specs), CONFIG)


MASSOUD = ("person", "ahmad-massoud", "---\ntitle: Ahmad Massoud\naliases: [Masood]\n---\n")
KABUL = ("place", "kabul", "---\ntitle: Kabul\n---\n")


def test_links_resolve_by_alias_ignoring_case_and_give_backlinks():
    site = _site(MASSOUD, KABUL, ("article", "a", "---\ntitle: A\ndate: 2021\npeople: [masood]\n---\nIn [[KABUL]].\n"))
    doc = site.documents["articles/a"]
    assert sorted(t for (d, _i), t in site.resolved.items() if d == doc.id) == ["people/ahmad-massoud", "places/kabul"]
    assert [b.source for b in site.backlinks["places/kabul"]] == ["articles/a"]
    assert site.urls["articles/a"] == "articles/a/" and site.routes["articles/a/"].doc_id == "articles/a"


def test_an_unknown_name_is_a_warning_with_a_suggestion():
    site = _site(MASSOUD, ("article", "a", "---\ntitle: A\ndate: 2021\n---\nSee [[Ahmad Masoud]].\n"))
    [d] = [d for d in site.diagnostics if d.code == "D201"]
    assert d.path == "content/articles/a.md" and (d.line, d.col) == (5, 5) and "Ahmad Massoud" in d.hint


def test_two_files_with_one_slug_are_an_error_naming_both():
    site = _site(("article", "a", "---\ntitle: A\ndate: 2021\n---\n"),
                 ("article", "b", "---\ntitle: B\ndate: 2021\nslug: a\n---\n"))
    [d] = [d for d in site.diagnostics if d.code == "D501"]
    assert "content/articles/a.md" in d.message and d.line == 4


def test_events_come_from_event_files_and_inline_lists_in_order():
    site = _site(KABUL, ("event", "fall", "---\ntitle: Fall\ndate: 2021-08-15\nplace: Kabul\n---\n"),
                 ("article", "a", "---\ntitle: A\ndate: 2021-09\nevents:\n  - {title: Before, date: 2021-08}\n---\n"))
    assert [(e.title, e.date.iso()) for e in site.events] == [("Before", "2021-08"), ("Fall", "2021-08-15")]
    assert site.events[1].place == "places/kabul"


def test_tags_group_documents_by_slug():
    site = _site(("article", "a", "---\ntitle: A\ndate: 2021\ntags: [Aid]\n---\n"),
                 ("article", "b", "---\ntitle: B\ndate: 2021\ntags: [aid]\n---\n"))
    assert site.tags["aid"] == ("Aid", ["articles/a", "articles/b"]) and "tags/aid/" in site.routes


def test_cards_are_made_at_resolve_time_and_their_digest_follows_what_others_show():
    site = _site(("article", "a", "---\ntitle: A\ndate: 2021\n---\n" + "word " * 100))
    card = site.cards["articles/a"]
    assert card.url == "articles/a/" and card.summary.endswith("…") and len(card.summary) <= SUMMARY_CHARS + 1
    doc = site.documents["articles/a"]
    assert make_card(doc, "articles/a/").digest == card.digest
    renamed = make_card(doc.__class__(**{**{s: getattr(doc, s) for s in doc.__slots__}, "title": "B"}), "articles/a/")
    assert renamed.digest != card.digest
    assert make_card(doc, "2021/a/").digest != card.digest


def test_truncate_cuts_at_a_word_and_never_inside_a_grapheme():
    assert truncate("short", 10) == "short"
    assert truncate("one two three four", 12) == "one two…"
    persian = "سلام " * 3 + "دنیا"
    assert truncate(persian, 9).endswith("…") and "\u200d" not in truncate("a\u200d" * 20, 5)[-2:]
