"""Asset slots (parse.refs) -> URLs; images get width, height and responsive variants.

``<img src="dossier:asset/content/articles/x/photo.jpg">`` becomes a ``<picture>``
with a WebP ``srcset`` and the stripped original as fallback, its displayed
``width`` and ``height`` set (no layout shift while it loads), loaded lazily.
On a ``sensitive`` page each image stays blurred until the reader ticks "Show
image" (CSS only, no JavaScript).
"""
from __future__ import annotations

import html
import re
from urllib.parse import quote

from ..images import variant_url
from ..parse.refs import ASSET_RE, attributes, in_tags

_IMG_SLOT = re.compile(r'<img\b[^>]*\ssrc="dossier:asset/[^"]*"[^>]*>')


def _href(url_fn, url: str) -> str:
    return html.escape(url_fn(quote(url, safe="/")), quote=True)


def fill_assets(body: str, site, url_fn, sensitive: bool) -> str:
    body = _IMG_SLOT.sub(lambda m: _picture(m.group(0), site, url_fn, sensitive), body)

    def other(m):  # links to files (PDFs, data) and folders of other pages
        target = html.unescape(m.group(2))
        url = site.assets.get(target)
        if url is None and site.index is not None:
            doc_id = site.index.by_path.get(target) or site.index.by_path.get(target + "/index.md")
            url = site.urls.get(doc_id) if doc_id else None
        return f'{m.group(1)}{_href(url_fn, url) if url is not None else "#missing"}"'

    return in_tags(body, lambda tag: ASSET_RE.sub(other, tag))


def _picture(tag: str, site, url_fn, sensitive: bool) -> str:
    attrs = attributes(tag)
    path = attrs["src"][len("dossier:asset/"):]
    url = site.assets.get(path)
    if url is None:  # reported by resolve (D207)
        return f'<span class="broken-image">{html.escape(attrs.get("alt") or path.rsplit("/", 1)[-1])}</span>'
    info = site.images.get(path)
    keep = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in attrs.items() if k in ("alt", "title", "class", "id"))
    img = f'<img src="{_href(url_fn, url)}"{keep}'
    if info is None:
        img += ' loading="lazy">'
        return _blur(img) if sensitive else img
    img += f' width="{info.width}" height="{info.height}" loading="lazy" decoding="async">'
    widths = info.variant_widths()
    if widths:
        srcset = ", ".join(f"{_href(url_fn, variant_url(url, w))} {w}w" for w in widths)
        img = (f'<picture><source type="image/webp" srcset="{srcset}" sizes="(min-width: 50rem) 46rem, 100vw">'
               f"{img}</picture>")
    return _blur(img) if sensitive else img


def _blur(img: str) -> str:
    return (f'<label class="blurred-image"><input type="checkbox" class="reveal-image">'
            f'<span class="reveal-label">Show image</span>{img}</label>')
