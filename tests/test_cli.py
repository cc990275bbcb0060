"""CLI: init, new, exit codes."""
import datetime as dt
import subprocess
import sys

from conftest import REPO, SiteDir


def test_init_creates_a_dossier_that_builds_without_warnings(tmp_path):
    site = SiteDir(tmp_path / "mysite")
    run = site.run("init", str(site.root))
    assert run.code == 0
    for rel in ["dossier.yaml", "content/articles/first-report.md", "content/people/jane-example.md",
                "content/places/example-valley.md", "content/organizations/example-front.md",
                "content/events/roads-close.md", "content/claims/front-controls-valley.md", "content/about.md"]:
        assert (site.root / rel).is_file(), rel
    build = site.build("--strict")
    assert build.code == 0, build.err
    assert "warning" not in build.err
    assert 'href="/people/jane-example/"' in site.read("articles/first-report/index.html")


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    run = SiteDir(tmp_path).run("init", str(tmp_path / "x"))
    assert run.code == 2 and "not empty" in run.err
    assert (tmp_path / "x" / "notes.txt").read_text() == "mine"


def test_new_writes_skeleton_with_todays_date_and_never_overwrites(tmp_path):
    site = SiteDir(tmp_path)
    run = site.run("new", "article", "Kabul falls", "--source", str(tmp_path))
    assert run.code == 0
    path = tmp_path / "content/articles/kabul-falls.md"
    text = path.read_text()
    assert 'title: "Kabul falls"' in text and f"date: {dt.date.today().isoformat()}" in text
    path.write_text(text + "\nMy edits.\n")
    again = site.run("new", "article", "Kabul falls", "--source", str(tmp_path))
    assert again.code == 2 and "already exists" in again.err
    assert path.read_text().endswith("My edits.\n")


def test_new_each_kind_builds(tmp_path):
    site = SiteDir(tmp_path)
    site.write("dossier.yaml", "title: T\n")
    for kind in ["article", "person", "place", "organization", "event", "claim", "page"]:
        assert site.run("new", kind, f"A {kind}", "--source", str(tmp_path)).code == 0
    run = site.build("--drafts")
    assert run.code == 0, run.err


def test_new_persian_title_gets_a_usable_slug(tmp_path):
    site = SiteDir(tmp_path)
    assert site.run("new", "person", "احمد مسعود", "--source", str(tmp_path)).code == 0
    (path,) = (tmp_path / "content/people").iterdir()
    assert path.name == "hmd-ms-wd.md"  # anyascii: the same on every machine
    assert 'title: "احمد مسعود"' in path.read_text(encoding="utf-8")


def test_usage_errors_exit_2(tmp_path):
    site = SiteDir(tmp_path)
    assert site.run("build", "--no-such-flag").code == 2
    assert site.run("frobnicate").code == 2
    assert site.run("new", "novel", "x").code == 2
    assert site.run("build", "--source", str(tmp_path / "missing")).code == 2


def test_python_dash_m_runs_and_has_no_traceback_on_bad_content(tmp_path):
    site = SiteDir(tmp_path)
    site.write("content/articles/x.md", "---\ntitle: [unclosed\n---\n")
    proc = subprocess.run([sys.executable, "-m", "dossier", "build", "--source", str(tmp_path)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1
    assert "content/articles/x.md:" in proc.stderr and "Traceback" not in proc.stderr


def test_check_json_format(make_site):
    site = make_site({"content/articles/x.md": "---\ntitle: X\ndate: 2021\n---\n[[Nobody]]\n"})
    import json

    run = site.run("check", "--source", str(site.root), "--format", "json")
    data = json.loads(run.out)
    assert data["warnings"] == 1 and data["diagnostics"][0]["code"] == "D201"
    assert data["diagnostics"][0]["line"] == 5


def test_line_100_column_11_is_not_an_emoji(make_site):
    body = "\n" * 95 + "Text [[Nobody]]\n"
    site = make_site({"content/articles/a.md": "---\ntitle: A\ndate: 2021\n---\n" + body})
    run = site.build()
    assert "content/articles/a.md:100:6: warning: D201" in run.err
