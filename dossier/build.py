"""The pipeline: config -> discover -> parse -> resolve -> plan -> render -> commit.

:meth:`Builder.rebuild` reads as that list, top to bottom; each step is a
function below that takes values and returns one. This is the only module
that knows the order of the stages; ``check`` and ``serve`` reuse it.

Incremental builds: a :class:`Builder` remembers the record of the previous
build (:class:`cache.State`; on disk between ``dossier build`` runs, in memory
in ``serve``). A file whose bytes did not change is not parsed again; the
resolve starts from the builder's previous one when it has one (in memory:
``resolve.incremental`` re-resolves only what the changed documents reach),
then :func:`plan.plan` names the pages to render again. Output files whose bytes are unchanged are never rewritten, so
they keep their mtimes; :func:`commit.commit` writes the others.
"""
from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import diagnostics as dg
from . import images, progress
from .cache import DocStore, State, bytecode_cache, digest_bytes, engine_version, load_state, paused_gc, save_state
from .commit import Changes, Committed, Target, commit, open_changes, walk
from .config import Config, load_config
from .discover import Found, scan, scan_changed
from .model import Document, Failed, Site
from .parse import ParseOptions, parse_all
from .plan import Plan, graph_of, plan
from .render import POST_WRITE, RenderError, Theme, ThemeError, Views, render
from .render.languages import static_file
from .render.registry import OUTPUTS, PAGE_VIEWS, PARTS, READS
from .render.views import ViewsMemo
from .resolve import Resolution, resolve_incremental
from .resolve.routes import output_path
from .workers import forked_worker, held_signals
from .write import MARKER, WriteError, check_output_dir, recover


@dataclass
class BuildResult:
    diagnostics: list[dg.Diagnostic] = field(default_factory=list)
    site: Site | None = None
    written: int = 0  # files written (new or changed bytes)
    pages: int = 0  # routes rendered
    parsed: int = 0  # files parsed (not taken from the cache)
    seconds: float = 0.0
    wrote_output: bool = False
    full: bool = True  # every route was rendered
    timings: dict[str, float] = field(default_factory=dict)
    written_paths: list[str] = field(default_factory=list)  # output files whose bytes changed (or are new)
    removed_paths: list[str] = field(default_factory=list)  # output files that no longer exist
    rendered_urls: list[str] = field(default_factory=list)
    outputs_produced: list[str] = field(default_factory=list)  # extra outputs (feeds, exports) made afresh
    parts_produced: list[str] = field(default_factory=list)  # their parts made afresh ("feeds:tags/x/feed.xml")

    @property
    def ok(self) -> bool:
        return not dg.has_errors(self.diagnostics)

    def failed(self, strict: bool = False) -> bool:
        return not self.ok or (strict and any(d.severity == dg.WARNING for d in self.diagnostics))

    def url_for_source(self, path: str) -> str | None:
        """Site URL (with prefix) of the page built from a project-relative content path."""
        if not self.site or not self.site.index:
            return None
        doc_id = self.site.index.by_path.get(path)
        if doc_id is None or doc_id not in self.site.urls:
            return None
        return self.site.config.prefix + self.site.urls[doc_id]


@dataclass(frozen=True)
class BuildOptions:
    source: Path
    output: Path | None = None  # None: check only, write nothing
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    jobs: int = 0  # 0: all cores
    cache: bool = True  # read and write .dossier-cache/


def build(options: BuildOptions) -> BuildResult:
    """One build (``dossier build`` / ``dossier check``)."""
    return Builder(options).rebuild()


def load(options: BuildOptions) -> tuple[Config | None, Site | None, list[dg.Diagnostic], dict]:
    """Config, discover, parse and resolve: everything but rendering (reads the build cache, never writes it)."""
    root = Path(options.source).resolve()
    diags: list[dg.Diagnostic] = []
    timings: dict[str, float] = {}
    config, config_diags = load_config(root, base_url=options.base_url, drafts=options.drafts)
    diags.extend(config_diags)
    if dg.has_errors(config_diags):
        return config, None, diags, timings
    previous = load_state(root) if options.cache else None
    store = DocStore(root)
    sources = _timed(timings, "discover", discover, root, config, previous, None)
    parsed = _timed(timings, "parse", parse, root, sources, previous, config, store if options.cache else None, options.jobs)
    site, _ = _timed(timings, "resolve", resolve_site, root, parsed, config, store.body)
    return config, site, diags + list(parsed.diagnostics) + site.diagnostics, timings


