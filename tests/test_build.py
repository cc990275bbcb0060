"""The pipeline (build.py) as serve and build use it: counts of what is parsed and rendered."""
import shutil

import jinja2

from conftest import REPO, copy_example
from dossier.build import BuildOptions, Builder

ART = "content/articles/surrender-rumours-denied.md"


def _site(root):
    site = copy_example(root)
    shutil.copytree(REPO / "themes/default", root / "themes/default")
    return site


def _edit(site):
    path = site.root / ART
    path.write_text(path.read_text(encoding="utf-8").replace("## ", "## Newly edited: ", 1), encoding="utf-8")


def test_first_save_after_a_warm_start_costs_what_later_saves_cost(tmp_path):
    """`dossier build`, then `dossier serve` on the warm cache, then one save (issue: serve on a warm cache)."""
    warm = _site(tmp_path / "warm")
    options = BuildOptions(source=warm.root, output=warm.out, jobs=1)
    assert Builder(options, post_write=()).rebuild().ok  # dossier build: the cache is on disk
    live = Builder(options, live=True, post_write=())  # dossier serve, a new process
    start = live.rebuild()
    assert start.ok and not start.full and start.parsed == 0 and start.pages == 0  # the no-change start
    _edit(warm)
    first = live.rebuild({ART})

    hot = _site(tmp_path / "hot")  # the same save when the server built everything itself
    hot_builder = Builder(BuildOptions(source=hot.root, output=hot.out, jobs=1), live=True, post_write=())
    assert hot_builder.rebuild().ok
    _edit(hot)
    later = hot_builder.rebuild({ART})

    assert first.ok and first.parsed == 1 and not first.full
    assert sorted(first.rendered_urls) == sorted(later.rendered_urls)
    assert len(first.rendered_urls) < len(first.site.routes) // 2
    assert warm.snapshot() == hot.snapshot()


def _count_template_parses(monkeypatch) -> list:
    parsed = []
    real = jinja2.Environment._parse

    def counting(self, source, name, filename):
        parsed.append(name)
        return real(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", counting)
    return parsed


def test_saves_of_an_article_parse_no_template_even_the_first_after_a_warm_start(tmp_path, monkeypatch):
    """The theme is compiled at start-up (warm start) or by the first build, then kept while its files stay the same."""
    site = _site(tmp_path / "s")
    options = BuildOptions(source=site.root, output=site.out, jobs=1)
    assert Builder(options, post_write=()).rebuild().ok
    parsed = _count_template_parses(monkeypatch)
    live = Builder(options, live=True, post_write=())
    assert live.rebuild().ok and parsed  # start-up: the templates are compiled now
    # and the documents (every Markdown file of the example, translations included) are loaded from the cache now,
    # not by the first save
    assert len(live.state.parsed) == len(list((site.root / "content").rglob("*.md"))) == 43
    assert live.resolution is not None and live.resolution.site.documents  # and resolved now, not by the first save
    parsed.clear()
    _edit(site)
    first = live.rebuild({ART})
    assert first.ok and first.rendered_urls and parsed == []
    path = site.root / ART
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert live.rebuild({ART}).ok and parsed == []


def test_a_template_edit_reaches_a_live_builder_that_kept_the_theme(tmp_path):
    site = _site(tmp_path / "s")
    live = Builder(BuildOptions(source=site.root, output=site.out, jobs=1), live=True, post_write=())
    assert live.rebuild().ok
    template = site.root / "themes/default/templates/article.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</article>", "<p>theme-edit-marker</p></article>", 1),
                        encoding="utf-8")
    again = live.rebuild({"themes/default/templates/article.html"})
    assert again.ok and again.rendered_urls
    page = site.out / "articles/surrender-rumours-denied/index.html"
    assert "theme-edit-marker" in page.read_text(encoding="utf-8")


def test_a_no_change_build_reads_nothing_and_renders_nothing(tmp_path):
    site = _site(tmp_path / "s")
    options = BuildOptions(source=site.root, output=site.out, jobs=1)
    assert Builder(options, post_write=()).rebuild().ok
    again = Builder(options, post_write=()).rebuild()
    assert again.ok and again.parsed == 0 and again.pages == 0 and again.written == 0


