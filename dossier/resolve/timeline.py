"""Events from event files and from articles' inline ``events:`` lists, in date order."""
from __future__ import annotations

from .. import diagnostics as dg
from ..model import Document, DocId, Event, SourceRef


def build_events(documents: dict[DocId, Document], resolved) -> tuple[list[Event], list[dg.Diagnostic]]:
    diags: list[dg.Diagnostic] = []
    events: dict[str, Event] = {}
    extra_sources: dict[str, list[DocId]] = {}

    def target(doc, idx):
        return resolved.get((doc.id, idx)) if idx is not None else None

    def kind_filter(ids, kind):
        return tuple(i for i in ids if i and documents[i].kind == kind)

    for doc in documents.values():
        if doc.kind != "event":
            continue
        f = doc.fields
        sources, external = [], []
        for ref in f.get("sources", ()):
            if ref.link is not None:
                t = target(doc, ref.link)
                if t:
                    sources.append(t)
            else:
                external.append(ref)
        place = target(doc, f.get("place"))
        events[doc.id] = Event(
            id=doc.id, title=doc.title, date=f["date"], end=f.get("end"), summary=f.get("summary", ""),
            doc_id=doc.id, origin=doc.id, place=place,
            place_name=documents[place].title if place else None,
            people=kind_filter([target(doc, i) for i in f.get("people", ())], "person"),
            organizations=kind_filter([target(doc, i) for i in f.get("organizations", ())], "organization"),
            tags=tuple(f.get("tags", ())), sources=tuple(dict.fromkeys(sources)), external_sources=tuple(external),
        )
    for doc in documents.values():
        for n, ev in enumerate(doc.fields.get("events", ()), start=1):
            if ev.ref is not None:
                ref = target(doc, ev.ref)
                if ref and ref in events:
                    # the same happening: cite this article on it, never a second entry
                    extra_sources.setdefault(ref, []).append(doc.id)
                    continue
                if ref:
                    diags.append(dg.warning("D201", f'events: ref "{doc.links[ev.ref].target}" is not an event', doc.path, ev.line))
                if not ev.title:
                    continue
            place = target(doc, ev.place)
            eid = f"{doc.id}#event-{n}"
            events[eid] = Event(
                id=eid, title=ev.title, date=ev.date, end=ev.end, summary=ev.summary, doc_id=None, origin=doc.id,
                place=place, place_name=documents[place].title if place else None,
                people=kind_filter([target(doc, i) for i in ev.people], "person"),
                organizations=kind_filter([target(doc, i) for i in ev.organizations], "organization"),
                tags=ev.tags or tuple(doc.fields.get("tags", ())), sources=(doc.id,),
            )
    for eid, extra in extra_sources.items():
        e = events[eid]
        merged = tuple(dict.fromkeys(e.sources + tuple(extra)))
        events[eid] = Event(**{**{s: getattr(e, s) for s in Event.__slots__}, "sources": merged})
    ordered = sorted(events.values(), key=lambda e: (e.date.sort_key(), e.title.casefold(), e.id))
    return ordered, diags


def external_sources(doc: Document) -> tuple[SourceRef, ...]:
    return tuple(s for s in doc.fields.get("sources", ()) if s.link is None)