# ------------------------------------------------------------------ values between the steps

@dataclass(frozen=True)
class Sources:
    """What discover found: files read (new or changed) and files whose stat matched the last build."""

    found: Found
    parse_key: str  # parse settings: documents parsed under another key cannot be reused
    same_parse: bool
    watched: bool = False  # only the files a watcher named were looked at (no walk of content/)


@dataclass(frozen=True)
class Parsed:
    items: dict  # source path -> Document | Failed, for every file
    fresh: dict  # the ones parsed in this build
    stats: dict  # source path -> (mtime_ns, size)
    parse_key: str
    diagnostics: tuple
    assets: tuple = ()  # files of content/ that are not Markdown

    @property
    def documents(self) -> list[Document]:
        return [self.items[p] for p in sorted(self.items) if isinstance(self.items[p], Document)]


@dataclass(frozen=True)
class Rendered:
    """What render + commit produced: the new per-page records and what changed on disk."""

    pages: list[str]  # urls rendered
    shows: dict
    lists: dict
    digests: dict  # output path -> content digest
    written: list[str]
    removed: list[str]
    committed: Committed
    derived: dict  # extra output name -> its files
    produced: list  # names of the extra outputs produced in this build
    parts: dict  # output of registry.PARTS -> part name -> (key, reads, files)


