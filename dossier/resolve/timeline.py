"""Events from event files and from articles' inline ``events:`` lists, in date order."""
from __future__ import annotations

from .. import diagnostics as dg
from ..model import Document, DocId, Event, SourceRef


def build_events(documents: dict[DocId, Document], resolved) -> tuple[list[Event], list[dg.Diagnostic]]:
    """Every timeline entry, sorted by (date, title, id); an inline ``ref:`` adds its article to an existing event."""
    links = _Links(documents, resolved)
    diags: list[dg.Diagnostic] = []
    events: dict[str, Event] = {doc.id: _event_file(links, doc) for doc in documents.values() if doc.kind == "event"}
    extra_sources: dict[str, list[DocId]] = {}
    for doc in documents.values():
        for n, ev in enumerate(doc.fields.get("events", ()), start=1):
            ref = links.target(doc, ev.ref)
            if ref and ref in events:  # the same happening: cite this article on it, never a second entry
                extra_sources.setdefault(ref, []).append(doc.id)
                continue
            if ref:
                diags.append(dg.warning("D201", f'events: ref "{doc.links[ev.ref].target}" is not an event', doc.path, ev.line))
            if ev.ref is not None and not ev.title:
                continue
            eid = f"{doc.id}#event-{n}"
            events[eid] = _inline_event(links, doc, ev, eid)
    for eid, extra in extra_sources.items():
        e = events[eid]
        merged = tuple(dict.fromkeys(e.sources + tuple(extra)))
        events[eid] = Event(**{**{s: getattr(e, s) for s in Event.__slots__}, "sources": merged})
    ordered = sorted(events.values(), key=lambda e: (e.date.sort_key(), e.title.casefold(), e.id))
    return ordered, diags


class _Links:
    def __init__(self, documents, resolved):
        self.documents = documents
        self.resolved = resolved

    def target(self, doc: Document, idx: int | None) -> DocId | None:
        return self.resolved.get((doc.id, idx)) if idx is not None else None

    def of_kind(self, doc: Document, indices, kind: str) -> tuple[DocId, ...]:
        ids = [self.target(doc, i) for i in indices]
        return tuple(i for i in ids if i and self.documents[i].kind == kind)

    def place(self, doc: Document, idx: int | None) -> tuple[DocId | None, str | None]:
        place = self.target(doc, idx)
        return place, (self.documents[place].title if place else None)


def _event_file(links: _Links, doc: Document) -> Event:
    f = doc.fields
    refs = f.get("sources", ())
    sources = [t for t in (links.target(doc, r.link) for r in refs if r.link is not None) if t]
    place, place_name = links.place(doc, f.get("place"))
    return Event(
        id=doc.id, title=doc.title, date=f["date"], end=f.get("end"), summary=f.get("summary", ""),
        doc_id=doc.id, origin=doc.id, place=place, place_name=place_name,
        people=links.of_kind(doc, f.get("people", ()), "person"),
        organizations=links.of_kind(doc, f.get("organizations", ()), "organization"),
        tags=tuple(f.get("tags", ())), sources=tuple(dict.fromkeys(sources)),
        external_sources=tuple(r for r in refs if r.link is None),
    )


def _inline_event(links: _Links, doc: Document, ev, eid: str) -> Event:
    place, place_name = links.place(doc, ev.place)
    return Event(
        id=eid, title=ev.title, date=ev.date, end=ev.end, summary=ev.summary, doc_id=None, origin=doc.id,
        place=place, place_name=place_name,
        people=links.of_kind(doc, ev.people, "person"),
        organizations=links.of_kind(doc, ev.organizations, "organization"),
        tags=ev.tags or tuple(doc.fields.get("tags", ())), sources=(doc.id,),
    )


def external_sources(doc: Document) -> tuple[SourceRef, ...]:
    return tuple(s for s in doc.fields.get("sources", ()) if s.link is None)
