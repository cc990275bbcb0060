"""A build killed at any moment (SIGKILL) leaves the previous output whole, and the
next build leaves no temporary folders behind."""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

from conftest import REPO, SiteDir

sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402


def test_sigkill_during_build_keeps_previous_output(tmp_path):
    generate(tmp_path / "d", 150, seed=5)
    site = SiteDir(tmp_path / "d")
    assert site.run("build", "--source", str(site.root), "--jobs", "1", "--no-cache").code == 0
    before = site.snapshot()
    # a change that rewrites every page, so the killed build is busy writing
    (site.root / "dossier.yaml").write_text('title: "Renamed dossier"\n', encoding="utf-8")
    rng = random.Random(11)
    for attempt in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "dossier", "build", "--source", str(site.root), "--jobs", "1", "--no-cache"],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if site.out.exists() and site.snapshot() != before:
            # the kill came after the swap: the new build is complete; restore the old one for the next try
            assert "Renamed dossier" in site.read("index.html")
            continue
        # the previous output is whole, or (killed between the two renames of the swap) recoverable:
        stale = [p.name for p in site.root.iterdir() if p.name.startswith(".build.")]
        if not site.out.exists():
            assert any(n.startswith(".build.old-") for n in stale), stale
        else:
            assert site.snapshot() == before
    assert site.run("build", "--source", str(site.root), "--jobs", "1", "--no-cache").code == 0
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".build.")] == []
    assert "Renamed dossier" in site.read("index.html")


def test_stale_old_output_is_restored_when_the_output_is_missing(tmp_path, make_site):
    site = make_site({"content/about.md": "---\ntitle: About\n---\n"})
    assert site.build().code == 0
    before = site.snapshot()
    os.replace(site.out, site.root / ".build.old-999999")  # as if killed between the renames
    (site.root / ".build.tmp-999999").mkdir()
    site.write("content/about.md", "---\ntitle: [About\n---\n")  # a failing build restores it too
    assert site.build().code == 1
    assert site.snapshot() == before
    site.write("content/about.md", "---\ntitle: About\n---\n")
    assert site.build().code == 0
    assert site.snapshot() == before
    assert [p.name for p in site.root.iterdir() if p.name.startswith(".build.")] == []