class Builder:
    """A build that remembers the previous one: ``rebuild(changed)`` is incremental.

    ``in_place``: changed output files are replaced one by one (under a journal);
    otherwise a new tree is assembled beside the output and swapped in.
    ``live`` (serve; implies ``in_place``): after the first good build the record
    stays in memory only (no cache file written), the post-write steps (the
    search index) are not run again and the output is not walked again.
    ``changed`` (paths relative to the project) forces those files to be re-read;
    other files are re-read when their size or mtime changed.
    The last resolve stays in memory (``resolution``): the next rebuild resolves
    again only what the changed documents reach (``resolve.incremental``).
    """

    def __init__(self, options: BuildOptions, in_place: bool = False, live: bool = False, post_write: tuple = POST_WRITE,
                 persist: bool = True, finish_later: bool = False):
        self.options = options
        self.persist = persist  # False: the record is never written to the cache (it stays in memory)
        self.root = Path(options.source).resolve()
        self.in_place = in_place or live
        self.live = live
        self.post_write = tuple(post_write)
        self.store = DocStore(self.root)
        self.state: State | None = load_state(self.root) if options.cache else None
        self.warm = False  # this builder made (or checked) the output in this process: it is its own
        self.scan_clean = False  # the last whole walk of content/ found no problem (so a watcher's list may replace it)
        self.unsettled: set[str] = set()  # paths changed since the last good build (a failed build keeps them)
        self.theme: tuple | None = None  # (stamp, Theme): templates parsed and compiled once while no theme file changes
        self.resolution: Resolution | None = None  # the last resolve, in memory: the next one starts from it
        self.graph_memo: dict = {}  # plan.graph_of's: the link graph of the documents that did not change is kept
        self.finishing = Background()  # finish_later (serve): the old files an in-place commit replaced, deleted
        self.finish_later = finish_later  # on a thread after the build (``wait``; the next rebuild waits for it)
        self.views_memo = ViewsMemo()  # the views' indexes (events, related articles), made again for what changed

    def wait(self) -> None:
        """Until the last in-place commit has deleted the files it replaced (serve, before it stops)."""
        self.finishing.wait()

    def rebuild(self, changed: set[str] | None = None) -> BuildResult:
        start = time.perf_counter()
        self.finishing.wait()  # nothing touches the output while the last commit's old files are deleted
        result = BuildResult()
        timings = result.timings
        output = Path(self.options.output).resolve() if self.options.output else None
        problem = prepare_output(self.root, output)
        if problem:
            return _done(result, start, [problem])
        config, diags = load_config(self.root, base_url=self.options.base_url, drafts=self.options.drafts)
        if dg.has_errors(_add(result, diags)):
            return _done(result, start)
        previous = self.state
        sources = _timed(timings, "discover", self._discover, config, previous, changed)
        if output and not changed and unchanged(sources, previous, config) and self._still_built(config, output, previous):
            self.warm = True  # the output was checked: from now on it is this builder's
            if self.live:
                self._ready_for_saves(config, sources)
            result.full, result.wrote_output = False, True
            return _done(result, start, previous.diagnostics)  # still true: nothing they came from changed
        store = self.store if self.options.cache else None
        parsed = _timed(timings, "parse", parse, self.root, sources, previous, config, store, self.options.jobs)
        result.parsed = len(parsed.fresh)
        site, self.resolution = _timed(timings, "resolve", resolve_site, self.root, parsed, config, self.store.body,
                                       self.resolution, not self.live)
        result.site = site
        _add(result, [*parsed.diagnostics, *site.diagnostics])
        if result.failed(self.options.strict):
            return _done(result, start)
        t = time.perf_counter()
        try:
            theme = self._theme(config)
            if output is None:  # check: render in memory so template errors are found
                result.pages = sum(1 for _ in render(site, theme, site.routes.values()))
            else:
                shape = shape_of(site, theme, config, self.resolution.links, self.graph_memo)
                the_plan = make_plan(previous, site, shape, config, output, trust_output=self.in_place and self.warm)
                target = Target(output, tuple(config.keep), self.in_place, self._post_write(),
                                self.finishing.start if self.finish_later else None)
                image_cache = images.ImageCache(self.root, self.options.cache)
                rendered = render_and_commit(site, theme, the_plan, previous, target, self.options.jobs, (self.root, image_cache),
                                             self.views_memo, self.resolution.links)
                _report(result, the_plan, rendered)
                state = record(previous, parsed, shape, theme, config, output, the_plan, rendered, tuple(result.diagnostics))
                self._remember(state, parsed, worth_saving(previous, state, parsed, the_plan, rendered), result)
                if self.live and the_plan.full and result.ok:  # serve: ready for saves
                    theme.warm()  # the pages were rendered by forked workers: compile the templates here too
                    _freeze_memory()
        except (RenderError, ThemeError, WriteError) as exc:
            result.diagnostics.append(exc.diagnostic)
        except OSError as exc:
            result.diagnostics.append(dg.error("D503", f"output could not be written: {exc}"))
        timings["render+write"] = time.perf_counter() - t
        return _done(result, start)

    # --------------------------------------------------------- memory between rebuilds
    def _theme(self, config: Config) -> Theme:
        """The theme of the last rebuild while none of its files changed (its compiled templates and digests kept)."""
        if self.theme and self.theme[1].name == config.theme and self.theme[0] == self.theme[1].stamp():
            return self.theme[1]
        theme = Theme(self.root, config.theme)
        if self.theme:
            theme.inherit(self.theme[1])  # a template edit: the others are not parsed again for their references
        self.theme = (theme.stamp(), theme)
        if self.options.cache:
            theme.env.bytecode_cache = bytecode_cache(self.root)  # compiled templates kept between processes
            key = theme.closures_key()  # None: a theme file changed just now (not kept: see closures_key)
            theme.closures_key_at_start = key or ""
            if key and self.state is not None and self.state.closures_key == key:
                theme.known_closures(self.state.closures)
        return theme

    def _still_built(self, config: Config, output: Path, previous: State) -> bool:
        """:func:`still_built` with the kept theme."""
        try:
            theme = self._theme(config)
        except ThemeError:
            return False
        if not still_built(theme, config, output, previous):
            return False
        return True

    def _ready_for_saves(self, config: Config, sources: Sources) -> None:
        """serve started on a warm cache: compile the theme, load the documents and resolve them now, so the
        first save costs what later saves cost (else it would pay for all three)."""
        self.theme[1].warm()
        previous = self.state
        if not previous.parsed and self.options.cache:  # 0.8 s of unpickling at 4,000 articles
            self.state = previous = replace(previous, parsed=self.store.load(_store_key(previous.parse_key)))
        parsed = parse(self.root, sources, previous, config, None, self.options.jobs)  # nothing to parse: all reused
        _site, self.resolution = resolve_site(self.root, parsed, config, self.store.body, None)
        _freeze_memory()

    def _discover(self, config: Config, previous: State | None, changed: set[str] | None) -> Sources:
        """:func:`discover`; serve's fast path (no walk of content/) once a live builder is warm."""
        self.unsettled |= set(changed or ())
        fast = changed is not None and self.live and self.warm and self.scan_clean
        sources = discover(self.root, config, previous, changed, set(self.unsettled) if fast else None)
        if not sources.watched:
            self.scan_clean = not sources.found.diagnostics
        return sources

    def _post_write(self) -> tuple:
        return () if self.live and self.warm else self.post_write

    def _remember(self, state: State, parsed: Parsed, save: bool, result: BuildResult) -> None:
        """Keep the record in memory; write it to the cache unless live and warm (serve keeps it in memory)."""
        if not result.ok:
            return
        self.state = state
        self.unsettled = set()
        if save and self.persist and self.options.cache and not (self.live and self.warm):
            self.store.save(_store_key(state.parse_key), parsed.fresh, set(parsed.items))
            progress.stage("save cache")
            save_state(self.root, state)
        self.warm = True


