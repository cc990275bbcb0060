"""Stage 2: SourceFile -> Document. Pure and per file, so it can run in parallel and be cached."""
from __future__ import annotations

import posixpath
import re
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from .. import diagnostics as dg
from .. import progress
from ..model import FOLDERS, Document, Failed, SourceFile
from ..names import slugify
from .conventions import FileName, read_name
from .fields import synonym_lines, validate_fields
from .shortcodes import convert as convert_shortcodes
from .frontmatter import FrontMatterError, load_front_matter, split_front_matter
from .markdown import Renderer

PARSER_VERSION = "1"


@dataclass(frozen=True)
class ParseOptions:
    unsafe_html: bool = False
    embeds: tuple = ()
    time_budget: float = 10.0  # seconds of Markdown rendering per file before it is reported
    language: str = "en"  # the site's: name.fa.md in another language is a translation at /fa/...


# Input Python-Markdown is known to choke on (quadratic or recursive): shown as
# plain text with a warning instead of hanging the build.
PATHOLOGICAL = [
    (re.compile(r"\["), 3000, 'more than 3000 "[" characters'),
    (re.compile(r"[*_]"), 20000, 'more than 20000 "*" or "_" characters'),
    (re.compile(r"^[ \t]*(?:[-*+>]|\d+\.)", re.M), 2000, "more than 2000 list items or quote lines"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_renderers: dict[ParseOptions, Renderer] = {}


def _renderer(options: ParseOptions) -> Renderer:
    r = _renderers.get(options)
    if r is None:
        r = _renderers[options] = Renderer(unsafe_html=options.unsafe_html, embeds=options.embeds)
    return r


def doc_id_for(source: SourceFile, slug: str, name: FileName | None = None) -> str:
    rel = source.path[len("content/"):] if source.path.startswith("content/") else source.path
    folder = posixpath.dirname(rel)
    if name and (name.bundle or name.section):  # the folder is the page's own: its id is in the parent's
        folder = posixpath.dirname(folder)
    if source.kind in FOLDERS:
        return f"{FOLDERS[source.kind]}/{slug}"
    return posixpath.join(folder, slug) if folder else slug


def is_section(source: SourceFile, name: FileName) -> bool:
    """``_index.md`` at the top of content/ or of a kind's folder introduces that index page.

    (Elsewhere it is the page of its folder, as a bundle's ``index.md`` is.)
    """
    if not name.section:
        return False
    parts = source.path.split("/")
    return len(parts) == 2 or (len(parts) == 3 and source.kind in FOLDERS)


def _identity(source: SourceFile, name: FileName, section: bool, slug: str, fields: dict, options) -> str:
    """The document's id; marks section intros and translations in ``fields`` (routes reads the marks)."""
    if section:
        fields["_section"] = posixpath.dirname(source.path)[len("content/"):]  # "" or "articles"
        return f"{fields['_section']}/_index".lstrip("/")
    doc_id = doc_id_for(source, slug, name)
    if name.date and not fields.get("slug"):  # "2019-12-09-a-year-of-blogs" and "2020-01-29-a-year-of-blogs" are two files
        doc_id = posixpath.join(posixpath.dirname(doc_id), f"{name.date}-{slug}")
    if name.lang and name.lang != options.language:  # a translation: its own page under /<lang>/
        fields["_lang_prefix"] = name.lang
        return f"{doc_id}.{name.lang}"
    return doc_id


def _from_name(data: dict, name: FileName) -> dict:
    """Fields the file's name gives, unless the front matter sets them."""
    extra = {}
    if name.date and data.get("date") in (None, ""):
        extra["date"] = name.date
    if name.lang and not data.get("lang"):
        extra["lang"] = name.lang
    return {**data, **extra} if extra else data


def parse(source: SourceFile, options: ParseOptions) -> Document | Failed:
    """Never raises: a file that cannot be read becomes a :class:`Failed` with a message."""
    try:
        return _parse(source, options)
    except Exception as exc:  # a bug of ours must not hide the other files' problems behind a traceback
        return Failed(source.path, source.digest, (dg.error(
            "D110", f"internal error while reading this file ({type(exc).__name__}: {exc}); please report it", source.path, 1),))


def _parse(source: SourceFile, options: ParseOptions) -> Document | Failed:
    try:
        split = split_front_matter(source.text)
        loaded = load_front_matter(split)
    except FrontMatterError as exc:
        lines = source.text.replace("\r\n", "\n").split("\n")
        src = lines[exc.line - 1] if exc.line and exc.line <= len(lines) else None
        return Failed(source.path, source.digest, (dg.error(exc.code, exc.message, source.path, exc.line, source_line=src),))
    if split.yaml_text is None:
        return Failed(source.path, source.digest, (dg.error(
            "D107", "no front matter: the file must start with a line '---', then fields such as title:, then '---'",
            source.path, 1, source_line=split.lines[0] if split.lines else None),))
    diags = [dg.warning("D106", f'front matter: "{key}" appears twice; the last one wins', source.path, line + 2,
                        source_line=split.lines[line + 1] if line + 1 < len(split.lines) else None)
             for key, line in loaded.duplicates]
    name = read_name(source.path)
    section = is_section(source, name)
    data = _from_name(loaded.data, name)
    fields, links, field_diags = validate_fields(
        "section" if section else source.kind, data, source.path, loaded.key_lines, loaded.item_lines, split.lines
    )
    diags.extend(field_diags)
    if any(d.is_error for d in diags):
        return Failed(source.path, source.digest, tuple(diags))
    stem = name.stem
    slug = slugify(fields.get("slug") or stem, fallback_seed=source.path)
    doc_id = _identity(source, name, section, slug, fields, options)
    converted = convert_shortcodes(split.body, source.path, split.body_line)
    diags.extend(converted.diagnostics)
    body = converted.text
    if _CONTROL.search(body):
        diags.append(dg.warning("D111", "control characters removed from the text (they are invalid in HTML and XML)",
                                source.path, split.body_line))
        body = _CONTROL.sub("", body)
    for pattern, limit, what in PATHOLOGICAL:
        if len(pattern.findall(body)) > limit:
            diags.append(dg.warning("D110", f"Markdown not rendered: the text has {what}; it is shown as plain text",
                                    source.path, split.body_line))
            body = None
            break
    renderer = _renderer(options)
    try:
        if body is None:
            result = renderer.plain(converted.text, len(links))
        else:
            with _time_budget(options.time_budget):
                result = renderer.render(body, source.path, split.body_line, len(links), split.body)
    except RecursionError:
        return Failed(source.path, source.digest, tuple(diags) + (dg.error(
            "D110", "Markdown is nested too deeply to render", source.path, split.body_line),))
    except _OverBudget:
        renderer.reset_after_interrupt()
        return Failed(source.path, source.digest, tuple(diags) + (dg.error(
            "D110", f"Markdown took more than {options.time_budget:g} s to render; simplify the text", source.path,
            split.body_line),))
    title = fields.get("title") or stem
    diags.extend(result.diagnostics)
    return Document(
        id=doc_id,
        kind=source.kind,
        path=source.path,
        slug=slug,
        title=title,
        fields=fields,
        body_html=result.html,
        links=tuple(links) + tuple(result.links),
        headings=tuple(result.headings),
        text=result.text,
        digest=source.digest,
        diagnostics=tuple(diags),
        lines=field_lines(synonym_lines(data, loaded.key_lines)),
        alias_lines=alias_lines(fields, loaded.item_lines),
        refs=tuple(result.refs),
    )


def field_lines(key_lines: dict) -> dict[str, int]:
    """Front-matter key -> 1-based line in the file (the YAML starts on line 2)."""
    return {k: v + 2 for k, v in key_lines.items() if isinstance(k, str)}


def alias_lines(fields: dict, item_lines: dict) -> tuple[int, ...]:
    """The line of each alias, when every entry of ``aliases:`` was kept."""
    lines = item_lines.get("aliases")
    if "aliases" in fields and lines and len(lines) == len(fields["aliases"]):
        return tuple(v + 2 for v in lines)
    return ()


class _OverBudget(Exception):
    pass


@contextmanager
def _time_budget(seconds: float):
    """Interrupt a runaway render (SIGALRM; only in a main thread, as in build and its workers)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        raise _OverBudget()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _parse_batch(args):
    sources, options = args
    return [parse(s, options) for s in sources]


def parse_all(sources: list[SourceFile], options: ParseOptions, jobs: int = 1) -> list[Document | Failed]:
    """Parse every file, in worker processes when ``jobs`` > 1 and the site is big enough to pay for them."""
    if jobs <= 1 or len(sources) < 200:
        out = []
        for source in sources:
            out.append(parse(source, options))
            progress.advance()
        return out
    import multiprocessing

    size = max(20, len(sources) // (jobs * 4))
    batches = [(sources[i:i + size], options) for i in range(0, len(sources), size)]
    ctx = multiprocessing.get_context("fork") if hasattr(multiprocessing, "get_context") else None
    from ..workers import forked_worker, held_signals

    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=forked_worker) as pool:
        out: list[Document | Failed] = []
        with held_signals():  # the workers are forked at the first task (see workers.py)
            results = pool.map(_parse_batch, batches)
        for batch in results:
            out.extend(batch)
            progress.advance(len(batch))
    return out
