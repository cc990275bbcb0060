"""Unlinked mentions: whole words, case/accent/variant-insensitive, never in code or links."""
from dossier.build import BuildOptions, load
from dossier.resolve.mentions import Matcher, unlinked_mentions

ENTITIES = {
    "content/people/massoud.md": "---\ntitle: Ahmad Massoud\naliases: [Masood]\n---\n",
    "content/places/panjshir.md": "---\ntitle: Panjshir Valley\naliases: [Panshir]\n---\n",
    "content/places/kabul.md": "---\ntitle: کابل\naliases: [Kabul]\n---\n",
}


def mentions(make_site, body, front="title: X\ndate: 2021"):
    site = make_site({**ENTITIES, "content/articles/x.md": f"---\n{front}\n---\n{body}"})
    _c, s, diags, _t = load(BuildOptions(source=site.root, jobs=1, cache=False))
    return [d for d in unlinked_mentions(s, site.root) if d.path == "content/articles/x.md"]


def test_reports_first_unlinked_mention_with_position(make_site):
    (d,) = mentions(make_site, "Intro line.\n\nThey met MASOOD in the hills, then Masood left.\n")
    assert (d.line, d.col, d.code, d.severity) == (7, 10, "D206", "note")
    assert d.message == 'unlinked mention of "Ahmad Massoud": "MASOOD"'
    assert d.hint == "link it as [[Ahmad Massoud|MASOOD]]"


def test_longest_name_wins_and_accents_and_variants_fold(make_site):
    found = mentions(make_site, "In the Pánjshir Valley and in كابل.\n")
    assert [d.message for d in found] == [
        'unlinked mention of "Panjshir Valley": "Pánjshir Valley"',
        'unlinked mention of "کابل": "كابل"',
    ]


def test_no_match_inside_words_code_links_or_urls(make_site):
    body = ("Masoodi is another name. `Masood` in code. [[Panshir]] is linked. [Kabul](https://x.org/Kabul).\n\n"
            "```\nMasood\n```\n\nhttps://example.org/Masood\n")
    assert mentions(make_site, body) == []


def test_already_linked_entity_is_not_reported(make_site):
    assert mentions(make_site, "Masood spoke.\n", front="title: X\ndate: 2021\npeople: [Ahmad Massoud]") == []


def test_matcher_is_one_dict_lookup_per_word(make_site):
    site = make_site(ENTITIES)
    _c, s, _d, _t = load(BuildOptions(source=site.root, jobs=1, cache=False))
    m = Matcher(s)
    assert set(m.first) == {"ahmad", "masood", "panjshir", "panshir", "کابل", "kabul"}
    assert [hit[2] for hit in m.find("ahmad massoud, then Panshir")] == ["ahmad massoud", "Panshir"]


def test_check_prints_notes_without_failing_strict(make_site):
    site = make_site({**ENTITIES, "content/articles/x.md": "---\ntitle: X\ndate: 2021\nsources: []\n---\nMasood here.\n"})
    run = site.run("check", "--source", str(site.root), "--format", "json")
    import json

    data = json.loads(run.out)
    assert any(d["code"] == "D206" and d["line"] == 6 for d in data["diagnostics"])


def test_mentions_across_scripts_and_articles(make_site):
    entities = {
        "content/people/massoud.md": "---\ntitle: احمد مسعود\n---\n",
        "content/organizations/taliban.md": "---\ntitle: The Taleban\n---\n",
        "content/people/saleh.md": "---\ntitle: Amrullah Saleh\n---\n",
    }
    body = "Ahmad Masoud spoke of Taleban fighters.\n\nامرالله صالح هم بود.\n"
    site = make_site({**entities, "content/articles/x.md": f"---\ntitle: X\ndate: 2021\n---\n{body}"})
    _c, s, _d, _t = load(BuildOptions(source=site.root, jobs=1, cache=False))
    found = sorted(d.message for d in unlinked_mentions(s, site.root) if d.path == "content/articles/x.md")
    assert found == [
        'unlinked mention of "Amrullah Saleh": "امرالله صالح"',
        'unlinked mention of "The Taleban": "Taleban"',
        'unlinked mention of "احمد مسعود": "Ahmad Masoud"',
    ]
