"""``dossier serve``: build, serve the output, watch the sources, rebuild, tell the browsers.

The pieces:

* :mod:`.server` answers HTTP (the output folder under the ``base_url`` prefix,
  ``404.html``, the live-reload stream at ``/__dossier/events`` and the client
  script at ``/__dossier/client.js``, injected into served HTML only);
* :mod:`.watch` turns filesystem events into debounced batches of changed paths;
* :class:`DevServer` runs :class:`dossier.build.Builder` on each batch in one
  rebuild thread and broadcasts ``reload`` (what changed, CSS only or not, which
  page to navigate to) or ``error`` (message, ``file:line``, source lines).

Nothing here prints: messages go to the ``report(level, text)`` callback the CLI
passes in (levels: ``info``, ``warning``, ``error``, ``detail``).
"""
from __future__ import annotations

import gc
import hashlib
import os
import secrets
import signal
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from .. import diagnostics as dg
from ..build import BuildOptions, BuildResult, Builder
from .. import cache as _cache
from ..config import load_config
from .server import PortInUse, State, is_loopback_host, make_server
from .watch import Batcher, Closed, Watcher, plan_watch

__all__ = ["DevServer", "PortInUse", "ServeError", "serve", "is_loopback_host"]

Report = Callable[[str, str], None]
MAX_ERRORS_SHOWN = 20
CONTEXT_LINES = 3
DEFAULT_PORT = 8000
PORT_SEARCH = 20  # with the default port: try this many more before giving up


class ServeError(Exception):
    """A problem that stops ``serve`` before it starts (the output folder is refused...)."""


def _quiet(level: str, text: str) -> None:
    pass


