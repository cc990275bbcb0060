"""Events from event files and from articles' inline ``events:`` lists, in date order."""
from __future__ import annotations

from dataclasses import dataclass

from .. import diagnostics as dg
from ..model import Document, DocId, Event, SourceRef


@dataclass(frozen=True)
class EventUnit:
    """The timeline entries one document defines, before other documents cite them; and its warnings."""

    events: tuple  # its own entries (an event file's, its inline ones)
    cites: tuple  # ids of event documents its inline ``ref:`` entries add it to, in order
    diagnostics: tuple


def build_events(documents: dict[DocId, Document], resolved) -> tuple[list[Event], list[dg.Diagnostic]]:
    """Every timeline entry, sorted by (date, title, id); an inline ``ref:`` adds its article to an existing event."""
    units = event_units(documents, resolved, documents)
    merged = merge_events(documents, units, event_citers(documents, units))
    return sorted(merged.values(), key=event_key), [d for doc_id in documents for d in units[doc_id].diagnostics]


def event_key(event: Event):
    return event.date.sort_key(), event.title.casefold(), event.id


def event_units(documents: dict[DocId, Document], resolved, which) -> dict[DocId, EventUnit]:
    links = _Links(documents, resolved)
    return {doc_id: event_unit(links, documents[doc_id]) for doc_id in which}


def event_unit(links: "_Links", doc: Document) -> EventUnit:
    own, cites, diags = [], [], []
    if doc.kind == "event":
        own.append(_event_file(links, doc))
    for n, ev in enumerate(doc.fields.get("events", ()), start=1):
        ref = links.target(doc, ev.ref)
        if ref and links.documents[ref].kind == "event":  # the same happening: cite this article on it, never a second entry
            cites.append(ref)
            continue
        if ref:
            diags.append(dg.warning("D201", f'events: ref "{doc.links[ev.ref].target}" is not an event', doc.path, ev.line))
        if ev.ref is not None and not ev.title:
            continue
        eid = f"{doc.id}#event-{n}"
        own.append(_inline_event(links, doc, ev, eid))
    return EventUnit(tuple(own), tuple(cites), tuple(diags))


def event_citers(order, units: dict[DocId, EventUnit]) -> dict[str, tuple[DocId, ...]]:
    """Event id -> the documents citing it, in the order of ``order`` (repeats kept)."""
    citers: dict[str, list[DocId]] = {}
    for doc_id in order:
        for ref in units[doc_id].cites:
            citers.setdefault(ref, []).append(doc_id)
    return {eid: tuple(ids) for eid, ids in citers.items()}


def merge_events(order, units: dict[DocId, EventUnit], citers: dict[str, tuple]) -> dict[str, Event]:
    """Event id -> entry, the citing documents added to the sources of the events they cite."""
    events = {e.id: e for doc_id in order for e in units[doc_id].events}
    for eid, extra in citers.items():
        if eid in events:
            events[eid] = with_citers(events[eid], extra)
    return events


def with_citers(event: Event, extra) -> Event:
    merged = tuple(dict.fromkeys(event.sources + tuple(extra)))
    return Event(**{**{s: getattr(event, s) for s in Event.__slots__}, "sources": merged})


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
