"""Real-world Markdown from public sites (../shared/corpus) builds with no traceback,
and every problem is reported once, with file:line."""
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SiteDir

CORPUS = REPO.parent / "shared" / "corpus"
SETS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
LOCATED = re.compile(r"^content/[^:]+:\d+(:\d+)?: ")


@pytest.mark.skipif(not SETS, reason=f"no corpus at {CORPUS} (it lives in the shared folder beside the checkout)")
@pytest.mark.parametrize("name", SETS)
def test_corpus_builds_without_traceback(tmp_path, name):
    site = SiteDir(tmp_path / name)
    shutil.copytree(CORPUS / name, site.root / "content")
    run = site.build()
    assert "Traceback" not in run.err + run.out
    assert run.code in (0, 1)
    problems = [l for l in run.err.splitlines() if l.startswith("content/")]
    assert problems == sorted(set(problems), key=problems.index)  # each problem once
    for line in problems:
        assert LOCATED.match(line), line
    sources = [p for p in (site.root / "content").rglob("*") if p.suffix in (".md", ".markdown")]
    failed = {l.split(":")[0] for l in problems if re.match(r"^content/[^:]+:\d+(:\d+)?: D", l)}
    if run.code == 0:
        assert (site.out / "index.html").is_file()
    # the build reads every file: most of a real site is fine, and the rest is named
    assert len(failed) < len(sources) / 4, failed


@pytest.mark.skipif(not SETS, reason=f"no corpus at {CORPUS}")
def test_corpus_known_problems_are_named():
    root = CORPUS / "tareefdev-beta-content"
    if not root.is_dir():
        pytest.skip("tareefdev corpus absent")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        site = SiteDir(Path(tmp))
        shutil.copytree(root, site.root / "content")
        run = site.build()
    assert 'content/collections/chemical-weapons/violationslist_ar.md:4: D301 date: "2017-07-01T00:05:18055Z" is not a date' in run.err
    assert "content/partials/index.md:1: D103" in run.err


HUGO_SITES = [n for n in SETS if (CORPUS / n / "SOURCE.md").is_file()
              and "Generator: Hugo" in (CORPUS / n / "SOURCE.md").read_text(encoding="utf-8")]


@pytest.fixture(scope="session")
def imported_hugo(tmp_path_factory):
    """Each Hugo site of the corpus imported with `dossier import --from hugo` and built once."""
    out = {}
    for name in HUGO_SITES:
        root = tmp_path_factory.mktemp("imported") / name
        runner = SiteDir(root.parent)
        before = {p: p.stat().st_mtime_ns for p in (CORPUS / name).rglob("*")}
        imported = runner.run("import", "--from", "hugo", str(CORPUS / name), "--into", str(root))
        assert {p: p.stat().st_mtime_ns for p in (CORPUS / name).rglob("*")} == before  # the site is only read
        site = SiteDir(root)
        out[name] = (imported, site, site.build())
    return out


@pytest.mark.skipif(not HUGO_SITES, reason=f"no Hugo site in the corpus at {CORPUS}")
@pytest.mark.parametrize("name", HUGO_SITES)
def test_imported_hugo_site_builds_with_no_foreign_syntax_and_every_bundle_image(imported_hugo, name):
    imported, site, run = imported_hugo[name]
    assert imported.code == 0, imported.err
    assert run.code == 0, run.err
    assert "Traceback" not in run.err
    for page in site.out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for foreign in ("{{<", "{{%", "{%"):
            assert foreign not in text, f"{foreign} in {page}"
    from dossier import images

    content = site.root / "content"
    bundles = {p.parent for p in content.rglob("index.md")} | {p.parent for p in content.rglob("index.*.md")}
    published = 0
    for folder in bundles:
        for img in folder.iterdir():
            if images.is_image(img.name):
                matches = list(site.out.rglob(img.name))
                assert matches, f"{img} was not published"
                for m in matches:
                    data = m.read_bytes()
                    from PIL import Image
                    import io

                    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(images.GPS_IFD)
                published += 1
    assert published or not bundles
    # every remaining problem is a warning or note with a position, never an error
    for line in run.err.splitlines():
        if line.startswith("content/"):
            assert LOCATED.match(line) or re.match(r"^content/[^:]+: ", line), line
            assert ": warning: " in line or ": note: " in line, line