class DevServer:
    """Build, serve and rebuild on change. ``start()`` then ``stop()``; or use :func:`serve`."""

    def __init__(self, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, *, port_search: int = 0,
                 navigate: bool = True, report: Report | None = None, quiet: float = 0.1, watch: bool = True,
                 unwatched: tuple[Path, ...] = ()):
        self.root = Path(options.source).resolve()
        self.output = Path(options.output).resolve() if options.output else self.root / "build"
        self.options = replace(options, output=self.output)
        self.host = host
        self.requested_port = port
        self.port_search = port_search
        self.navigate = navigate
        self.report: Report = report if report is not None else _quiet
        self.watch = watch
        self.unwatched = [Path(p).resolve() for p in unwatched]  # folders never watched (besides output and cache)
        self.builder = _make_builder(self.options)
        self.state = State(self.output, self._config_prefix())
        self.state.navigate = navigate
        self.state.check_host = is_loopback_host(host)
        self.state.hello = self._hello
        self.state.wait_for_build = self._wait_for_build
        self.batcher = Batcher(quiet=quiet)
        self.watcher: Watcher | None = None
        self.httpd = None
        self.port = 0
        self.server_id = secrets.token_hex(4)
        self.generation = 0
        self.last_error: dict | None = None
        self.last_result: BuildResult | None = None
        self.initial_result: BuildResult | None = None
        self.rebuilds = 0  # rebuilds after the first build
        self.collected = 0.0  # seconds the collection after the last rebuild took
        self.batches: list[set[str] | None] = []
        self.sent: list[tuple[str, dict]] = []  # every broadcast, for tests and the bench
        self._cond = threading.Condition()
        self._building = False
        self._shown_errors: set[str] = set()
        self._shown_warnings: set[str] = set()
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self._watch_lock = threading.Lock()
        self._replan = threading.Event()  # set from the watcher's thread; acted on in the rebuild thread
        self._digests: dict[str, str | None] = {}  # output path -> digest of the bytes browsers last saw
        self._serving = False

    # ------------------------------------------------------------ lifecycle
    def start(self) -> "DevServer":
        """Bind the port, build once, then serve and watch (returns at once)."""
        self.httpd = make_server(self.state, self.host, self.requested_port, self.port_search)
        self.port = self.httpd.server_address[1]
        try:
            result = self._build(None, initial=True)
            refused = [d for d in result.diagnostics if d.code == "D502"]
            if refused:
                raise ServeError(dg.format_diagnostic(refused[0]))
        except BaseException:
            self.httpd.server_close()
            raise
        self._serving = True
        self._spawn("dossier-http", lambda: self.httpd.serve_forever(poll_interval=0.2))
        if self.watch:
            self.watcher = Watcher(self._plan(), self.batcher, self.report, on_root_change=self._replan.set)
            self.watcher.start()
        self._spawn("dossier-rebuild", self._loop)
        return self

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.batcher.close()
        if self.watcher is not None:
            self.watcher.stop()
        self.state.hub.close()
        if self.httpd is not None:
            if self._serving:
                self.httpd.shutdown()  # (waits forever unless serve_forever ran)
            self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=10)  # let a rebuild in progress finish its atomic swap
        self.builder.wait()  # and the last in-place commit delete the old files it replaced

    @property
    def stopped(self) -> threading.Event:
        return self._stopped

    @property
    def url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}{quote(self.state.prefix)}"

    def _spawn(self, name: str, target) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # ------------------------------------------------------------ building
    def _loop(self) -> None:
        while True:
            try:
                batch = self.batcher.next_batch()
            except Closed:
                return
            self.batches.append(batch)
            if self._replan.is_set():
                # content/, templates/, static/ or themes/ appeared or went: watch the new folders before
                # the build reads them (whatever is written into them from now on is seen by the watch)
                self._replan.clear()
                self._refresh_watch()
            with _cache.paused_gc(freeze=False):  # no cyclic collection while building (a save at 4,000 articles
                self._build(batch)                   # paid 15-30 ms for it): one collection after the browsers are told
            self.rebuilds += 1
            self.collected = _collect()
            self._refresh_watch()

    def _wait_for_build(self, timeout: float) -> None:
        with self._cond:
            if self._building:
                self._cond.wait_for(lambda: not self._building, timeout)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no rebuild runs (for tests)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._building, timeout)

    def _build(self, batch: set[str] | None, initial: bool = False) -> BuildResult:
        with self._cond:
            self._building = True
        start = time.perf_counter()
        try:
            try:
                result = self.builder.rebuild(batch)
            except Exception as exc:  # a bug in the engine must not take the preview down
                result = BuildResult(diagnostics=[dg.error("D503", f"internal error while building: {type(exc).__name__}: {exc}")])
                self.report("detail", traceback.format_exc())
            seconds = time.perf_counter() - start
            if result.ok:
                self._succeeded(result, batch, seconds, initial)
            else:
                self._failed(result, initial)
            self.last_result = result
            if initial:
                # (after a good first build the live builder keeps its state in memory: no cache file
                # rewritten and no search index rebuilt per keystroke; `dossier build` refreshes it)
                self.initial_result = result
            return result
        finally:
            with self._cond:
                self._building = False
                self._cond.notify_all()

    def _succeeded(self, result: BuildResult, batch: set[str] | None, seconds: float, initial: bool) -> None:
        if result.site is not None:
            self.state.prefix = result.site.config.prefix
        changed = self._output_changes(result, initial)
        if changed or initial:
            self.generation += 1
            self.state.token = f"{self.server_id}-{self.generation}"
        had_error = self.last_error is not None
        self.last_error = None
        self._shown_errors = set()
        self._report_new_warnings(result)
        if initial:
            pages = f"{result.pages} pages " if result.pages else ""
            self.report("info", f"built {pages}into {self.output} in {seconds:.2f} s" + _summary(result.diagnostics))
            return
        self.report("info", _rebuilt_message(seconds, _describe(batch), changed, had_error))
        if not changed and not had_error:
            return
        target = self._navigate_target(batch, result) if self.navigate else None
        self._broadcast("reload", {
            "token": self.state.token,
            "changed": [self._url(p) for p in changed],
            "css_only": bool(changed) and all(p.lower().endswith(".css") for p in changed),
            "navigate": target,
            "seconds": round(seconds, 3),
        })

    def _report_new_warnings(self, result: BuildResult) -> None:
        """Warnings not shown after the previous build (each once while it lasts)."""
        warnings = [d for d in sorted(result.diagnostics, key=dg.sort_key) if not d.is_error]
        fresh = [d for d in warnings if dg.format_diagnostic(d) not in self._shown_warnings]
        self._shown_warnings = {dg.format_diagnostic(d) for d in warnings}
        for d in fresh:
            self.report("warning", dg.format_diagnostic(d))

    def _output_changes(self, result: BuildResult, initial: bool) -> list[str]:
        """Output files whose bytes really changed. The builder's ``written_paths`` may list every file
        after a full render (config or theme change); comparing digests keeps a CSS edit "CSS only"."""
        if initial:
            self._digests = {rel: _file_digest(self.output / rel) for rel in _walk_output(self.output)}
            return []
        changed = []
        for rel in result.written_paths:
            digest = _file_digest(self.output / rel)
            if digest is None or self._digests.get(rel) != digest:
                changed.append(rel)
            self._digests[rel] = digest
        for rel in result.removed_paths:
            self._digests.pop(rel, None)
            changed.append(rel)
        return changed

    def _failed(self, result: BuildResult, initial: bool) -> None:
        errors = [d for d in sorted(result.diagnostics, key=dg.sort_key) if d.is_error]
        texts = [dg.format_diagnostic(d) for d in errors]
        for text in texts:
            if text not in self._shown_errors:
                self.report("error", text)  # once per distinct error, however often the file is saved
        self._shown_errors = set(texts)
        n = len(errors)
        if initial:
            have = (self.output / "index.html").is_file()
            self.report("error", f"build failed ({n} error{'s' * (n != 1)}); "
                                 + ("serving the previous output" if have else "nothing to serve until it is fixed"))
        else:
            self.report("error", f"rebuild failed ({n} error{'s' * (n != 1)}); still serving the last good build")
        self.last_error = self._error_payload(errors)
        if not initial:
            self._broadcast("error", self.last_error)

    def _broadcast(self, event: str, data: dict) -> None:
        self.sent.append((event, data))
        self.state.hub.broadcast(event, data)

    def _hello(self) -> dict:
        return {"token": self.state.token, "error": self.last_error, "navigate": self.navigate}

    # ------------------------------------------------------------ helpers
    def _config_prefix(self) -> str:
        config, _ = load_config(self.root, base_url=self.options.base_url, drafts=self.options.drafts)
        return config.prefix if config is not None else "/"

    def _url(self, output_path: str) -> str:
        rel = output_path
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return quote(self.state.prefix + rel)

    def _navigate_target(self, batch: set[str] | None, result: BuildResult) -> str | None:
        if not batch:
            return None
        edited = [p for p in batch if p.startswith("content/") and p.endswith(".md") and (self.root / p).is_file()]
        if len(edited) != 1:
            return None
        url = result.url_for_source(edited[0])
        return quote(url) if url else None

    def _error_payload(self, errors: list[dg.Diagnostic]) -> dict:
        items = []
        for d in errors[:MAX_ERRORS_SHOWN]:
            items.append({
                "code": d.code, "message": d.message, "path": d.path, "line": d.line, "col": d.col,
                "hint": d.hint, "location": d.location(), "text": dg.format_diagnostic(d).split("\n", 1)[0],
                "lines": self._source_lines(d),
            })
        return {"token": self.state.token, "errors": items, "more": max(0, len(errors) - MAX_ERRORS_SHOWN)}

    def _source_lines(self, d: dg.Diagnostic) -> list[dict]:
        """The offending line with a few lines around it, read from the project or the theme in use."""
        fallback = [{"n": d.line or 0, "text": d.source_line[:300], "mark": True}] if d.source_line else []
        if not d.path or not d.line:
            return fallback
        path = Path(d.path)
        if not path.is_absolute():
            path = self.root / path
        try:
            real = path.resolve()
            allowed = [self.root] + [p.resolve() for p in self._theme_dirs()]
            if not any(real == a or a in real.parents for a in allowed):
                return fallback
            lines = real.read_text(encoding="utf-8-sig", errors="replace").splitlines()
        except OSError:
            return fallback
        if not 0 < d.line <= len(lines) + 1:
            return fallback
        lo, hi = max(1, d.line - CONTEXT_LINES), min(len(lines), d.line + CONTEXT_LINES)
        return [{"n": n, "text": lines[n - 1][:300], "mark": n == d.line} for n in range(lo, hi + 1)]

    # ------------------------------------------------------------ watching
    def _theme_dirs(self) -> list[Path]:
        from ..render.theme import Theme, ThemeError

        config, _ = load_config(self.root, base_url=self.options.base_url, drafts=self.options.drafts)
        dirs: list[Path] = []
        try:
            theme = Theme(self.root, config.theme if config is not None else "default")
            dirs += list(theme.template_dirs) + list(theme.static_dirs) + list(getattr(theme, "chain", []))
        except (ThemeError, OSError):
            pass
        if (self.root / "themes").is_dir():
            dirs.append(self.root / "themes")
        return dirs

    def _plan(self):
        return plan_watch(self.root, self._theme_dirs(), exclude=[self.output, self.root / getattr(_cache, "CACHE_DIR", ".dossier-cache"), *self.unwatched])

    def _refresh_watch(self) -> None:
        if self.watcher is None or self._stopped.is_set():
            return
        with self._watch_lock:
            plan = self._plan()
            if plan.key() != self.watcher.plan.key():
                self.watcher.update(plan)


