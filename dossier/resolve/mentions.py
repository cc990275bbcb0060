"""Unlinked mentions: names of known entities written in a page without a link.

One pass per page over its words with a single matcher built once for the
whole dossier (a dict from each name's first folded word to the names that
start with it, longest first): the cost is linear in the text, whatever the
number of entities. Matching is whole-word and ignores case, accents and
Arabic/Persian letter variants (``names.match_key`` per word). Code, existing
links, URLs and HTML tags are masked first, so they never match.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .. import diagnostics as dg
from ..model import ENTITY_KINDS, Site
from ..names import SoundIndex, match_key, without_article
from ..parse.frontmatter import split_front_matter

NOTE_CODE = "D206"
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_MASKS = [
    re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M),  # fenced code
    re.compile(r"(`+).+?\1"),  # inline code
    re.compile(r"\[\[[^\]\n]*\]\]"),  # wiki links
    re.compile(r"\[[^\]\n]*\]\([^)\n]*\)"),  # Markdown links (the label is a link already)
    re.compile(r"<[^>\n]+>"),  # HTML tags and autolinks
    re.compile(r"https?://\S+"),  # bare URLs
]
MIN_NAME = 3  # shorter names ("UK") match too much


class Matcher:
    def __init__(self, site: Site):
        by_key: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for doc in site.documents.values():
            if doc.kind not in ENTITY_KINDS:
                continue
            for name in (doc.title, *doc.aliases):
                words = tuple(match_key(w) for w in _WORD.findall(name))
                if words and len(" ".join(words)) >= MIN_NAME:
                    by_key[words].add(doc.id)
                bare = tuple(without_article(" ".join(words)).split())  # "the Taleban" is also "Taleban"
                if bare != words and len(" ".join(bare)) >= MIN_NAME:
                    by_key[bare].add(doc.id)
        # Latin text naming an entity known by its Persian/Arabic-script name, and the reverse
        self.sound = SoundIndex((name, doc.id) for doc in site.documents.values() if doc.kind in ENTITY_KINDS
                                for name in (doc.title, *doc.aliases))
        self.first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for words, ids in by_key.items():
            if len(ids) == 1:  # a name shared by two entities is ambiguous: never suggest it
                self.first[words[0]].append((words, next(iter(ids))))
        for options in self.first.values():
            options.sort(key=lambda o: -len(o[0]))

    def find(self, text: str):
        """(doc id, start offset, matched text) for each name in ``text``, longest match first.

        Words are folded in one pass (``str.lower`` for ASCII text, ``match_key``
        for the rest) and looked up in a dict; word offsets are computed only
        when a name's first word occurs.
        """
        if text.isascii():
            keys = _WORD.findall(text.lower())
        else:
            keys = [_fold(w) for w in _WORD.findall(text)]
        if self.sound.useful_for(text):
            yield from self._across_scripts(text)
        first = self.first
        present = first.keys() & set(keys)  # set work in C: most pages name few entities
        if not present:
            return
        spans = None
        consumed = -1
        for i in [j for j, key in enumerate(keys) if key in present]:
            if i <= consumed:
                continue
            for name_words, doc_id in first[keys[i]]:
                k = len(name_words)
                if k == 1 or tuple(keys[i:i + k]) == name_words:
                    if spans is None:
                        spans = [m.span() for m in _WORD.finditer(text)]
                    yield doc_id, spans[i][0], text[spans[i][0]:spans[i + k - 1][1]]
                    consumed = i + k - 1
                    break


    def _across_scripts(self, text: str):
        matches = list(_WORD.finditer(text))
        words = [m.group(0) for m in matches]
        i = 0
        while i < len(words):
            found = self.sound.match(words, i)
            if found:
                n, doc_id = found
                yield doc_id, matches[i].start(), text[matches[i].start():matches[i + n - 1].end()]
                i += n
            else:
                i += 1


def _fold(word: str) -> str:
    return word.lower() if word.isascii() else match_key(word)


def _mask(body: str) -> str:
    for pattern in _MASKS:
        body = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    return body


def unlinked_mentions(site: Site, root: Path) -> list[dg.Diagnostic]:
    matcher = Matcher(site)
    out: list[dg.Diagnostic] = []
    linked: dict[str, set[str]] = defaultdict(set)
    for (doc_id, _i), target in site.resolved.items():
        if target:
            linked[doc_id].add(target)
    for doc in site.documents.values():
        try:
            text = (Path(root) / doc.path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        split = split_front_matter(text) if text.startswith("---") else None
        body = split.body if split else text
        first_line = split.body_line if split else 1
        masked = _mask(body)
        seen: set[str] = set()
        line_starts = None
        for doc_id, start, found in matcher.find(masked):
            if doc_id == doc.id or doc_id in linked[doc.id] or doc_id in seen:
                continue
            seen.add(doc_id)
            if line_starts is None:
                line_starts = [0] + [m.end() for m in re.finditer("\n", body)]
            line = _bisect(line_starts, start)
            col = start - line_starts[line] + 1
            target = site.documents[doc_id]
            out.append(dg.Diagnostic(
                dg.NOTE, NOTE_CODE, f'unlinked mention of "{target.title}": "{found}"', doc.path,
                first_line + line, col,
                hint=f"link it as [[{target.title}]]" if found == target.title else f"link it as [[{target.title}|{found}]]",
                source_line=body.split("\n")[line] if line < body.count("\n") + 1 else None))
    return out


def _bisect(starts: list[int], pos: int) -> int:
    import bisect

    return bisect.bisect_right(starts, pos) - 1
