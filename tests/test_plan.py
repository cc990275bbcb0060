"""plan.plan on hand-made records: which pages a change reaches, and why. No rendering, no disk."""
from dataclasses import replace
from types import SimpleNamespace

from dossier.plan import HOME, TAGS, DocGraph, plan


def g(kind="article", url=None, digest="d1", card="c1", targets=(), tags=(), events=False, family=(), mentions=()):
    return DocGraph(digest=digest, card=card, kind=kind, url=url, targets=frozenset(targets), tags=frozenset(tags),
                    events=events, family=frozenset(family), mentions=frozenset(mentions))


GRAPH = {
    "articles/a": g(url="articles/a/", targets={"people/p"}, tags={"war"}, mentions={("people/p", "body", "About p.")}),
    "articles/b": g(url="articles/b/", targets={"people/p"}),
    "people/p": g("person", url="people/p/"),
    "events/e": g("event", url="events/e/", events=True, targets={"people/p"}),
}
ROUTES = {"", "tags/", "articles/", "people/", "events/", "timeline/", "tags/war/", "articles/a/", "articles/b/",
          "people/p/", "events/e/"}
TEMPLATES = {u: "t" for u in ROUTES}


def record(**over):
    shows = {"articles/": ("articles/a", "articles/b"), "people/p/": ("articles/a", "articles/b", "people/p"),
             "articles/a/": ("articles/a", "people/p"), "articles/b/": ("articles/b", "people/p"),
             "": (), "tags/": (), "people/": ("people/p",), "events/": ("events/e",),
             "timeline/": ("events/e", "people/p"), "tags/war/": ("articles/a",),
             "events/e/": ("events/e", "people/p")}
    values = dict(ok=True, globals_digest="G", graph=GRAPH, shows=shows, lists={"articles/b/": ("people/p",)},
                  templates=TEMPLATES)
    values.update(over)
    return SimpleNamespace(**values)


def changed(doc_id, **fields):
    new = dict(GRAPH)
    new[doc_id] = replace(GRAPH[doc_id], **{k: frozenset(v) if k in ("targets", "tags", "family") else v
                                            for k, v in fields.items()})
    return new


def test_no_previous_build_is_a_full_build():
    p = plan(None, GRAPH, ROUTES, TEMPLATES, "G", output_ok=False)
    assert p.full and p.urls == ROUTES and "no previous build" in p.why["*"]


def test_changed_settings_or_a_touched_output_are_full_builds():
    assert plan(record(), GRAPH, ROUTES, TEMPLATES, "other", output_ok=True).full
    assert plan(record(), GRAPH, ROUTES, TEMPLATES, "G", output_ok=False).full
    assert plan(record(ok=False), GRAPH, ROUTES, TEMPLATES, "G", output_ok=True).full


def test_nothing_changed_renders_nothing():
    p = plan(record(), GRAPH, ROUTES, TEMPLATES, "G", output_ok=True)
    assert not p.full and p.urls == frozenset()


def test_a_body_edit_renders_the_page_and_its_link_targets_only():
    p = plan(record(), changed("articles/a", digest="d2", mentions={("people/p", "body", "About p, edited.")}),
             ROUTES, TEMPLATES, "G", output_ok=True)
    assert p.urls == {"articles/a/", "people/p/"}  # no card, no link, no event changed: not the home page either
    assert p.why["articles/a/"] == "its document changed"
    assert p.why["people/p/"] == "its backlinks changed"


def test_a_body_edit_away_from_its_links_renders_its_page_only():
    """The targets' pages show a document's links (origin, context), their related entities (its targets) and
    timelines (its entries): none of them changed."""
    p = plan(record(), changed("articles/a", digest="d2"), ROUTES, TEMPLATES, "G", output_ok=True)
    assert p.urls == {"articles/a/"}
    p = plan(record(), changed("articles/a", digest="d2", events=True), ROUTES, TEMPLATES, "G", output_ok=True)
    assert "people/p/" in p.urls  # its timeline entries changed: its targets' timelines may show them


