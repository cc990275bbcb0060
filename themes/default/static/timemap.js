/* dossier — the time-map: /map/ and the mini-maps of entity pages.
   Without this script the pages show a static SVG map (drawn by the build) and the list of
   events; the list stays the primary representation. With it:
   - a Leaflet map (vendored) over the vendored Natural Earth outlines (window.dossierBasemap),
     or over raster tiles when dossier.yaml sets map.tiles; no other request leaves the site;
   - one keyboard-reachable marker per place (a dot: exact; a dot in a shaded circle sized by
     location_precision: approximate; a diamond in a dashed circle: a whole country or region),
     clustered on a pixel grid with the number of events;
   - on /map/, a time axis: a histogram of the events per year, month or day (chosen by the
     span shown), which the reader brushes (drag, or arrow keys with Shift) and zooms (double
     click or "Zoom to selection"; "Zoom out" goes back). A month- or year-precision event counts
     in every bar its period overlaps (hatched when the bar is shorter than the period);
     approximate dates are dotted. The facet menus (same names as /timeline/: person, place,
     organization, tag), the period (from, to) and the map view filter the markers, the bars
     and the list; the menus and the period are kept in the address.
   Data: <script type="application/json"> with places [{lat, lon, t, u, g, r, n}] and events
   [{p: place, s: first day, e: day after the last (days since 1970), a: approximate, k: filter keys}]. */
