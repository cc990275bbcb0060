"""Timeline exports written by every build, for reuse outside the site.

- ``/timeline.json``: Knight Lab TimelineJS 3 JSON (load it with ``new TL.Timeline(el, data)``).
- ``/events.json``: our own full schema (documented in README.md, "Exports").
- ``/events.csv``: one row per event, for spreadsheets.
- ``/places.geojson``: every place with coordinates, as a GeoJSON FeatureCollection.

Every file is deterministic: events keep the timeline's order (date, then
title, then id), places are sorted by id, and nothing depends on the clock,
the machine or dict/set iteration order of anything but ordered inputs.
URLs are absolute when ``base_url`` has a host, otherwise prefixed paths.
"""
from __future__ import annotations

import csv
import io
import json
from html import escape
from typing import Iterator

from ..dates import DAY, MINUTE, MONTH, PartialDate, format_range
from ..model import Event, Output, Site

EXPORTS_VERSION = 1

CSV_COLUMNS = (
    "id", "title", "date", "precision", "approximate", "end", "place", "latitude", "longitude",
    "location_precision", "people", "organizations", "tags", "killed_min", "killed_max",
    "injured_min", "injured_max", "sources", "url",
)
LIST_SEPARATOR = "; "
# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------ helpers

class _Export:
    """What every export needs from the site, computed once per build."""

    def __init__(self, site: Site):
        self.site = site
        cfg = site.config
        self.base = cfg.origin + cfg.prefix
        self.language = cfg.language

    def url(self, path: str) -> str:
        return self.base + path

    def doc_url(self, doc_id: str | None) -> str | None:
        if doc_id is None or doc_id not in self.site.urls:
            return None
        return self.url(self.site.urls[doc_id])

    def event_url(self, ev: Event) -> str | None:
        return self.doc_url(ev.doc_id) if ev.doc_id else self.doc_url(ev.origin)

    def title(self, doc_id: str) -> str:
        return self.site.documents[doc_id].title

    def event_fields(self, ev: Event) -> dict:
        """Front-matter fields only event files have (casualties, location_precision)."""
        doc = self.site.documents.get(ev.doc_id) if ev.doc_id else None
        return doc.fields if doc is not None else {}

    def sensitive(self, ev: Event) -> bool:
        """The event (or the article defining it) is behind a content warning on the site."""
        doc = self.site.documents.get(ev.doc_id or ev.origin)
        return bool(doc is not None and doc.fields.get("sensitive"))

    def coordinates(self, place_id: str | None) -> tuple[float, float] | None:
        if not place_id:
            return None
        return self.site.documents[place_id].fields.get("coordinates")

    def external(self, ev: Event) -> list[dict]:
        out = []
        for s in ev.external_sources:
            out.append({
                "type": "external",
                "title": s.title,
                "publisher": s.publisher,
                "url": s.url,
                "archived_url": s.archived_url,
                "date": s.date.iso() if s.date else None,
                "language": s.language,
            })
        return out

    def entity(self, doc_id: str) -> dict:
        return {"id": doc_id, "title": self.title(doc_id), "url": self.doc_url(doc_id)}


def _json_bytes(data: dict, rows: str) -> bytes:
    """JSON with one record per line: compact for thousands of events, yet diffable line by line."""
    assert list(data)[-1] == rows
    lines = ["{"]
    for key, value in data.items():
        if key != rows:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    items = [json.dumps(item, ensure_ascii=False) for item in data[rows]]
    if items:
        lines.append(f"  {json.dumps(rows)}: [")
        lines.append(",\n".join("    " + item for item in items))
        lines.append("  ]")
    else:
        lines.append(f"  {json.dumps(rows)}: []")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _date_parts(d: PartialDate) -> dict:
    """A TimelineJS date object carrying only the precision that is known."""
    parts = {"year": d.year}
    if d.precision in (MONTH, DAY, MINUTE):
        parts["month"] = d.month
    if d.precision in (DAY, MINUTE):
        parts["day"] = d.day
    if d.precision == MINUTE:
        parts["hour"] = d.hour
        parts["minute"] = d.minute or 0
    return parts


