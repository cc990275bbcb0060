"""Route -> View: the plain data one page needs. Templates get views, never the graph.

Each view also declares ``shows``: the documents whose cards it displays.
That set is the dependency record incremental rebuilds use.
"""
from __future__ import annotations

import heapq
import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..dates import format_date, format_range
from ..model import CLAIM_STATUSES, ENTITY_KINDS, FOLDERS, KIND_LABELS, KINDS, Document, DocId, Event, Route, Site, SourceRef
from ..i18n import N_, is_rtl
from ..names import slugify, sort_key
from ..parse.markdown import SLOT_RE
from ..resolve.cards import SUMMARY_CHARS, truncate  # noqa: F401  (re-exported)
from ..parse.refs import ASSET_SCHEME
from .assets import fill_assets
from .view import View, events_show  # noqa: F401  (View re-exported)

STATUS_TEXT = {
    "unverified": N_("Not yet checked against independent sources."),
    "disputed": N_("Credible sources disagree; the claim is contested."),
    "denied": N_("The person or group concerned has denied it."),
    "false": N_("Checked and found to be untrue."),
    "misleading": N_("Contains some truth but gives a wrong impression."),
    "confirmed": N_("Checked and supported by independent sources."),
}
# What a reader sees for each status (the status keeps its English name in class names and URLs).
STATUS_LABEL = {
    "unverified": N_("unverified"),
    "disputed": N_("disputed"),
    "denied": N_("denied"),
    "false": N_("false"),
    "misleading": N_("misleading"),
    "confirmed": N_("confirmed"),
}
NAV = (
    (N_("Articles"), "articles/"), (N_("People"), "people/"), (N_("Places"), "places/"),
    (N_("Organisations"), "organizations/"), (N_("Events"), "events/"), (N_("Timeline"), "timeline/"), (N_("Map"), "map/"),
    (N_("Claims"), "claims/"), (N_("Search"), "search/"),
)
FACET_LABELS = {"person": N_("Person"), "place": N_("Place"), "organization": N_("Organisation"), "tag": N_("Tag")}
MONTH_UNKNOWN = N_("Date within the year unknown")
# Facts a translation takes from its original when it does not state them (the rest is text in its language).
SHARED_FACTS = frozenset({"born", "died", "coordinates", "within", "affiliations", "founded", "date", "end", "approximate",
                          "place", "location_precision", "casualties", "status", "claimant", "rebutted_by", "people",
                          "places", "organizations", "sensitive"})
# Front-matter fields as backlinks name them ("listed in sources"): the English text is the key itself.
FIELD_NAMES = {k: k for k in (
    N_("people"), N_("places"), N_("organizations"), N_("events"), N_("claims"), N_("sources"), N_("affiliations"),
    N_("within"), N_("place"), N_("claimant"), N_("rebutted_by"))}
LOCATION_PRECISIONS = {k: k for k in (N_("exact"), N_("town"), N_("district"), N_("province"), N_("country"), N_("region"))}




def _event_index(events) -> tuple[dict, dict, dict, dict]:
    """(by id, by the document that defines them, by the documents they name, by tag); never changed once made."""
    by_id: dict[str, Event] = {}
    by_origin: dict[DocId, list[Event]] = defaultdict(list)
    of: dict[DocId, list[Event]] = defaultdict(list)
    by_tag: dict[str, list[Event]] = defaultdict(list)
    for ev in events:
        by_id[ev.id] = ev
        by_origin[ev.origin].append(ev)
        for d in dict.fromkeys((*ev.people, *ev.organizations, *((ev.place,) if ev.place else ()), *ev.sources)):
            of[d].append(ev)
        for t in dict.fromkeys(slugify(t) for t in ev.tags):
            by_tag[t].append(ev)
    return dict(by_id), dict(by_origin), dict(of), dict(by_tag)


