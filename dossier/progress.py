"""Progress of long work: stages with counts, shown only when a build takes a while.

The pipeline says what it is doing through :func:`stage` and :func:`advance`
(no-ops unless a reporter is installed with :func:`reporting`; ``serve`` and
the tests install none). ``dossier build`` installs one of two reporters:

- :class:`BarReporter` when stdout and stderr are terminals: a rich progress
  bar on stderr with the stage and its counts, drawn once the build has run
  for ``delay`` seconds and cleared at the end (a quick build shows nothing);
- :class:`LineReporter` otherwise (CI logs, pipes): one plain line per
  finished stage (``render: 4,021 of 4,021 pages, 3.2 s``), printed once the
  build has run for ``delay`` seconds; the stages finished before are printed
  then, so a long build's log has every stage.

``DOSSIER_PROGRESS_AFTER`` (seconds, default 1) sets ``delay``.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Stage:
    name: str
    unit: str
    total: int | None
    began: float
    done: int = 0

    def line(self, seconds: float) -> str:
        if self.total is None and not self.done:
            return f"{self.name}: {seconds:.1f} s"
        count = f"{self.done:,} of {self.total:,}" if self.total is not None else f"{self.done:,}"
        return f"{self.name}: {count} {self.unit}, {seconds:.1f} s".replace("  ", " ")


class Reporter:
    """Says nothing: the default, and the base of the others."""

    def __init__(self, delay: float = 1.0, clock=time.monotonic):
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.current: Stage | None = None

    def stage(self, name: str, total: int | None = None, unit: str = "") -> None:
        self._finish()
        self.current = Stage(name, unit, total, self.clock())
        self.update()

    def advance(self, n: int = 1) -> None:
        if self.current is not None:
            self.current.done += n
            self.update()

    def close(self) -> None:
        self._finish()
        self.current = None

    @property
    def late(self) -> bool:
        """The build has run long enough to be worth reporting on."""
        return self.clock() - self.started >= self.delay

    def update(self) -> None:
        pass

    def finished(self, stage: Stage, seconds: float) -> None:
        pass

    def _finish(self) -> None:
        if self.current is not None:
            self.finished(self.current, self.clock() - self.current.began)


class LineReporter(Reporter):
    """One plain line per finished stage, once the build is slow enough to deserve them."""

    def __init__(self, stream, delay: float = 1.0, clock=time.monotonic):
        super().__init__(delay, clock)
        self.stream = stream
        self.pending: list[str] = []

    def finished(self, stage: Stage, seconds: float) -> None:
        self.pending.append(stage.line(seconds))
        if self.late:
            for line in self.pending:
                print(line, file=self.stream, flush=True)
            self.pending.clear()


class BarReporter(Reporter):
    """A rich progress bar (stage, bar, done/total, elapsed), from ``delay`` seconds into the build."""

    def __init__(self, console, delay: float = 1.0, clock=time.monotonic):
        super().__init__(delay, clock)
        self.console = console
        self.bar = None
        self.task = None

    def update(self) -> None:
        stage = self.current
        if stage is None or (self.bar is None and not self.late):
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[unit]}"), TimeElapsedColumn(),
                                console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(stage.name, total=stage.total, unit=stage.unit)
        self.bar.update(self.task, description=stage.name, total=stage.total, completed=stage.done, unit=stage.unit)

    def close(self) -> None:
        super().close()
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


_current: Reporter = Reporter()


def stage(name: str, total: int | None = None, unit: str = "") -> None:
    """A new stage of the work begins (the previous one is finished)."""
    _current.stage(name, total, unit)


def advance(n: int = 1) -> None:
    """``n`` more items of the current stage are done."""
    _current.advance(n)


def for_streams(stdout=None, stderr=None, delay: float | None = None) -> Reporter:
    """A bar on a terminal, plain lines on anything else (CI, pipes, files)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    if delay is None:
        try:
            delay = float(os.environ.get("DOSSIER_PROGRESS_AFTER", "1"))
        except ValueError:
            delay = 1.0
    if _isatty(stdout) and _isatty(stderr):
        from rich.console import Console

        return BarReporter(Console(file=stderr, highlight=False), delay)
    return LineReporter(stderr, delay)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def reporting(reporter: Reporter):
    """Send the progress of the work done inside to ``reporter``."""
    global _current
    previous, _current = _current, reporter
    try:
        yield reporter
    finally:
        reporter.close()
        _current = previous