def _unique_ids(events: list[Event]) -> list[str]:
    """DOM- and URL-hash-safe ids ("events/fall-of-kabul" -> "events-fall-of-kabul"), unique."""
    used: set[str] = set()
    out = []
    for ev in events:
        base = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in ev.id).strip("-") or "event"
        uid, n = base, 2
        while uid in used:
            uid, n = f"{base}-{n}", n + 1
        used.add(uid)
        out.append(uid)
    return out


# ---------------------------------------------------------- timeline.json

def timeline_json(site: Site) -> dict:
    x = _Export(site)
    cfg = site.config
    title_text = f"<p>{escape(cfg.description)}</p>" if cfg.description else ""
    data: dict = {
        "title": {
            "text": {"headline": escape(cfg.title), "text": title_text},
            "unique_id": "title",
        },
        "scale": "human",
        "events": [],
    }
    for ev, uid in zip(site.events, _unique_ids(site.events)):
        slide: dict = {"start_date": _date_parts(ev.date)}
        if ev.end is not None and ev.end != ev.date:
            slide["end_date"] = _date_parts(ev.end)
        slide["text"] = {"headline": escape(ev.title), "text": _slide_html(x, ev)}
        group = ev.tags[0] if ev.tags else (ev.place_name or "")
        if group:
            slide["group"] = group  # TimelineJS strips markup from groups: plain text
        if ev.date.approximate or (ev.end is not None and ev.end != ev.date) or (ev.end and ev.end.approximate):
            slide["display_date"] = format_range(ev.date, ev.end, x.language)  # plain text too
        slide["unique_id"] = uid
        data["events"].append(slide)
    return data


def _link(url: str | None, text: str) -> str:
    if not url:
        return escape(text)
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def _slide_html(x: _Export, ev: Event) -> str:
    """The slide body: summary, place and people, sources, a link back to the dossier. All text escaped."""
    parts = []
    if x.sensitive(ev):  # as on the site: the summary stays behind the page's content warning
        parts.append("<p><em>Content warning: open the event in the dossier to read about it.</em></p>")
    elif ev.summary:
        parts.append(f"<p>{escape(ev.summary)}</p>")
    meta = []
    if ev.place:
        meta.append("Place: " + _link(x.doc_url(ev.place), x.title(ev.place)))
    if ev.people:
        meta.append("People: " + ", ".join(_link(x.doc_url(p), x.title(p)) for p in ev.people))
    if ev.organizations:
        meta.append("Organisations: " + ", ".join(_link(x.doc_url(o), x.title(o)) for o in ev.organizations))
    if meta:
        parts.append("<p>" + " · ".join(meta) + "</p>")
    sources = [_link(x.doc_url(s), x.title(s)) for s in ev.sources]
    sources += [_link(s.url, s.title or s.publisher or s.url or "") for s in ev.external_sources]
    if sources:
        parts.append("<p>Sources: " + "; ".join(sources) + "</p>")
    url = x.event_url(ev)
    if url:
        parts.append(f'<p><a href="{escape(url)}">In the dossier</a></p>')
    return "".join(parts)


# ------------------------------------------------------------ events.json

def _date_obj(d: PartialDate | None) -> dict | None:
    if d is None:
        return None
    return {"iso": d.iso(), "precision": d.precision, "approximate": d.approximate}


def events_json(site: Site) -> dict:
    x = _Export(site)
    events = []
    for ev in site.events:
        fields = x.event_fields(ev)
        place = None
        if ev.place:
            coords = x.coordinates(ev.place)
            place = {
                **x.entity(ev.place),
                "coordinates": {"lat": coords[0], "lon": coords[1]} if coords else None,
            }
        casualties = fields.get("casualties")
        events.append({
            "id": ev.id,
            "title": ev.title,
            "summary": ev.summary or "",
            "date": _date_obj(ev.date),
            "end": _date_obj(ev.end),
            "date_text": format_range(ev.date, ev.end, x.language),
            "place": place,
            "location_precision": fields.get("location_precision"),
            "people": [x.entity(p) for p in ev.people],
            "organizations": [x.entity(o) for o in ev.organizations],
            "tags": list(ev.tags),
            "sources": [{"type": "article", **x.entity(s)} for s in ev.sources] + x.external(ev),
            "casualties": {k: {"min": v[0], "max": v[1]} for k, v in casualties.items()} if casualties else None,
            "sensitive": x.sensitive(ev),
            "defined_in": site.documents[ev.origin].path if ev.origin in site.documents else None,
            "url": x.event_url(ev),
        })
    return {
        "version": EXPORTS_VERSION,
        "generated_from": site.config.title,
        "language": site.config.language,
        "events": events,
    }


