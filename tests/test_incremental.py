"""Incremental builds: nothing changed renders nothing; each kind of edit renders
the pages that can change; and the result always equals a clean full build."""
import os
import random
import time
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SiteDir, copy_example
from dossier.build import BuildOptions, Builder
from dossier.plan import graph_of


def _copy_example(root: Path) -> SiteDir:
    site = copy_example(root)
    # a private copy of the theme: the comparison must not race edits to the repo's theme
    shutil.copytree(REPO / "themes/default", root / "themes/default")
    return site


def _full(site: SiteDir, tmp: Path) -> dict:
    out = tmp / "full-build"
    if out.exists():
        shutil.rmtree(out)
    result = Builder(BuildOptions(source=site.root, output=out, jobs=1, cache=False)).rebuild()
    assert result.ok, result.diagnostics
    return site.snapshot(out)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


ART = "content/articles/surrender-rumours-denied.md"
PERSON = "content/people/ahmad-massoud.md"


def edits(site: SiteDir):
    """(name, function) pairs; each changes the dossier the way an author would."""
    root = site.root
    return [
        ("body text", lambda: _edit(root / ART, "## ", "## Newly edited: ")),
        ("date", lambda: _edit(root / ART, "date: 2021-08-22", "date: 2021-08-24")),
        ("alias added", lambda: _edit(root / PERSON, "aliases: [", "aliases: [Ahmad Shah Masoud Jr, ")),
        ("link removed", lambda: _edit(root / "content/articles/panjshir-valley-resistance-history.md", "[[", "[")),
        ("new article", lambda: site.write("content/articles/new-one.md",
                                           "---\ntitle: A new one\ndate: 2021-09\npeople: [Masud]\ntags: [fresh]\n---\nAbout [[Panshir]].\n")),
        ("rename (slug change)", lambda: os.replace(root / "content/places/kabul.md", root / "content/places/kabul-city.md")),
        ("file deleted", lambda: (root / "content/claims/thousands-joining-resistance.md").unlink()),
        ("an event's organisations", lambda: _edit(root / "content/events/fall-of-kabul.md",
                                                   "organizations: [Taliban, Afghan National Army]", "organizations: [Taliban]")),
        ("an inline event's date", lambda: _edit(root / ART, "date: 2021-08, place: Kabul", "date: 2021-08-16, place: Kabul")),
        ("draft toggled", lambda: _edit(root / "content/events/fall-of-kabul.md", "---\n", "---\ndraft: true\n")),
        ("template edited", lambda: site.write("templates/person.html",
                                               '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{% endblock %}')),
        ("config edited", lambda: _edit(root / "dossier.yaml", "language: en", "language: fr")),
    ]


@pytest.mark.parametrize("in_place", [False, True], ids=["tree", "in-place"])
def test_each_edit_equals_a_full_build(tmp_path, in_place):
    site = _copy_example(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), in_place=in_place)
    first = builder.rebuild()
    assert first.ok and first.full
    for name, edit in edits(site):
        edit()
        result = builder.rebuild()
        assert result.ok, (name, result.diagnostics)
        assert site.snapshot() == _full(site, tmp_path), name


def test_nothing_changed_renders_and_writes_nothing(tmp_path):
    site = _copy_example(tmp_path / "site")
    assert site.build().code == 0
    mtimes = {p: p.stat().st_mtime_ns for p in site.out.rglob("*") if p.is_file()}
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1))
    result = builder.rebuild()  # a new process would do exactly this: state from .dossier-cache/
    assert result.ok and not result.full
    assert result.parsed == 0 and result.pages == 0 and result.written == 0
    assert {p: p.stat().st_mtime_ns for p in site.out.rglob("*") if p.is_file()} == mtimes


