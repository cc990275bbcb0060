"""Progress: a rich bar on a terminal, plain stage lines in pipes and CI, nothing for a quick build."""
import io
import os
import pty
import select
import subprocess
import sys

from rich.console import Console

from conftest import REPO, copy_example
from dossier import progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def run_stages(reporter, clock, seconds_per_stage):
    with progress.reporting(reporter):
        progress.stage("parse", 3, "files")
        for _ in range(3):
            clock.now += seconds_per_stage / 3
            progress.advance()
        progress.stage("resolve")
        clock.now += seconds_per_stage
        progress.stage("render", 2, "pages")
        progress.advance(2)
        clock.now += seconds_per_stage


def test_plain_lines_only_once_the_build_is_slow_then_every_stage():
    clock, out = Clock(), io.StringIO()
    run_stages(progress.LineReporter(out, delay=1.0, clock=clock), clock, 0.1)
    assert out.getvalue() == ""  # 0.3 s in all: nothing to say
    clock, out = Clock(), io.StringIO()
    run_stages(progress.LineReporter(out, delay=1.0, clock=clock), clock, 0.6)
    assert out.getvalue().splitlines() == [
        "parse: 3 of 3 files, 0.6 s",  # finished before the first second: printed when the second passed
        "resolve: 0.6 s",
        "render: 2 of 2 pages, 0.6 s",
    ]


def test_the_bar_appears_after_the_delay_with_stage_and_counts():
    clock, out = Clock(), io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    reporter = progress.BarReporter(console, delay=1.0, clock=clock)
    with progress.reporting(reporter):
        progress.stage("parse", 40, "files")
        progress.advance(10)
        assert reporter.bar is None  # not yet: a quick build never shows a bar
        clock.now += 1.5
        progress.advance(10)
        assert reporter.bar is not None
        task = reporter.bar.tasks[0]
        assert (task.description, task.completed, task.total, task.fields["unit"]) == ("parse", 20, 40, "files")
        progress.stage("render", 7, "pages")
        progress.advance(3)
        task = reporter.bar.tasks[0]
        assert (task.description, task.completed, task.total) == ("render", 3, 7)
    assert reporter.bar is None  # stopped (and, transient, cleared) before the summary is printed


def test_no_reporter_installed_means_silence(capsys):
    progress.stage("parse", 3)
    progress.advance()  # the default reporter ignores it (serve, check and library use)
    assert capsys.readouterr() == ("", "")


def build_env():
    env = dict(os.environ, DOSSIER_PROGRESS_AFTER="0", PYTHONPATH=str(REPO), TERM="xterm-256color", COLUMNS="100")
    env.pop("NO_COLOR", None)
    return env


def test_build_in_a_pipe_prints_plain_stage_lines(tmp_path):
    site = copy_example(tmp_path / "site")
    proc = subprocess.run([sys.executable, "-m", "dossier", "build", "--source", str(site.root)],
                          capture_output=True, text=True, env=build_env(), timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert any(l.startswith("parse: ") and " files, " in l for l in lines), proc.stderr
    render = [l for l in lines if l.startswith("render: ")]
    assert len(render) == 1 and " pages, " in render[0]
    assert "\x1b[" not in proc.stderr and "━" not in proc.stderr  # no escape codes, no bar in a log
    assert lines.index(render[0]) < next(i for i, l in enumerate(lines) if l.startswith("built "))


def test_build_on_a_terminal_draws_a_bar_and_no_plain_lines(tmp_path):
    site = copy_example(tmp_path / "site")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dossier", "build", "--source", str(site.root)],
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=build_env())
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 300)
        if not ready:
            proc.kill()
            raise AssertionError("no output for 300 s")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "━" in text and "\x1b[" in text  # a bar, drawn with terminal control codes
    assert "render" in text and "pages" in text
    assert not any(l.startswith("render: ") for l in text.splitlines())  # not the plain lines
    assert "built " in text
