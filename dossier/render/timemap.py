"""The time-map: ``/map/`` (every placed event on a map, over a time axis) and the mini-maps.

Data for the page comes from the same events as ``/timeline/``. Each event whose place has
coordinates becomes one record for ``static/timemap.js`` (place, period in days, approximate,
location precision, filter keys) and one item of the server-rendered list, which is the
primary representation: without JavaScript the page shows that list under a static SVG map
drawn here, at build time, from the basemap vendored in the theme (Natural Earth 1:110m
country outlines, ``static/vendor/natural-earth/countries.js``) in Web Mercator, the
projection Leaflet uses, so both maps agree.

``map: {tiles, attribution}`` in dossier.yaml makes the interactive map use a raster tile
server instead of the vendored outlines (config.py checks the setting).
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from ..i18n import N_
from ..model import Event, Route
from .view import View, events_show  # (Views, in annotations only: views.py imports this module)

BASEMAP = "static/vendor/natural-earth/countries.js"
BASEMAP_PREFIX = "window.dossierBasemap="
EPOCH = _dt.date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Precision:
    """How a ``location_precision`` is drawn: a point, an area of uncertainty, or a whole region."""

    shape: str  # point | area | region
    radius_m: int  # how far from the marked point the event may have happened
    text: str  # the words in the list and the key


PRECISIONS = {
    None: Precision("point", 0, N_("at this place")),
    "exact": Precision("point", 0, N_("exact location")),
    "town": Precision("area", 5_000, N_("somewhere in or near this town")),
    "district": Precision("area", 25_000, N_("somewhere in this district")),
    "province": Precision("area", 100_000, N_("somewhere in this province")),
    "country": Precision("region", 300_000, N_("somewhere in this country")),
    "region": Precision("region", 500_000, N_("somewhere in this region")),
}
SHAPES = ("point", "area", "region")


def day_number(d: _dt.date) -> int:
    """Days since 1970-01-01 (what ``Date.UTC(...) / 86400000`` gives in the browser)."""
    return d.toordinal() - EPOCH


def period(ev: Event) -> tuple[int, int]:
    """[first day, day after the last): a month-precision event covers its whole month, a range up to its end."""
    last = (ev.end or ev.date).last_day()
    return day_number(ev.date.first_day()), day_number(last) + 1


def precision_of(views: Views, ev: Event) -> str | None:
    doc = views.site.documents.get(ev.doc_id) if ev.doc_id else None
    value = doc.fields.get("location_precision") if doc is not None else None
    return value if value in PRECISIONS else None


def coordinates(views: Views, place_id) -> tuple[float, float] | None:
    coords = views.site.documents[place_id].fields.get("coordinates") if place_id else None
    if not coords:
        return None
    return float(coords[0]), float(coords[1])


class MapData:
    """Places (one per place and precision), events and list items for a set of events."""

    def __init__(self, views: Views, events: list[Event], with_text: bool = False, with_items: bool = True):
        """``with_items``: also the list items (/map/'s list; a mini-map has none)."""
        self.places: list[dict] = []
        self.records: list[dict] = []
        self.items: list[dict] = []
        self.unplaced = 0
        index: dict[tuple, int] = {}
        for ev in events:
            coords = coordinates(views, ev.place)
            if coords is None:
                self.unplaced += 1
                continue
            precision = precision_of(views, ev)
            key = (ev.place, precision)
            if key not in index:
                index[key] = len(self.places)
                self.places.append(self._place(views, ev.place, coords, precision))
            start, end = period(ev)
            item = views.event_item(ev)  # (shared: not changed here)
            record = {"p": index[key], "s": start, "e": end, "k": item["filter_keys"]}
            if ev.date.approximate:
                record["a"] = 1
            if with_text:
                record.update(t=ev.title, u=item["url"], d=item["date_text"])
            self.places[index[key]]["n"] += 1
            self.records.append(record)
            if with_items:
                self.items.append(dict(item, location=views._(PRECISIONS[precision].text), shape=PRECISIONS[precision].shape))

    @staticmethod
    def _place(views: Views, place_id, coords, precision) -> dict:
        p = PRECISIONS[precision]
        card = views.card(place_id)
        return {"lat": coords[0], "lon": coords[1], "t": card["title"], "u": card["url"], "g": p.shape,
                "r": p.radius_m, "n": 0}

    def json(self) -> Markup:
        """The records as JSON for a ``<script type="application/json">`` (``<`` escaped)."""
        text = json.dumps({"places": self.places, "events": self.records}, ensure_ascii=False, separators=(",", ":"))
        return Markup(text.replace("<", "\\u003c").replace("&", "\\u0026"))


# ------------------------------------------------------------------ static SVG map

@lru_cache(maxsize=4)
def load_basemap(path: str, stamp: int = 0) -> tuple:
    """The vendored Natural Earth outlines as ((name, (projected polygon, ...)), ...); empty when missing."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError:
        return ()
    if not text.startswith(BASEMAP_PREFIX):
        return ()
    data = json.loads(text[len(BASEMAP_PREFIX):].rstrip(";"))
    return tuple((f["properties"].get("name", ""), tuple(_projected(poly) for poly in f["geometry"]["coordinates"]))
                 for f in data["features"])


def _projected(polygon) -> tuple:
    """(bounding box of the outer ring, rings) in Mercator units: projected once per basemap, not per map drawn."""
    rings = tuple(tuple(mercator(lat, lon) for lon, lat in ring) for ring in polygon)
    xs, ys = [x for x, _ in rings[0]], [y for _, y in rings[0]]
    return (min(xs), max(xs), min(ys), max(ys)), rings


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator in degrees of longitude (x) and the same unit north (y)."""
    lat = max(-85.0, min(85.0, lat))
    return lon, math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


@dataclass(frozen=True)
class Frame:
    """A Mercator window [x0, x1] x [y0, y1] drawn into width x height pixels."""

    x0: float
    y1: float
    scale: float  # pixels per Mercator degree
    width: int
    height: int

    def px(self, lat: float, lon: float) -> tuple[float, float]:
        return self.xy(*mercator(lat, lon))

    def xy(self, x: float, y: float) -> tuple[float, float]:
        """A Mercator point in pixels."""
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale

    def metres(self, lat: float, metres: float) -> float:
        """A distance on the ground at ``lat`` in pixels."""
        return metres / (111_320 * max(math.cos(math.radians(lat)), 0.01)) * self.scale


def fit(points: list[tuple[float, float]], width: int, height: int, min_span: float = 8.0) -> Frame:
    xs, ys = zip(*(mercator(lat, lon) for lat, lon in points)) if points else ((-170, 170), (-60, 75))
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, (y1 - y0) * width / height, min_span) * 1.25
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    scale = width / span
    return Frame(cx - span / 2, cy + height / scale / 2, scale, width, height)