def _rebuilt_message(seconds: float, what: str, changed: list[str], had_error: bool) -> str:
    cleared = " — error cleared" if had_error else ""
    if changed:
        return f"rebuilt in {seconds:.2f} s ({what}): {len(changed)} output file{'s' * (len(changed) != 1)} changed{cleared}"
    return f"rebuilt in {seconds:.2f} s ({what}): no output changed{cleared}"


def _make_builder(options: BuildOptions) -> Builder:
    """The engine's live builder: changed files written in place (no whole-tree swap per keystroke)."""
    return Builder(options, live=True, finish_later=True)  # the browser reloads before old files are deleted


def _collect() -> float:
    """The cyclic garbage collection deferred while building: of the young generations, what the build made
    (a full collection took 250-300 ms at 4,000 articles, and would hold up the browsers' requests that
    follow the reload; the oldest generation is left to the collector's own thresholds). Returns its seconds."""
    start = time.perf_counter()
    gc.collect(1)
    return time.perf_counter() - start


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def _walk_output(output: Path):
    for dirpath, dirnames, filenames in os.walk(output):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(dirpath, output)
        for name in filenames:
            if not name.startswith("."):
                yield name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")


def _summary(diags: list[dg.Diagnostic]) -> str:
    warnings = sum(not d.is_error for d in diags)
    return f"; {warnings} warning{'s' * (warnings != 1)}" if warnings else ""


