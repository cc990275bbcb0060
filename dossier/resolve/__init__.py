"""Stage 3: [Document] -> Site. The whole dossier graph; no Markdown work, only dict work."""
from __future__ import annotations

from ..model import Document, Site
from ..names import match_key
from .incremental import Resolution, resolve_full, resolve_incremental


def resolve(docs: list[Document], config, assets=(), bodies=None) -> Site:
    """The whole graph: names, links and backlinks, events, tags, routes and cards.

    ``assets`` are the non-Markdown files of content/ (published when referenced); ``bodies`` (path -> HTML) gives the bodies of documents kept without them (the build cache).
    After an edit, :func:`resolve_incremental` gives the same site from the previous resolve.
    """
    return resolve_full(docs, config, assets, bodies).site


__all__ = ["Resolution", "resolve", "resolve_full", "resolve_incremental", "match_key"]