def _ring_path(ring, frame: Frame) -> str:
    """An outline in pixels (``Frame.xy``, inlined: every mini-map draws thousands of points), points
    closer than 0.8 px to the last one drawn left out."""
    out = []
    x0, y1, scale = frame.x0, frame.y1, frame.scale
    last_x = last_y = None
    for mx, my in ring:
        x, y = round((mx - x0) * scale, 1), round((y1 - my) * scale, 1)
        if last_x is None or abs(x - last_x) + abs(y - last_y) >= 0.8:
            out.append(f"{x:g} {y:g}")
            last_x, last_y = x, y
    return "M" + "L".join(out) + "Z" if len(out) > 2 else ""


def _visible(box, frame: Frame) -> bool:
    """The outer ring's box reaches into the frame (the pixel transform is monotone, so its box is the ring's)."""
    x_min, x_max, y_min, y_max = box
    return (frame.xy(x_max, y_min)[0] >= 0 and frame.xy(x_min, y_max)[0] <= frame.width
            and frame.xy(x_min, y_min)[1] >= 0 and frame.xy(x_max, y_max)[1] <= frame.height)


def country_paths(basemap: tuple, frame: Frame) -> list[str]:
    paths = []
    for _name, polygons in basemap:
        d = "".join(_ring_path(r, frame) for box, rings in polygons if _visible(box, frame) for r in rings)
        if d:
            paths.append(d)
    return paths