def test_a_card_change_reaches_every_page_that_shows_it_its_index_and_its_tags():
    p = plan(record(), changed("articles/a", card="c2"), ROUTES, TEMPLATES, "G", output_ok=True)
    assert {"articles/", "tags/war/", "people/p/", "articles/a/"} <= p.urls
    assert "articles/b/" not in p.urls and "timeline/" not in p.urls and "people/" not in p.urls
    assert p.why["tags/war/"] in ("it shows a changed card", "a tag of a changed card")


def test_a_removed_link_reaches_the_pages_that_list_the_target_s_linkers():
    p = plan(record(), changed("articles/a", targets=frozenset()), ROUTES, TEMPLATES, "G", output_ok=True)
    assert "articles/b/" in p.urls  # its related list came from people/p's linkers
    assert p.why["articles/b/"].startswith("it lists the linkers")
    assert HOME in p.urls and TAGS not in p.urls  # the home page ranks people by their linkers; no tag changed


def test_the_home_page_and_the_tags_index_follow_cards_links_and_events():
    card = plan(record(), changed("articles/b", card="c2"), ROUTES, TEMPLATES, "G", output_ok=True)
    assert {HOME, TAGS} <= card.urls
    event = plan(record(), changed("events/e", digest="d9", events="e9"), ROUTES, TEMPLATES, "G", output_ok=True)
    assert HOME in event.urls and TAGS not in event.urls


def test_events_reach_the_timeline():
    p = plan(record(), changed("events/e", digest="d9", events="e9"), ROUTES, TEMPLATES, "G", output_ok=True)
    assert p.why["timeline/"] == "events changed" and p.change.events


def test_a_body_edit_of_a_document_with_unchanged_entries_leaves_the_timeline():
    p = plan(record(), changed("events/e", digest="d9"), ROUTES, TEMPLATES, "G", output_ok=True)
    assert "events/e/" in p.urls and "timeline/" not in p.urls and not p.change.events


def test_new_routes_and_changed_templates_are_rendered():
    routes = ROUTES | {"claims/"}
    templates = {**TEMPLATES, "claims/": "t", "people/p/": "t2"}
    p = plan(record(), GRAPH, routes, templates, "G", output_ok=True)
    assert p.urls == {"claims/", "people/p/"}
    assert p.why["people/p/"] == "its template changed"


def test_a_deleted_document_reaches_its_linkers_and_the_pages_that_showed_it():
    new = {k: v for k, v in GRAPH.items() if k != "articles/b"}
    p = plan(record(), new, ROUTES - {"articles/b/"}, TEMPLATES, "G", output_ok=True)
    assert {"articles/", "people/p/"} <= p.urls
    assert [r.url for r in p.routes({u: SimpleNamespace(url=u) for u in ROUTES - {"articles/b/"}})] == sorted(p.urls - {"articles/b/"})


def test_multilingual_a_version_change_reaches_its_family_and_each_languages_shared_pages():
    graph = {**GRAPH, "people/p": g("person", url="people/p/", family={"people/p-fa"}),
             "people/p-fa": g("person", url="fa/people/p/", family={"people/p"})}
    routes = ROUTES | {"fa/people/p/", "fa/", "fa/people/", "fa/timeline/"}
    templates = {u: "t" for u in routes}
    shows = {**record().shows, "fa/people/p/": ("people/p-fa",), "fa/": (),
             "fa/people/": ("people/p-fa",), "fa/timeline/": ()}
    previous = record(graph=graph, shows=shows, templates=templates)
    new = {**graph, "people/p-fa": g("person", url="fa/people/p/", family={"people/p"}, card="c2")}
    p = plan(previous, new, routes, templates, "G", output_ok=True, folders=("fa/",))
    assert {"people/p/", "fa/people/p/", "fa/", "fa/people/", "people/"} <= p.urls  # both versions, both indexes
    assert {"timeline/", "fa/timeline/"} <= p.urls  # the timeline shows the person's card: each language's copy too
    assert "tags/war/" not in p.urls and "articles/b/" in p.urls and "articles/a/" in p.urls
    assert p.why["fa/people/"] == p.why["people/"]
    one_language = plan(record(), changed("people/p", card="c2"), ROUTES, TEMPLATES, "G", output_ok=True)
    assert not any(u.startswith("fa/") for u in one_language.urls)