# ------------------------------------------------------------------ the steps

def prepare_output(root: Path, output: Path | None) -> dg.Diagnostic | None:
    """Refuse an output folder that would hold or overwrite the sources; finish a crashed build's journal."""
    if output is None:
        return None
    problem = check_output_dir(root, output)
    if problem is None:
        recover(output)
    return problem


def discover(root: Path, config: Config, previous: State | None, changed: set[str] | None, watched=None) -> Sources:
    """Walk content/: files whose stat matches the last build (and that are not in ``changed``) are not read.

    ``watched`` (serve, after a good build): the complete list of files changed since the last build,
    from the file watcher; then only those are looked at, unless a folder or a symlink needs the walk.
    """
    parse_key = config.parse_digest()
    same_parse = bool(previous) and previous.parse_key == parse_key
    if watched is not None and same_parse:
        found = scan_changed(root, previous.stats, watched)
        if found is not None:
            return Sources(found, parse_key, same_parse, watched=True)
    known = dict(previous.stats) if same_parse else {}
    for path in changed or ():
        known.pop(path, None)
    progress.stage("scan")
    found = scan(root, known, settled_before=previous.recorded_at if previous else 0.0)
    return Sources(found, parse_key, same_parse)


def unchanged(sources: Sources, previous: State | None, config: Config) -> bool:
    """No source file and no setting differs from the last (good) build."""
    found = sources.found
    return (sources.same_parse and previous.ok and not found.files
            and not dg.has_errors(found.diagnostics)  # e.g. a new NFC twin of a known NFD name: not "unchanged"
            and found.stats.keys() == previous.stats.keys() and previous.config_digest == config.digest())


def still_built(theme: Theme, config: Config, output: Path, previous: State) -> bool:
    """Nothing changed in the sources: is the output still exactly the last build's (theme included)?"""
    return (previous.theme_digest == theme.digest() and previous.output_dir == str(output)
            and previous.hooks_ok and intact(output, previous, config))


def parse(root: Path, sources: Sources, previous: State | None, config: Config, store: DocStore | None, jobs: int) -> Parsed:
    """Documents for every file: parsed now when new or changed, else taken from the last build (or the cache)."""
    found = sources.found
    reusable = _reusable(sources, previous, store)
    if any(p not in reusable for p in found.unchanged):  # the cache lost documents: read everything
        found = scan(root)
    fresh_sources = [s for s in found.files if not (s.path in reusable and reusable[s.path].digest == s.digest)]
    progress.stage("parse", len(fresh_sources), "files")
    options = ParseOptions(unsafe_html=config.unsafe_html, embeds=config.embeds, language=config.language)
    fresh = {item.path: item for item in parse_all(fresh_sources, options, jobs=jobs or os.cpu_count() or 1)}
    items: dict[str, Document | Failed] = {}
    for src in found.files:
        items[src.path] = fresh.get(src.path) or reusable[src.path]
    for path in found.unchanged:
        items[path] = reusable[path]
    diags = list(found.diagnostics)
    for path in sorted(items):
        diags.extend(items[path].diagnostics)
    return Parsed(items, fresh, found.stats, sources.parse_key, tuple(diags), tuple(found.assets))


