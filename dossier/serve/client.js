/* dossier serve: live reload and build-error overlay.
   Injected by the dev server into the HTML it serves; never written into the build.

   - One tab holds the event stream (a Web Lock elects it) and relays events to the
     other tabs over a BroadcastChannel, so many open tabs never use up the
     browser's six connections per host. Without those APIs every tab listens itself.
   - "reload": go to the edited page (--navigate), swap stylesheets when only CSS
     changed, otherwise reload this page if it changed, keeping the scroll position.
   - "error": show an overlay with the message, file:line and the source lines;
     the next good build removes it. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || window.__dossierLive) return;
  window.__dossierLive = true;
  var cfg = me.dataset;
  var token = cfg.token || "";
  var status = cfg.status || "200";
  var navigateOn = cfg.navigate === "1";
  var eventsUrl = cfg.events || "/__dossier/events";
  var SCROLL_KEY = "dossier-serve:scroll";
  var OVERLAY_ID = "dossier-error-overlay";

  function norm(path) {
    try { path = decodeURIComponent(path); } catch (e) { /* keep as is */ }
    return path.replace(/index\.html$/, "");
  }
  function here() { return norm(location.pathname); }

  /* ------------------------------------------------------------ scroll */
  var leaving = false; // a reload or navigation is under way: later events must not cancel it
  function go(url) {
    leaving = true;
    location.assign(url);
  }
  function reloadKeepScroll() {
    leaving = true;
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ path: location.pathname, x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* storage off: the browser's own restoration still helps */ }
    location.reload();
  }
  (function restoreScroll() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null"); sessionStorage.removeItem(SCROLL_KEY); } catch (e) { return; }
    if (!saved || saved.path !== location.pathname) return;
    var go = function () { window.scrollTo(saved.x, saved.y); };
    go();
    if (document.readyState !== "complete") window.addEventListener("load", go, { once: true });
  })();

  /* ------------------------------------------------------------ stylesheets */
  function swapCss(changed) {
    var wanted = {};
    changed.forEach(function (u) { wanted[norm(u)] = true; });
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"]'));
    var hit = links.filter(function (l) { return wanted[norm(new URL(l.href, location.href).pathname)]; });
    if (!hit.length) hit = links; // imported or unknown: refresh them all
    hit.forEach(function (old) {
      var url = new URL(old.href, location.href);
      url.searchParams.set("dossier-reload", String(Date.now()));
      var fresh = old.cloneNode(false);
      fresh.href = url.href;
      var done = function () { if (old.parentNode) old.parentNode.removeChild(old); };
      fresh.addEventListener("load", done, { once: true });
      fresh.addEventListener("error", done, { once: true });
      old.parentNode.insertBefore(fresh, old.nextSibling);
    });
  }

  /* ------------------------------------------------------------ overlay */
  function el(tag, css, text) {
    var e = document.createElement(tag);
    if (css) e.className = css;
    if (text != null) e.textContent = String(text); // never innerHTML: messages quote content
    return e;
  }
  var STYLE =
    ":host{all:initial}" +
    ".back{position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.55);overflow:auto;" +
    "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace;color:#1b1b1b}" +
    ".panel{max-width:60rem;margin:4vh auto;background:#fff;border-top:6px solid #b3261e;padding:1.2rem 1.4rem;" +
    "box-shadow:0 10px 40px rgba(0,0,0,.4)}" +
    "h2{font:600 1.15rem/1.3 system-ui,sans-serif;margin:0 0 .8rem;color:#b3261e}" +
    ".err{margin:0 0 1.2rem}.loc{font-weight:700;color:#0b3d91}.msg{white-space:pre-wrap;margin:.2rem 0 .5rem}" +
    ".hint{color:#555;margin:.2rem 0 .5rem}" +
    "pre{margin:0;background:#f6f4ef;padding:.5rem 0;overflow:auto;border-radius:4px}" +
    ".ln{display:block;padding:0 .8rem;white-space:pre}.ln.mark{background:#fde2e1}" +
    ".n{display:inline-block;min-width:3.5em;color:#777;user-select:none}" +
    ".foot{color:#555;font:13px/1.4 system-ui,sans-serif;margin-top:.8rem}" +
    "button{float:right;font:inherit;font-size:1.3rem;background:none;border:0;cursor:pointer;color:#555}" +
    "@media (prefers-color-scheme: dark){.panel{background:#1e1e1e;color:#eee}.loc{color:#8ab4f8}" +
    "pre{background:#2a2a2a}.ln.mark{background:#5c1f1c}.hint,.foot,.n{color:#aaa}}";

  function hideOverlay() {
    var host = document.getElementById(OVERLAY_ID);
    if (host) host.parentNode.removeChild(host);
  }
  function showOverlay(data) {
    hideOverlay();
    var errors = (data && data.errors) || [];
    var host = el("div");
    host.id = OVERLAY_ID;
    host.setAttribute("role", "alertdialog");
    host.setAttribute("aria-label", "Build error");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("style");
    style.textContent = STYLE;
    root.appendChild(style);
    var back = el("div", "back");
    var panel = el("div", "panel");
    var close = el("button", "close", "\u00d7");
    close.title = "Hide until the next build";
    close.addEventListener("click", hideOverlay);
    panel.appendChild(close);
    panel.appendChild(el("h2", "", "The build failed (" + errors.length + (errors.length === 1 ? " error" : " errors") + ")"));
    errors.forEach(function (e) {
      var box = el("section", "err");
      box.appendChild(el("div", "loc", e.location || e.path || "(no file)"));
      box.appendChild(el("div", "msg", e.code + " " + e.message));
      if (e.hint) box.appendChild(el("div", "hint", e.hint));
      if (e.lines && e.lines.length) {
        var pre = el("pre");
        e.lines.forEach(function (l) {
          var line = el("span", "ln" + (l.mark ? " mark" : ""));
          line.appendChild(el("span", "n", l.n));
          line.appendChild(document.createTextNode(l.text));
          pre.appendChild(line);
        });
        box.appendChild(pre);
      }
      panel.appendChild(box);
    });
    if (data && data.more) panel.appendChild(el("p", "", "\u2026 and " + data.more + " more (see the terminal)"));
    panel.appendChild(el("p", "foot", "The page shows the last good build. Fix the file and save: this overlay closes by itself."));
    back.appendChild(panel);
    root.appendChild(back);
    (document.body || document.documentElement).appendChild(host);
  }

  /* ------------------------------------------------------------ events */
  function onHello(data) {
    if (data.error) showOverlay(data.error); else hideOverlay();
    if (data.token && token && data.token !== token && !data.error) reloadKeepScroll(); // missed a build
  }
  function onReload(data) {
    hideOverlay();
    var changed = data.changed || [];
    if (navigateOn && data.navigate && norm(data.navigate) !== here()) {
      go(data.navigate);
      return;
    }
    if (data.css_only) {
      swapCss(changed);
      token = data.token;
      return;
    }
    var mine = status !== "200" || changed.some(function (u) {
      var p = norm(u);
      return p === here() || /\.(js|mjs|png|jpe?g|gif|webp|avif|svg|woff2?|ttf|otf)$/i.test(p);
    });
    if (mine) reloadKeepScroll(); else token = data.token;
  }
  function dispatch(type, data) {
    if (leaving) return;
    if (type === "hello") onHello(data);
    else if (type === "reload") onReload(data);
    else if (type === "error") showOverlay(data);
  }

  var channel = null;
  var lastHello = null;
  function listen(relay) {
    var source = new EventSource(eventsUrl);
    ["hello", "reload", "error"].forEach(function (type) {
      source.addEventListener(type, function (ev) {
        var data;
        try { data = JSON.parse(ev.data); } catch (e) { return; }
        if (type === "hello") lastHello = data;
        else if (lastHello) {
          lastHello = { token: data.token || lastHello.token, error: type === "error" ? data : null, navigate: lastHello.navigate };
        }
        if (relay && channel) channel.postMessage({ type: type, data: data }); // tell the others first
        dispatch(type, data);
      });
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  var shared = typeof BroadcastChannel === "function" && navigator.locks && typeof navigator.locks.request === "function";
  if (!shared) {
    listen(false);
    return;
  }
  var name = "dossier-serve:" + location.host;
  channel = new BroadcastChannel(name);
  var leader = false;
  channel.onmessage = function (ev) {
    var msg = ev.data || {};
    if (msg.type === "sync") {
      if (leader && lastHello) channel.postMessage({ type: "hello", data: lastHello });
      return;
    }
    if (!leader) dispatch(msg.type, msg.data);
  };
  navigator.locks.request(name, function () {
    if (leaving) return null; // this page is going away: let another tab lead
    leader = true;
    listen(true);
    return new Promise(function () { /* held until this page goes away */ });
  }).catch(function () { listen(false); });
  channel.postMessage({ type: "sync" }); // a follower asks the leader for the current state
})();