class ViewsMemo:
    """What the views of one build keep for the next one (serve's live builder, ``Builder.views_memo``):
    indexes over the whole site, made again only for what changed.

    * ``events``: (the events, their index: :func:`_event_index`), reused while the site's list holds the very
      same events (a save that changed none);
    * the entity set of each article (the people, places and organisations it names, as resolved:
      ``Views._entity_set``) and, from them, the articles naming each entity (``related articles``). An
      article's set is made again when its document or its link unit (``Resolution.links``: the links
      resolved again after a name appeared or went) is not the very object of the last build;
    * ``feeds``: the articles the feeds may show, in order (``feeds._newest_first``).

    Only single-language dossiers keep entity sets (``links`` given); the rest is made whole per build."""

    def __init__(self):
        self.events: tuple = ((), None)
        self._sets: dict[DocId, tuple] = {}  # article id -> (document, link unit, entity set)
        self._articles_of: dict[DocId, set] = {}  # entity -> ids of the articles naming it
        self.feeds: dict = {}  # feeds._newest_first's: the articles of the feeds and their order

    def event_index(self, events) -> tuple[dict, dict, dict, dict]:
        kept, index = self.events
        if index is None or len(kept) != len(events) or any(a is not b for a, b in zip(kept, events)):
            index = _event_index(events)
            self.events = (tuple(events), index)
        return index

    def articles_of_entity(self, views: "Views", links) -> tuple[dict[DocId, set], dict[DocId, frozenset]]:
        """(entity -> the ids of the articles naming it, article id -> its entity set), for ``views``' site."""
        sets, articles_of = self._sets, self._articles_of
        current = set()
        for doc in views.site.documents.values():
            if doc.kind != "article":
                continue
            current.add(doc.id)
            unit = links.get(doc.id)
            if self._still(sets.get(doc.id), doc, unit):
                continue
            self._forget(doc.id)
            found = views._entity_set(doc)
            sets[doc.id] = (doc, unit, found)
            for entity in found:
                articles_of.setdefault(entity, set()).add(doc.id)
        for doc_id in sets.keys() - current:
            self._forget(doc_id)
        return articles_of, {doc_id: kept[2] for doc_id, kept in sets.items()}

    @staticmethod
    def _still(kept: tuple | None, doc: Document, unit) -> bool:
        """The kept entity set still holds: made from this very document and link unit."""
        return kept is not None and unit is not None and kept[0] is doc and kept[1] is unit

    def _forget(self, doc_id: DocId) -> None:
        kept = self._sets.pop(doc_id, None)
        if kept is None:
            return
        for entity in kept[2]:
            ids = self._articles_of.get(entity)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del self._articles_of[entity]


class _Listings:
    """Document ids by kind, in listing order: each kind is sorted when first asked for."""

    def __init__(self, key):
        self._ids: dict[str, list[DocId]] = defaultdict(list)
        self._sorted: set[str] = set()
        self._key = key

    def add(self, kind: str, doc_id: DocId) -> None:
        self._ids[kind].append(doc_id)

    def get(self, kind: str, default=None):
        ids = self._ids.get(kind)
        if ids is None:
            return default
        if kind not in self._sorted:
            ids.sort(key=self._key)
            self._sorted.add(kind)
        return ids