def _describe(batch: set[str] | None) -> str:
    if batch is None:
        return "full rebuild"
    names = sorted(batch)
    if not names:
        return "no files"
    text = ", ".join(names[:3])
    return text + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def serve(options: BuildOptions, host: str = "127.0.0.1", port: int | None = None, *, navigate: bool = True,
          open_browser: bool = False, report: Report | None = None) -> int:
    """Run the dev server until Ctrl-C (or SIGTERM). ``port=None``: 8000, or the next free one.

    Raises :class:`PortInUse` when an explicitly chosen port is taken and
    :class:`ServeError` when the output folder is refused.
    """
    report = report if report is not None else _quiet
    if not is_loopback_host(host):
        report("warning", f"serving on {host}, which other machines can reach: anyone on your network can read "
                          "this preview, drafts included. Use the default (127.0.0.1) unless you mean it.")
    wanted = DEFAULT_PORT if port is None else port
    dev = DevServer(options, host, wanted, port_search=PORT_SEARCH if port is None else 0,
                    navigate=navigate, report=report)
    restore = None
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        try:
            dev.start()
        except KeyboardInterrupt:
            report("info", "stopped")
            return 0
        if port is None and dev.port != wanted:
            report("warning", f"port {wanted} is in use; serving on port {dev.port} instead")
        report("info", f"serving {dev.url}  (Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(dev.url,), daemon=True).start()
        try:
            while not dev.stopped.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        dev.stop()
        report("info", "stopped")
        return 0
    finally:
        dev.stop()
        if restore is not None:
            signal.signal(signal.SIGTERM, restore)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
