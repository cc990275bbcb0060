"""commit.py: which strategy writes a build's changes, and the post-write steps run once over the whole output."""
from pathlib import Path

from dossier.commit import Changes, Committed, Target, choose, commit, open_changes
from dossier.write import MARKER

DIGESTS = {f"p{i}/index.html": str(i) for i in range(1000)}


def _changes(n):
    c = Changes()
    for i in range(n):
        c.put(f"p{i}/index.html", b"new")
    return c


def test_the_strategy_follows_the_size_of_the_change(tmp_path):
    t = Target(tmp_path / "out")
    assert choose(_changes(3), [], DIGESTS, t, full=False, hooks_ok=True).__name__ == "_in_place"
    assert choose(_changes(500), [], DIGESTS, t, full=False, hooks_ok=True).__name__ == "_relink"
    assert choose(_changes(0), [], DIGESTS, t, full=False, hooks_ok=True) is None  # nothing to do
    assert choose(_changes(0), [], DIGESTS, t, full=False, hooks_ok=False).__name__ == "_relink"  # retry a failed step
    assert choose(_changes(500), [], DIGESTS, Target(tmp_path, in_place=True), full=False, hooks_ok=True).__name__ == "_in_place"
    assert choose(_changes(0), [], DIGESTS, t, full=True, hooks_ok=True).__name__ == "_relink"  # (full builds normally stream)
    live = open_changes(Target(tmp_path / "live", in_place=True), full=True)
    assert live.tree is not None  # serve's full builds (a config edit) stream too
    live.abort()


def test_a_full_build_streams_into_a_new_tree_swapped_in_after_the_steps(tmp_path):
    out = tmp_path / "out"
    seen = []

    def step(folder, site):
        seen.append((Path(folder) != out, (Path(folder) / "a.html").read_bytes()))
        (Path(folder) / "made-by-step").write_text("x")
        return []

    target = Target(out, post_write=(step,))
    changes = open_changes(target, full=True)
    changes.put("a.html", b"A")
    assert not out.exists()  # nothing visible before the commit
    done = commit(changes, [], {"a.html": "d"}, None, target, True, Committed())
    assert seen == [(True, b"A")]  # once, over the new tree before it became the output
    assert (out / "a.html").read_bytes() == b"A" and (out / MARKER).is_file()
    assert done.hook_outputs == {"made-by-step"} and done.hooks_ok


def test_in_place_replaces_changed_files_and_deletes_removed_ones(tmp_path):
    out = tmp_path / "out"
    target = Target(out)
    first = open_changes(target, full=True)
    first.put("a.html", b"A")
    first.put("b.html", b"B")
    commit(first, [], {"a.html": "1", "b.html": "2"}, None, target, True, Committed())
    second = open_changes(target, full=False)
    second.put("a.html", b"A2")
    commit(second, ["b.html"], {"a.html": "3"}, None, Target(out, in_place=True), False, Committed())
    assert (out / "a.html").read_bytes() == b"A2" and not (out / "b.html").exists()


def test_walk_lists_what_os_walk_lists_and_a_declared_folder_only(tmp_path):
    """Files (and symlinks that are not to folders) as POSIX paths; a symlinked folder is neither listed nor walked."""
    import os

    from dossier.commit import _step_files, walk

    out = tmp_path / "out"
    for rel in ("index.html", "a/b/c.html", "pagefind/x.pf", "pagefind/f/y.pf", "empty/.keep"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel)
    (out / "link-file").symlink_to(out / "index.html")
    (out / "link-dir").symlink_to(out / "a")
    (out / "dangling").symlink_to(out / "nowhere")
    expected = set()
    for dirpath, _dirs, files in os.walk(out):
        rel = os.path.relpath(dirpath, out)
        expected |= {name if rel == "." else f"{rel}/{name}" for name in files}
    assert set(walk(out)) == expected
    assert "link-file" in expected and "dangling" in expected and not any(p.startswith("link-dir") for p in expected)
    assert sorted(walk(out, "pagefind")) == ["pagefind/f/y.pf", "pagefind/x.pf"]

    def step(folder, site):
        return []

    assert set(_step_files(out, (step,))) == expected  # a step that declares nothing: the whole output
    step.writes = ("pagefind",)
    assert sorted(_step_files(out, (step,))) == ["pagefind/f/y.pf", "pagefind/x.pf"]


def test_in_place_runs_the_steps_again_only_when_a_file_they_read_changed(tmp_path):
    """The search index reads the pages (``reads = (".html",)``): an edit that changed only a feed or an image
    keeps the index; a page edit, a removed page or a step that failed last time makes it again."""
    out = tmp_path / "out"
    runs = []

    def step(folder, site):
        runs.append(1)
        (Path(folder) / "idx").mkdir(exist_ok=True)
        (Path(folder) / "idx" / "index.bin").write_text(str(len(runs)))
        return []

    step.writes, step.reads = ("idx",), (".html",)
    first = open_changes(Target(out, post_write=(step,)), full=True)
    for path in ("a.html", "b.html", "feed.xml"):
        first.put(path, b"1")
    digests = {"a.html": "1", "b.html": "1", "feed.xml": "1"}
    done = commit(first, [], digests, None, Target(out, post_write=(step,)), True, Committed())
    assert runs == [1] and done.hook_outputs == {"idx/index.bin"}

    def again(files, removed=(), hooks_ok=True):
        changes = Changes()
        for path in files:
            changes.put(path, b"2")
            digests[path] = "2"
        for path in removed:
            digests.pop(path, None)
        before = Committed(hook_outputs=done.hook_outputs, hooks_ok=hooks_ok, known=frozenset(digests) | set(removed))
        return commit(changes, list(removed), digests, None, Target(out, in_place=True, post_write=(step,)), False, before)

    kept = again(["feed.xml"])
    assert len(runs) == 1 and kept.hook_outputs == {"idx/index.bin"} and (out / "idx/index.bin").read_text() == "1"
    assert again(["feed.xml"], hooks_ok=False).hooks_ok and len(runs) == 2  # a failed step is retried
    again(["a.html"])
    assert len(runs) == 3 and (out / "idx/index.bin").read_text() == "3"
    again([], removed=["b.html"])
    assert len(runs) == 4 and not (out / "b.html").exists()
    step.reads = None  # a step that declares nothing reads every file
    again(["feed.xml"])
    assert len(runs) == 5