def test_post_write_steps_run_once_per_build_over_the_complete_output(tmp_path):
    site = _site(tmp_path / "s")
    seen = []

    def step(folder, s):
        seen.append(sorted(p.name for p in folder.iterdir()))
        return []

    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), post_write=(step,))
    assert builder.rebuild().ok
    assert len(seen) == 1 and "index.html" in seen[0] and "feed.xml" in seen[0]
    _edit(site)
    assert builder.rebuild({ART}).ok
    assert len(seen) == 2
    builder.rebuild()
    assert len(seen) == 2  # nothing changed: the steps do not run again


def test_a_live_builder_runs_post_write_steps_only_on_its_first_build(tmp_path):
    site = _site(tmp_path / "s")
    calls = []
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True,
                      post_write=(lambda folder, s: calls.append(folder) or [],))
    assert builder.rebuild().ok
    _edit(site)
    assert builder.rebuild({ART}).ok
    assert len(calls) == 1


def test_serve_fast_path_looks_only_at_the_files_the_watcher_named(tmp_path, monkeypatch):
    """After a good build, a live builder does not walk content/ per save; the result equals a full build."""
    from dossier import build as build_module

    site = _site(tmp_path / "s")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True, post_write=())
    assert builder.rebuild().ok

    def no_walk(*args, **kwargs):
        raise AssertionError("content/ walked on a save")

    monkeypatch.setattr(build_module, "scan", no_walk)
    _edit(site)
    new = "content/articles/new-one.md"
    site.write(new, "---\ntitle: A new one\ndate: 2021-09\npeople: [Masud]\n---\nAbout [[Panshir]].\n")
    gone = "content/claims/thousands-joining-resistance.md"
    (site.root / gone).unlink()
    result = builder.rebuild({ART, new, gone, "templates/none.html"})
    assert result.ok and result.parsed == 2
    assert "articles/new-one/" in result.rendered_urls
    monkeypatch.undo()
    full = Builder(BuildOptions(source=site.root, output=tmp_path / "full", jobs=1, cache=False), post_write=()).rebuild()
    assert full.ok and site.snapshot() == site.snapshot(tmp_path / "full")


def test_a_broken_file_stays_reported_until_fixed_on_the_fast_path(tmp_path):
    site = _site(tmp_path / "s")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True, post_write=())
    assert builder.rebuild().ok
    broken = site.root / ART
    good = broken.read_bytes()
    broken.write_bytes(b"---\ntitle: [unclosed\n---\n")
    assert not builder.rebuild({ART}).ok
    other = "content/people/ahmad-massoud.md"
    (site.root / other).write_text((site.root / other).read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert not builder.rebuild({other}).ok  # the broken file is looked at again, not taken from the last good build
    broken.write_bytes(good)
    assert builder.rebuild({ART}).ok


def test_derived_outputs_are_produced_again_only_when_what_they_read_changed(tmp_path):
    site = _site(tmp_path / "s")
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1, cache=False), live=True, post_write=())
    first = builder.rebuild()
    assert first.outputs_produced == ["timeline_exports", "feeds", "site_files"]
    person = "content/people/ahmad-massoud.md"
    path = site.root / person
    path.write_text(path.read_text(encoding="utf-8") + "\n\nA paragraph added at the end.\n", encoding="utf-8")
    body = builder.rebuild({person})  # the person's page changes; no card, no event, no article: no sitemap either
    assert body.ok and body.outputs_produced == []
    path.write_text(path.read_text(encoding="utf-8").replace("title: Ahmad Massoud", "title: Ahmad Massoud Jr", 1),
                    encoding="utf-8")
    renamed = builder.rebuild({person})  # a card changed: exports and feeds name him
    assert renamed.ok and renamed.outputs_produced == ["timeline_exports", "feeds", "site_files"]
    assert "events.json" in renamed.written_paths
    full = Builder(BuildOptions(source=site.root, output=tmp_path / "full", jobs=1, cache=False), post_write=()).rebuild()
    assert full.ok and site.snapshot() == site.snapshot(tmp_path / "full")
