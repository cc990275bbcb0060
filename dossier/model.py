"""The values passed between stages.

Stages never share mutable state: discover makes :class:`SourceFile`, parse
makes :class:`Document`, resolve makes :class:`Site`, render makes
:class:`Output`. All are plain dataclasses, picklable so parse can run in
worker processes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from .dates import PartialDate
from .i18n import N_
from .diagnostics import Diagnostic

DocId = str  # "people/ahmad-massoud"

# folder under content/ -> kind
KINDS = {
    "articles": "article",
    "people": "person",
    "places": "place",
    "organizations": "organization",
    "events": "event",
    "claims": "claim",
}
FOLDERS = {kind: folder for folder, kind in KINDS.items()}
ENTITY_KINDS = ("person", "place", "organization")
KIND_LABELS = {  # English source text; views translate it (dossier/i18n.py)
    "article": (N_("Article"), N_("Articles")),
    "person": (N_("Person"), N_("People")),
    "place": (N_("Place"), N_("Places")),
    "organization": (N_("Organisation"), N_("Organisations")),
    "event": (N_("Event"), N_("Events")),
    "claim": (N_("Claim"), N_("Claims")),
    "page": (N_("Page"), N_("Pages")),
}
CLAIM_STATUSES = ("unverified", "disputed", "denied", "false", "misleading", "confirmed")


def _fast_reduce(self):
    """Pickle frozen slotted dataclasses as constructor calls: several times faster to load than the default."""
    return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # project-relative POSIX path, "content/articles/x.md"
    kind: str
    text: str
    digest: str


@dataclass(frozen=True, slots=True)
class Link:
    """A reference found in a document, before it is resolved."""

    target: str  # what the author wrote: a name, slug, or a relative .md path
    label: str | None
    anchor: str | None
    line: int | None
    col: int | None
    origin: str  # "body" or the front-matter field name ("people", "sources", ...)
    form: str = "name"  # "name" (wiki link / entity list) or "path" (relative .md link)
    context: str = ""  # the sentence around a body link


@dataclass(frozen=True, slots=True)
class Ref:
    """A URL in the body that is not a page link: a file beside the page, or a site-absolute path."""

    kind: str  # "asset" (a content file, resolved against the page's folder) or "absolute" ("/post/x/")
    target: str  # "content/articles/x/photo.jpg" or "/post/x/"
    line: int | None
    col: int | None
    written: str = ""  # as in the text, for messages


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source: an external one (a mapping) or, when ``link`` is set, an article in the dossier.

    Both an article's single ``source:`` and every entry of ``sources:`` are SourceRefs.
    """

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    date: PartialDate | None = None
    archived_url: str | None = None
    language: str | None = None
    link: int | None = None  # index into Document.links for a wiki-link source
    line: int | None = None
    published: PartialDate | None = None  # (article ``source:``) when the original appeared
    translated_from: str | None = None  # (article ``source:``) language of the original
    translator: str | None = None

    @property
    def when(self) -> PartialDate | None:
        """The date shown for the source: ``date``, else ``published``."""
        return self.date or self.published


@dataclass(frozen=True, slots=True)
class InlineEvent:
    """An event written inside an article's ``events:`` list."""

    title: str
    date: PartialDate
    end: PartialDate | None
    summary: str
    place: int | None  # index into Document.links
    people: tuple[int, ...]
    organizations: tuple[int, ...]
    tags: tuple[str, ...]
    ref: int | None  # link index of an existing event this one adds a source to
    line: int | None


@dataclass(frozen=True, slots=True)
class Document:
    id: DocId
    kind: str
    path: str
    slug: str
    title: str
    fields: Mapping[str, Any]  # validated, typed front matter
    body_html: str | None  # contains link slots (parse.markdown.SLOT_RE); None: ask Site.bodies
    links: tuple[Link, ...]
    headings: tuple[Heading, ...]
    text: str  # plain text of the body (for summaries and search)
    digest: str
    diagnostics: tuple[Diagnostic, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)  # front-matter key -> its line in the file (1-based)
    alias_lines: tuple[int, ...] = ()  # the line of each entry of ``aliases`` (empty when unknown)

    refs: tuple[Ref, ...] = ()  # files and site-absolute URLs the body points to (checked by resolve)

    def line(self, *keys: str, default: int | None = None) -> int | None:
        """The line of the first of ``keys`` present in the front matter."""
        for key in keys:
            if key in self.lines:
                return self.lines[key]
        return default

    @property
    def date(self) -> PartialDate | None:
        return self.fields.get("date")

    @property
    def draft(self) -> bool:
        return bool(self.fields.get("draft"))

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(self.fields.get("aliases", ()))


