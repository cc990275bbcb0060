"""Timelines through a built site: date forms in two languages, order, errors, inline events and ref:,
per-entity and per-tag timelines. The fixture dossier is tests/fixtures/timeline/."""
from __future__ import annotations

import pytest

from cldr_spacing import loose
from timeline_fixture import build_fixture, timeline_entries

# title -> (datetime attribute, English display, French display), up to CLDR spacing (cldr_spacing.loose)
DATE_FORMS = {
    "Lévy first meets the Massoud family": ("1998", "c. 1998", "vers 1998"),
    "The year of exile": ("2021", "2021", "2021"),
    "Appeal for resistance": ("2021-08", "August 2021", "août 2021"),
    "Siege of the valley": ("2021-08", "August 2021–March 2022", "août 2021–mars 2022"),
    "A week of talks": ("2021-08-15", "15–21 August 2021", "15–21 août 2021"),
    "Fall of Kabul": ("2021-08-15", "15 August 2021", "15 août 2021"),
    "Evening broadcast from Kabul": ("2021-08-15T21:00+04:30", "15 August 2021, 21:00 (UTC+04:30)",
                                     "15 août 2021, 21:00 (UTC+04:30)"),
    "Rumours <b>&</b> denials": ("2021-08-20", "20 August 2021", "20 août 2021"),
}


@pytest.fixture(scope="module")
def site_en(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("tl-en") / "site")


@pytest.fixture(scope="module")
def site_fr(tmp_path_factory):
    config = "title: Dossier\nbase_url: /\nlanguage: fr\n"
    return build_fixture(tmp_path_factory.mktemp("tl-fr") / "site", config=config)


def entries(site, page="timeline/index.html"):
    return timeline_entries(site.read(page))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_date_form_keeps_its_precision_in_both_languages(lang, site_en, site_fr):
    site = site_en if lang == "en" else site_fr
    got = {e["title"]: (e["datetime"], loose(e["date"])) for e in entries(site)}
    want = {t: (iso, en if lang == "en" else fr) for t, (iso, en, fr) in DATE_FORMS.items()}
    assert got == want


def test_month_labels_are_localised(site_en, site_fr):
    assert {e["month"] for e in entries(site_en) if e["datetime"].startswith("2021-08")} == {"August 2021"}
    assert {e["month"] for e in entries(site_fr) if e["datetime"].startswith("2021-08")} == {"août 2021"}


def test_uncertain_dates_and_spans_are_marked(site_en):
    by_title = {e["title"]: e for e in entries(site_en)}
    first = by_title["Lévy first meets the Massoud family"]
    assert "is-approximate" in first["classes"] and "approximate" in first["text"]
    for title in ("Siege of the valley", "A week of talks"):
        assert "is-range" in by_title[title]["classes"]
    assert "is-range" not in by_title["Fall of Kabul"]["classes"]
    assert "precision-minute" in by_title["Evening broadcast from Kabul"]["classes"]
    assert "precision-month" in by_title["Appeal for resistance"]["classes"]


def test_order_reads_from_the_general_to_the_particular(site_en):
    """A year sorts before the months in it, a month before its days, a day before its times;
    equal dates sort by title, so the order is stable."""
    titles = [e["title"] for e in entries(site_en)]
    assert titles == [
        "Lévy first meets the Massoud family",  # 1998
        "The year of exile",  # 2021 (year only): before every 2021 month
        "Appeal for resistance",  # 2021-08 (month only): before the days of August
        "Siege of the valley",  # 2021-08 (a span starting in August): same key, by title
        "A week of talks",  # 2021-08-15, by title
        "Fall of Kabul",  # 2021-08-15
        "Evening broadcast from Kabul",  # 2021-08-15T21:00: after the day itself
        "Rumours <b>&</b> denials",  # 2021-08-20
    ]


def test_newest_first_order_is_configurable(tmp_path):
    site = build_fixture(tmp_path / "site", config="title: T\ntimeline: {order: newest}\n")
    titles = [e["title"] for e in entries(site)]
    assert titles[0] == "Rumours <b>&</b> denials" and titles[-1] == "Lévy first meets the Massoud family"