def test_one_article_edit_renders_its_dependents_only(tmp_path):
    site = _copy_example(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False))
    assert builder.rebuild().ok
    _edit(site.root / ART, "## ", "## Edited: ")  # a heading: no link's context changed
    result = builder.rebuild()
    assert result.parsed == 1 and result.rendered_urls == ["articles/surrender-rumours-denied/"]
    assert site.snapshot() == _full(site, tmp_path)
    _edit(site.root / ART, "went round.", "went round and round.")  # the context of its link to Ahmad Massoud
    result = builder.rebuild()
    assert result.parsed == 1
    rendered = set(result.rendered_urls)
    assert "articles/surrender-rumours-denied/" in rendered  # its own page
    assert "people/ahmad-massoud/" in rendered  # a page that shows the link (backlinks with their context)
    assert "people/bernard-henri-levy/" not in rendered  # a link in another paragraph: its context the same
    assert "" not in rendered and "timeline/" not in rendered  # no card, link or timeline entry changed
    assert "articles/" not in rendered  # a body edit leaves its card (title, date, summary) alone
    assert "people/emmanuel-macron/" not in rendered  # unrelated
    assert len(rendered) < len(result.site.routes) / 2
    pages_written = {p for p in result.written_paths if p.endswith(".html")}
    assert pages_written <= {f"{u}index.html" for u in rendered}  # exports and feeds aside, only rendered pages
    assert "articles/surrender-rumours-denied/index.html" in pages_written
    assert "people/ahmad-massoud/index.html" in pages_written
    assert site.snapshot() == _full(site, tmp_path)


def test_title_edit_renders_pages_showing_its_card(tmp_path):
    site = _copy_example(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False))
    assert builder.rebuild().ok
    _edit(site.root / ART, "title: ", "title: Renamed - ")
    rendered = set(builder.rebuild().rendered_urls)
    assert {"articles/", "articles/surrender-rumours-denied/", "people/ahmad-massoud/", "timeline/"} <= rendered
    assert "tags/rumours/" in rendered


def test_random_edit_scripts_equal_full_builds(tmp_path):
    rng = random.Random(7)
    for round_ in range(3):
        site = _copy_example(tmp_path / f"site{round_}")
        builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False))
        assert builder.rebuild().ok
        script = edits(site)[:-2]  # content edits, in random order and subsets
        rng.shuffle(script)
        for name, edit in script[: rng.randint(2, len(script))]:
            edit()
            assert builder.rebuild().ok, name
            assert site.snapshot() == _full(site, tmp_path), (round_, name)


def test_cache_can_be_deleted_without_changing_output(tmp_path):
    site = _copy_example(tmp_path / "site")
    assert site.build().code == 0
    before = site.snapshot()
    shutil.rmtree(site.root / ".dossier-cache")
    assert site.build().code == 0
    assert site.snapshot() == before
    (site.root / ".dossier-cache/state.pickle").write_bytes(b"garbage")
    assert site.build().code == 0
    assert site.snapshot() == before


def test_a_failed_hook_is_retried_by_the_next_build(tmp_path, monkeypatch):
    from dossier import diagnostics as dg

    calls = []

    def flaky(folder, site):
        calls.append(folder)
        if len(calls) == 1:
            return [dg.warning("D504", "search index not built: binary missing")]
        (Path(folder) / "index-made").write_text("ok")
        return []

    site = _copy_example(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), post_write=(flaky,))
    assert any(d.code == "D504" for d in builder.rebuild().diagnostics)
    second = builder.rebuild()  # nothing changed, but the hook failed last time
    assert len(calls) == 2 and second.ok and (site.out / "index-made").is_file()
    builder.rebuild()
    assert len(calls) == 2  # and once it worked, a no-change build leaves it alone


def test_edits_through_the_disk_cache_equal_full_builds(tmp_path):
    """As `dossier build` runs: a new process each time, state and documents from .dossier-cache/."""
    site = _copy_example(tmp_path / "site")
    assert site.build().code == 0
    for name, edit in edits(site)[:7]:
        edit()
        run = site.build()
        assert run.code == 0, (name, run.err)
        assert site.snapshot() == _full(site, tmp_path), name