# ------------------------------------------------------------- events.csv

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


def _range_cells(name: str, pair) -> dict:
    return {f"{name}_min": pair[0] if pair else "", f"{name}_max": pair[1] if pair else ""}


def _csv_row(x: _Export, ev: Event) -> dict:
    fields = x.event_fields(ev)
    casualties = fields.get("casualties") or {}
    coords = x.coordinates(ev.place) or ("", "")
    sources = [x.doc_url(s) or x.title(s) for s in ev.sources]
    sources += [s.url or s.title or s.publisher or "" for s in ev.external_sources]
    return {
        "id": ev.id,
        "title": ev.title,
        "date": ev.date.iso(),
        "precision": ev.date.precision,
        "approximate": ev.date.approximate,
        "end": ev.end.iso() if ev.end else "",
        "place": x.title(ev.place) if ev.place else "",
        "latitude": coords[0],
        "longitude": coords[1],
        "location_precision": fields.get("location_precision", ""),
        "people": LIST_SEPARATOR.join(x.title(p) for p in ev.people),
        "organizations": LIST_SEPARATOR.join(x.title(o) for o in ev.organizations),
        "tags": LIST_SEPARATOR.join(ev.tags),
        **_range_cells("killed", casualties.get("killed")),
        **_range_cells("injured", casualties.get("injured")),
        "sources": LIST_SEPARATOR.join(s for s in sources if s),
        "url": x.event_url(ev) or "",
    }


def events_csv(site: Site) -> bytes:
    """UTF-8 *with* a byte-order mark and CRLF line ends (RFC 4180).

    Excel opens a BOM-less CSV in the machine's legacy code page and mangles
    "Lévy" into "LÃ©vy"; with the BOM it reads UTF-8, and LibreOffice, Numbers
    and Google Sheets ignore the mark. Python readers use ``encoding="utf-8-sig"``.
    """
    x = _Export(site)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for ev in site.events:
        row = _csv_row(x, ev)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue().encode("utf-8-sig")


# --------------------------------------------------------- places.geojson

def places_geojson(site: Site) -> dict:
    x = _Export(site)
    counts: dict[str, int] = {}
    for ev in site.events:
        if ev.place:
            counts[ev.place] = counts.get(ev.place, 0) + 1
    features = []
    for doc_id in sorted(site.documents):
        doc = site.documents[doc_id]
        coords = doc.fields.get("coordinates") if doc.kind == "place" else None
        if not coords:
            continue
        lat, lon = coords
        within = site.resolved.get((doc.id, doc.fields["within"])) if "within" in doc.fields else None
        features.append({
            "type": "Feature",
            "id": doc.id,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},  # GeoJSON is [longitude, latitude]
            "properties": {
                "id": doc.id,
                "title": doc.title,
                "aliases": list(doc.aliases),
                "url": x.doc_url(doc.id),
                "events": counts.get(doc.id, 0),
                "within": within,
            },
        })
    return {"type": "FeatureCollection", "features": features}


# ------------------------------------------------------------------ output

def timeline_exports(site: Site, views) -> Iterator[Output]:
    yield Output("timeline.json", _json_bytes(timeline_json(site), "events"))
    yield Output("events.json", _json_bytes(events_json(site), "events"))
    yield Output("events.csv", events_csv(site))
    yield Output("places.geojson", _json_bytes(places_geojson(site), "features"))


__all__ = ["timeline_json", "events_json", "events_csv", "places_geojson", "CSV_COLUMNS", "EXPORTS_VERSION"]