def test_entry_links_place_people_and_sources(site_en):
    fall = next(e for e in entries(site_en) if e["title"] == "Fall of Kabul")
    assert fall["links"][0] == "/dossier/events/fall-of-kabul/"
    for href in ("/dossier/places/kabul/", "/dossier/people/ahmad-massoud/", "/dossier/organizations/taliban/",
                 "/dossier/tags/kabul/", "/dossier/articles/panjshir-report/", "https://example.com/fall"):
        assert href in fall["links"]
    assert set(fall["filter"]) == {"person:ahmad-massoud", "organization:taliban", "place:kabul", "tag:kabul", "tag:taliban"}


# ------------------------------------------------------------ inline events and ref:

def test_inline_event_cites_its_article(site_en):
    rumours = next(e for e in entries(site_en) if e["title"] == "Rumours <b>&</b> denials")
    # no page of its own: it links to the article, which is also its source
    assert rumours["links"][0] == "/dossier/articles/panjshir-report/"
    assert "Sources: Report from the Panjshir" in rumours["text"]
    assert "person:ahmad-massoud" in rumours["filter"]  # "Masood" resolved through the alias
    article = site_en.read("articles/panjshir-report/index.html")
    assert "Rumours &lt;b&gt;&amp;&lt;/b&gt; denials" in article


def test_ref_adds_the_article_as_a_source_instead_of_a_duplicate(site_en):
    titles = [e["title"] for e in entries(site_en)]
    # two inline entries point at Fall of Kabul (one only ref:, one ref: with title and date): one event
    assert titles.count("Fall of Kabul") == 1
    assert len(titles) == 8
    fall = next(e for e in entries(site_en) if e["title"] == "Fall of Kabul")
    assert fall["links"].count("/dossier/articles/panjshir-report/") == 1
    event_page = site_en.read("events/fall-of-kabul/index.html")
    assert "/dossier/articles/panjshir-report/" in event_page


def test_ref_to_something_that_is_not_an_event_warns(tmp_path):
    files = {"content/articles/other.md": "---\ntitle: Other\ndate: 2021-09-01\nevents:\n  - {ref: Kabul}\n---\nText.\n"}
    site = build_fixture(tmp_path / "site", files=files, expect_ok=False)
    run = site.last_run
    assert run.code == 1  # --strict
    assert "content/articles/other.md:5: warning: D201" in run.err and 'ref "Kabul" is not an event' in run.err


# ------------------------------------------------------------ errors with file:line

@pytest.mark.parametrize("front, where, code, message", [
    ("title: Bad\ndate: 2021-13-40\n", "content/events/bad.md:3", "D301", "month must be in 1..12"),
    ("title: Bad\ndate: 2021-02-30\n", "content/events/bad.md:3", "D301", "day 30 is not in February 2021"),
    ("title: Bad\ndate: 2021-08-21\nend: 2021-08-15\n", "content/events/bad.md:4", "D302",
     "end 2021-08-15 is before the start 2021-08-21"),
    ("title: Bad\ndate: 2021-08\nend: 2021-07\n", "content/events/bad.md:4", "D302", "is before the start"),
    ("title: Bad\ndate: 2021-08-15\nend: 2021-08-40\n", "content/events/bad.md:4", "D301", "day 40"),
])
def test_impossible_event_dates_are_errors_with_file_line(make_site, front, where, code, message):
    site = make_site({"content/events/bad.md": f"---\n{front}---\nText.\n"})
    run = site.build()
    assert run.code == 1
    assert f"{where}: {code}" in run.err and message in run.err
    assert "Traceback" not in run.err
    assert not site.out.exists()


