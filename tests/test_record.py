"""The output folder belongs to the user too (issue 15, point 5): a build deletes only files a
previous build wrote (the list in build/.dossier-build); .git, CNAME and a host's verification file
are kept; a file of the user's that a new page would overwrite is an error naming both; keep: wins."""
from __future__ import annotations

import subprocess

import pytest

from conftest import SiteDir
from dossier.build import Builder, BuildOptions
from dossier.record import HEADER, MARKER, read_record

CONFIG = "title: T\nbase_url: https://example.org/\n"
FILES = {f"content/articles/a{i}.md": f"---\ntitle: Article {i}\ndate: 2021-08-{i + 1:02d}\n---\nText {i}.\n" for i in range(4)}
USER = {"CNAME": "dossier.example.org\n", "google1234abcd.html": "google-site-verification: google1234abcd.html\n",
        ".well-known/security.txt": "Contact: mailto:desk@example.org\n"}


def _site(tmp_path) -> SiteDir:
    site = SiteDir(tmp_path / "site")
    site.write("dossier.yaml", CONFIG)
    for rel, text in FILES.items():
        site.write(rel, text)
    assert site.build().code == 0
    return site


def _add_user_files(site) -> None:
    for rel, text in USER.items():
        site.write(f"build/{rel}", text)
    git = ["git", "-C", str(site.out), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "gh-pages"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "deploy"], check=True)


def _user_files_intact(site) -> None:
    for rel, text in USER.items():
        assert (site.out / rel).read_text() == text, rel
    log = subprocess.run(["git", "-C", str(site.out), "log", "--oneline"], capture_output=True, text=True)
    assert log.returncode == 0 and "deploy" in log.stdout, log.stderr
    assert subprocess.run(["git", "-C", str(site.out), "fsck", "--strict", "--no-progress"], capture_output=True).returncode == 0


def _in_place(site):
    """A serve-style rebuild: files replaced one by one in the output."""
    builder = Builder(BuildOptions(source=site.root, output=site.out, jobs=1), in_place=True, persist=False)
    assert builder.rebuild().ok
    return builder


EDITS = {
    "nothing": lambda site: None,
    "full (config)": lambda site: site.write("dossier.yaml", CONFIG + "description: D\n"),
    "incremental": lambda site: site.write("content/articles/a1.md", FILES["content/articles/a1.md"] + "More.\n"),
    "page deleted": lambda site: (site.root / "content/articles/a2.md").unlink(),
    "no cache": lambda site: site.build("--no-cache"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_the_users_files_survive_every_kind_of_build(tmp_path, edit):
    site = _site(tmp_path)
    _add_user_files(site)
    EDITS[edit](site)
    run = site.build()
    assert run.code == 0, run.err
    _user_files_intact(site)
    assert MARKER not in read_record(site.out) and "CNAME" not in read_record(site.out)
    assert (site.out / "articles/a2/index.html").exists() == (edit != "page deleted")  # its own files do go


def test_the_users_files_survive_in_place_rebuilds(tmp_path):
    site = _site(tmp_path)
    builder = _in_place(site)
    _add_user_files(site)
    site.write("content/articles/a1.md", FILES["content/articles/a1.md"] + "More.\n")
    assert builder.rebuild({"content/articles/a1.md"}).ok
    (site.root / "content/articles/a3.md").unlink()
    assert builder.rebuild({"content/articles/a3.md"}).ok
    _user_files_intact(site)
    assert not (site.out / "articles/a3").exists()
    assert "articles/a1/index.html" in read_record(site.out)


NEW = {  # a plain page changes every page's footer (a full build); an article is an incremental one
    "page": ("content/pages/about.md", "---\ntitle: About\n---\nAbout us.\n", "pages/about/index.html"),
    "article": ("content/articles/new.md", "---\ntitle: New\ndate: 2021-09-01\n---\nNew.\n", "articles/new/index.html"),
}


@pytest.mark.parametrize("how", ["build", "in place"])
@pytest.mark.parametrize("kind", list(NEW))
def test_a_page_that_would_overwrite_a_users_file_is_an_error_naming_both(tmp_path, how, kind):
    source, text, out = NEW[kind]
    site = _site(tmp_path)
    builder = _in_place(site) if how == "in place" else None
    site.write(f"build/{out}", "<p>the user's own page</p>")
    before = site.snapshot()
    site.write(source, text)
    if builder is None:
        run = site.build()
        assert run.code == 1
        text = run.err
    else:
        result = builder.rebuild({source})
        assert not result.ok
        text = "\n".join(d.location() + " " + d.message for d in result.diagnostics)
    assert source in text and str(site.out / out) in text, text
    assert "D505" in text or "did not write" in text
    assert site.snapshot() == before  # nothing written, the user's file untouched


def test_keep_wins_even_over_a_page_of_that_name(tmp_path):
    site = _site(tmp_path)
    site.write("dossier.yaml", CONFIG + "keep: [pages/about]\n")
    assert site.build().code == 0
    site.write("build/pages/about/index.html", "mine")
    site.write("content/pages/about.md", "---\ntitle: About\n---\nAbout us.\n")
    run = site.build()
    assert run.code == 0, run.err
    assert (site.out / "pages/about/index.html").read_text() == "mine"
    assert "pages/about/index.html" not in read_record(site.out)


def test_a_marker_without_a_list_loses_nothing(tmp_path):
    """An output made before the record: everything the new build does not write is kept."""
    site = _site(tmp_path)
    (site.out / MARKER).write_text("made by dossier; this folder is replaced on every build\n")
    site.write("build/CNAME", "dossier.example.org\n")
    site.write("dossier.yaml", CONFIG + "description: D\n")
    assert site.build().code == 0
    assert (site.out / "CNAME").read_text() == "dossier.example.org\n"
    assert (site.out / MARKER).read_text().startswith(HEADER)


def test_the_record_lists_exactly_the_files_the_build_wrote(tmp_path):
    site = _site(tmp_path)
    files = {p.relative_to(site.out).as_posix() for p in site.out.rglob("*") if p.is_file()}
    assert read_record(site.out) == files - {MARKER}
