"""The pipeline: config -> discover -> parse -> resolve -> render -> write.

This is the only module that knows the order of the stages; ``check`` and
``serve`` reuse it through :class:`Builder`.

Incremental builds: a :class:`Builder` remembers the previous build
(:class:`cache.State`; on disk between ``dossier build`` runs, in memory in
``serve``). A file whose bytes did not change is not parsed again. After the
whole-site resolve (dict work only), the pages to render again are those that
showed a *touched* document (one that changed, appeared, disappeared or now
resolves its links differently, plus the documents it linked to before and
after), the indexes and tag pages of the changed documents' kinds and tags,
the timeline when events changed, the home page and the exports. A change of
config or theme renders everything. Output files whose bytes are unchanged are
never rewritten, so they keep their mtimes.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import diagnostics as dg
from . import images, progress
from .cache import DocGraph, DocStore, State, digest_bytes, engine_version, load_state, save_state
from .config import Config, load_config
from .discover import scan
from .model import Document, Failed, Site
from .parse import ParseOptions, parse_all
from .render import RenderError, Theme, ThemeError, Views, render, render_outputs
from .render.languages import static_file
from .resolve import resolve
from .resolve.routes import output_path
from .write import (MARKER, AtomicTree, WriteError, check_output_dir, commit_in_place, in_place_clashes, recover,
                    remove_files, safe_join, update_record)
from .record import clash_error, under


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


UNCHANGED = object()  # _load's answer when no source file differs from the last build

# Functions (output_dir: Path, site) -> [Diagnostic] run on the complete new
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
    cache: bool = True  # read and write .dossier-cache/


def build(options: BuildOptions) -> BuildResult:
    """One build (``dossier build`` / ``dossier check``)."""
    return Builder(options).rebuild()


def load(options: BuildOptions) -> tuple[Config | None, Site | None, list[dg.Diagnostic], dict]:
    """Config, discover, parse and resolve: everything but rendering."""
    builder = Builder(options)  # reads the build cache when options.cache; never writes it
    result = BuildResult()
    site, config = builder._load(result)
    return config, site, result.diagnostics, result.timings


class Builder:
    """A build that remembers the previous one: ``rebuild(changed)`` is incremental.

    ``in_place`` (serve): changed output files are replaced one by one with
    ``os.replace``; otherwise (build) a new tree is assembled beside the output
    from the unchanged files (hard links) and the new ones, then swapped in.
    ``changed`` (paths relative to the project) forces those files to be re-read;
    other files are re-read when their size or mtime changed.
    """

    def __init__(self, options: BuildOptions, in_place: bool = False, persist: bool | None = None, hooks: bool = True):
        self.options = options
        self.hooks = hooks  # run POST_WRITE hooks (the search index) after writing
        self.root = Path(options.source).resolve()
        self.in_place = in_place
        self.persist = options.cache if persist is None else persist
        self.state: State | None = None
        self._state_loaded = False
        self.store = DocStore(self.root)
        self.last: BuildResult | None = None

    # ------------------------------------------------------------ loading
    def _previous(self) -> State | None:
        if not self._state_loaded:
            self._state_loaded = True
            if self.persist and self.options.cache:
                self.state = load_state(self.root)
        return self.state

    def _load(self, result: BuildResult, changed: set[str] | None = None, force: bool = False):
        timings = result.timings
        t = time.perf_counter()
        config, diags = load_config(self.root, base_url=self.options.base_url, drafts=self.options.drafts)
        result.diagnostics.extend(diags)
        if dg.has_errors(diags):
            return None, config
        previous = self._previous()
        parse_key = config.parse_digest()
        same_parse = bool(previous) and previous.parse_key == parse_key
        known = dict(previous.stats) if same_parse else {}
        for path in changed or ():
            known.pop(path, None)
        progress.stage("scan")
        found = scan(self.root, known, settled_before=getattr(previous, "recorded_at", 0.0))
        result.diagnostics.extend(found.diagnostics)
        timings["discover"] = time.perf_counter() - t
        if (self.options.output and same_parse and previous.ok and not found.files and not changed and not force
                and not dg.has_errors(found.diagnostics)  # e.g. a new NFC twin of a known NFD name: not "unchanged"
                and found.stats == previous.stats and previous.config_digest == config.digest()):
            return UNCHANGED, config  # no file differs from the last build: see rebuild()
        reusable = previous.parsed if same_parse else {}
        if same_parse and not reusable and self.persist:
            reusable = self.store.load(_store_key(parse_key))  # documents without bodies
        if any(p not in reusable for p in found.unchanged):  # the cache lost documents: read everything
            found = scan(self.root)
            result.diagnostics[:] = [d for d in result.diagnostics if d not in found.diagnostics] + found.diagnostics
        t = time.perf_counter()
        fresh = [s for s in found.files if not (s.path in reusable and reusable[s.path].digest == s.digest)]
        progress.stage("parse", len(fresh), "files")
        jobs = self.options.jobs or os.cpu_count() or 1
        parsed_now = {item.path: item for item in parse_all(fresh, ParseOptions(unsafe_html=config.unsafe_html, embeds=config.embeds, language=config.language), jobs=jobs)}
        result.parsed = len(parsed_now)
        parsed: dict[str, Document | Failed] = {}
        for src in found.files:
            parsed[src.path] = parsed_now.get(src.path) or reusable[src.path]
        for path in found.unchanged:
            parsed[path] = reusable[path]
        self._parsed, self._stats, self._parse_key, self._fresh = parsed, found.stats, parse_key, parsed_now
        documents: list[Document] = []
        for path in sorted(parsed):
            item = parsed[path]
            result.diagnostics.extend(item.diagnostics)
            if isinstance(item, Document):
                documents.append(item)
        timings["parse"] = time.perf_counter() - t
        t = time.perf_counter()
        progress.stage("resolve")
        site = resolve(documents, config, found.assets)
        site.bodies = self.store.body  # HTML of documents taken from the on-disk cache, read when shown
        site.images, image_diags = images.probe(self.root, site.assets)
        result.diagnostics.extend(site.diagnostics + image_diags)
        timings["resolve"] = time.perf_counter() - t
        return site, config

    # ------------------------------------------------------------ building
    def rebuild(self, changed: set[str] | None = None) -> BuildResult:
        start = time.perf_counter()
        result = BuildResult()
        output = Path(self.options.output).resolve() if self.options.output else None
        if output is not None:
            problem = check_output_dir(self.root, output)
            if problem:
                result.diagnostics.append(problem)
                return result
            recover(output)
        site, config = self._load(result, changed)
        if site is UNCHANGED:
            if self._still_built(config, output):
                result.full, result.wrote_output = False, True
                result.diagnostics[:] = self.state.diagnostics  # still true: nothing they came from changed
                result.seconds = time.perf_counter() - start
                return result
            result = BuildResult()  # the theme or the output changed under us: a real build
            site, config = self._load(result, changed, force=True)
        result.site = site
        if site is None or result.failed(self.options.strict):
            result.seconds = time.perf_counter() - start
            return result
        t = time.perf_counter()
        try:
            theme = Theme(self.root, config.theme)
            if output is None:  # check: render in memory so template errors are found
                for _ in render(site, theme, site.routes.values()):
                    result.pages += 1
            else:
                self._render_and_write(site, config, theme, output, result)
        except (RenderError, ThemeError, WriteError) as exc:
            result.diagnostics.append(exc.diagnostic)
        except OSError as exc:
            result.diagnostics.append(dg.error("D503", f"output could not be written: {exc}"))
        result.timings["render+write"] = time.perf_counter() - t
        result.seconds = time.perf_counter() - start
        if result.ok:
            self.last = result
        return result

    def _still_built(self, config: Config, output: Path) -> bool:
        """Nothing changed in the sources: is the output still exactly the last build's?"""
        previous = self.state
        try:
            theme_digest = Theme(self.root, config.theme).digest()
        except ThemeError:
            return False
        return (previous.theme_digest == theme_digest and previous.output_dir == str(output)
                and previous.hooks_ok and _intact(output, previous, config))

    def _render_and_write(self, site: Site, config: Config, theme: Theme, output: Path, result: BuildResult) -> None:
        previous = self._previous()
        graph = _graph(site)
        globals_digest = _globals_digest(config, theme, site)
        full = (
            previous is None or not previous.ok or previous.globals_digest != globals_digest
            or previous.output_dir != str(output)
            # (serve owns its output between rebuilds: no walk of the whole folder per keystroke)
            or (not (self.in_place and previous is self.state and self.last) and not _intact(output, previous, config))
        )
        result.full = full
        closures = {name: theme.closure_digest(name) for name in {r.template for r in site.routes.values()}}
        templates = {u: closures[r.template] for u, r in site.routes.items()}
        if full:
            routes = list(site.routes.values())
        else:
            urls = _affected(previous, graph, site)
            urls |= {u for u, d in templates.items() if previous.templates.get(u) != d}  # their template changed
            routes = [site.routes[u] for u in sorted(urls) if u in site.routes]
        views = Views(site)
        jobs = self.options.jobs or os.cpu_count() or 1
        shows = {} if full else dict(previous.shows)
        lists = {} if full else dict(previous.lists)
        for url in set(shows) - set(site.routes):
            shows.pop(url, None)
            lists.pop(url, None)
        digests = {} if full else dict(previous.outputs)
        changed: dict[str, bytes | Path] = {}
        hook_outputs = getattr(previous, "hook_outputs", set()) if previous and not full else set()
        hooks_ok = getattr(previous, "hooks_ok", True) if previous and not full else True
        # A full build streams every file into a new tree as it is rendered (memory stays
        # flat); an incremental one keeps the few changed files until all rendered well.
        tree = AtomicTree(output, keep=config.keep, origin=_origin(site)).__enter__() if full and not self.in_place else None
        try:
            def emit(path: str, data) -> None:
                h = digest_bytes(data) if isinstance(data, bytes) else _static_digest(data)
                if digests.get(path) != h:
                    digests[path] = h
                    if tree is not None:
                        tree.copy(path, data) if isinstance(data, Path) else tree.put(path, data)
                        changed[path] = True
                    else:
                        changed[path] = data

            progress.stage("render", len(routes), "pages")
            for url, path, data, shown, listed in _render_routes(site, theme, routes, views, jobs):
                progress.advance()
                emit(path, data)
                shows[url] = shown
                if listed:
                    lists[url] = listed
                else:
                    lists.pop(url, None)
                result.rendered_urls.append(url)
            result.pages = len(routes)
            produced = set()
            progress.stage("feeds, exports, sitemap", None, "files")
            for out in render_outputs(site, views):
                progress.advance()
                produced.add(out.path)
                emit(out.path, out.data)
            static = theme.static_files()
            for path, src in static.items():
                emit(path, static_file(site, path, src))  # render/languages.py: English sites without i18n parts
            for path, data in images.publish(self.root, site.assets, site.images, images.ImageCache(self.root, self.options.cache)):
                produced.add(path)  # files of content/: images stripped of their metadata, with variants
                emit(path, data)
            expected = {output_path(u) for u in site.routes} | set(static) | produced
            removed = sorted(p for p in digests if p not in expected)
            for p in removed:
                del digests[p]
            result.written_paths = sorted(changed)
            result.removed_paths = removed
            small = len(changed) + len(removed) <= max(200, len(digests) // 10)
            if tree is not None:
                if self.hooks and POST_WRITE:
                    hook_diags = _run_hooks(tree.tmp, site)
                    result.diagnostics.extend(hook_diags)
                    hooks_ok = not hook_diags
                    hook_outputs = set(_walk(tree.tmp)) - set(digests) - {MARKER}
                tree.commit()
                tree.__exit__(None, None, None)
                tree = None
            elif not full and (self.in_place or small) and (changed or removed or self.in_place):
                known = set(previous.outputs) | hook_outputs
                _refuse_clashes(output, changed, known, config, site)
                if not known.issuperset(changed):
                    update_record(output, known | set(changed))  # a superset until the commit is done
                commit_in_place(output, changed, removed)
                if self.hooks and POST_WRITE and (changed or removed):
                    remove_files(output, sorted(hook_outputs))  # the hooks make their files afresh
                    others = set(_walk(output))  # (the user's files are not the hooks')
                    hook_diags = _run_hooks(output, site)
                    result.diagnostics.extend(hook_diags)
                    hooks_ok = not hook_diags
                    hook_outputs = set(_walk(output)) - others
                if set(digests) | hook_outputs != known:
                    update_record(output, set(digests) | hook_outputs)
            elif full or changed or removed or not hooks_ok:
                # (a hook that failed last time, e.g. a missing search binary, is retried)
                diags, hook_outputs = self._write_tree(output, changed, digests, site, config)
                result.diagnostics.extend(diags)
                hooks_ok = not diags
        finally:
            if tree is not None:  # rendering failed: the previous output stays as it was
                tree.abort()
        result.written = len(changed)
        result.wrote_output = True
        if result.ok:
            self.state = State(
                version=engine_version(), parse_key=self._parse_key, parsed=self._parsed, stats=self._stats,
                graph=graph, globals_digest=globals_digest, shows=shows, lists=lists, outputs=digests,
                output_dir=str(output), ok=True, config_digest=config.digest(), theme_digest=theme.digest(),
                templates=templates, diagnostics=tuple(result.diagnostics),
            )
            unchanged = not full and not changed and not removed and result.parsed == 0 and previous is not None
            # nothing new to remember: keep the old record (its time only makes more files get re-read)
            self.state.recorded_at = previous.recorded_at if unchanged else time.time()
            self.state.hook_outputs = hook_outputs
            self.state.hooks_ok = hooks_ok
            if self.persist and not (unchanged and previous.stats == self._stats and self.state.hooks_ok):
                progress.stage("save cache")
                self.store.save(_store_key(self._parse_key), self._fresh, set(self._parsed))
                save_state(self.root, self.state)

    def _write_tree(self, output: Path, changed: dict, digests: dict, site: Site, config: Config):
        """A new tree beside the output (unchanged files hard-linked), hooks run over it, then swapped in."""
        diags: list[dg.Diagnostic] = []
        hook_outputs: set[str] = set()
        with AtomicTree(output, keep=config.keep, origin=_origin(site)) as tree:
            for path in sorted(digests):
                data = changed.get(path)
                if data is None:
                    tree.link(path, safe_join(output, path))  # unchanged: same inode, same mtime
                elif isinstance(data, Path):
                    tree.copy(path, data)
                else:
                    tree.put(path, data)
            if self.hooks and POST_WRITE:
                diags = _run_hooks(tree.tmp, site)
                hook_outputs = set(_walk(tree.tmp)) - set(digests) - {MARKER}  # files the hooks made
            tree.commit()
        return diags, hook_outputs


def _static_digest(src: Path) -> str:
    st = src.stat()
    return f"static:{st.st_mtime_ns}:{st.st_size}:{src}"


def _run_hooks(folder: Path, site: Site) -> list[dg.Diagnostic]:
    out: list[dg.Diagnostic] = []
    progress.stage("search index")
    for hook in POST_WRITE:
        out.extend(hook(folder, site) or ())
    return out


_RENDER_CONTEXT: tuple | None = None  # (site, theme, views), inherited by forked workers
PARALLEL_RENDER_MIN = 300


def _render_chunk(routes):
    site, theme, views = _RENDER_CONTEXT
    return [(r.url, out.path, out.data, frozenset(v.shows), frozenset(v.lists)) for r, v, out in render(site, theme, routes, views)]


def _render_routes(site: Site, theme: Theme, routes: list, views: Views, jobs: int):
    """Render routes, on ``jobs`` forked processes when there are enough of them.

    Workers inherit the resolved site by fork (nothing is pickled on the way
    in) and send back bytes plus each page's dependency record. The output is
    identical to a serial render (tested).
    """
    global _RENDER_CONTEXT
    import multiprocessing

    if jobs <= 1 or len(routes) < PARALLEL_RENDER_MIN or "fork" not in multiprocessing.get_all_start_methods():
        for route, view, out in render(site, theme, routes, views):
            yield route.url, out.path, out.data, frozenset(view.shows), frozenset(view.lists)
        return
    _RENDER_CONTEXT = (site, theme, views)
    size = max(50, len(routes) // (jobs * 4))
    chunks = [routes[i:i + size] for i in range(0, len(routes), size)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for batch in pool.imap(_render_chunk, chunks):
                yield from batch
    finally:
        _RENDER_CONTEXT = None


def _walk(folder: Path):
    for dirpath, _dirs, files in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        for name in files:
            yield name if rel == "." else f"{rel}/{name}".replace(os.sep, "/")


def _intact(output: Path, previous: State, config: Config) -> bool:
    """Every file the previous build recorded is still in the output (files the user added are theirs)."""
    if not (output / MARKER).is_file():
        return False
    expected = set(previous.outputs) | getattr(previous, "hook_outputs", set()) | {MARKER}
    return expected <= set(_walk(output))


def _origin(site: Site):
    """output path -> the source file of the page written there (None for indexes, exports, static files)."""
    sources = {output_path(url): site.documents[r.doc_id].path for url, r in site.routes.items()
               if r.doc_id in site.documents}
    return sources.get


def _refuse_clashes(output: Path, changed: dict, known: set, config: Config, site: Site) -> None:
    """No in-place write over a file the user put in the output; ``keep:`` files win over pages."""
    for rel in [r for r in changed if under(r, config.keep) and (output / r).exists() and r not in known]:
        del changed[rel]
    clashes = in_place_clashes(output, changed, known, config.keep)
    if clashes:
        raise WriteError(clash_error(output, clashes[0], _origin(site)(clashes[0])))


def _store_key(parse_key: str) -> str:
    return f"{engine_version()}/{parse_key}"


def _graph(site: Site) -> dict[str, DocGraph]:
    targets: dict[str, set] = {i: set() for i in site.documents}
    for (doc_id, _i), target in site.resolved.items():
        if target and doc_id in targets:
            targets[doc_id].add(target)
    return {
        doc.id: DocGraph(
            digest=doc.digest, card=_card_digest(doc, site.urls.get(doc.id)), kind=doc.kind, url=site.urls.get(doc.id), targets=frozenset(targets[doc.id]),
            tags=frozenset(doc.fields.get("tags", ())), events=doc.kind == "event" or bool(doc.fields.get("events")),
        )
        for doc in site.documents.values()
    }


def _card_digest(doc: Document, url: str | None) -> str:
    from .render.views import SUMMARY_CHARS

    f = doc.fields
    summary = f.get("summary") or doc.text[: SUMMARY_CHARS + 1]
    parts = (doc.kind, doc.title, url, f.get("date"), f.get("end"), summary, f.get("lang"), doc.aliases,
             f.get("status"), f.get("type"), f.get("tags", ()), doc.slug, f.get("sensitive"),
             f.get("coordinates"), f.get("location_precision"))  # the maps draw these
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _globals_digest(config: Config, theme: Theme, site: Site) -> str:
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


ALWAYS = ("", "tags/")  # the home page and the tags index summarise everything


def _affected(previous: State, graph: dict[str, DocGraph], site: Site) -> set[str]:
    old = previous.graph
    dirty = set()  # content or links changed: the page itself, and pages it links to
    cards = set()  # what other pages show of it changed
    for doc_id in old.keys() | graph.keys():
        a, b = old.get(doc_id), graph.get(doc_id)
        if a is None or b is None or a.card != b.card:
            cards.add(doc_id)
            dirty.add(doc_id)
        elif a.digest != b.digest or a.targets != b.targets:
            dirty.add(doc_id)
    if not dirty:
        return set()  # nothing changed: render nothing
    tr = site.translations  # a multilingual dossier: the versions of a document share links, backlinks and events
    if tr:
        dirty, cards = tr.family(dirty), tr.family(cards)
    linked = set()  # documents a changed document links to (their pages quote it in backlinks)
    membership = set()  # documents that gained or lost a linker
    for doc_id in dirty:
        a, b = old.get(doc_id), graph.get(doc_id)
        before, after = (a.targets if a else frozenset()), (b.targets if b else frozenset())
        linked |= before | after
        membership |= before ^ after if a and b else before | after
    if tr:
        linked, membership = tr.family(linked), tr.family(membership)
    urls = {u for u, shown in previous.shows.items() if shown & cards}
    urls |= {u for u, listed in previous.lists.items() if listed & membership}
    urls |= {site.urls[d] for d in linked if d in site.urls}  # their own pages list backlinks
    urls |= {u for u in site.routes if u not in previous.shows}  # new routes
    urls |= set(ALWAYS)
    kinds, tags, events = set(), set(), False
    for doc_id in dirty:
        for g in (old.get(doc_id), graph.get(doc_id)):
            if g:
                if doc_id in cards:  # indexes and tag pages show cards only
                    kinds.add(g.kind)
                    tags |= g.tags
                events = events or g.events
        if doc_id in site.urls:
            urls.add(site.urls[doc_id])
    from .model import FOLDERS
    from .names import slugify

    urls |= {f"{FOLDERS[k]}/" for k in kinds if k in FOLDERS}
    urls |= {f"tags/{slugify(t)}/" for t in tags}
    if events:
        urls.update(("timeline/", "map/"))
    if tr:  # each language's home, lists and timeline follow the default language's
        from .render.languages import SHARED_PAGES

        urls |= {lang.path + u for u in list(urls) if u in SHARED_PAGES for lang in tr.languages[1:]}
    return urls