@dataclass(frozen=True, slots=True)
class Failed:
    """A file that could not be parsed at all; only its diagnostics survive."""

    path: str
    digest: str
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Event:
    """One timeline entry, from an event file or an article's inline list."""

    id: str  # "events/fall-of-kabul" or "articles/x#event-1"
    title: str
    date: PartialDate
    end: PartialDate | None
    summary: str
    doc_id: DocId | None  # the event's own page, if it has one
    origin: DocId  # file that defines it
    place: DocId | None
    place_name: str | None
    people: tuple[DocId, ...]
    organizations: tuple[DocId, ...]
    tags: tuple[str, ...]
    sources: tuple[DocId, ...]  # articles in the dossier citing it
    external_sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Backlink:
    source: DocId
    origin: str  # "body" or the field name
    context: str


@dataclass(frozen=True, slots=True)
class Card:
    """What other pages show of a document (listings, backlinks, related lists, feeds, exports).

    Computed once at resolve time. ``digest`` covers every field: when it is
    unchanged, no page that merely shows this document needs rendering again.
    """

    id: DocId
    kind: str
    title: str
    url: str | None  # site path below the prefix ("articles/x/"); None: no page
    slug: str
    date: PartialDate | None
    end: PartialDate | None
    summary: str
    lang: str | None
    aliases: tuple[str, ...]
    status: str | None
    type: str | None
    tags: tuple[str, ...]
    sensitive: bool
    versions: tuple = ()  # multilingual dossiers: (language, id) of this document, then of every version of it
    digest: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    """The resolved dossier graph. Built once per build by resolve(); never changed afterwards."""

    config: Any
    documents: dict[DocId, Document]
    resolved: dict[tuple[DocId, int], DocId | None]  # (doc, link index) -> target
    backlinks: dict[DocId, list[Backlink]]
    events: list[Event]
    tags: dict[str, tuple[str, list[DocId]]]  # tag slug -> (display name, doc ids)
    routes: dict[str, "Route"]  # url path ("articles/x/") -> Route
    urls: dict[DocId, str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    anchors: dict[tuple[DocId, int], str] = field(default_factory=dict)  # resolved #heading ids
    bodies: Any = None  # path -> HTML, for documents whose body_html is None (kept on disk by the cache)
    index: Any = None  # resolve.index.NameIndex
    translations: Any = None  # resolve.translations.Translations of a multilingual dossier, else None
    sections: dict = field(default_factory=dict)  # _index.md intros: folder ("" home, "articles") -> Document
    assets: dict = field(default_factory=dict)  # non-Markdown file under content/ -> its URL below the root
    images: dict = field(default_factory=dict)  # raster image path -> images.ImageInfo
    cards: Mapping[DocId, Card] = field(default_factory=dict)

    def body(self, doc: Document) -> str:
        """The HTML (with link slots) of ``doc``: in the document, or read from the cache."""
        return doc.body_html if doc.body_html is not None else self.bodies(doc.path)

    def doc(self, doc_id: DocId) -> Document:
        return self.documents[doc_id]

    def target(self, doc_id: DocId, link_index: int) -> DocId | None:
        return self.resolved.get((doc_id, link_index))


@dataclass(frozen=True, slots=True)
class Route:
    url: str  # path below the site root, "" for home, "articles/x/" or "feed.xml"
    template: str
    doc_id: DocId | None = None
    extra: Any = None  # kind name for listings, tag slug for tag pages


@dataclass(frozen=True, slots=True)
class Output:
    path: str  # file path below the output root, "articles/x/index.html"
    data: bytes


@dataclass(frozen=True)
class Part:
    """One piece of a derived output that can be produced on its own (one feed), and what it reads.

    An incremental build makes it again only when ``key`` differs from the last build's or a document
    of ``reads`` (then or now) changed (content, links or card); else its files are the last build's."""

    name: str  # unique within its output ("tags/x/feed.xml")
    key: tuple  # everything it shows that is not a document of ``reads`` (a feed: its title, its window's ids in order)
    reads: frozenset  # ids of the documents it shows (a feed: its window and the targets of their links)
    make: Callable[[], Iterable[Output]]


for _cls in (Link, Ref, Heading, SourceRef, InlineEvent, Document, Failed, Event, Backlink, Card):
    _cls.__reduce__ = _fast_reduce
