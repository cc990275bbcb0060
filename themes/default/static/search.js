/* The /search/ page: a small client of Pagefind's JavaScript API (the index is
   built into /pagefind/ by `dossier build`). Everything is local; excerpts are
   copied as text, only Pagefind's <mark> highlighting is kept. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var unavailable = document.getElementById("search-unavailable");
  var LIMIT = 20;
  var pagefind = null;
  var seq = 0;
  var timer = null;

  function fail() {
    form.hidden = true;
    unavailable.hidden = false;
    status.textContent = "";
  }

  function excerptNodes(html) {
    // Parse in an inert document and keep only text and <mark>.
    var doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    var frag = document.createDocumentFragment();
    (function walk(node, into) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) {
          into.appendChild(document.createTextNode(child.nodeValue));
        } else if (child.nodeType === 1 && child.nodeName === "MARK") {
          var m = document.createElement("mark");
          walk(child, m);
          into.appendChild(m);
        } else if (child.nodeType === 1) {
          walk(child, into);
        }
      });
    })(doc.body, frag);
    return frag;
  }

  function show(results, query) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      li.className = "search-result";
      var h = document.createElement("h2");
      h.className = "search-result-title";
      var a = document.createElement("a");
      a.href = r.url;
      a.dir = "auto";
      a.textContent = (r.meta && r.meta.title) || r.url;
      h.appendChild(a);
      li.appendChild(h);
      if (r.meta && r.meta.kind) {
        var k = document.createElement("p");
        k.className = "kicker";
        k.textContent = r.meta.kind;
        li.appendChild(k);
      }
      var p = document.createElement("p");
      p.className = "search-excerpt";
      p.dir = "auto";
      p.appendChild(excerptNodes(r.excerpt || ""));
      li.appendChild(p);
      list.appendChild(li);
    });
  }

  async function run(query) {
    var mine = ++seq;
    query = query.trim();
    var url = new URL(location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    if (!pagefind) return;
    var search = await pagefind.search(query);
    if (mine !== seq) return;
    var shown = search.results.slice(0, LIMIT);
    var data = await Promise.all(shown.map(function (r) { return r.data(); }));
    if (mine !== seq) return;
    show(data, query);
    var n = search.results.length;
    /* i18n: labels of non-English pages (left out of English single-language sites, render/languages.py) */
    var none = form.getAttribute("data-none"), some = form.getAttribute("data-some");
    if (none && some) {
      status.textContent = (n === 0 ? none : some).replace("{query}", "\u2068" + query + "\u2069").replace("{count}", n) +
        (n > LIMIT ? " " + form.getAttribute("data-first").replace("{limit}", LIMIT) : "");
      return;
    }
    /* :i18n */
    status.textContent = n === 0 ? "No results for “" + query + "”." :
      n + (n === 1 ? " result" : " results") + " for “" + query + "”" + (n > LIMIT ? ", showing the first " + LIMIT + "." : ".");
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); run(input.value); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
  });

  (async function () {
    try {
      pagefind = await import(form.getAttribute("data-pagefind"));
      await pagefind.options({ baseUrl: form.getAttribute("data-base") || "/", excerptLength: 24 });
      await pagefind.init();
    } catch (e) {
      pagefind = null;
      fail();
      return;
    }
    var q = new URLSearchParams(location.search).get("q");
    if (q && !input.value) input.value = q;
    if (input.value) run(input.value);
  })();
})();
