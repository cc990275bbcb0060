"""A full disk or a permission error while writing leaves the previous output intact and gives one
line naming the path (issue 15, point 7). Faults are injected at dossier.write._store, the one
place output bytes reach the disk."""
from __future__ import annotations

import errno
import os

import pytest

from dossier import write

FILES = {f"content/articles/a{i}.md": f"---\ntitle: Article {i}\ndate: 2021-08-{i + 1:02d}\n---\nText {i}.\n" for i in range(6)}
FAULTS = {"disk full": errno.ENOSPC, "permission": errno.EACCES}


def _inject(monkeypatch, code: int, after: int) -> list:
    """The ``after``-th write from now on (and every later one) fails with ``code``."""
    real, calls = write._store, []

    def faulty(target, data, mode="xb"):
        calls.append(target)
        if len(calls) > after:
            raise OSError(code, os.strerror(code))
        return real(target, data, mode)

    monkeypatch.setattr(write, "_store", faulty)
    return calls


def _leftovers(site) -> list[str]:
    beside = [p.name for p in site.root.iterdir() if p.name.startswith(".build.")]
    inside = [p.name for p in site.out.rglob(".*") if ".new-" in p.name or ".bak-" in p.name]
    return beside + inside


EDITS = {  # a change that makes a full build (new tree), and one that is written in place
    "full": lambda site: site.write("dossier.yaml", "title: Renamed dossier\n"),
    "in place": lambda site: site.write("content/articles/a2.md", FILES["content/articles/a2.md"] + "More.\n"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("after", [0, 3])
def test_a_fault_while_writing_leaves_the_previous_output(make_site, monkeypatch, fault, edit, after):
    site = make_site(FILES)
    assert site.build().code == 0
    before = site.snapshot()
    EDITS[edit](site)
    calls = _inject(monkeypatch, FAULTS[fault], after)
    run = site.build()
    if len(calls) <= after:
        pytest.skip(f"this build made only {len(calls)} writes")
    assert run.code == 1
    errors = [line for line in run.err.splitlines() if "D504" in line]
    assert len(errors) == 1, run.err
    assert os.strerror(FAULTS[fault]) in errors[0] and str(site.out) in errors[0], errors[0]
    assert "Traceback" not in run.err + run.out
    assert site.snapshot() == before
    assert _leftovers(site) == []
    monkeypatch.undo()
    assert site.build().code == 0  # the next build after the disk is freed succeeds
    assert site.snapshot() != before


def test_a_fault_in_a_parallel_render_workers_write_leaves_the_previous_output(tmp_path, monkeypatch):
    """A full build's render workers write their own pages (build._written); a failing write there hands
    the bytes back to the parent, whose write reports the fault as any other: one D504 line, nothing lost."""
    import sys

    from conftest import REPO, SiteDir

    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    generate(tmp_path / "d", 200, seed=5)  # above the parallel render threshold
    site = SiteDir(tmp_path / "d")
    assert site.run("build", "--source", str(site.root), "--jobs", "2").code == 0
    before = site.snapshot()
    site.write("dossier.yaml", (site.root / "dossier.yaml").read_text() + "description: Changed.\n")  # a full build
    calls = _inject(monkeypatch, errno.ENOSPC, 40)  # in each worker (forked with it) and in the parent
    run = site.run("build", "--source", str(site.root), "--jobs", "2")
    assert run.code == 1, run.err
    assert len(calls) > 40  # the parent's own writes (the workers' are counted in their processes)
    errors = [line for line in run.err.splitlines() if "D504" in line]
    assert len(errors) == 1 and os.strerror(errno.ENOSPC) in errors[0], run.err
    assert "Traceback" not in run.err + run.out
    assert site.snapshot() == before and _leftovers(site) == []
    monkeypatch.undo()
    assert site.run("build", "--source", str(site.root), "--jobs", "2").code == 0
    assert site.snapshot() != before
