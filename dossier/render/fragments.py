"""Template fragments rendered once per build: ``{% cache key, ... %} ... {% endcache %}``.

A block that many pages repeat with the same inputs (a timeline entry is on
the page of every person, place, organisation and tag it names, and on
/timeline/) is rendered the first time and its HTML reused. The key names what
the block reads that varies within one language of one build (``e.id``, the
heading level...): the store is emptied whenever a page of another site (a new
build) or another language is rendered, and a changed template makes a new
environment, so a fragment never outlives what it was made from.

An unhashable key renders the block every time (correct, only slower).
"""
from __future__ import annotations

from jinja2 import nodes
from jinja2.ext import Extension


class Fragments:
    """The store of one environment: (key) -> rendered HTML, for one site and one language."""

    def __init__(self):
        self.store: dict = {}
        self._for: tuple = (None, None)

    def begin(self, site, language: str) -> None:
        """Pages of ``site`` in ``language`` follow: forget fragments made for anything else."""
        if self._for[0] is not site or self._for[1] != language:
            self.store = {}
            self._for = (site, language)


class FragmentCache(Extension):
    tags = {"cache"}

    def __init__(self, environment):
        super().__init__(environment)
        environment.extend(fragments=Fragments())

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        parts = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            parts.append(parser.parse_expression())
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        call = self.call_method("_cached", [nodes.Tuple(parts, "load")])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _cached(self, key: tuple, caller):
        store = self.environment.fragments.store
        try:
            hit = store.get(key)
        except TypeError:  # unhashable: no caching
            return caller()
        if hit is None:
            hit = store[key] = caller()
        return hit
