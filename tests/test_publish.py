"""dossier publish: a gh-pages commit pushed to a local bare repository, or a folder sync."""
import os
import subprocess
import time

import pytest

from conftest import MINIMAL


def git(*args, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def built(make_site):
    site = make_site(dict(MINIMAL), config="title: T\nbase_url: https://example.org/\n")
    assert site.build().code == 0
    return site


@pytest.fixture
def bare(tmp_path):
    path = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(path))
    return path


def _age_sources(site, seconds=60):
    """Make every source older than the build (as if built after the last edit)."""
    past = time.time() - seconds
    for p in site.root.rglob("*"):
        if p.is_file() and site.out not in p.parents and ".dossier-cache" not in p.parts:
            os.utime(p, (past, past))


def test_push_to_a_bare_repository_as_a_gh_pages_commit(built, bare):
    run = built.run("publish", "--source", str(built.root), "--remote", str(bare), "--cname", "dossier.example.org")
    assert run.code == 0, run.err
    assert "A index.html" in run.out and "A .nojekyll" in run.out and "added" in run.out
    files = set(git("--git-dir", str(bare), "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert {".nojekyll", "CNAME", "index.html", "feed.xml", "people/ahmad-massoud/index.html"} <= files
    assert ".dossier-build" not in files
    assert git("--git-dir", str(bare), "show", "gh-pages:CNAME") == "dossier.example.org\n"
    assert git("--git-dir", str(bare), "show", "gh-pages:index.html") == built.read("index.html")
    pagefind = [f for f in files if f.startswith("pagefind/")]
    assert pagefind, "the search index is published with the site"

    # nothing changed: nothing pushed
    again = built.run("publish", "--source", str(built.root), "--remote", str(bare))
    assert again.code == 0 and "nothing to publish" in again.out
    assert len(git("--git-dir", str(bare), "rev-list", "gh-pages").split()) == 1

    # an edit, a rebuild, a publish: one more commit on top (fast-forward), the CNAME kept
    built.write("content/articles/interview.md",
                built.root.joinpath("content/articles/interview.md").read_text().replace("We spoke", "We talked"))
    assert built.build().code == 0
    third = built.run("publish", "--source", str(built.root), "--remote", str(bare), "--message", "Second edition")
    assert third.code == 0, third.err
    assert "M articles/interview/index.html" in third.out and "1 removed" not in third.out
    log = git("--git-dir", str(bare), "log", "--format=%s", "gh-pages").splitlines()
    assert log[0] == "Second edition" and len(log) == 2
    assert git("--git-dir", str(bare), "show", "gh-pages:CNAME") == "dossier.example.org\n"
    assert "We talked" in git("--git-dir", str(bare), "show", "gh-pages:articles/interview/index.html")


def test_other_branches_of_the_remote_are_untouched(built, bare, tmp_path):
    work = tmp_path / "work"
    git("init", "-q", "-b", "main", str(work))
    (work / "README").write_text("source\n")
    git("-c", "user.name=t", "-c", "user.email=t@t", "-C", str(work), "commit", "-q", "--allow-empty", "-m", "init")
    git("-C", str(work), "push", "-q", str(bare), "main")
    before = git("--git-dir", str(bare), "rev-parse", "main")
    assert built.run("publish", "--source", str(built.root), "--remote", str(bare), "--branch", "site").code == 0
    assert git("--git-dir", str(bare), "rev-parse", "main") == before
    assert "index.html" in git("--git-dir", str(bare), "ls-tree", "--name-only", "site")


def test_refuses_a_stale_build_unless_forced(built, bare):
    _age_sources(built)
    src = built.root / "content/articles/interview.md"
    src.write_text(src.read_text() + "\nLater edit.\n")
    run = built.run("publish", "--source", str(built.root), "--remote", str(bare))
    assert run.code == 1
    assert "stale" in run.err and "content/articles/interview.md" in run.err
    assert git("--git-dir", str(bare), "branch", "--list") == ""
    forced = built.run("publish", "--source", str(built.root), "--remote", str(bare), "--force")
    assert forced.code == 0, forced.err


def test_refuses_a_dossier_with_errors_unless_forced(built, bare):
    built.write("content/articles/broken.md", "---\ntitle: [unclosed\n---\n")
    _age_sources(built)
    run = built.run("publish", "--source", str(built.root), "--remote", str(bare))
    assert run.code == 1
    assert "1 error" in run.err and "content/articles/broken.md" in run.err
    assert built.run("publish", "--source", str(built.root), "--remote", str(bare), "--force").code == 0


def test_refuses_without_a_build_and_without_a_target(make_site, bare):
    site = make_site(dict(MINIMAL))
    run = site.run("publish", "--source", str(site.root), "--remote", str(bare))
    assert run.code == 1 and "run dossier build first" in run.err
    assert site.build().code == 0
    run = site.run("publish", "--source", str(site.root))
    assert run.code == 2 and "--remote" in run.err and "--folder" in run.err


def test_unreachable_remote_is_a_clear_error(built, tmp_path):
    run = built.run("publish", "--source", str(built.root), "--remote", str(tmp_path / "nowhere.git"))
    assert run.code == 1 and "cannot reach the remote" in run.err


def test_folder_sync_copies_changes_and_removes_only_its_own_files(built, tmp_path):
    target = tmp_path / "www"
    run = built.run("publish", "--source", str(built.root), "--folder", str(target))
    assert run.code == 0, run.err
    assert (target / "index.html").read_text() == built.read("index.html")
    assert not (target / ".dossier-build").exists()
    (target / "uploads").mkdir()
    (target / "uploads" / "map.pdf").write_text("the newsroom's own file")
    (built.root / "content/articles/interview.md").unlink()
    assert built.build().code == 0
    again = built.run("publish", "--source", str(built.root), "--folder", str(target))
    assert again.code == 0, again.err
    assert "D articles/interview/index.html" in again.out
    assert not (target / "articles/interview").exists()
    assert (target / "uploads" / "map.pdf").read_text() == "the newsroom's own file"
    same = built.run("publish", "--source", str(built.root), "--folder", str(target))
    assert "nothing to publish" in same.out


def test_folder_sync_refuses_a_foreign_or_dangerous_folder(built, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("x")
    run = built.run("publish", "--source", str(built.root), "--folder", str(foreign))
    assert run.code == 1 and "not empty" in run.err
    assert (foreign / "keep.txt").read_text() == "x" and len(list(foreign.iterdir())) == 1
    for bad in (built.root, built.out, built.root / "content" / "x", built.root.parent):
        r = built.run("publish", "--source", str(built.root), "--folder", str(bad))
        assert r.code == 1, bad
