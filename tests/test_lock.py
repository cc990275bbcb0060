"""Builds cannot collide (issue 15, point 6): one writer per output folder. A second build waits
for the first with a message, a build refuses (exit 2) while `dossier serve` owns the output, and
a lock left by a killed process is taken over."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import REPO, SiteDir
from test_serve_support import copy_example, serve_process, wait_until  # noqa: F401  (fixture)

from dossier.lock import OutputLock, lock_path

FILES = {f"content/articles/a{i}.md": f"---\ntitle: Article {i}\ndate: 2021-08-{i % 28 + 1:02d}\n---\nText {i}.\n"
         for i in range(40)}

HOLD = """
import sys, time
sys.path.insert(0, {repo!r})
from dossier.lock import OutputLock
lock = OutputLock({output!r}, {command!r}).acquire()
print("locked", flush=True)
time.sleep({seconds})
lock.release()
"""


def _site(tmp_path) -> SiteDir:
    site = SiteDir(tmp_path / "site")
    site.write("dossier.yaml", "title: T\n")
    for rel, text in FILES.items():
        site.write(rel, text)
    return site


def _holder(output, command: str, seconds: float) -> subprocess.Popen:
    code = HOLD.format(repo=str(REPO), output=str(output), command=command, seconds=seconds)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    site = _site(tmp_path)
    holder = _holder(site.out, "build", 1.5)
    try:
        start = time.monotonic()
        run = site.build()
        waited = time.monotonic() - start
    finally:
        holder.wait(timeout=30)
    assert run.code == 0, run.err
    assert f"waiting for `dossier build` (process {holder.pid}" in run.err
    assert waited >= 1.0
    assert not lock_path(site.out).exists()  # released and removed


def test_a_build_gives_up_after_its_wait_with_exit_2(tmp_path):
    site = _site(tmp_path)
    holder = _holder(site.out, "build", 30)
    try:
        run = site.build("--wait", "0.5")
    finally:
        holder.kill()
        holder.wait()
    assert run.code == 2
    assert "still in use by `dossier build`" in run.err and "Traceback" not in run.err
    assert not site.out.exists()


def test_a_build_refuses_at_once_while_serve_owns_the_output(tmp_path):
    site = _site(tmp_path)
    holder = _holder(site.out, "serve", 30)
    try:
        start = time.monotonic()
        run = site.build()
        assert time.monotonic() - start < 5
    finally:
        holder.kill()
        holder.wait()
    assert run.code == 2
    assert f"is in use by `dossier serve` (process {holder.pid}" in run.err


def test_the_lock_of_a_killed_build_is_taken_over(tmp_path):
    site = _site(tmp_path)
    holder = _holder(site.out, "build", 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert lock_path(site.out).exists()  # its record is still there
    run = site.build("--wait", "5")
    assert run.code == 0, run.err
    assert f"took over the lock on {site.out}" in run.err and f"process {holder.pid}" in run.err


def test_two_real_builds_at_once_never_mix_their_trees(tmp_path):
    site = _site(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="200", NO_COLOR="1")
    cmd = [sys.executable, "-m", "dossier", "build", "--source", str(site.root), "--jobs", "1", "--no-cache"]
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: lock_path(site.out).exists() or first.poll() is not None, 30, message="the first build's lock")
    second = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == second.returncode == 0, outs
    alone = _site(tmp_path / "alone")
    assert alone.build("--no-cache").code == 0
    assert site.snapshot() == alone.snapshot()
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".build")) == []


def test_serve_and_build_on_one_output(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    server = serve_process("--source", str(site), "--port", "0")
    server.url(timeout=60)
    run = SiteDir(site).build()
    assert run.code == 2
    assert f"in use by `dossier serve` (process {server.proc.pid}" in run.err
    assert server.interrupt() == 0
    assert not lock_path(site / "build").exists()
    assert SiteDir(site).build().code == 0  # free again once the server stopped


def test_the_lock_file_is_replaced_not_shared_after_release(tmp_path):
    """A waiter that opened the old file locks the new one (no two holders after an unlink)."""
    out = tmp_path / "build"
    a = OutputLock(out, "build").acquire()
    a.release()
    b = OutputLock(out, "build", wait=0.2).acquire()
    c = OutputLock(out, "build", wait=0.3)
    try:
        import pytest

        from dossier.lock import OutputBusy

        with pytest.raises(OutputBusy):
            c.acquire()
    finally:
        b.release()