def static_map(basemap: tuple, places: list[dict], label: str, width: int = 800, height: int = 450) -> Markup:
    """An SVG of the country outlines and one marker per place (a count when several events)."""
    frame = fit([(p["lat"], p["lon"]) for p in places], width, height)
    parts = [f'<svg class="tm-svg" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">',
             f'<rect class="tm-sea" width="{width}" height="{height}"/>']
    parts += [f'<path class="tm-land" d="{d}"/>' for d in country_paths(basemap, frame)]
    for p in sorted(places, key=lambda p: -p["r"]):  # big areas first, points on top
        parts.append(_svg_marker(p, frame))
    parts.append("</svg>")
    return Markup("".join(parts))


def _svg_marker(p: dict, frame: Frame) -> str:
    x, y = frame.px(p["lat"], p["lon"])
    x, y = round(x, 1), round(y, 1)
    count = p["n"]
    title = f'{p["t"]}: {count} event{"s" if count != 1 else ""}'
    shape = [f'<circle class="tm-svg-point" cx="{x}" cy="{y}" r="5"/>']
    if p["g"] != "point":
        r = round(max(frame.metres(p["lat"], p["r"]), 9), 1)
        shape.insert(0, f'<circle class="tm-svg-{p["g"]}" cx="{x}" cy="{y}" r="{r}"/>')
    if p["g"] == "region":
        shape[-1] = f'<rect class="tm-svg-point" x="{x - 4.5}" y="{y - 4.5}" width="9" height="9" transform="rotate(45 {x} {y})"/>'
    text = f'{p["t"]}' + (f" ({count})" if count > 1 else "")
    return (f'<g class="tm-svg-marker"><title>{escape(title)}</title>{"".join(shape)}'
            f'<text x="{x + 8}" y="{y + 4}">{escape(text)}</text></g>')


def basemap_for(views: Views) -> tuple:
    """The basemap of the theme in use (a site's own static/ or theme may override the vendored one)."""
    path = _basemap_path(views.config.root, views.config.theme)
    try:
        stamp = path.stat().st_mtime_ns if path else 0
    except OSError:
        stamp = 0
    return load_basemap(str(path), stamp) if path else ()


@lru_cache(maxsize=4)
def _basemap_path(root: str, theme: str) -> Path | None:
    from .theme import Theme, ThemeError

    try:
        return Theme(Path(root), theme).static_files().get(BASEMAP)
    except ThemeError:
        return None


def map_settings(views: Views) -> dict:
    m = views.config.map or {}
    return {"tiles": m.get("tiles") or "", "attribution": m.get("attribution") or ""}


# ------------------------------------------------------------------ views

def map_view(views: Views, route: Route) -> View:
    site = views.site
    data = MapData(views, list(site.events))
    label = views._("Static map of %(events)s at %(places)s; the list below gives each of them") % {
        "events": _count(views, "%(num)s event", "%(num)s events", len(data.items)),
        "places": _count(views, "%(num)s place", "%(num)s places", len(data.places))}
    ctx = views.base(route, title=views._("Map"), facets=views.facets(site.events), items=data.items, places=data.places,
                     data=data.json(), unplaced=data.unplaced, svg=static_map(basemap_for(views), data.places, label),
                     map=map_settings(views), event_count=len(site.events), map_labels=script_labels(views),
                     outlines=outlines_name(views), compact=views.long_list(len(data.items)))
    return View("map.html", ctx, events_show(site.events))