def test_warm_build_notices_a_template_or_output_change_without_content_changes(tmp_path):
    site = _copy_example(tmp_path / "site")
    assert site.build().code == 0
    assert site.build().code == 0  # nothing changed: the quick path
    site.write("templates/person.html", '{% extends "base.html" %}{% block main %}<h1>Custom {{ page.title }}</h1>{% endblock %}')
    assert site.build().code == 0
    assert "<h1>Custom Ahmad Massoud</h1>" in site.read("people/ahmad-massoud/index.html")
    (site.out / "people/ahmad-massoud/index.html").unlink()  # someone deleted an output file
    assert site.build().code == 0
    assert "<h1>Custom Ahmad Massoud</h1>" in site.read("people/ahmad-massoud/index.html")
    assert site.snapshot() == _full(site, tmp_path)


def test_template_edit_renders_exactly_the_pages_that_use_it(tmp_path):
    site = _copy_example(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False))
    first = builder.rebuild()
    site.write("templates/claim.html", '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{% endblock %}')
    result = builder.rebuild()
    claims = {u for u, r in result.site.routes.items() if r.template == "claim.html"}
    assert set(result.rendered_urls) == claims and claims
    site.write("templates/partials/backlinks.html", "<!-- no backlinks -->")  # a partial many pages include
    result = builder.rebuild()
    assert "people/ahmad-massoud/" in result.rendered_urls and "articles/" not in result.rendered_urls
    assert site.snapshot() == _full(site, tmp_path)


def _single_language(site: SiteDir) -> SiteDir:
    """The example without its Dari versions and ``languages:`` (a single-language dossier)."""
    config = site.root / "dossier.yaml"
    lines = config.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("languages:"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" "))
    config.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    for version in site.root.glob("content/**/*.fa-AF.md"):
        version.unlink()
    return site


@pytest.mark.parametrize("languages", ["one", "several"])
def test_live_builder_resolves_incrementally_and_equals_full_builds(tmp_path, languages):
    """serve's builder keeps its last resolve in memory: each content edit re-resolves from it
    (resolve.incremental), and the output equals a clean full build byte for byte. A multilingual
    dossier is resolved whole on every edit (resolve.multilingual), with the same equality."""
    site = _copy_example(tmp_path / "site")
    if languages == "one":
        _single_language(site)
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True, post_write=())
    assert builder.rebuild().ok and builder.resolution.full
    assert (builder.resolution.site.translations is None) == (languages == "one")
    for name, edit in edits(site):
        edit()
        result = builder.rebuild()
        assert result.ok, (name, result.diagnostics)
        expect_full = name == "config edited" or languages == "several"
        assert builder.resolution.full == expect_full, (name, builder.resolution.why_full)
        full = tmp_path / "full-build"
        shutil.rmtree(full, ignore_errors=True)
        clean = Builder(BuildOptions(source=site.root, output=full, jobs=1, cache=False), post_write=()).rebuild()
        assert clean.ok and clean.diagnostics == result.diagnostics, name
        assert site.snapshot() == site.snapshot(full), name
        assert result.site is None or builder.state.graph == graph_of(result.site), name  # graph_of memo = whole


def _age(*folders: Path, seconds: float = 3600) -> None:
    """Set every file's mtime ``seconds`` in the past (older than theme.RACY_SECONDS: its stats are trusted)."""
    past = time.time() - seconds
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                os.utime(path, (past, past))


