"""The pipeline: config -> discover -> parse -> resolve -> render -> write.

This is the only module that knows the order of the stages; ``check`` and
``serve`` reuse it.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import diagnostics as dg
from .config import Config, load_config
from .discover import discover
from .model import Document, Failed, Site
from .parse import ParseOptions, parse_all
from .render import RenderError, Theme, ThemeError, Views, render, render_outputs
from .resolve import resolve
from .write import AtomicTree, WriteError, check_output_dir


@dataclass
class BuildResult:
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    site: Site | None = None
    written: int = 0
    pages: int = 0
    seconds: float = 0.0
    wrote_output: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    written_paths: list[str] = field(default_factory=list)  # output files whose bytes changed (or are new)
    removed_paths: list[str] = field(default_factory=list)  # output files that no longer exist

    def url_for_source(self, path: str) -> str | None:
        """Site URL (with prefix) of the page built from a project-relative content path."""
        if not self.site or not self.site.index:
            return None
        doc_id = self.site.index.by_path.get(path)
        if doc_id is None or doc_id not in self.site.urls:
            return None
        return self.site.config.prefix + self.site.urls[doc_id]

    @property
    def ok(self) -> bool:
        return not dg.has_errors(self.diagnostics)

    def failed(self, strict: bool = False) -> bool:
        return not self.ok or (strict and bool(self.diagnostics))


# Functions (output_tmp_dir: Path, site) -> [Diagnostic] run on the complete new
# output before it is swapped in (e.g. building a search index over it).
POST_WRITE: list = []


@dataclass(frozen=True)
class BuildOptions:
    source: Path
    output: Path | None = None  # None: check only, write nothing
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    jobs: int = 0  # 0: all cores


def load(options: BuildOptions) -> tuple[Config | None, Site | None, list[dg.Diagnostic], dict]:
    """Config, discover, parse and resolve: everything but rendering."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    root = Path(options.source).resolve()
    config, diags = load_config(root, base_url=options.base_url, drafts=options.drafts)
    if dg.has_errors(diags):
        return config, None, diags, timings
    sources, found = discover(root)
    diags.extend(found)
    timings["discover"] = time.perf_counter() - t
    t = time.perf_counter()
    jobs = options.jobs or os.cpu_count() or 1
    parsed = parse_all(sources, ParseOptions(unsafe_html=config.unsafe_html), jobs=jobs)
    documents: list[Document] = []
    for item in parsed:
        diags.extend(item.diagnostics)
        if isinstance(item, Document):
            documents.append(item)
    timings["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    site = resolve(documents, config)
    diags.extend(site.diagnostics)
    timings["resolve"] = time.perf_counter() - t
    return config, site, diags, timings


def build(options: BuildOptions) -> BuildResult:
    start = time.perf_counter()
    result = BuildResult()
    root = Path(options.source).resolve()
    if options.output is not None:
        problem = check_output_dir(root, Path(options.output))
        if problem:
            result.diagnostics.append(problem)
            return result
    config, site, diags, timings = load(options)
    result.diagnostics.extend(diags)
    result.site = site
    result.timings = timings
    if site is None or result.failed(options.strict) or options.output is None:
        result.seconds = time.perf_counter() - start
        if site is not None and options.output is None:
            # check mode still renders in memory, so template errors are found
            _render_only(root, config, site, result)
        return result
    t = time.perf_counter()
    try:
        theme = Theme(root, config.theme)
        with AtomicTree(Path(options.output), keep=config.keep) as tree:
            views = Views(site)
            for _route, _view, output in render(site, theme, site.routes.values(), views):
                tree.put(output.path, output.data)
                result.pages += 1
            for output in render_outputs(site, views):
                tree.put(output.path, output.data)
            for rel, src in sorted(theme.static_files().items()):
                tree.copy(rel, src)
            for hook in POST_WRITE:
                result.diagnostics.extend(hook(tree.tmp, site))
            tree.commit()
            result.written = tree.written
            result.wrote_output = True
    except (RenderError, ThemeError, WriteError) as exc:
        result.diagnostics.append(exc.diagnostic)
    except OSError as exc:
        result.diagnostics.append(dg.error("D503", f"output could not be written: {exc}"))
    timings["render+write"] = time.perf_counter() - t
    result.seconds = time.perf_counter() - start
    return result


def _render_only(root: Path, config: Config, site: Site, result: BuildResult) -> None:
    try:
        theme = Theme(root, config.theme)
        for _ in render(site, theme, site.routes.values()):
            result.pages += 1
    except (RenderError, ThemeError) as exc:
        result.diagnostics.append(exc.diagnostic)


class Builder:
    """A build that remembers the previous one, for ``serve``: ``rebuild(changed)``.

    ``changed`` is the set of project-relative paths that changed since the last
    build (None: unknown, rebuild everything). The result lists the output files
    written and removed, so a dev server knows what to reload.
    """

    def __init__(self, options: BuildOptions):
        self.options = options
        self.last: BuildResult | None = None

    def rebuild(self, changed: set[str] | None = None) -> BuildResult:
        before = _tree_digests(Path(self.options.output)) if self.options.output else {}
        result = build(self.options)
        if result.wrote_output and self.options.output:
            after = _tree_digests(Path(self.options.output))
            result.written_paths = sorted(p for p, h in after.items() if before.get(p) != h)
            result.removed_paths = sorted(set(before) - set(after))
        if result.ok:
            self.last = result
        return result


def _tree_digests(folder: Path) -> dict[str, str]:
    import hashlib

    out = {}
    if folder.is_dir():
        for p in folder.rglob("*"):
            if p.is_file():
                out[p.relative_to(folder).as_posix()] = hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
    return out