def resolve_site(root: Path, parsed: Parsed, config: Config, bodies, previous: Resolution | None = None,
                 freeze: bool = False) -> tuple[Site, Resolution]:
    """:func:`resolve` (from the ``previous`` resolve when there is one: :func:`resolve_incremental`),
    then the sizes of the images among the files of content/ (``images.probe``).

    Without cyclic garbage collection meanwhile (``cache.paused_gc``; ``freeze``: its objects are frozen after,
    for a build that ends soon, not for serve's long-lived builder)."""
    progress.stage("resolve")
    with paused_gc(freeze):
        resolution = resolve_incremental(previous, parsed.documents, config, parsed.assets, bodies)
    site = resolution.site
    infos, image_diags = images.probe(root, site.assets)
    return replace(site, images=infos, diagnostics=[*site.diagnostics, *image_diags]), resolution


def _reusable(sources: Sources, previous: State | None, store: DocStore | None) -> dict:
    if not sources.same_parse:
        return {}
    if previous.parsed or store is None:
        return previous.parsed
    return store.load(_store_key(sources.parse_key))  # documents without bodies


@dataclass(frozen=True)
class Shape:
    """What planning compares between builds, computed once per build: the link graph, each route's template
    closure digest and the digest of the settings every page depends on."""

    graph: dict
    templates: dict
    globals_digest: str


def shape_of(site: Site, theme: Theme, config: Config, links=None, memo: dict | None = None) -> Shape:
    """``links``, ``memo``: see :func:`plan.graph_of`."""
    return Shape(graph_of(site, links, memo), route_templates(site, theme), globals_digest(config, site))


def make_plan(previous: State | None, site: Site, shape: Shape, config: Config, output: Path, trust_output: bool) -> Plan:
    """The pages to render (see :mod:`dossier.plan`); the disk is only looked at to see if the output is intact."""
    output_ok = bool(previous) and previous.output_dir == str(output) and (trust_output or intact(output, previous, config))
    folders = tuple(lang.path for lang in site.translations.languages[1:]) if site.translations else ()
    return plan(previous, shape.graph, site.routes.keys(), shape.templates, shape.globals_digest, output_ok, folders)


def route_templates(site: Site, theme: Theme) -> dict[str, str]:
    """Route url -> digest of its template closure."""
    closures = {name: theme.closure_digest(name) for name in {r.template for r in site.routes.values()}}
    return {u: closures[r.template] for u, r in site.routes.items()}


def render_and_commit(site: Site, theme: Theme, the_plan: Plan, previous: State | None, target: Target, jobs: int,
                      images_from: tuple | None = None, memo: ViewsMemo | None = None, links=None) -> Rendered:
    """Render the planned pages and every extra output; write what changed (``commit``).

    ``images_from`` (project root, ``images.ImageCache``): publish the files of content/ too; ``memo``, ``links``:
    the views' indexes kept from the last build and the site's ``Resolution.links`` (see ``views.ViewsMemo``)."""
    incremental = not the_plan.full
    shows = dict(previous.shows) if incremental else {}
    lists = dict(previous.lists) if incremental else {}
    for url in set(shows) - set(site.routes):
        shows.pop(url, None)
        lists.pop(url, None)
    digests = dict(previous.outputs) if incremental else {}
    before = (Committed(hook_outputs=previous.hook_outputs, hooks_ok=previous.hooks_ok, known=frozenset(previous.outputs))
              if incremental else Committed())
    changes = open_changes(target, the_plan.full, site)
    try:
        views = Views(site, PAGE_VIEWS, memo=memo, links=links)
        pages = []
        routes = the_plan.routes(site.routes)
        progress.stage("render", len(routes), "pages")
        tree = changes.tree  # a full build's new tree: the render workers write their pages into it
        for url, path, data, shown, listed in _render_routes(site, theme, routes, views, jobs or os.cpu_count() or 1, tree):
            progress.advance()
            if isinstance(data, Written):
                digests[path] = data.digest
                changes.put_written(path)
            else:
                _emit(changes, digests, path, data)
            shows[url] = shown
            lists[url] = listed
            pages.append(url)
        if the_plan.full:
            release_free_memory()
        expected = {output_path(u) for u in site.routes}
        derived, produced, parts = _derived_outputs(site, views, the_plan, previous, changes, digests, expected)
        for path, src in theme.static_files().items():
            expected.add(path)
            _emit(changes, digests, path, static_file(site, path, src))  # render/languages.py: English sites without i18n parts
        if images_from is not None:
            for path, data in images.publish(images_from[0], site.assets, site.images, images_from[1]):
                expected.add(path)  # files of content/: images stripped of their metadata, with variants
                _emit(changes, digests, path, data)
        removed = sorted(p for p in digests if p not in expected)
        for p in removed:
            del digests[p]
        committed = commit(changes, removed, digests, site, target, the_plan.full, before)
    finally:
        changes.abort()
    lists = {u: v for u, v in lists.items() if v}
    return Rendered(pages, shows, lists, digests, sorted(changes.files), removed, committed, derived, produced, parts)