def test_a_new_process_takes_template_closure_digests_from_the_cache(tmp_path, monkeypatch):
    """`dossier build` in a new process parses no template for the closure digests while no theme file changed
    (a key of the theme's file stats); a template or partial edit still renders the pages that use it, equal
    to a full build, and a template saved just now (racy stats) is digested afresh."""
    import jinja2.meta

    site = _copy_example(tmp_path / "site")
    _age(site.root / "themes")
    options = BuildOptions(source=site.root, output=site.out, jobs=1)
    assert Builder(options).rebuild().ok
    parsed = []
    real = jinja2.meta.find_referenced_templates
    monkeypatch.setattr(jinja2.meta, "find_referenced_templates", lambda ast: parsed.append(1) or real(ast))

    _edit(site.root / ART, "## ", "## Newly edited: ")
    result = Builder(options).rebuild()  # a new process: state and digests from .dossier-cache/
    assert result.ok and not result.full and result.pages and parsed == []
    assert site.snapshot() == _full(site, tmp_path)

    claim = site.root / "themes/default/templates/claim.html"
    claim.write_text('{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{% endblock %}', encoding="utf-8")
    _age(site.root / "themes", seconds=600)  # (another mtime than the last build's)
    result = Builder(options).rebuild()
    claims = {u for u, r in result.site.routes.items() if r.template == "claim.html"}
    assert claims and claims <= set(result.rendered_urls) and parsed
    assert site.snapshot() == _full(site, tmp_path)

    partial = site.root / "themes/default/templates/partials/backlinks.html"
    partial.write_text("<!-- no backlinks -->", encoding="utf-8")  # just now: racy, digested afresh
    result = Builder(options).rebuild()
    assert "people/ahmad-massoud/" in result.rendered_urls
    assert site.snapshot() == _full(site, tmp_path)
    partial.write_text("<!-- none -->", encoding="utf-8")  # a second save within the same second
    result = Builder(options).rebuild()
    assert "people/ahmad-massoud/" in result.rendered_urls
    assert site.snapshot() == _full(site, tmp_path)


def _clean(site: SiteDir, tmp: Path) -> dict:
    """A clean full build without the search index (the builders compared here run no post-write step)."""
    out = tmp / "clean-build"
    shutil.rmtree(out, ignore_errors=True)
    result = Builder(BuildOptions(source=site.root, output=out, jobs=1, cache=False), post_write=()).rebuild()
    assert result.ok, result.diagnostics
    return site.snapshot(out)


def _feeds_site(root: Path) -> SiteDir:
    """Six articles in three tags, feeds of two entries: main a5 a4; x: a4 a2; y: a3 a2; z: a5. An article's
    address has its date (permalinks), a5 links a0 (in no window) and Pat Doe."""
    site = SiteDir(root)
    site.write("dossier.yaml", "title: Feeds\nbase_url: https://example.org/\nlanguage: en\nfeeds: {count: 2}\n"
                               "permalinks: {articles: /:year/:month/:day/:slug/}\n")
    site.write("content/people/pat-doe.md", "---\ntitle: Pat Doe\n---\nA person.\n")
    for n, (date, tags, body) in enumerate([("2020-12-01", "x", "Nothing linked."), ("2021-01-01", "x", "Nothing linked."),
                                            ("2021-02-01", "x, y", "About [[Pat Doe]]."), ("2021-03-01", "y", "Nothing."),
                                            ("2021-04-01", "x", "Nothing."), ("2021-05-01", "z", "See [[A0]] and [[Pat Doe]].")]):
        site.write(f"content/articles/a{n}.md", f"---\ntitle: A{n}\ndate: {date}\ntags: [{tags}]\n---\n{body}\n")
    return site


def feed_edits(site: SiteDir):
    """(name, edit, the feeds it must make again): each moves articles into or out of feed windows, or not."""
    art = site.root / "content/articles"
    return [
        ("body of an article in no window", lambda: _edit(art / "a1.md", "Nothing", "Still nothing"), set()),
        ("address of an article a window links", lambda: _edit(art / "a0.md", "2020-12-01", "2020-12-15"),
         {"feed.xml", "tags/z/feed.xml"}),
        ("body of an article in one tag's window", lambda: _edit(art / "a3.md", "Nothing", "Still nothing"),
         {"tags/y/feed.xml"}),
        ("date moves it into two windows", lambda: _edit(art / "a1.md", "2021-01-01", "2021-06-01"),
         {"feed.xml", "tags/x/feed.xml"}),
        ("a tag moves it into a window", lambda: _edit(art / "a3.md", "tags: [y]", "tags: [y, z]"),
         {"tags/y/feed.xml", "tags/z/feed.xml"}),
        ("a tag removed moves it out of a window", lambda: _edit(art / "a4.md", "tags: [x]", "tags: []"),
         {"tags/x/feed.xml"}),
        ("alias of a person the windows link", lambda: _edit(site.root / "content/people/pat-doe.md", "title: Pat Doe",
                                                             "title: Pat Doe\naliases: [P. Doe]"),
         {"feed.xml", "tags/x/feed.xml", "tags/y/feed.xml", "tags/z/feed.xml"}),
        ("sensitive takes it out of windows", lambda: _edit(art / "a5.md", "tags:", "sensitive: true\ntags:"),
         {"feed.xml", "tags/z/feed.xml"}),
        ("a new article enters the windows", lambda: site.write(
            "content/articles/a6.md", "---\ntitle: A6\ndate: 2021-07-01\ntags: [y]\n---\nNew.\n"),
         {"feed.xml", "tags/y/feed.xml"}),
        ("an article deleted", lambda: (art / "a1.md").unlink(), {"feed.xml", "tags/x/feed.xml"}),
    ]


