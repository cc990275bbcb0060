"""What a view function returns: a template, its context, and what the page depends on."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import DocId


@dataclass
class View:
    template: str
    context: dict[str, Any]
    shows: set[DocId] = field(default_factory=set)  # documents whose content (card) the page displays
    lists: set[DocId] = field(default_factory=set)  # documents whose *linkers* the page enumerates


def events_show(events) -> set[DocId]:
    """The documents whose cards a list of events shows: their people, organisations, sources, places and pages."""
    shows: set[DocId] = set()
    for e in events:
        shows.update((*e.people, *e.organizations, *e.sources, *((e.place,) if e.place else ())))
        if e.doc_id:
            shows.add(e.doc_id)
    return shows


__all__ = ["View", "events_show"]