def _derived_outputs(site: Site, views: Views, the_plan: Plan, previous: State | None, changes: Changes,
                     digests: dict, expected: set) -> tuple[dict[str, tuple[str, ...]], list[str], dict]:
    """Every extra output of ``registry.OUTPUTS``, produced again only when what it reads changed
    (``registry.READS``; per part for those of ``registry.PARTS``). Returns (output name -> the files it
    made, kept from the last build when skipped; the names of the outputs produced (in part or whole) in
    this build; output name -> part name -> (key, reads, files) for the outputs made of parts)."""
    made: dict[str, tuple[str, ...]] = {}
    produced: list[str] = []
    parts: dict[str, dict] = {}
    progress.stage("feeds, exports, sitemap", None, "files")
    incremental = previous is not None and not the_plan.full
    for func in OUTPUTS:
        name = func.__name__
        kept = previous.derived.get(name) if incremental else None
        if kept is not None and not READS[func](the_plan.change):
            expected.update(kept)  # their digests are the last build's
            made[name] = kept
            if name in previous.parts:
                parts[name] = previous.parts[name]
            continue
        if func in PARTS:
            before = previous.parts.get(name) if incremental and kept is not None else None
            parts[name], fresh = _produce_parts(PARTS[func](site, views), before, the_plan.change, changes, digests)
            produced.extend(f"{name}:{part}" for part in fresh)
            paths = [p for _key, _reads, files in parts[name].values() for p in files]
        else:
            paths, fresh = [], True
            for out in func(site, views):
                paths.append(out.path)
                _emit(changes, digests, out.path, out.data)
        expected.update(paths)
        made[name] = tuple(paths)
        if fresh:
            produced.append(name)
    return made, produced, parts


def _produce_parts(parts, before: dict | None, change, changes: Changes, digests: dict) -> tuple[dict, bool]:
    """Make each part again unless the last build made it with the same key and none of the documents it
    read (then or now) changed. Returns (part name -> (key, reads, files), the names of the parts made)."""
    records: dict[str, tuple] = {}
    fresh = []
    for part in parts:
        old = before.get(part.name) if before is not None else None
        if old is not None and old[0] == part.key and not (change.ids & old[1]) and not (change.ids & part.reads):
            records[part.name] = old  # its files and their digests are the last build's
            continue
        files = []
        for out in part.make():
            files.append(out.path)
            _emit(changes, digests, out.path, out.data)
        records[part.name] = (part.key, part.reads, tuple(files))
        fresh.append(part.name)
    return records, fresh


def _emit(changes: Changes, digests: dict, path: str, data) -> None:
    """Note an output file; put it in ``changes`` when its bytes differ from the last build's."""
    h = digest_bytes(data) if isinstance(data, bytes) else _static_digest(data)
    if digests.get(path) != h:
        digests[path] = h
        changes.put(path, data)