@pytest.mark.parametrize("how", ["live", "new process"])
def test_feeds_are_made_again_only_when_their_window_or_what_it_shows_changed(tmp_path, how):
    """Each feed is a part (registry.PARTS): made again when the edited document is, or was, in its window,
    or is linked from it; otherwise its file is the last build's. Always equal to a clean full build."""
    site = _feeds_site(tmp_path / "site")
    options = BuildOptions(source=site.root, output=site.out, jobs=1, cache=how != "live")
    builder = Builder(options, live=how == "live", post_write=())
    first = builder.rebuild()
    assert first.ok and set(first.parts_produced) == {
        f"feeds:{p}" for p in ("feed.xml", "tags/x/feed.xml", "tags/y/feed.xml", "tags/z/feed.xml")}
    for name, edit, feeds in feed_edits(site):
        edit()
        if how == "new process":
            builder = Builder(options, post_write=())
        result = builder.rebuild()
        assert result.ok, (name, result.diagnostics)
        assert set(result.parts_produced) == {f"feeds:{p}" for p in feeds}, name
        assert ("feeds" in result.outputs_produced) == bool(feeds), name
        assert site.snapshot() == _clean(site, tmp_path), name


def test_a_feed_that_reads_too_little_is_caught(tmp_path, monkeypatch):
    """The equality above can fail: feeds that do not declare the documents their articles link to
    keep the old address of an article they link after it moved, and the snapshot differs from the full build."""
    from dossier.render import feeds

    monkeypatch.setattr(feeds, "_reads", lambda site, docs: frozenset(d.id for d in docs))
    site = _feeds_site(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True, post_write=())
    assert builder.rebuild().ok
    _edit(site.root / "content/articles/a0.md", "2020-12-01", "2020-12-15")
    result = builder.rebuild()
    assert result.ok and "feeds" not in result.outputs_produced
    assert site.snapshot() != _clean(site, tmp_path)


def test_a_parallel_render_records_what_a_serial_one_does_with_the_sites_own_id_strings(tmp_path, monkeypatch):
    """Pages rendered by forked workers in small tasks: same output and same per-page records as a serial render,
    and the ids in those records are the site's own strings (one per id: the record's memory and pickle)."""
    import dossier.build as build_module

    site = _copy_example(tmp_path / "site")
    serial = Builder(BuildOptions(source=site.root, output=tmp_path / "serial", jobs=1, cache=False))
    assert serial.rebuild().ok
    monkeypatch.setattr(build_module, "PARALLEL_RENDER_MIN", 1)
    monkeypatch.setattr(build_module, "RENDER_CHUNK", 3)
    parallel = Builder(BuildOptions(source=site.root, output=tmp_path / "parallel", jobs=2, cache=False))
    result = parallel.rebuild()
    assert result.ok and result.pages > 3 * 2 * 4  # several tasks per worker
    assert site.snapshot(tmp_path / "parallel") == site.snapshot(tmp_path / "serial")
    for name in ("shows", "lists"):
        mine, theirs = getattr(parallel.state, name), getattr(serial.state, name)
        assert {u: set(v) for u, v in mine.items()} == {u: set(v) for u, v in theirs.items()}, name
    own = {doc_id: doc_id for doc_id in result.site.documents}
    shown = [i for ids in parallel.state.shows.values() for i in ids if i in own]
    assert shown and all(own[i] is i for i in shown)