def minimap(views: Views, doc, events: list[Event]) -> dict | None:
    """The map of an entity page: its events with a place (a place page: its own point too); None when nothing to draw."""
    data = MapData(views, events, with_text=True, with_items=False)
    if doc.kind == "place" and coordinates(views, doc.id) and not any(p["u"] == views.card(doc.id)["url"] for p in data.places):
        lat, lon = coordinates(views, doc.id)
        card = views.card(doc.id)
        data.places.append({"lat": lat, "lon": lon, "t": card["title"], "u": card["url"], "g": "point", "r": 0, "n": 0})
    if not data.places:
        return None
    count = len(data.records)
    label = (views.ngettext("Map of the %(num)s event of %(name)s that have a place",
                            "Map of the %(num)s events of %(name)s that have a place", count) % {"num": count, "name": doc.title}
             if count else views._("Map showing where %(name)s is") % {"name": doc.title})
    facet = {"person": "person", "place": "place", "organization": "organization"}.get(doc.kind)
    return {"svg": static_map(basemap_for(views), data.places, label, 600, 320), "data": data.json(), "count": count,
            "label": label, "query": f"?{facet}={doc.slug}" if facet and count else "", "map": map_settings(views),
            "labels": script_labels(views), "outlines": outlines_name(views)}


def outlines_name(views: Views) -> Markup:
    """"Natural Earth" (the basemap's source: a name, not a label), marked as English on pages in other languages."""
    if views.language.lower().split("-")[0] == "en":
        return Markup("Natural Earth")
    return Markup('<span lang="en" dir="ltr">Natural Earth</span>')


def _count(views: Views, one: str, many: str, n: int) -> str:
    return views.ngettext(one, many, n) % {"num": n}


def _js(text: str) -> str:
    """A label for static/timemap.js: "%(num)s events" -> "{n} events" (its placeholders are {name})."""
    return re.sub(r"%\((\w+)\)s", lambda m: "{" + ("n" if m.group(1) == "num" else m.group(1)) + "}", text)


def script_labels(views: Views) -> Markup | None:
    """The labels static/timemap.js writes, in the page's language (JSON), or None on English pages (it has them)."""
    if views.language.lower().split("-")[0] == "en":
        return None
    _, ngettext = views._, views.ngettext

    def forms(form) -> list[str]:  # the form for 1, and the one for other counts (100 is "other" in every CLDR language)
        return [_js(form(1)), _js(form(100))]

    labels = {
        "shapes": {"point": _("exact place"), "area": _("approximate location"), "region": _("whole country or region")},
        "plural": {"event": forms(lambda n: ngettext("%(num)s event", "%(num)s events", n)),
                   "place": forms(lambda n: ngettext("%(num)s place", "%(num)s places", n)),
                   "matching event": forms(lambda n: ngettext("%(num)s matching event", "%(num)s matching events", n))},
        "keys": _("Map: use the arrow keys to pan, + and - to zoom; Tab reaches the markers"),
        "cluster": _js(_("%(events)s at %(places)s: %(names)s; zoom in")),
        "spanning": _js(_("%(num)s known only to a longer period or spanning it")),
        "approximate": _js(_("%(num)s approximate")),
        "per": {"year": _("per year"), "month": _("per month"), "day": _("per day")},
        "range": _js(_("selected: %(from)s to %(to)s")),
        "listMore": _("List more"),
        "first": _js(_("The first %(limit)s of %(matching)s are listed.")),
        "all": _js(_("All %(events)s")),
        "some": _js(_("%(visible)s of %(events)s")),
        "selected": _("Selected event"),
        "close": _("Close"),
        "outlines": _js(_("Outlines: %(source)s")),  # the interactive map's attribution (a link to Natural Earth)
        "moreBelow": _js(_("%(num)s more in the list below.")),
        # punctuation between the parts of a label (Persian and Arabic write ، and ؛)
        "comma": _(", "), "semicolon": _("; "), "colon": _(": "),
    }
    text = json.dumps(labels, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace("&", "\\u0026"))