def record(previous: State | None, parsed: Parsed, shape: Shape, theme: Theme, config: Config, output: Path,
           the_plan: Plan, rendered: Rendered, diagnostics: tuple = ()) -> State:
    """The record of this build, for the next one."""
    nothing_new = _nothing_new(previous, parsed, the_plan, rendered)
    return State(
        version=engine_version(), parse_key=parsed.parse_key, parsed=parsed.items, stats=parsed.stats,
        graph=shape.graph, globals_digest=shape.globals_digest, shows=rendered.shows, lists=rendered.lists,
        outputs=rendered.digests, output_dir=str(output), ok=True, config_digest=config.digest(),
        theme_digest=theme.digest(), templates=shape.templates,
        # nothing new to remember: keep the old time (a newer one only makes more files get re-read)
        recorded_at=previous.recorded_at if nothing_new else time.time(),
        hook_outputs=rendered.committed.hook_outputs, hooks_ok=rendered.committed.hooks_ok, derived=rendered.derived,
        parts=rendered.parts,
        diagnostics=diagnostics, closures_key=theme.closures_key_at_start, closures=theme.closures(),
    )


def _nothing_new(previous: State | None, parsed: Parsed, the_plan: Plan, rendered: Rendered) -> bool:
    return (previous is not None and not the_plan.full and not rendered.written and not rendered.removed
            and not parsed.fresh)


def worth_saving(previous: State | None, state: State, parsed: Parsed, the_plan: Plan, rendered: Rendered) -> bool:
    """Write the record to the cache unless nothing is new in it (same outputs, same file stats, steps fine)."""
    return not (_nothing_new(previous, parsed, the_plan, rendered) and previous.stats == state.stats and state.hooks_ok)


def _report(result: BuildResult, the_plan: Plan, rendered: Rendered) -> None:
    result.full = the_plan.full
    result.pages = len(rendered.pages)
    result.rendered_urls = rendered.pages
    result.written_paths = rendered.written
    result.removed_paths = rendered.removed
    result.written = len(rendered.written)
    result.outputs_produced = [name for name in rendered.produced if ":" not in name]
    result.parts_produced = [name for name in rendered.produced if ":" in name]
    result.wrote_output = True
    result.diagnostics.extend(rendered.committed.diagnostics)


# ------------------------------------------------------------------ helpers

class Background:
    """One job at a time on a thread (the end of serve's in-place commits); ``wait`` before the output is touched."""

    def __init__(self):
        self._thread = None

    def start(self, job) -> None:
        self.wait()
        self._thread = threading.Thread(target=_quietly, args=(job,), name="dossier-commit-end")
        self._thread.start()

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def _quietly(job) -> None:
    """An old file that cannot be deleted now stays listed in its journal; the next build deletes it."""
    try:
        job()
    except OSError:
        pass


def _timed(timings: dict, name: str, step, *args):
    t = time.perf_counter()
    value = step(*args)
    timings[name] = time.perf_counter() - t
    return value


def _add(result: BuildResult, diags) -> list:
    result.diagnostics.extend(diags)
    return result.diagnostics


def _done(result: BuildResult, start: float, diags=()) -> BuildResult:
    result.diagnostics.extend(diags)
    result.seconds = time.perf_counter() - start
    return result


def _static_digest(src: Path) -> str:
    st = src.stat()
    return f"static:{st.st_mtime_ns}:{st.st_size}:{src}"


_RENDER_CONTEXT: tuple | None = None  # (site, theme, views, AtomicTree or None), inherited by forked workers
PARALLEL_RENDER_MIN = 300
RENDER_CHUNK = 100


@dataclass(frozen=True)
class Written:
    """A page a render worker wrote itself into a full build's new tree: only its digest comes back."""

    digest: str


def _render_chunk(routes):
    site, theme, views, tree = _RENDER_CONTEXT
    return [(r.url, out.path, _written(tree, out.path, out.data), tuple(v.shows), tuple(v.lists))
            for r, v, out in render(site, theme, routes, views)]


def _written(tree, path: str, data: bytes):
    """``tree`` (a full build's :class:`AtomicTree`, this worker's forked copy): the page written into it here
    (the parent's writes were a serial tail of every parallel build); its bytes are sent back instead when
    that fails, for the parent to write, or report, as any other file."""
    if tree is None:
        return data
    try:
        tree.put(path, data)
    except WriteError:
        return data
    return Written(digest_bytes(data))


