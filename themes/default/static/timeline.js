/* dossier — timeline filters.
   The timeline page works without JavaScript; this script only filters it.
   Each event (.tl-event) carries data-filter="person:slug place:slug organization:slug tag:name".
   Choosing values in the select[data-facet] menus shows only the events that carry every
   chosen facet:value; months and years left empty are hidden. The choice is kept in the
   address (?person=ahmad-massoud&tag=resistance) so a filtered view can be shared.
   No dependencies; one pass over the events per change (fast with thousands of events). */
(function () {
  "use strict";

  var form = document.getElementById("tl-filters");
  if (!form) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));
  if (!selects.length) return;
  var countEl = document.getElementById("tl-count");

  /* Index the page once: years > months > events, each event with its set of tokens. */
  var years = [];
  var total = 0;
  Array.prototype.forEach.call(document.querySelectorAll(".timeline .tl-year"), function (yearEl) {
    var months = [];
    Array.prototype.forEach.call(yearEl.querySelectorAll(".tl-month"), function (monthEl) {
      var events = [];
      Array.prototype.forEach.call(monthEl.querySelectorAll(".tl-event"), function (ev) {
        var tokens = Object.create(null);
        var raw = (ev.getAttribute("data-filter") || "").split(/\s+/);
        for (var i = 0; i < raw.length; i++) if (raw[i]) tokens[raw[i]] = true;
        events.push({ el: ev, tokens: tokens, shown: !ev.hidden });
      });
      total += events.length;
      months.push({ el: monthEl, events: events, shown: !monthEl.hidden });
    });
    years.push({ el: yearEl, months: months, shown: !yearEl.hidden });
  });

  function setShown(item, shown) {
    if (item.shown !== shown) {      /* touch the DOM only when something changes */
      item.shown = shown;
      item.el.hidden = !shown;
    }
  }

  function chosen() {
    var wanted = [];
    for (var i = 0; i < selects.length; i++) {
      var s = selects[i];
      if (s.value) wanted.push(s.getAttribute("data-facet") + ":" + s.value);
      s.classList.toggle("is-active", !!s.value);
    }
    return wanted;
  }

  function plural(n) { return n === 1 ? " event" : " events"; }

  function apply() {
    var wanted = chosen();
    var n = wanted.length;
    var visible = 0;
    for (var y = 0; y < years.length; y++) {
      var year = years[y];
      var yearVisible = 0;
      for (var m = 0; m < year.months.length; m++) {
        var month = year.months[m];
        var monthVisible = 0;
        for (var e = 0; e < month.events.length; e++) {
          var ev = month.events[e];
          var ok = true;
          for (var k = 0; k < n; k++) {
            if (!ev.tokens[wanted[k]]) { ok = false; break; }
          }
          setShown(ev, ok);
          if (ok) monthVisible++;
        }
        setShown(month, monthVisible > 0);
        yearVisible += monthVisible;
      }
      setShown(year, yearVisible > 0);
      visible += yearVisible;
    }
    if (countEl) {
      /* i18n: pages in another language than English carry their labels (data-all, data-some, data-none);
         left out of English single-language sites (render/languages.py) */
      var label = countEl.getAttribute(n ? (visible ? "data-some" : "data-none") : "data-all");
      if (label) { countEl.textContent = label.replace("{visible}", visible); return wanted; }
      /* :i18n */
      countEl.textContent = n
        ? visible + " of " + total + plural(total) + (visible ? "" : ": no event matches all of these filters")
        : "All " + total + plural(total);
    }
    return wanted;
  }

  function writeUrl() {
    if (!window.history || !history.replaceState) return;
    var params = new URLSearchParams(location.search);
    for (var i = 0; i < selects.length; i++) {
      var s = selects[i];
      var name = s.getAttribute("data-facet");
      if (s.value) params.set(name, s.value); else params.delete(name);
    }
    var query = params.toString();
    try {
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    } catch (e) { /* some browsers refuse this on file:// pages; filtering still works */ }
    carryFilters();
  }

  /* Links to /timeline/ and /map/ carry the chosen facets (the same names on both pages), so
     the filtered view moves from one to the other. */
  function carryFilters() {
    var params = new URLSearchParams();
    for (var i = 0; i < selects.length; i++) {
      if (selects[i].value) params.set(selects[i].getAttribute("data-facet"), selects[i].value);
    }
    var query = params.toString();
    if (!carried) {  /* found once: a long timeline holds thousands of other links */
      carried = Array.prototype.filter.call(document.querySelectorAll("header a[href], main a[href$='/timeline/'], main a[href$='/map/']"),
        function (a) { return a.origin === location.origin && /\/(timeline|map)\/$/.test(a.pathname); });
    }
    for (var j = 0; j < carried.length; j++) carried[j].search = query ? "?" + query : "";
  }
  var carried = null;

  function readUrl() {
    var params = new URLSearchParams(location.search);
    for (var i = 0; i < selects.length; i++) {
      var s = selects[i];
      var value = params.get(s.getAttribute("data-facet")) || "";
      s.value = value;
      if (s.value !== value) s.value = "";   /* an unknown value in the address: ignore it */
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.matches && event.target.matches("select[data-facet]")) {
      apply();
      writeUrl();
    }
  });

  form.addEventListener("reset", function (event) {
    event.preventDefault();
    for (var i = 0; i < selects.length; i++) selects[i].value = "";
    apply();
    writeUrl();
    selects[0].focus();
  });

  /* No submit: pressing Enter in the form just re-applies the filters. */
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
    writeUrl();
  });

  window.addEventListener("popstate", function () { readUrl(); apply(); });

  readUrl();
  apply();
  carryFilters();
})();
