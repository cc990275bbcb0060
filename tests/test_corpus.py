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