def worker_pool(jobs: int):
    """Forked render workers (they inherit the resolved site), with default signal handling (``workers``)."""
    import multiprocessing

    with held_signals():  # (until each worker's initializer reset the handlers: see workers.py)
        return multiprocessing.get_context("fork").Pool(jobs, initializer=forked_worker)


def _render_routes(site: Site, theme: Theme, routes: list, views: Views, jobs: int, tree=None):
    """Render routes, on ``jobs`` forked processes when there are enough of them.

    Workers inherit the resolved site by fork (nothing is pickled on the way
    in) and send back bytes plus each page's dependency record. The output is
    identical to a serial render (tested).
    """
    global _RENDER_CONTEXT
    import multiprocessing

    if jobs <= 1 or len(routes) < PARALLEL_RENDER_MIN or "fork" not in multiprocessing.get_all_start_methods():
        for route, view, out in render(site, theme, routes, views):
            yield route.url, out.path, out.data, tuple(view.shows), tuple(view.lists)
        return
    _RENDER_CONTEXT = (site, theme, views, tree)  # (the tree too: a worker's copy writes into the same folder)
    # At most RENDER_CHUNK pages per task: a task's pages come back as one pickle (its bytes and its pages held
    # at once in this process): 1,100 pages a task made 100 MB of a cold build's peak at 4,000 articles
    size = max(20, min(RENDER_CHUNK, len(routes) // (jobs * 4)))
    chunks = [routes[i:i + size] for i in range(0, len(routes), size)]
    ids = {doc_id: doc_id for doc_id in site.documents}  # one string per id (each task's pickle has its own copies)
    try:
        with worker_pool(jobs) as pool:
            for batch in pool.imap(_render_chunk, chunks):
                for url, path, data, shown, listed in batch:
                    yield url, path, data, tuple(ids.get(i, i) for i in shown), tuple(ids.get(i, i) for i in listed)
    finally:
        _RENDER_CONTEXT = None


def intact(output: Path, previous: State, config: Config) -> bool:
    """The output holds exactly the files the previous build recorded (nobody added or deleted any)."""
    if not (output / MARKER).is_file():
        return False
    expected = set(previous.outputs) | set(previous.hook_outputs) | {MARKER}
    keep = tuple(config.keep)
    present = {p for p in walk(output) if not any(p == k or p.startswith(k.rstrip("/") + "/") for k in keep)}
    return present == expected


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    A full render receives every page from its workers as pickles of a few megabytes; once written they are
    freed, but glibc keeps the freed space in the heap, behind objects made later, so the process stays as
    large as it was at its fullest. Trimmed after the render, a cold build at 4,000 articles peaks at about
    365 MB instead of about 405 MB (the feeds and exports that follow reuse the space instead of growing it)."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass


def _freeze_memory() -> None:
    """serve, after a full build: the site it keeps (tens of thousands of documents, links, cards) is moved out
    of the cyclic garbage collector's sight (``gc.freeze``), else the oldest generation's collections walk it
    all during saves (30% of a save at 4,000 articles). Frozen objects are still freed when nothing refers to
    them; only reference cycles among them stay, once per full build (a config edit)."""
    gc.collect()
    gc.freeze()


def _store_key(parse_key: str) -> str:
    return f"{engine_version()}/{parse_key}"


def globals_digest(config: Config, site: Site) -> str:
    """Everything every page shows: config and the footer's list of plain pages.

    (Templates are tracked per page, by the digest of each page's template closure.)
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(config.digest().encode())
    h.update(engine_version().encode())
    for doc in sorted((d for d in site.documents.values() if d.kind == "page"), key=lambda d: d.id):
        h.update(f"{doc.id}\0{doc.title}\0{site.urls.get(doc.id)}\0{doc.digest}\n".encode())
    for folder, doc in sorted(site.sections.items()):  # _index.md intros of index pages (rarely edited)
        h.update(f"{folder}\0{doc.digest}\n".encode())
    for path, url in sorted(site.assets.items()):  # files of content/ and image sizes shown in <img> tags
        h.update(f"{path}\0{url}\0{site.images.get(path)}\n".encode())
    return h.hexdigest()