class Views:
    """Builds views for one Site. Cards are computed once per build and shared."""

    def __init__(self, site: Site, page_views=None, language: str | None = None, memo: ViewsMemo | None = None,
                 links=None):
        """``page_views``: template -> view function for routes without a document
        (``render.registry.PAGE_VIEWS``; without it only document pages and the 404 page);
        ``language``: the language of the pages (a multilingual dossier's; the site's by default);
        ``memo``: indexes kept from the last build's views (:class:`ViewsMemo`; a new one by default);
        ``links``: ``Resolution.links`` of the site (a single-language dossier's), which the memo's entity sets
        are checked against."""
        self.site = site
        self.memo = memo if memo is not None else ViewsMemo()
        self.links = links
        self.page_views = page_views or {}
        self.config = site.config
        self.tr = site.translations  # None unless the dossier has languages:
        self.language = language or site.config.language
        self._set_language()
        self._other_languages: dict[str, "Views"] = {}
        self._cards: dict[DocId, dict] = {}
        self._listing_keys: dict[DocId, tuple] = {}
        self._by_kind = _Listings(self._listing_key)
        for doc in site.documents.values():
            if self._own_language(doc.id):  # lists show this language's pages
                self._by_kind.add(doc.kind, doc.id)
        self._entities: dict[DocId, frozenset] = {}
        self._tags: dict[DocId, frozenset] = {}
        self._event_items: dict[str, tuple[Event, dict]] = {}
        self.nav = self._nav()
        self.site_view = {
            **self._site_text(),
            "language": self.language,
            "base_url": self.config.base_url,
            "prefix": self.config.prefix,
            "author": self.config.author,
            "nav": self.nav,
            "home": self.url(self.folder),
            "pages": [self.card(i) for i in self._by_kind.get("page", []) if site.urls.get(i)],
        }

    def __getattr__(self, name: str):
        """The indexes of ``_LAZY``, made on first use (a save renders a few pages, which need few of them)."""
        make = _LAZY.get(name)
        if make is None:
            raise AttributeError(name)
        getattr(self, make)()
        return self.__dict__[name]

    def _index_relations(self) -> None:
        """Places within each place; the articles naming each person, place and organisation."""
        site = self.site
        self._children: dict[DocId, list[DocId]] = defaultdict(list)  # place -> places within it
        self._articles_of_entity: dict = defaultdict(list)  # entity -> ids of the articles naming it
        versions = self._versions  # translations: their originals hold the relations
        for doc in site.documents.values():
            if doc.kind == "place" and "within" in doc.fields and doc.id not in versions:
                parent = site.resolved.get((doc.id, doc.fields["within"]))
                if parent:
                    self._children[parent].append(doc.id)
        if self.links and self.tr is None:  # kept between builds: made again for the changed articles only
            self._articles_of_entity, sets = self.memo.articles_of_entity(self, self.links)
            self._entities.update(sets)
            return
        for doc in site.documents.values():
            if doc.kind == "article" and doc.id not in versions:  # versions share one entry
                for entity in self._entity_set(doc):
                    self._articles_of_entity[entity].append(doc.id)

    def _index_events(self) -> None:
        """Events by id, by the document that defines them, by the documents they name and by tag
        (the last build's index when its list held the very same events: a save that changed none)."""
        index = self.memo.event_index(self.site.events)
        self._event_by_id, self._events_by_origin, self._events_of, self._events_by_tag = index

    def _set_language(self) -> None:
        """Dates (with the language's calendar), the URL folder and the labels of this view's language."""
        self.dates_in = self.config.date_language  # the language, with its calendar (-u-ca-persian)
        self.folder = ""  # URL folder of this language's pages
        if self.tr:
            self.dates_in = self.tr.language(self.language).date_language
            self.folder = self.tr.folder(self.language)
        labels = label_translations(self.config, self.language)
        self._, self.ngettext = labels.gettext, labels.ngettext
        self._versions = self.tr.canonical if self.tr else {}  # translation -> its original

    def _nav(self) -> list[dict]:
        return [{"title": self._(title), "url": self.url(self.folder + path)} for title, path in NAV]

    def _own_language(self, doc_id: DocId) -> bool:
        return self.tr is None or self.tr.lang_of[doc_id] == self.language

    def _site_text(self) -> dict:
        """The site's title and description, in this language when languages: gives them."""
        own = self.tr.language(self.language) if self.tr else None
        return {"title": (own and own.title) or self.config.title,
                "description": (own and own.description) or self.config.description}

    # ------------------------------------------------------------- helpers
    def url(self, path: str) -> str:
        return self.config.prefix + path

    def _listing_key(self, doc_id: DocId):
        key = self._listing_keys.get(doc_id)
        if key is None:
            key = self._listing_keys[doc_id] = self._compute_listing_key(doc_id)
        return key

    def _compute_listing_key(self, doc_id: DocId):
        doc = self.site.documents[doc_id]
        if doc.kind in ("article", "event", "claim"):
            d = doc.date
            # newest first for articles/claims; events oldest first (chronology)
            key = d.sort_key() if d else (0,)
            return (tuple(-k for k in key) if doc.kind != "event" else key, sort_key(doc.title))
        return (sort_key(doc.title),)

    def version(self, doc_id: DocId | None) -> DocId | None:
        """The document of ``doc_id``'s family in this view's language (itself in a single-language dossier)."""
        return self.tr.version(doc_id, self.language) if self.tr and doc_id else doc_id

    def card(self, doc_id: DocId) -> dict:
        """The site's :class:`Card` of a document, formatted for templates (prefixed URL, dates in the page's language).

        In a multilingual dossier, the card of the document's version in this view's language."""
        doc_id = self.version(doc_id)
        c = self._cards.get(doc_id)
        if c is None:
            card = self.site.cards[doc_id]
            date = card.date
            c = self._cards[doc_id] = {
                "id": card.id,
                "kind": card.kind,
                "kind_label": self._(KIND_LABELS[card.kind][0]),
                "title": card.title,
                "url": self.url(card.url or ""),
                "date": date,
                "date_text": format_range(date, card.end, self.dates_in) if date else "",
                "date_iso": date.iso() if date else "",
                "summary": card.summary,
                "lang": self._card_language(card),
                # lang (and dir) on a chip or link whose text is in another language than the page (multilingual only)
                "lang_attr": self._other_language_attrs(card.id, with_dir=False),
                "lang_dir": self._other_language_attrs(card.id, with_dir=True),
                "aliases": list(card.aliases),
                "status": card.status,
                "status_label": self._(STATUS_LABEL.get(card.status, card.status or "")),
                "type": card.type,
                # content warning: templates gate it; feeds and search leave it out
                "sensitive": card.sensitive,
            }
        return c

    def _card_language(self, card) -> str | None:
        """A card's own ``lang`` when it differs from the page's (an item without a version in this language)."""
        if self.tr is None:
            return card.lang
        code = self.tr.lang_of[card.id]
        return code if code != self.language else None

    def _other_language_attrs(self, doc_id: DocId | None, with_dir: bool) -> Markup:
        """' lang="en" dir="ltr"' for text of ``doc_id`` on a page in another language ("" when the same, or one language)."""
        if self.tr is None or doc_id not in self.tr.lang_of or self.tr.lang_of[doc_id] == self.language:
            return Markup("")
        code = self.tr.lang_of[doc_id]
        direction = f' dir="{self.tr.language(code).direction}"' if with_dir else ""
        return Markup(f' lang="{html.escape(code)}"{direction}')

    def cards(self, ids) -> list[dict]:
        return [self.card(i) for i in ids if i in self.site.documents]

    def fill_slots(self, doc: Document) -> Markup:
        site = self.site

        def replace(m):
            idx = int(m.group(2))
            target = self.version(site.resolved.get((doc.id, idx)))
            label = m.group(4)
            if target is None or target not in site.urls:
                wanted = doc.links[idx].target if idx < len(doc.links) else ""
                return f'<span class="broken-link" title="{html.escape("not found: " + wanted)}">{label}</span>'
            href = self.url(site.urls[target])
            anchor = site.anchors.get((doc.id, idx))
            if anchor:
                href += "#" + anchor
            if target == doc.id and anchor:
                href = "#" + anchor
            extra = link_language(self, doc, target, label) if self.tr and "lang=" not in m.group(1) + m.group(3) else ""
            return f'<a{m.group(1)} href="{html.escape(href)}"{m.group(3)}{extra}>{label}</a>'

        body = SLOT_RE.sub(replace, site.body(doc))
        if ASSET_SCHEME in body:
            body = fill_assets(body, site, self.url, bool(doc.fields.get("sensitive")))
        return Markup(body)

    def intro(self, folder: str) -> Markup | None:
        """The body of ``content/<folder>/_index.md`` (Hugo's section text), for its index page."""
        doc = self.site.sections.get(folder)
        return self.fill_slots(doc) if doc is not None else None

    def targets(self, doc: Document, indices) -> list[DocId]:
        out = []
        for i in indices or ():
            t = self.site.resolved.get((doc.id, i))
            if t and t not in out:
                out.append(t)
        return out

    def event_item(self, ev: Event) -> dict:
        """An event as templates show it (made once per view language: callers must not change it)."""
        kept = self._event_items.get(ev.id)
        if kept is not None and kept[0] is ev:
            return kept[1]
        item = self._event_item(ev)
        self._event_items[ev.id] = (ev, item)
        return item

    def _event_item(self, ev: Event) -> dict:
        own, origin = self.version(ev.doc_id), self.version(ev.origin)
        url = self.url(self.site.urls[own]) if own and own in self.site.urls else (
            self.url(self.site.urls.get(origin, "")) )
        place = self.card(ev.place) if ev.place else None
        return {
            "id": ev.id,
            "title": self.site.documents[own].title if own and own != ev.doc_id else ev.title,
            "title_lang": self._other_language_attrs(own if own and own != ev.doc_id else ev.doc_id or ev.origin, False),
            "url": url,
            "own_page": ev.doc_id is not None,
            "sensitive": bool(self.site.documents[ev.doc_id or ev.origin].fields.get("sensitive"))
            if (ev.doc_id or ev.origin) in self.site.documents else False,
            "date_text": format_range(ev.date, ev.end, self.dates_in),
            "date_iso": ev.date.iso(),
            "end_iso": ev.end.iso() if ev.end else "",
            "year": ev.date.year,
            "month": ev.date.month,
            "approximate": ev.date.approximate,
            "precision": ev.date.precision,
            "is_range": ev.end is not None,
            "summary": ev.summary,
            "place": place,
            "people": self.cards(ev.people),
            "organizations": self.cards(ev.organizations),
            "tags": [{"name": t, "slug": slugify(t), "url": self.url(f"tags/{slugify(t)}/")} for t in ev.tags],
            "sources": self.cards(ev.sources),
            "external_sources": [_source_dict(s, self.dates_in) for s in ev.external_sources],
            "filter_keys": " ".join(
                [f"person:{self.site.documents[p].slug}" for p in ev.people]
                + [f"organization:{self.site.documents[o].slug}" for o in ev.organizations]
                + ([f"place:{self.site.documents[ev.place].slug}"] if ev.place else [])
                + [f"tag:{slugify(t)}" for t in ev.tags]
            ),
        }

    def timeline_groups(self, events: list[Event]) -> list[dict]:
        """Events grouped by year, then month (month None = known only to the year)."""
        order_newest = self.config.timeline_order == "newest"
        evs = list(reversed(events)) if order_newest else events
        years: list[dict] = []
        for ev in evs:
            if not years or years[-1]["year"] != ev.date.year:
                years.append({"year": ev.date.year, "label": format_date(_year_date(ev.date.year), self.dates_in), "months": []})
            months = years[-1]["months"]
            month = ev.date.month
            if not months or months[-1]["month"] != month:
                label = format_date(_month_date(ev.date.year, month), self.dates_in) if month else self._(MONTH_UNKNOWN)
                months.append({"month": month, "label": label, "events": []})
            months[-1]["events"].append(self.event_item(ev))
        return years

    def _backlinks(self, doc_id: DocId) -> list:
        """The backlinks of a document; of a family's versions, the one in this language (else the original's)."""
        links = self.site.backlinks.get(doc_id, [])
        if not self.tr:
            return links
        mine = {(self.version(bl.source), bl.origin) for bl in links if bl.source == self.version(bl.source)}
        return [bl for bl in links if bl.source == self.version(bl.source)
                or ((self.version(bl.source), bl.origin) not in mine and bl.source not in self.tr.canonical)]

    def backlink_groups(self, doc_id: DocId) -> tuple[list[dict], set[DocId]]:
        groups: dict[str, list[dict]] = defaultdict(list)
        entries: dict[tuple, dict] = {}  # (kind, card id) -> its entry (a source may link here several times)
        shows = set()
        for bl in self._backlinks(doc_id):
            if bl.source not in self.site.documents:
                continue
            shows.add(bl.source)
            kind = self.site.documents[bl.source].kind
            existing = entries.get((kind, self.version(bl.source)))
            via = self._("mentioned in the text") if bl.origin == "body" else self._("listed in %(field)s") % {"field": self._(FIELD_NAMES.get(bl.origin, bl.origin))}
            if existing:
                if via not in existing["via"]:
                    existing["via"].append(via)
                if bl.context and not existing["context"]:
                    existing["context"] = bl.context
                continue
            entry = {"card": self.card(bl.source), "context": bl.context, "via": [via]}
            groups[kind].append(entry)
            entries[(kind, entry["card"]["id"])] = entry
        out = []
        for kind in ("article", "event", "claim", "person", "place", "organization", "page"):
            if groups.get(kind):
                items = sorted(groups[kind], key=lambda x: sort_key(x["card"]["title"]))
                out.append({"kind": kind, "label": self._(KIND_LABELS[kind][1]), "items": items})
        return out, shows

    # ---------------------------------------------------------- page views
    def for_language(self, code: str) -> "Views":
        """The views of the same site in another of its languages (made once)."""
        if code == self.language:
            return self
        other = self._other_languages.get(code)
        if other is None:
            other = self._other_languages[code] = Views(self.site, self.page_views, code, self.memo)
        return other

    def view(self, route: Route) -> View:
        if self.tr:
            code = self.route_language(route)
            if code != self.language:
                return self.for_language(code).view(route)
        if route.doc_id:
            return self.document_view(route)
        return self.page_views.get(route.template, not_found_view)(self, route)

    def route_language(self, route: Route) -> str:
        """The language of a page: its document's, else the language whose folder holds its URL."""
        if route.doc_id:
            return self.tr.lang_of.get(route.doc_id, self.tr.default)
        for lang in self.tr.languages[1:]:
            if route.url.startswith(lang.path):
                return lang.code
        return self.tr.default

    def base(self, route: Route, **extra) -> dict:
        ctx = {"site": self.site_view, "route_url": self.url(route.url), "lang": self.language,
               "rtl": is_rtl(self.language)}
        if self.tr:
            from .languages import language_links

            ctx.update(language_links(self, route))  # the switcher and the hreflang alternates
        ctx.update(extra)
        from .jsonld import head  # canonical, Open Graph, Twitter card, JSON-LD, feed links

        ctx["head"] = head(self, route, extra)
        return ctx

    def document_view(self, route: Route) -> View:
        """The fields every document page has, then its kind's own (``DOCUMENT_VIEWS``).

        A translation's page shows its original's links, events and backlinks (they live on the original)."""
        doc = self.site.documents[route.doc_id]
        backlinks, shows = self.backlink_groups(self._canon(doc.id))
        page = self._page(doc)
        linked = self._linked_fields(doc, page)
        linked.update(t for t in self.targets(doc, range(len(doc.links))) if t)  # body links show their targets' URLs
        ctx = self.base(route, page=page, backlinks=backlinks)
        lists: set[DocId] = set()
        for part in DOCUMENT_VIEWS.get(doc.kind, ()):
            more_linked, more_lists = part(self, doc, page, ctx)
            linked.update(more_linked)
            lists.update(more_lists)
        return View(route.template, ctx, shows | linked | {doc.id}, lists)

    def _page(self, doc: Document) -> dict:
        f = self._facts(doc)
        page = dict(self.card(doc.id))
        page.update(
            body=self.fill_slots(doc),
            headings=[{"level": h.level, "text": h.text, "anchor": h.anchor} for h in doc.headings],
            tags=[{"name": t, "url": self.url(f"tags/{slugify(t)}/")} for t in f.get("tags", ())],
            authors=list(f.get("authors", ())),
            updated_text=format_date(f["updated"], self.dates_in) if f.get("updated") else "",
            updated_iso=f["updated"].iso() if f.get("updated") else "",
            extra=f.get("extra", {}),
            path=doc.path,
            sensitive=bool(f.get("sensitive")),
            kind_url=self.url(self.folder + FOLDERS[doc.kind] + "/") if doc.kind in FOLDERS else None,
        )
        return page

    def _linked_fields(self, doc: Document, page: dict) -> set[DocId]:
        """Cards of the documents named in reference fields and sources; returns their ids.

        A translation's facts may be its original's: their link indices are the original's."""
        f = self._facts(doc)
        original = self.site.documents[self._canon(doc.id)]

        def owner(field: str) -> Document:  # whose link indices a field holds
            return doc if field in doc.fields else original

        linked = set()
        for key in ("people", "places", "organizations", "affiliations", "claims", "rebutted_by"):
            ids = self.targets(owner(key), f.get(key))
            page[key] = self.cards(ids)
            linked.update(ids)
        for key in ("place", "within", "claimant"):
            ids = self.targets(owner(key), [f[key]] if key in f else [])
            page[key] = self.card(ids[0]) if ids else None
            linked.update(ids)
        page["source"] = _source_dict(f["source"], self.dates_in) if f.get("source") else None
        page["sources"] = [self._source_item(doc, ref, linked) for ref in f.get("sources", ())]
        return linked

    def _canon(self, doc_id: DocId) -> DocId:
        """The original of a translation (the document itself in a single-language dossier)."""
        return self.tr.canon(doc_id) if self.tr else doc_id

    def _facts(self, doc: Document) -> dict:
        """A translation's fields over its original's facts (dates, places, status...) it does not state itself."""
        canon_id = self._canon(doc.id)
        if canon_id == doc.id:
            return doc.fields
        original = self.site.documents[canon_id]
        return {**{k: v for k, v in original.fields.items() if k in SHARED_FACTS}, **doc.fields}

    def _source_item(self, doc: Document, ref: SourceRef, linked: set) -> dict:
        if ref.link is None:
            return {"internal": False, **_source_dict(ref, self.dates_in)}
        target = self.site.resolved.get((doc.id, ref.link))
        if not target:
            return {"internal": True, "card": None, "title": doc.links[ref.link].target}
        linked.add(target)
        return {"internal": True, "card": self.card(target)}

    # Per-kind parts of a document page: (views, doc, page, ctx) -> (ids shown, ids whose linkers are listed)
    def _person_part(self, doc: Document, page: dict, ctx: dict):
        f = self._facts(doc)
        page["born_text"] = format_date(f["born"], self.dates_in) if f.get("born") else ""
        page["died_text"] = format_date(f["died"], self.dates_in) if f.get("died") else ""
        page["roles"] = list(f.get("roles", ()))
        return (), ()

    def _place_part(self, doc: Document, page: dict, ctx: dict):
        page["coordinates"] = self._facts(doc).get("coordinates")
        contains = self._children.get(self._canon(doc.id), [])
        page["contains"] = self.cards(sorted(contains, key=lambda i: sort_key(self.site.documents[i].title)))
        return contains, ()

    def _organization_part(self, doc: Document, page: dict, ctx: dict):
        f = self._facts(doc)
        page["founded_text"] = format_date(f["founded"], self.dates_in) if f.get("founded") else ""
        page["org_type"] = f.get("type", "")
        return (), ()

    def _event_part(self, doc: Document, page: dict, ctx: dict):
        f = self._facts(doc)
        ev = self._event_by_id.get(self._canon(doc.id))
        page["event"] = self.event_item(ev) if ev else None
        precision = f.get("location_precision", "")
        page["location_precision"] = self._(LOCATION_PRECISIONS[precision]) if precision in LOCATION_PRECISIONS else precision
        page["casualties"] = [
            {"label": k, "min": v[0], "max": v[1], "text": f"{v[0]}" if v[0] == v[1] else f"{v[0]}–{v[1]}"}
            for k, v in f.get("casualties", {}).items()
        ]
        return (ev.sources if ev else ()), ()

    def _claim_part(self, doc: Document, page: dict, ctx: dict):
        status = self._facts(doc).get("status", "unverified")
        page["status_text"] = self._(STATUS_TEXT[status]) if status in STATUS_TEXT else ""
        page["statuses"] = CLAIM_STATUSES
        page["status_scale"] = [{"status": s, "label": self._(STATUS_LABEL[s]), "text": self._(STATUS_TEXT[s])}
                                for s in CLAIM_STATUSES]
        return (), ()

    def _article_part(self, doc: Document, page: dict, ctx: dict):
        origin = self._canon(doc.id)
        page["inline_events"] = [self.event_item(e) for e in self._events_by_origin.get(origin, []) if e.doc_id is None]
        page["related"], candidates = self.related_articles(doc)
        return candidates, self._entity_set(doc)  # candidates come from these entities' article lists

    def _entity_part(self, doc: Document, page: dict, ctx: dict):
        """What people, places and organisations add: their timeline, mentions, claims and related entities."""
        canon_id = self._canon(doc.id)
        events = self._events_of.get(canon_id, [])
        ctx["timeline"] = self.timeline_groups(events)
        ctx["event_count"] = len(events)
        ctx["minimap"] = minimap(self, doc, events)  # render/timemap.py: its events on a map
        ctx["mentions"] = self.cards(sorted(self._backlinks_of_kind(canon_id, "article"), key=self._listing_key))
        ctx["related_entities"] = self.related_entities(canon_id)
        ctx["claims"] = self.cards(self._backlinks_of_kind(canon_id, "claim"))
        linked = set()
        for ev in events:
            linked.update((*ev.people, *ev.organizations, *ev.sources, *((ev.place,) if ev.place else ())))
            if ev.doc_id:
                linked.add(ev.doc_id)
        linked.update(c["id"] for c in ctx["related_entities"])
        return linked, ()

    def _backlinks_of_kind(self, doc_id: DocId, kind: str) -> list[DocId]:
        """The documents of ``kind`` that link to ``doc_id`` (each in this view's language when it has a version)."""
        site = self.site
        found = [self.version(bl.source) for bl in self._backlinks(doc_id)
                 if bl.source in site.documents and site.documents[bl.source].kind == kind]
        return list(dict.fromkeys(found))

    def _entity_set(self, doc: Document) -> frozenset:
        found = self._entities.get(doc.id)
        if found is None:
            f = doc.fields
            found = self._entities[doc.id] = frozenset(
                self.targets(doc, [*f.get("people", ()), *f.get("places", ()), *f.get("organizations", ())]))
        return found

    def related_articles(self, doc: Document, limit: int = 5) -> tuple[list[dict], set[DocId]]:
        """Articles sharing the most entities with this one; shared tags break ties.

        Candidates come from each entity's article list, so the work is linear in
        links. Returns the ranked cards and every candidate considered (the page
        depends on all of them).
        """
        shared: Counter = Counter()
        articles_of = self._articles_of_entity
        for entity in self._entity_set(doc):
            shared.update(articles_of.get(entity, ()))  # counted in C: this runs for every article
        shared.pop(doc.id, None)
        if not shared:
            return [], set()
        # Rank by shared entities; only the candidates that can still make the list (a count at least
        # the limit-th best's) pay for the tie-breaks by shared tags and listing order.
        floor = heapq.nlargest(limit, shared.values())[-1]
        tags, tag_set, documents, key = self._tag_set(doc), self._tag_set, self.site.documents, self._listing_key
        ranked = heapq.nsmallest(limit, [(-n, -len(tags & tag_set(documents[o])), key(o), o)
                                         for o, n in shared.items() if n >= floor])
        return [dict(self.card(o), score=-n) for n, _t, _k, o in ranked], set(shared)

    def _tag_set(self, doc: Document) -> frozenset:
        found = self._tags.get(doc.id)
        if found is None:
            found = self._tags[doc.id] = frozenset(doc.fields.get("tags", ()))
        return found

    def related_entities(self, doc_id: DocId, limit: int = 8) -> list[dict]:
        """Entities that appear on the same pages and events as this one, with counts."""
        site = self.site
        counts: Counter = Counter()
        for bl in site.backlinks.get(doc_id, []):
            src = site.documents.get(bl.source)
            if not src or src.kind not in ("article", "event", "claim") or (self.tr and src.id in self.tr.canonical):
                continue
            for i, link in enumerate(src.links):
                t = site.resolved.get((src.id, i))
                if t and t != doc_id and site.documents[t].kind in ENTITY_KINDS:
                    counts[(src.id, t)] = 1
        totals: Counter = Counter()
        for (_, t), _n in counts.items():
            totals[t] += 1
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1], sort_key(site.documents[kv[0]].title)))[:limit]
        return [dict(self.card(t), count=n) for t, n in ranked]

    def home_view(self, route: Route) -> View:
        site = self.site
        articles = self._by_kind.get("article", [])[: int(self.config.home.get("articles", 8))]
        entity_ids = [i for k in ENTITY_KINDS for i in self._by_kind.get(k, [])]
        weight = {i: len(site.backlinks.get(i, [])) for i in entity_ids}
        key_people = sorted(self._by_kind.get("person", []), key=lambda i: (-weight[i], sort_key(site.documents[i].title)))[:6]
        key_places = sorted(self._by_kind.get("place", []), key=lambda i: (-weight[i], sort_key(site.documents[i].title)))[:6]
        recent_events = sorted(site.events, key=lambda e: e.date.sort_key(), reverse=True)[:5]
        claims = self._by_kind.get("claim", [])[:4]
        counts = {KINDS_LABEL: len(self._by_kind.get(kind, [])) for KINDS_LABEL, kind in
                  (("articles", "article"), ("people", "person"), ("places", "place"), ("organizations", "organization"),
                   ("events", "event"), ("claims", "claim"))}
        counts["timeline"] = len(site.events)
        ctx = self.base(route, articles=self.cards(articles), people=self.cards(key_people), places=self.cards(key_places),
                        events=[self.event_item(e) for e in recent_events], claims=self.cards(claims), counts=counts,
                        intro=self.intro(""))
        shows = set(articles) | set(key_people) | set(key_places) | set(claims)
        for e in recent_events:
            shows.update((*e.people, *e.organizations, *e.sources, *((e.place,) if e.place else ())))
        return View("index.html", ctx, shows)

    def list_view(self, route: Route) -> View:
        kind = route.extra
        ids = self._by_kind.get(kind, [])
        items = self.cards(ids)
        groups = []
        if kind == "claim":
            for status in CLAIM_STATUSES:
                members = [c for c in items if c["status"] == status]
                if members:
                    groups.append({"label": self._(STATUS_LABEL[status]).capitalize(), "status": status,
                                   "explanation": self._(STATUS_TEXT[status]), "items": members})
        elif kind in ("article", "event"):
            by_year: dict[Any, list] = {}
            for c in items:
                by_year.setdefault(c["date"].year if c["date"] else self._("Undated"), []).append(c)
            groups = [{"label": str(y), "items": v} for y, v in by_year.items()]
        else:
            by_letter: dict[str, list] = {}
            for c in items:
                letter = (sort_key(c["title"])[:1] or "#").upper()
                by_letter.setdefault(letter, []).append(c)
            groups = [{"label": k, "items": v} for k, v in by_letter.items()]
        ctx = self.base(route, kind=kind, folder=FOLDERS[kind], title=self._(KIND_LABELS[kind][1]), items=items, groups=groups,
                        intro=self.intro(FOLDERS[kind]))
        return View("list.html", ctx, set(ids))

    def tag_view(self, route: Route) -> View:
        name, ids = self.site.tags[route.extra]
        ids = sorted(ids, key=lambda i: (KINDS_ORDER.get(self.site.documents[i].kind, 9), self._listing_key(i)))
        events = self._events_by_tag.get(route.extra, [])
        ctx = self.base(route, tag={"name": name, "slug": route.extra}, items=self.cards(ids),
                        timeline=self.timeline_groups(events), event_count=len(events))
        shows = set(ids)
        for e in events:
            shows.update((*e.people, *e.organizations, *e.sources, *((e.place,) if e.place else ())))
        return View("tag.html", ctx, shows)

    def tags_view(self, route: Route) -> View:
        tags = [{"name": n, "slug": s, "url": self.url(f"tags/{s}/"), "count": len(ids)}
                for s, (n, ids) in sorted(self.site.tags.items(), key=lambda kv: sort_key(kv[1][0]))]
        return View("tags.html", self.base(route, tags=tags), set())

    def facets(self, events) -> list[dict]:
        """The filter menus of /timeline/ and /map/: every person, place, organisation and tag of the events."""
        docs = self.site.documents
        found: dict[str, dict] = {k: {} for k in FACET_LABELS}
        for ev in events:
            for p in ev.people:
                found["person"][docs[p].slug] = docs[p].title
            for o in ev.organizations:
                found["organization"][docs[o].slug] = docs[o].title
            if ev.place:
                found["place"][docs[ev.place].slug] = docs[ev.place].title
            for t in ev.tags:
                found["tag"][slugify(t)] = t
        return [{"name": k, "label": self._(FACET_LABELS[k]),
                 "options": sorted(({"value": s, "label": t} for s, t in v.items()), key=lambda o: sort_key(o["label"]))}
                for k, v in found.items() if v]

    def long_list(self, count: int) -> bool:
        """A long event list stays light: past `timeline: {compact_over: N}` events (default 1000) the
        entries of /timeline/ and /map/ leave out what each event's own page shows (summaries, tag chips;
        on /map/ also people, organisations and sources, which the map's card shows too)."""
        try:
            compact_over = int(self.config.timeline.get("compact_over", 1000))
        except (TypeError, ValueError):
            compact_over = 1000
        return count > compact_over

    def timeline_view(self, route: Route) -> View:
        site = self.site
        groups = self.timeline_groups(site.events)
        facet_list = self.facets(site.events)
        compact = self.long_list(len(site.events))
        ctx = self.base(route, timeline=groups, facets=facet_list, event_count=len(site.events), compact=compact)
        return View("timeline.html", ctx, events_show(site.events))


