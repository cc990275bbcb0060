"""The body's URLs that are not page links, found in the rendered HTML.

- A relative ``src``/``href`` (``photo.jpg``, ``../data/report.pdf``) names a file
  under ``content/``: it becomes an asset slot ``dossier:asset/<content path>``
  that render fills with the file's published URL (and, for images, width,
  height and responsive variants).
- A site-absolute ``href``/``src`` (``/post/x/``) is recorded so resolve can
  check it against the routes.
- ``<img>`` without alt text is a warning naming file:line; an image with a
  title alone in its paragraph becomes a ``<figure>`` with the title as caption
  (``"Caption | Credit"`` gives a credit line).
"""
from __future__ import annotations

import html
import posixpath
import re

from .. import diagnostics as dg
from ..model import Ref

ASSET_SCHEME = "dossier:asset/"
ASSET_RE = re.compile(r'(\s(?:src|href)=")dossier:asset/([^"]*)"')
_URL_ATTR = re.compile(r'(\s(src|href)=")([^"]*)"')
_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_FIGURE = re.compile(r"<p>\s*(<img\b[^>]*\stitle=\"[^\"]*\"[^>]*>)\s*</p>")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


_TAG = re.compile(r"<[a-zA-Z][^>]*>")  # a real tag: in text and code, "<" is always escaped as &lt;


def in_tags(html_text: str, edit) -> str:
    """Apply ``edit`` to each start tag only (never to text or code that merely looks like an attribute)."""
    return _TAG.sub(lambda m: edit(m.group(0)), html_text)


def attributes(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


class _Locator:
    """Line and column of a URL in the source, in order of appearance (repeats take the next one)."""

    def __init__(self, body: str, first_line: int):
        self.lines = body.split("\n")
        self.first = first_line
        self.seen: dict[str, tuple[int, int]] = {}  # needle -> (line index, column) to search from next

    def find(self, needle: str) -> tuple[int | None, int | None]:
        start, from_col = self.seen.get(needle, (0, 0))
        for i in range(start, len(self.lines)):
            col = self.lines[i].find(needle, from_col if i == start else 0)
            if col >= 0:
                self.seen[needle] = (i, col + 1)
                return self.first + i, col + 1
        last = self.seen.get(needle)  # more uses than written (Markdown repeated it): the last place again
        return (self.first + last[0], last[1]) if last else (None, None)


def collect_refs(out: str, path: str, body: str, first_line: int) -> tuple[str, list[Ref], list[dg.Diagnostic]]:
    """Rewrite relative URLs into asset slots; record them and site-absolute URLs; check alt text."""
    locate = _Locator(body, first_line)
    folder = posixpath.dirname(path)
    refs: list[Ref] = []
    diags: list[dg.Diagnostic] = []
    written: dict[str, str] = {}  # asset path -> the URL as written (to find it in the text again)

    def url(m):
        raw = html.unescape(m.group(3))
        if not raw or raw.startswith(("#", "?", "//", "dossier:")) or _SCHEME.match(raw):
            return m.group(0)
        line, col = locate.find(raw.split("#")[0] or raw)
        if raw.startswith("/"):
            refs.append(Ref("absolute", raw, line, col))
            return m.group(0)
        from urllib.parse import unquote

        target = posixpath.normpath(posixpath.join(folder, unquote(raw.split("#")[0].split("?")[0])))
        if not target.startswith("content/"):
            diags.append(dg.warning("D207", f'"{raw}" points outside content/', path, line, col))
            return m.group(0)
        refs.append(Ref("asset", target, line, col, raw))
        written.setdefault(target, raw)
        return f'{m.group(1)}{ASSET_SCHEME}{html.escape(target, quote=True)}"'

    out = in_tags(out, lambda tag: _URL_ATTR.sub(url, tag))
    locate = _Locator(body, first_line)  # images are found again from the top
    for tag in _IMG.findall(out):
        attrs = attributes(tag)
        if not attrs.get("alt", "").strip():
            src = attrs.get("src", "")
            shown = src[len(ASSET_SCHEME):] if src.startswith(ASSET_SCHEME) else src
            line, col = _find_image(locate, written.get(shown, shown)) if shown else (None, None)
            diags.append(dg.warning("D208", f'image "{posixpath.basename(shown)}" has no alt text', path, line, col,
                                    hint="describe it for readers who cannot see it: ![what it shows](file.jpg)"))
    return _FIGURE.sub(_figure, out), refs, diags


def _find_image(locate: _Locator, written: str) -> tuple[int | None, int | None]:
    """Where an image is in the text: its URL as written, else its file name (plain or %-encoded)."""
    from urllib.parse import quote

    name = posixpath.basename(written)
    for needle in (written, name, quote(name)):
        line, col = locate.find(needle)
        if line is not None:
            return line, col
    return None, None


def _figure(m) -> str:
    tag = m.group(1)
    title = attributes(tag).get("title", "")
    caption, _, credit = title.partition(" | ")
    tag = re.sub(r'\stitle="[^"]*"', "", tag)
    credit_html = f' <small class="credit">{html.escape(credit.strip())}</small>' if credit.strip() else ""
    return f"<figure>{tag}<figcaption>{html.escape(caption.strip())}{credit_html}</figcaption></figure>"