(function () {
  "use strict";

  var DAY = 86400000;
  var CELL = 44; /* cluster grid, in pixels */
  var PAGE = 200; /* events listed at a time under the map */
  var FACET_KEYS = ["person", "place", "organization", "tag"];
  var SHAPE_TEXT = { point: "exact place", area: "approximate location", region: "whole country or region" };
  var lang = document.documentElement.lang || "en";
  var FORMATS = {};

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  /* i18n: a page in another language than English carries its labels (<script id="tm-labels">, from the
     theme's catalogs: render/timemap.py); these lines are left out of English single-language sites */
  var LABELS = null, labelsEl = document.getElementById("tm-labels");
  if (labelsEl) { try { LABELS = JSON.parse(labelsEl.textContent); } catch (e) { LABELS = null; } }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; }); }
  if (LABELS) {
    SHAPE_TEXT = LABELS.shapes;
    plural = function (n, word) { var forms = LABELS.plural[word]; return forms ? fill(forms[n === 1 ? 0 : 1], { n: n }) : n + " " + word; };
  }
  /* :i18n */

  function dayOf(y, m, d) {
    var t = new Date(0);
    t.setUTCFullYear(y, m, d);
    return Math.floor(t.getTime() / DAY);
  }
  function dateOf(day) { return new Date(day * DAY); }
  function isoDay(day) {
    var t = dateOf(day);
    var y = t.getUTCFullYear(), m = t.getUTCMonth() + 1, d = t.getUTCDate();
    return (y < 1000 ? ("000" + y).slice(-4) : y) + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
  }
  function parseDay(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    return m ? dayOf(+m[1], +m[2] - 1, +m[3]) : null;
  }

  /* ------------------------------------------------------------ the map */
  function cssVar(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  function baseLayer(map, root) {
    var tiles = root.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { attribution: root.getAttribute("data-attribution") || "", maxZoom: 18 }).addTo(map);
      return;
    }
    /* i18n: */ if (LABELS) map.attributionControl.addAttribution(fill(LABELS.outlines, { source: '<a href="https://www.naturalearthdata.com/" lang="en" dir="ltr">Natural Earth</a>' })); else
    /* :i18n */
    map.attributionControl.addAttribution('Outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>');
    if (!window.dossierBasemap) return;
    /* The outlines go on one canvas in their own pane under the markers and circles, drawn in a
       task of their own once the markers are up (177 countries as SVG paths cost a long task). */
    map.createPane("basemap").style.zIndex = 250;
    setTimeout(function () {
      L.geoJSON(window.dossierBasemap, {
        interactive: false, pane: "basemap", renderer: L.canvas({ pane: "basemap", padding: 0.3 }),
        style: { color: cssVar("--tm-border", "#8d9aa3"), weight: 0.8, fillColor: cssVar("--tm-land", "#f4f1ea"), fillOpacity: 1 }
      }).addTo(map);
      root.classList.add("has-basemap");
    }, 0);
  }

  function makeMap(root, canvas) {
    var el = document.createElement("div");
    el.className = "tm-leaflet";
    canvas.appendChild(el);
    canvas.classList.add("has-leaflet");
    var map = L.map(el, { zoomSnap: 0.5, minZoom: 1, maxZoom: root.getAttribute("data-tiles") ? 18 : 10, worldCopyJump: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    baseLayer(map, root);
    /* i18n: */ if (LABELS) el.setAttribute("aria-label", LABELS.keys); else
    /* :i18n */
    el.setAttribute("aria-label", "Map: use the arrow keys to pan, + and - to zoom; Tab reaches the markers");
    return map;
  }

  /* The view holding every place and its circle of uncertainty. */
  function fitTo(map, places, ids) {
    if (!ids.length) { map.setView([20, 0], 1); return; }
    var bounds = L.latLngBounds([]);
    ids.forEach(function (i) {
      var pl = places[i], at = L.latLng(pl.lat, pl.lon);
      bounds.extend(pl.r ? at.toBounds(pl.r * 2) : at);
    });
    if (ids.length === 1 && !places[ids[0]].r) map.setView([places[ids[0]].lat, places[ids[0]].lon], 6);
    else map.fitBounds(bounds, { padding: [40, 40], maxZoom: 8 });
  }

  /* Groups (one per place) -> clusters at the current zoom: greedily, the busiest places first, a
     place joins the first cluster whose first place is less than CELL pixels away. */
  function clusters(map, places, groups) {
    var zoom = map.getZoom(), out = [];
    var order = groups.slice().sort(function (x, y) { return y.events.length - x.events.length || x.p - y.p; });
    for (var i = 0; i < order.length; i++) {
      var g = order[i], pl = places[g.p], pt = map.project([pl.lat, pl.lon], zoom), c = null;
      for (var k = 0; k < out.length && !c; k++) {
        if (Math.abs(out[k].x - pt.x) < CELL && Math.abs(out[k].y - pt.y) < CELL) c = out[k];
      }
      if (!c) { c = { groups: [], count: 0, x: pt.x, y: pt.y }; out.push(c); }
      c.groups.push(g);
      c.count += g.events.length;
    }
    return out;
  }

  function markerLabel(pl, n) {
    return pl.t + ": " + plural(n, "event") + " (" + SHAPE_TEXT[pl.g] + ")";
  }

  function addMarker(layer, latlng, cls, big, onSelect) {
    var size = big ? 30 : 18;
    var icon = L.divIcon({ className: "tm-marker " + cls, html: "", iconSize: [size, size] });
    var m = L.marker(latlng, { icon: icon, keyboard: true, riseOnHover: true }).addTo(layer);
    m.on("click", onSelect);
    m.on("keypress", function (e) {  /* Enter or Space on a focused marker (Leaflet only handles Enter for popups) */
      var key = e.originalEvent.key;
      if (key === "Enter" || key === " ") { e.originalEvent.preventDefault(); onSelect(); }
    });
    return m;
  }

  function clusterEvents(c) { return [].concat.apply([], c.groups.map(function (g) { return g.events; })); }

  /* One marker (and its circle of uncertainty) for a cluster; entry.c is the cluster it shows now. */
  function makeEntry(ctx, c) {
    var map = ctx.map, places = ctx.places, entry = { c: c, layers: [] };
    if (c.groups.length === 1) {
      var pl = places[c.groups[0].p];
      if (pl.g !== "point") {
        entry.layers.push(L.circle([pl.lat, pl.lon], { radius: pl.r, interactive: false, className: "tm-circle tm-circle-" + pl.g }).addTo(ctx.layer));
      }
      entry.marker = addMarker(ctx.layer, [pl.lat, pl.lon], "tm-shape tm-shape-" + pl.g, c.count > 1, function () {
        ctx.select(entry.c.groups[0].events, pl);
      });
    } else {
      var lat = 0, lon = 0;
      c.groups.forEach(function (g) { lat += places[g.p].lat; lon += places[g.p].lon; });
      entry.marker = addMarker(ctx.layer, [lat / c.groups.length, lon / c.groups.length], "tm-shape tm-shape-cluster", true, function () {
        var bounds = L.latLngBounds(entry.c.groups.map(function (g) { return [places[g.p].lat, places[g.p].lon]; })).pad(0.3);
        if (Math.min(map.getBoundsZoom(bounds), map.getMaxZoom()) > map.getZoom()) map.fitBounds(bounds);
        else ctx.select(clusterEvents(entry.c), null);
      });
    }
    entry.layers.push(entry.marker);
    return entry;
  }

  function labelEntry(ctx, entry) {
    var c = entry.c, places = ctx.places, label;
    if (c.groups.length === 1) {
      label = markerLabel(places[c.groups[0].p], c.count);
    } else {
      var names = [];
      c.groups.forEach(function (g) { if (names.indexOf(places[g.p].t) < 0) names.push(places[g.p].t); });
      /* i18n: */ if (LABELS) label = fill(LABELS.cluster, { events: plural(c.count, "event"), places: plural(c.groups.length, "place"), names: names.join(LABELS.comma) }); else
      /* :i18n */
      label = plural(c.count, "event") + " at " + plural(c.groups.length, "place") + ": " + names.join(", ") + "; zoom in";
    }
    var el = entry.marker.getElement();
    if (!el || el.getAttribute("data-count") === String(c.count)) return;
    el.textContent = c.count > 1 ? String(c.count) : "";
    el.setAttribute("aria-label", label);
    el.title = label;
    el.setAttribute("data-count", String(c.count));
  }

  /* Markers are kept between updates when their cluster keeps its places: a brush only changes counts. */
  function drawMarkers(ctx, groups) {
    var zoom = ctx.map.getZoom(), old = ctx.drawn || {}, now = {};
    clusters(ctx.map, ctx.places, groups).forEach(function (c) {
      var ids = c.groups.map(function (g) { return g.p; }).sort(function (x, y) { return x - y; });
      var key = zoom + "|" + ids.join(",") + (c.groups.length === 1 && c.count > 1 ? "+" : "");
      var entry = old[key];
      if (entry) delete old[key];
      else entry = makeEntry(ctx, c);
      entry.c = c;
      labelEntry(ctx, entry);
      now[key] = entry;
    });
    Object.keys(old).forEach(function (k) { old[k].layers.forEach(function (l) { ctx.layer.removeLayer(l); }); });
    ctx.drawn = now;
  }

  function groupsOf(events, shown) {
    var byPlace = {}, out = [];
    for (var i = 0; i < events.length; i++) {
      if (shown && !shown[i]) continue;
      var p = events[i].p, g = byPlace[p];
      if (!g) { g = byPlace[p] = { p: p, events: [] }; out.push(g); }
      g.events.push(i);
    }
    return out;
  }

  /* ------------------------------------------------------------ mini-maps */
  function miniMap(root) {
    var data = JSON.parse(root.querySelector(".tm-data").textContent);
    var canvas = root.querySelector(".tm-canvas");
    var map = makeMap(root, canvas);
    var ctx = { map: map, places: data.places, layer: L.layerGroup().addTo(map) };
    var groups = groupsOf(data.events, null);
    data.places.forEach(function (pl, i) {  /* a place page with no placed events still shows where it is */
      if (!pl.n) groups.push({ p: i, events: [] });
    });
    ctx.select = function (ids, pl) {
      var box = document.createElement("div");
      if (pl) {
        var h = document.createElement("a");
        h.href = pl.u; h.textContent = pl.t; h.className = "tm-popup-place";
        box.appendChild(h);
      }
      var ul = document.createElement("ul");
      ids.forEach(function (i) {
        var ev = data.events[i], li = document.createElement("li"), a = document.createElement("a");
        a.href = ev.u; a.textContent = ev.t;
        li.appendChild(document.createTextNode(ev.d + ": "));
        li.appendChild(a);
        ul.appendChild(li);
      });
      if (ids.length) box.appendChild(ul);
      var at = pl ? [pl.lat, pl.lon] : map.getCenter();
      L.popup({ maxWidth: 280 }).setLatLng(at).setContent(box).openOn(map);
    };
    fitTo(map, data.places, data.places.map(function (_, i) { return i; }));
    map.on("zoomend", function () { drawMarkers(ctx, groups); });
    drawMarkers(ctx, groups);
  }

  /* ------------------------------------------------------------ /map/ */
  function Axis(state) {
    this.state = state;
    this.hist = document.getElementById("tm-hist");
    this.rangeEl = document.getElementById("tm-axis-range");
    this.stack = [];
    this.cursor = 0;
    this.bins = [];
    this.brushEl = null;
  }

  Axis.prototype.unitFor = function (span) { return span > 800 ? "year" : span > 62 ? "month" : "day"; };

  /* The bins covering [d0, d1): each {u: unit index, start, end} in days. */
  Axis.prototype.makeBins = function () {
    var d0 = this.d0, d1 = this.d1, unit = this.unit = this.unitFor(d1 - d0), bins = [];
    var t = dateOf(d0), y = t.getUTCFullYear(), m = t.getUTCMonth();
    if (unit === "day") {
      for (var d = d0; d < d1; d++) bins.push({ u: d, start: d, end: d + 1 });
    } else if (unit === "month") {
      for (var k = y * 12 + m; dayOf(Math.floor(k / 12), k % 12, 1) < d1; k++) {
        bins.push({ u: k, start: dayOf(Math.floor(k / 12), k % 12, 1), end: dayOf(Math.floor((k + 1) / 12), (k + 1) % 12, 1) });
      }
    } else {
      for (var yy = y; dayOf(yy, 0, 1) < d1; yy++) bins.push({ u: yy, start: dayOf(yy, 0, 1), end: dayOf(yy + 1, 0, 1) });
    }
    this.bins = bins;
    this.u0 = bins.length ? bins[0].u : 0;
  };

  Axis.prototype.setDomain = function (d0, d1) {
    var span = d1 - d0, unit = this.unitFor(span);
    var a = dateOf(d0), b = dateOf(d1 - 1);
    if (unit === "year") { d0 = dayOf(a.getUTCFullYear(), 0, 1); d1 = dayOf(b.getUTCFullYear() + 1, 0, 1); }
    if (unit === "month") { d0 = dayOf(a.getUTCFullYear(), a.getUTCMonth(), 1); d1 = dayOf(b.getUTCFullYear(), b.getUTCMonth() + 1, 1); }
    this.d0 = d0; this.d1 = d1;
    this.makeBins();
    this.cursor = Math.min(this.cursor, this.bins.length - 1);
  };

  Axis.prototype.unitRange = function (ev) {
    if (this.unit === "year") return [ev.sy, ev.ey];
    if (this.unit === "month") return [ev.sm, ev.em];
    return [ev.s, ev.e - 1];
  };

  Axis.prototype.binLabel = function (bin, long) {
    var t = dateOf(bin.start);
    if (this.unit === "year") return String(t.getUTCFullYear());
    var opts = this.unit === "month" ? { month: long ? "long" : "short", year: "numeric", timeZone: "UTC" }
      : { day: "numeric", month: long ? "long" : "short", year: long ? "numeric" : undefined, timeZone: "UTC" };
    var key = this.unit + (long ? "L" : "S"), fmt = FORMATS[key];
    try {
      if (!fmt) fmt = FORMATS[key] = new Intl.DateTimeFormat(lang, opts);  /* one formatter per kind: they are costly to make */
      return fmt.format(t);
    } catch (e) { return isoDay(bin.start); }
  };

  /* Counts per bin of the events passing the facets and the map view: exact, spanning, approximate. */
  Axis.prototype.count = function (events, pass) {
    var n = this.bins.length, counts = new Array(n);
    for (var b = 0; b < n; b++) counts[b] = [0, 0, 0];
    for (var i = 0; i < events.length; i++) {
      if (!pass[i]) continue;
      var ev = events[i], r = this.unitRange(ev);
      var lo = Math.max(r[0] - this.u0, 0), hi = Math.min(r[1] - this.u0, n - 1);
      var kind = ev.a ? 2 : (r[0] === r[1] ? 0 : 1);
      for (var j = lo; j <= hi; j++) counts[j][kind]++;
    }
    return counts;
  };

  /* Bars are built once per domain and updated in place (a double click keeps its target). */
  Axis.prototype.build = function () {
    var self = this, every = Math.max(1, Math.ceil(this.bins.length / 8));
    var cols = document.createElement("div");
    cols.className = "tm-bars";
    this.barEls = this.bins.map(function (bin, i) {
      var bar = document.createElement("button");
      bar.type = "button";
      bar.className = "tm-bar";
      bar.setAttribute("data-i", String(i));
      var segs = ["tm-exact", "tm-span", "tm-approx"].map(function (cls) {
        var s = document.createElement("span");
        s.className = "tm-seg " + cls;
        bar.appendChild(s);
        return s;
      });
      var label = document.createElement("span");
      label.className = "tm-tick";
      label.setAttribute("aria-hidden", "true");
      if (i % every === 0) label.textContent = self.binLabel(bin, false);
      bar.appendChild(label);
      cols.appendChild(bar);
      return { el: bar, segs: segs, text: self.binLabel(bin, true) };
    });
    this.hist.textContent = "";
    this.hist.appendChild(cols);
    this.builtFor = this.d0 + ":" + this.d1;
  };

  Axis.prototype.render = function (events, pass) {
    if (this.builtFor !== this.d0 + ":" + this.d1) this.build();
    var counts = this.count(events, pass), bins = this.bins, self = this, max = 1;
    counts.forEach(function (c) { max = Math.max(max, c[0] + c[1] + c[2]); });
    this.barEls.forEach(function (bar, i) {
      var c = counts[i], total = c[0] + c[1] + c[2], on = self.inBrush(bins[i]);
      var text = bar.text + ": " + plural(total, "event");
      /* i18n: */ if (c[1] && LABELS) text += LABELS.comma + fill(LABELS.spanning, { n: c[1] }); else
      /* :i18n */
      if (c[1]) text += ", " + c[1] + " known only to a longer period or spanning it";
      /* i18n: */ if (c[2] && LABELS) text += LABELS.comma + fill(LABELS.approximate, { n: c[2] }); else
      /* :i18n */
      if (c[2]) text += ", " + c[2] + " approximate";
      var el = bar.el;
      if (el.getAttribute("aria-label") !== text) { el.setAttribute("aria-label", text); el.title = text; }
      el.classList.toggle("is-selected", on);
      el.setAttribute("aria-pressed", on ? "true" : "false");
      el.tabIndex = i === self.cursor ? 0 : -1;
      for (var k = 0; k < 3; k++) {
        bar.segs[k].hidden = !c[k];
        bar.segs[k].style.height = (c[k] / max * 100) + "%";
      }
    });
    var unitText = { year: "per year", month: "per month", day: "per day" }[this.unit];
    var b = this.state.brush;
    /* i18n: */ if (LABELS) this.rangeEl.textContent = bins.length ? (this.binLabel(bins[0], true) + " – " + this.binLabel(bins[bins.length - 1], true) +
      LABELS.comma + LABELS.per[this.unit] + (b ? LABELS.semicolon + fill(LABELS.range, { from: isoDay(b[0]), to: isoDay(b[1] - 1) }) : "")) : ""; else
    /* :i18n */
    this.rangeEl.textContent = bins.length ? (this.binLabel(bins[0], true) + " – " + this.binLabel(bins[bins.length - 1], true) +
      ", " + unitText + (b ? "; selected: " + isoDay(b[0]) + " to " + isoDay(b[1] - 1) : "")) : "";
    document.getElementById("tm-zoom-out").disabled = !this.stack.length;
    document.getElementById("tm-clear").disabled = !b;
  };

  Axis.prototype.inBrush = function (bin) {
    var b = this.state.brush;
    return !!b && bin.start < b[1] && bin.end > b[0];
  };

  Axis.prototype.binAt = function (clientX) {
    var rect = this.hist.getBoundingClientRect(), n = this.bins.length;
    var x = document.documentElement.dir === "rtl" ? rect.right - clientX : clientX - rect.left;
    return Math.max(0, Math.min(n - 1, Math.floor(x / rect.width * n)));
  };

  Axis.prototype.brushBins = function (i, j) {
    var a = Math.min(i, j), b = Math.max(i, j);
    this.state.setBrush([this.bins[a].start, this.bins[b].end]);
  };

  Axis.prototype.zoomTo = function (d0, d1) {
    if (d1 - d0 < 1) return;
    this.stack.push([this.d0, this.d1]);
    this.setDomain(d0, d1);
    this.state.update();
  };

  Axis.prototype.zoomOut = function () {
    var prev = this.stack.pop();
    if (prev) { this.setDomain(prev[0], prev[1]); this.state.update(); }
  };

  Axis.prototype.focusBar = function (i) {
    this.cursor = Math.max(0, Math.min(this.bins.length - 1, i));
    var self = this;
    this.barEls.forEach(function (bar, k) { bar.el.tabIndex = k === self.cursor ? 0 : -1; });
    if (this.barEls[this.cursor]) this.barEls[this.cursor].el.focus();
  };

  Axis.prototype.wire = function () {
    var self = this, hist = this.hist, drag = null;
    hist.addEventListener("pointerdown", function (e) {
      if (e.button !== 0 || !self.bins.length) return;
      drag = { from: self.binAt(e.clientX), to: null, x: e.clientX };
      hist.setPointerCapture(e.pointerId);
    });
    hist.addEventListener("pointermove", function (e) {
      if (!drag || Math.abs(e.clientX - drag.x) < 4) return;
      var i = self.binAt(e.clientX);
      if (i !== drag.to) { drag.to = i; self.brushBins(drag.from, i); }
    });
    hist.addEventListener("pointerup", function (e) {
      if (!drag) return;
      var moved = drag.to !== null;
      var i = drag.from;
      drag = null;
      if (!moved) { self.cursor = i; self.selectBar(i); }
    });
    hist.addEventListener("dblclick", function (e) {
      var bin = self.bins[self.binAt(e.clientX)];
      if (bin && self.unit !== "day") self.zoomTo(bin.start, bin.end);
    });
    hist.addEventListener("keydown", function (e) {
      var i = self.cursor, n = self.bins.length, rtl = document.documentElement.dir === "rtl";
      var step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[e.key];
      if (step) {
        e.preventDefault();
        if (e.shiftKey) {
          if (self.anchor == null) self.anchor = i;
          self.cursor = Math.max(0, Math.min(n - 1, i + step));
          self.brushBins(self.anchor, self.cursor);
          self.focusBar(self.cursor);
        } else { self.anchor = null; self.focusBar(i + step); }
      } else if (e.key === "Home" || e.key === "End") {
        e.preventDefault(); self.focusBar(e.key === "Home" ? 0 : n - 1);
      } else if (e.key === "+" || e.key === "=") {
        e.preventDefault(); self.zoomIn();
      } else if (e.key === "-") {
        e.preventDefault(); self.zoomOut();
      }
    });
    hist.addEventListener("click", function (e) {  /* keyboard activation (Enter, Space) of a bar */
      if (e.detail === 0 && e.target.closest) {
        var bar = e.target.closest(".tm-bar");
        if (bar) { self.anchor = null; self.cursor = +bar.getAttribute("data-i"); self.selectBar(self.cursor); }
      }
    });
    document.getElementById("tm-zoom-in").addEventListener("click", function () { self.zoomIn(); });
    document.getElementById("tm-zoom-out").addEventListener("click", function () { self.zoomOut(); });
    document.getElementById("tm-clear").addEventListener("click", function () { self.state.setBrush(null); });
  };

  Axis.prototype.zoomIn = function () {
    var b = this.state.brush, bin = this.bins[this.cursor];
    if (b) this.zoomTo(Math.max(b[0], this.d0), Math.min(b[1], this.d1));
    else if (bin && this.unit !== "day") this.zoomTo(bin.start, bin.end);
  };

  /* A bar chosen: select its period; a bar holding a single event also opens that event's card. */
  Axis.prototype.selectBar = function (i) {
    var bin = this.bins[i];
    if (!bin) return;
    this.state.setBrush([bin.start, bin.end]);
    var shown = this.state.shownIds();
    if (shown.length === 1) this.state.select(shown, null, true);
    this.focusBar(i);
  };

  function fullMap(root) {
    var data = JSON.parse(document.getElementById("tm-data").textContent);
    var events = data.events, places = data.places;
    var form = document.getElementById("tl-filters");
    var selects = form ? Array.prototype.slice.call(form.querySelectorAll("select[data-facet]")) : [];
    var fromEl = document.getElementById("tm-from"), toEl = document.getElementById("tm-to");
    var inviewEl = document.getElementById("tm-inview");
    var countEl = document.getElementById("tl-count");
    var card = document.getElementById("tm-card");
    var empty = document.getElementById("tm-empty");
    var items = document.querySelectorAll("#tm-list > li");
    var limit = PAGE, moreEl = null;
    if (items.length > PAGE) {  /* without the script every event is listed; with it, a page at a time */
      moreEl = document.createElement("p");
      moreEl.className = "tm-more";
      moreEl.innerHTML = '<span></span> <button type="button">List more</button>';
      /* i18n: */ if (LABELS) moreEl.querySelector("button").textContent = LABELS.listMore;
      /* :i18n */
      moreEl.querySelector("button").addEventListener("click", function () { limit += PAGE; state.update(); });
      document.getElementById("tm-list").insertAdjacentElement("afterend", moreEl);
    }
    var lo = Infinity, hi = -Infinity;
    events.forEach(function (ev, i) {
      var a = dateOf(ev.s), b = dateOf(ev.e - 1);
      ev.sy = a.getUTCFullYear(); ev.ey = b.getUTCFullYear();
      ev.sm = ev.sy * 12 + a.getUTCMonth(); ev.em = ev.ey * 12 + b.getUTCMonth();
      ev.tokens = {};
      (ev.k || "").split(/\s+/).forEach(function (t) { if (t) ev.tokens[t] = true; });
      ev.li = items[i];
      ev.shown = true;
      lo = Math.min(lo, ev.s); hi = Math.max(hi, ev.e);
    });
    var map = makeMap(root, document.getElementById("tm-canvas"));
    var state = { map: map, places: places, layer: L.layerGroup().addTo(map), brush: null };
    var inPlace = places.map(function () { return true; });
    var pass = new Array(events.length);
    var shown = new Array(events.length);
    var axis = new Axis(state);

    function wanted() {
      var out = [];
      selects.forEach(function (s) {
        if (s.value) out.push(s.getAttribute("data-facet") + ":" + s.value);
        s.classList.toggle("is-active", !!s.value);
      });
      return out;
    }

    state.shownIds = function () {
      var out = [];
      for (var i = 0; i < events.length; i++) if (shown[i]) out.push(i);
      return out;
    };

    state.update = function (dragging) {
      var want = wanted(), b = state.brush, visible = 0, n = want.length;
      for (var i = 0; i < events.length; i++) {
        var ev = events[i], ok = inPlace[ev.p];
        for (var k = 0; ok && k < n; k++) if (!ev.tokens[want[k]]) ok = false;
        pass[i] = ok;
        var on = ok && (!b || (ev.s < b[1] && ev.e > b[0]));
        shown[i] = on;
        if (on) visible++;
        /* the list shows the first `limit` matching events: a brush re-lays out a page of them, not thousands */
        var listed = on && visible <= limit;
        if (ev.shown !== listed) { ev.shown = listed; if (ev.li) ev.li.hidden = !listed; }
      }
      if (moreEl) {
        moreEl.hidden = visible <= limit;
        /* i18n: */ if (LABELS) moreEl.querySelector("span").textContent = fill(LABELS.first, { limit: limit, matching: plural(visible, "matching event") }); else
        /* :i18n */
        moreEl.querySelector("span").textContent = "The first " + limit + " of " + plural(visible, "matching event") + " are listed.";
      }
      drawMarkers(state, groupsOf(events, shown));
      axis.render(events, pass);
      /* i18n: */ if (countEl && LABELS) countEl.textContent = fill(visible === events.length ? LABELS.all : LABELS.some, { visible: visible, events: plural(events.length, "event") }); else
      /* :i18n */
      if (countEl) countEl.textContent = visible === events.length ? "All " + plural(events.length, "event")
        : visible + " of " + plural(events.length, "event");
      if (empty) empty.hidden = visible > 0;
      if (fromEl) { fromEl.value = b ? isoDay(b[0]) : ""; toEl.value = b ? isoDay(b[1] - 1) : ""; }
      clearTimeout(urlTimer);  /* a drag updates many times a second: the address once it settles */
      if (dragging) urlTimer = setTimeout(writeUrl, 150); else writeUrl();
    };
    var urlTimer = null;

    state.setBrush = function (b) {
      state.brush = b;
      state.update(true);
    };

    /* A long list is compact: each item's people, organisations and sources wait in #tm-more (raw text until a
       card first needs them, so 5,000 events do not cost the page thousands of DOM nodes at load). */
    var more = null;
    function moreOf(i) {
      if (more === null) {
        var el = document.getElementById("tm-more");
        more = el ? el.textContent.split("\n") : [];  /* one item per line, "</" written "<\/" (Theme's script_line) */
      }
      return (more[i] || "").replace(/<\\\//g, "</");
    }

    state.select = function (ids, pl, quiet) {
      card.textContent = "";
      var head = document.createElement("div");
      head.className = "tm-card-head";
      var h = document.createElement("h2");
      h.textContent = ids.length === 1 ? "Selected event" : (pl ? pl.t + ": " : "") + plural(ids.length, "event");
      var close = document.createElement("button");
      close.type = "button"; close.textContent = "Close"; close.className = "tm-card-close";
      /* i18n: */ if (LABELS) { h.textContent = ids.length === 1 ? LABELS.selected : (pl ? pl.t + LABELS.colon : "") + plural(ids.length, "event"); close.textContent = LABELS.close; }
      /* :i18n */
      close.addEventListener("click", function () { card.hidden = true; });
      head.appendChild(h); head.appendChild(close);
      card.appendChild(head);
      var list = document.createElement("ol");
      list.className = "tm-card-list";
      ids.slice(0, 50).forEach(function (i) {
        var li = document.createElement("li");
        li.innerHTML = events[i].li ? events[i].li.innerHTML + moreOf(i) : "";
        list.appendChild(li);
      });
      card.appendChild(list);
      if (ids.length > 50) {
        var more = document.createElement("p");
        more.textContent = (ids.length - 50) + " more in the list below.";
        /* i18n: */ if (LABELS) more.textContent = fill(LABELS.moreBelow, { n: ids.length - 50 });
        /* :i18n */
        card.appendChild(more);
      }
      card.hidden = false;
      if (!quiet) card.focus();
    };

    function facetQuery() {
      var params = new URLSearchParams();
      selects.forEach(function (s) { if (s.value) params.set(s.getAttribute("data-facet"), s.value); });
      return params;
    }

    function writeUrl() {
      var params = new URLSearchParams(location.search);
      FACET_KEYS.concat(["from", "to"]).forEach(function (k) { params.delete(k); });
      facetQuery().forEach(function (v, k) { params.set(k, v); });
      if (state.brush) { params.set("from", isoDay(state.brush[0])); params.set("to", isoDay(state.brush[1] - 1)); }
      var q = params.toString();
      try { history.replaceState(history.state, "", location.pathname + (q ? "?" + q : "") + location.hash); } catch (e) { /* file:// */ }
      carryFilters(facetQuery().toString());
    }

    function readUrl() {
      var params = new URLSearchParams(location.search);
      selects.forEach(function (s) {
        var v = params.get(s.getAttribute("data-facet")) || "";
        if (s.value !== v) s.value = v;
        if (s.value !== v) s.value = "";  /* an unknown value in the address: ignore it */
      });
      var a = parseDay(params.get("from")), b = parseDay(params.get("to"));
      state.brush = a != null && b != null && b >= a ? [a, b + 1] : null;
    }

    if (form) {
      form.addEventListener("change", function (e) {
        if (e.target === fromEl || e.target === toEl) {
          var a = parseDay(fromEl.value), b = parseDay(toEl.value);
          if (a != null || b != null) state.setBrush([a != null ? a : lo, b != null ? b + 1 : hi]);
          else state.setBrush(null);
        } else if (e.target === inviewEl) {
          onMove();
        } else state.update();
      });
      form.addEventListener("reset", function (e) {
        e.preventDefault();
        selects.forEach(function (s) { s.value = ""; });
        state.brush = null;
        state.update();
      });
      form.addEventListener("submit", function (e) { e.preventDefault(); state.update(); });
    }

    function onMove() {
      var bounds = map.getBounds().pad(0.02), all = !inviewEl || !inviewEl.checked;
      for (var i = 0; i < places.length; i++) inPlace[i] = all || bounds.contains([places[i].lat, places[i].lon]);
      state.update();
    }

    readUrl();
    axis.setDomain(isFinite(lo) ? lo : 0, isFinite(hi) ? hi : 1);
    axis.wire();
    fitTo(map, places, places.map(function (_, i) { return i; }));
    map.on("moveend", onMove);
    window.addEventListener("popstate", function () { readUrl(); state.update(); });
    state.update();
    document.getElementById("tm-list").classList.add("is-managed");  /* after the first update set every item's state */
    root.classList.add("is-ready");
    window.dossierTimemap = { state: state, axis: axis, events: events, readyAt: performance.now() };  /* for tests and benchmarks */
  }

  /* Links to /timeline/ and /map/ carry the chosen facets, so the filtered view moves between them.
     They are found once (a long list holds thousands of other links). */
  var carried = null;
  function carryFilters(query) {
    if (!carried) {
      carried = Array.prototype.filter.call(document.querySelectorAll("header a[href], main a[href$='/timeline/'], main a[href$='/map/']"),
        function (a) { return a.origin === location.origin && /\/(timeline|map)\/$/.test(a.pathname); });
    }
    for (var i = 0; i < carried.length; i++) carried[i].search = query ? "?" + query : "";
  }

  /* Leaflet's stylesheet is loaded here, not in <head>: only the interactive map needs it, and it
     would block the first paint of the page (the static map and the list). */
  function withCss(href, then) {
    var done = false;
    function go() { if (!done) { done = true; then(); } }
    if (!href) { go(); return; }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.onload = go;
    link.onerror = go;
    setTimeout(go, 3000);
    document.head.appendChild(link);
  }

  function start() {
    if (!window.L) return;  /* Leaflet missing: the static map and the list remain */
    var roots = document.querySelectorAll(".timemap[data-mode]");
    if (!roots.length) return;
    withCss(roots[0].getAttribute("data-css"), function () {
      /* After the first frame: the page (the static map and the list) paints before the interactive map is
         built, which is the longest task of the page (Lighthouse's LCP waited for it). */
      requestAnimationFrame(function () { setTimeout(function () {  /* the task after the next frame */
        for (var i = 0; i < roots.length; i++) {
          if (roots[i].getAttribute("data-mode") === "full") fullMap(roots[i]);
          else miniMap(roots[i]);
        }
      }, 0); });
    });
  }

  start();
})();
