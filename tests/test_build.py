"""The pipeline (build.py) as serve and build use it: counts of what is parsed and rendered."""
import shutil

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