_LAZY = {name: make for make, names in (  # attribute -> the Views method that makes it
    ("_index_events", ("_events_of", "_event_by_id", "_events_by_origin", "_events_by_tag")),
    ("_index_relations", ("_children", "_articles_of_entity")),
) for name in names}


def label_translations(config, language: str):
    """The catalogs of the site's theme chain for ``language`` (Python-side labels: kinds, statuses, nav)."""
    from pathlib import Path

    from ..i18n import translations
    from .theme import Theme, ThemeError, packaged_dirs

    try:
        dirs = Theme(Path(config.root), config.theme).locale_dirs
    except ThemeError:
        dirs = packaged_dirs()
    return translations(dirs, language)


# kind -> the parts its page adds to the common document view, in order
DOCUMENT_VIEWS = {
    "person": (Views._person_part, Views._entity_part),
    "place": (Views._place_part, Views._entity_part),
    "organization": (Views._organization_part, Views._entity_part),
    "event": (Views._event_part,),
    "claim": (Views._claim_part,),
    "article": (Views._article_part,),
    "page": (),
}


def not_found_view(views: Views, route: Route) -> View:
    return View(route.template, views.base(route, title=views._("Page not found")))


from .languages import link_language  # noqa: E402
from .timemap import minimap  # noqa: E402  (its events on a map; timemap imports only .view from here)

KINDS_ORDER = {k: i for i, k in enumerate(["article", "event", "claim", "person", "place", "organization", "page"])}


def _year_date(year: int):
    from ..dates import PartialDate

    return PartialDate(year)


def _month_date(year: int, month: int):
    from ..dates import PartialDate

    return PartialDate(year, month)


def _source_dict(src: SourceRef, language: str) -> dict:
    date = src.when
    return {
        "url": src.url,
        "title": src.title,
        "publisher": src.publisher,
        "date_text": format_date(date, language) if date else "",
        "archived_url": src.archived_url,
        "language": src.language,
        "translated_from": src.translated_from,
        "translator": src.translator,
    }


__all__ = ["Views", "View", "KINDS", "truncate"]
