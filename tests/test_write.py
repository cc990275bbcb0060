"""Output safety: atomic builds, refused output folders, nothing written outside."""
import os
from pathlib import Path

import pytest


def test_refuses_dangerous_output_folders(make_site, minimal_files, tmp_path, monkeypatch):
    site = make_site(minimal_files)
    sentinel = site.write("keep-me.txt", "precious")
    for target in [site.root, site.root.parent, Path("/"), Path.home(), site.root / "content"]:
        run = site.build("--output", str(target))
        assert run.code == 2, target
        assert "D502" in run.err
    assert sentinel.read_text() == "precious"


def test_refuses_non_empty_folder_it_did_not_make(make_site, minimal_files, tmp_path):
    site = make_site(minimal_files)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    run = site.build("--output", str(foreign))
    assert run.code == 2 and "not made by dossier" in run.err
    assert (foreign / "thesis.tex").read_text() == "years of work"


def test_rebuild_replaces_own_output_and_keeps_neighbours(make_site, minimal_files, tmp_path):
    site = make_site(minimal_files)
    beside = site.write("build-notes.txt", "beside the output")
    assert site.build().code == 0
    mine = site.out / "notes.html"
    mine.write_text("the user's")
    own = next(p for p in site.out.rglob("index.html") if p.parent != site.out)  # a file the build wrote
    from dossier.record import MARKER, record_text, read_record

    (site.out / MARKER).write_bytes(record_text(read_record(site.out) | {"stale.html"}))
    (site.out / "stale.html").write_text("a page of an earlier build")
    assert site.build("--no-cache").code == 0
    assert not (site.out / "stale.html").exists()  # an earlier build's file it no longer makes: removed
    assert mine.read_text() == "the user's" and own.exists()  # (issue 15: the user's files are kept)
    assert beside.read_text() == "beside the output"
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".build")) == []


def test_failed_template_leaves_previous_output(make_site, minimal_files):
    site = make_site(minimal_files)
    assert site.build().code == 0
    before = site.snapshot()
    site.write("templates/person.html", "{{ page.title | no_such_filter }}")
    assert site.build().code == 1
    assert site.snapshot() == before


def test_stale_temp_folder_from_a_killed_build_is_removed(make_site, minimal_files):
    site = make_site(minimal_files)
    dead = site.root / ".build.tmp-999999"
    dead.mkdir()
    (dead / "half.html").write_text("half")
    assert site.build().code == 0
    assert not dead.exists()


def test_keep_files_survive(make_site, minimal_files):
    site = make_site(minimal_files, config="title: T\nkeep: [CNAME]\n")
    assert site.build().code == 0
    (site.out / "CNAME").write_text("dossier.example.org")
    assert site.build().code == 0
    assert (site.out / "CNAME").read_text() == "dossier.example.org"


def test_build_never_touches_content(make_site, minimal_files):
    site = make_site(minimal_files)
    before = {p: p.read_bytes() for p in (site.root / "content").rglob("*") if p.is_file()}
    mtimes = {p: os.stat(p).st_mtime_ns for p in before}
    assert site.build().code == 0
    assert {p: p.read_bytes() for p in before} == before
    assert {p: os.stat(p).st_mtime_ns for p in before} == mtimes


def test_safe_join_refuses_escape(tmp_path):
    from dossier.write import WriteError, safe_join

    for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b"]:
        with pytest.raises(WriteError):
            safe_join(tmp_path, bad)


def test_in_place_commit_rolls_back_after_a_crash_mid_commit(tmp_path, monkeypatch):
    """A small incremental build commits file by file; dying half-way is undone by the next build."""
    import hashlib

    from dossier import write

    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a/index.html").write_text("old a")
    (out / "b.html").write_text("old b")
    (out / "gone.html").write_text("old gone")
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_replace = write.os.replace
    calls = []

    def dying_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed mid-commit")
        return real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        write.commit_in_place(out, {"a/index.html": b"new a", "b.html": b"new b", "c/new.html": b"new c"}, ["gone.html"])
    monkeypatch.setattr(write.os, "replace", real_replace)
    assert (out / "a/index.html").read_text() == "new a"  # half-applied, as a killed process would leave it
    monkeypatch.setattr(write, "_alive", lambda pid: False)  # the process that wrote the journal is gone
    write.recover(out)
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".out.journal-*"))


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_an_in_place_commit_can_leave_deleting_the_old_files_for_later(tmp_path):
    """serve: the renames are the commit; the backups of the replaced files are deleted by ``later``."""
    from dossier import write

    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a/index.html").write_text("old a")
    (out / "gone").mkdir()
    (out / "gone/index.html").write_text("old gone")
    jobs = []
    write.commit_in_place(out, {"a/index.html": b"new a", "c/new.html": b"new c"}, ["gone/index.html"], jobs.append)
    assert (out / "a/index.html").read_text() == "new a" and (out / "c/new.html").read_text() == "new c"
    backups = sorted(p.relative_to(out).as_posix() for p in out.rglob(".*.bak-*"))
    assert backups == [f"a/.index.html.bak-{os.getpid()}", f"gone/.index.html.bak-{os.getpid()}"]
    assert list(tmp_path.glob(".out.finished-*")) and not list(tmp_path.glob(".out.journal-*"))
    assert len(jobs) == 1
    jobs[0]()
    assert _files(out) == {"a/index.html": b"new a", "c/new.html": b"new c"}
    assert not (out / "gone").exists() and not list(tmp_path.glob(".out.*"))


def test_a_commit_killed_after_its_renames_is_finished_not_rolled_back(tmp_path, monkeypatch):
    from dossier import write

    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a/index.html").write_text("old a")
    (out / "b.html").write_text("old b")
    write.commit_in_place(out, {"a/index.html": b"new a"}, ["b.html"], lambda job: None)  # killed before the job ran
    monkeypatch.setattr(write, "_alive", lambda pid: False)
    write.recover(out)
    assert _files(out) == {"a/index.html": b"new a"}
    assert not list(tmp_path.glob(".out.*"))


def test_serves_builder_deletes_old_files_after_the_build(make_site, minimal_files):
    """Builder(finish_later=True) (serve's) returns before the replaced files are deleted; wait() and the
    next rebuild wait for it; the output is then exactly the build's."""
    from dossier.build import BuildOptions, Builder

    site = make_site(minimal_files)
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1), live=True, finish_later=True)
    assert builder.rebuild().ok
    for i in range(2):
        page = next((site.root / "content").rglob("*.md"))
        page.write_text(page.read_text() + f"\n\nEdit {i}.\n")
        result = builder.rebuild(changed={page.relative_to(site.root).as_posix()})
        assert result.ok and result.written
    builder.wait()
    assert not [p for p in site.out.rglob(".*") if p.name != ".dossier-build"], "backups left"
    assert not list(site.out.parent.glob(f".{site.out.name}.*"))