def test_inline_event_errors_name_the_item_line(make_site):
    article = (
        "---\ntitle: A\ndate: 2021-08-22\nevents:\n"
        "  - {title: Fine, date: 2021-08-01}\n"
        "  - {title: Backwards, date: 2021-08-21, end: 2021-08-15}\n"
        "  - {title: Impossible, date: 2021-13-01}\n"
        "---\nText.\n"
    )
    run = make_site({"content/articles/a.md": article}).build()
    assert run.code == 1
    assert "content/articles/a.md:6: D302" in run.err
    assert "content/articles/a.md:7: D301" in run.err


def test_a_month_span_may_end_inside_its_own_month(make_site):
    """2021-08 to 2021-08-20 is not backwards: the end lies inside the start's month."""
    run = make_site({"content/events/ok.md": "---\ntitle: Ok\ndate: 2021-08\nend: 2021-08-20\n---\n"}).build()
    assert run.code == 0, run.err


# ------------------------------------------------------------ per-entity and per-tag timelines

def test_person_page_shows_only_their_events(site_en):
    got = [e["title"] for e in entries(site_en, "people/ahmad-massoud/index.html")]
    assert got == ["Appeal for resistance", "A week of talks", "Fall of Kabul", "Rumours <b>&</b> denials"]
    levy = [e["title"] for e in entries(site_en, "people/bernard-henri-levy/index.html")]
    assert levy == ["Lévy first meets the Massoud family", "A week of talks"]


def test_place_and_organisation_pages_have_timelines(site_en):
    kabul = [e["title"] for e in entries(site_en, "places/kabul/index.html")]
    assert kabul == ["Fall of Kabul", "Evening broadcast from Kabul"]
    taliban = [e["title"] for e in entries(site_en, "organizations/taliban/index.html")]
    assert taliban == ["Siege of the valley", "Fall of Kabul"]


def test_tag_page_shows_the_tag_timeline(site_en):
    got = [e["title"] for e in entries(site_en, "tags/resistance/index.html")]
    assert got == ["Appeal for resistance", "Siege of the valley", "A week of talks"]
    # the same component: dates at their precision, spans marked
    siege = next(e for e in entries(site_en, "tags/resistance/index.html") if e["title"] == "Siege of the valley")
    assert "is-range" in siege["classes"] and loose(siege["date"]) == DATE_FORMS["Siege of the valley"][1]


def test_timeline_page_offers_filters_for_every_facet(site_en):
    html = site_en.read("timeline/index.html")
    for facet in ('data-facet="person"', 'data-facet="place"', 'data-facet="organization"', 'data-facet="tag"'):
        assert facet in html
    assert '<option value="bernard-henri-levy">Bernard-Henri Lévy</option>' in html


def test_a_long_timeline_is_compact_but_complete(tmp_path):
    """Past timeline.compact_over events, /timeline/ entries drop summaries and tag chips (kept on the
    event pages, the entity timelines and in the filters) but keep every event and what each must show."""
    site = build_fixture(tmp_path / "site", config="title: T\ntimeline: {compact_over: 5}\n")
    page = site.read("timeline/index.html")
    listing = page.split('<div class="timeline is-long">', 1)[1]  # is-long: past compact_over
    got = entries(site)
    assert len(got) == 8
    assert "tl-summary" not in listing and "chip-tag" not in listing
    assert "tl-compact-note" in page and 'data-facet="tag"' in page
    fall = next(e for e in got if e["title"] == "Fall of Kabul")
    assert fall["date"] == "15 August 2021"
    for href in ("/places/kabul/", "/people/ahmad-massoud/", "/organizations/taliban/",
                 "/articles/panjshir-report/", "https://example.com/fall"):
        assert href in fall["links"]
    assert "tag:kabul" in fall["filter"]  # tags still filter
    # the entity timelines keep the full entries
    person = site.read("people/ahmad-massoud/index.html")
    assert "The Taliban enter Kabul &amp; the republic collapses." in person and "chip-tag" in person


def test_a_short_timeline_is_not_compact(site_en):
    page = site_en.read("timeline/index.html")
    assert "tl-compact-note" not in page
    assert "The Taliban enter Kabul &amp; the republic collapses." in page and "chip-tag" in page