def _related_site(root: Path) -> SiteDir:
    """Four articles naming people: a1 and a2 share Pat Doe; a1 and a3 name Lee Poe, who has no page yet."""
    site = SiteDir(root)
    site.write("dossier.yaml", "title: Related\nbase_url: https://example.org/\nlanguage: en\nsearch: false\n")
    site.write("content/people/pat-doe.md", "---\ntitle: Pat Doe\n---\nA person.\n")
    site.write("content/people/kim-roe.md", "---\ntitle: Kim Roe\n---\nA person.\n")
    for n, (people, tags) in enumerate([("Pat Doe, Lee Poe", "x"), ("Pat Doe", "x"), ("Kim Roe, Lee Poe", "y"),
                                        ("Kim Roe", "y")], start=1):
        site.write(f"content/articles/a{n}.md", f"---\ntitle: A{n}\ndate: 2021-0{n}-01\npeople: [{people}]\n"
                                                 f"tags: [{tags}]\n---\nText {n}.\n")
    return site


def related_edits(site: SiteDir):
    """Edits that change which articles share a person (the "Related articles" lists)."""
    art = site.root / "content/articles"
    return [
        ("a2 names Kim Roe instead", lambda: _edit(art / "a2.md", "people: [Pat Doe]", "people: [Kim Roe]")),
        # a1 and a3 are not edited: their links are resolved again (their link units change, not their documents)
        ("Lee Poe gets a page", lambda: site.write("content/people/lee-poe.md", "---\ntitle: Lee Poe\n---\nA person.\n")),
        ("a4 deleted", lambda: (art / "a4.md").unlink()),
        ("a5 names Pat Doe", lambda: site.write("content/articles/a5.md",
                                                "---\ntitle: A5\ndate: 2021-06-01\npeople: [Pat Doe]\n---\nNew.\n")),
        ("Lee Poe's page goes", lambda: (site.root / "content/people/lee-poe.md").unlink()),
    ]


def test_related_articles_kept_between_saves_equal_full_builds(tmp_path):
    """serve's builder keeps each article's entity set and the articles naming each entity (views.ViewsMemo)
    between saves; after each edit the related lists (and every other byte) equal a clean full build."""
    site = _related_site(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True, post_write=())
    assert builder.rebuild().ok
    related = (site.out / "articles/a1/index.html").read_text(encoding="utf-8")
    assert "Related articles" in related and 'href="/articles/a2/"' in related
    for name, edit in related_edits(site):
        edit()
        result = builder.rebuild()
        assert result.ok and not builder.resolution.full, (name, result.diagnostics, builder.resolution.why_full)
        assert site.snapshot() == _clean(site, tmp_path), name
    a1 = (site.out / "articles/a1/index.html").read_text(encoding="utf-8")
    assert 'href="/articles/a5/"' in a1 and 'href="/articles/a2/"' not in a1


def test_a_related_list_kept_too_long_is_caught(tmp_path, monkeypatch):
    """The equality above can fail: entity sets kept while their document stays the same, though its links
    were resolved again (a person got a page), leave a1 and a3 without each other in their related lists."""
    from dossier.render.views import ViewsMemo

    monkeypatch.setattr(ViewsMemo, "_still", staticmethod(lambda kept, doc, unit: kept is not None and kept[0] is doc))
    site = _related_site(tmp_path / "site")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True, post_write=())
    assert builder.rebuild().ok
    site.write("content/people/lee-poe.md", "---\ntitle: Lee Poe\n---\nA person.\n")
    assert builder.rebuild().ok
    assert site.snapshot() != _clean(site, tmp_path)
    assert 'href="/articles/a3/"' not in (site.out / "articles/a1/index.html").read_text(encoding="utf-8")
