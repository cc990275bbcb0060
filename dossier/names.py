"""Names: matching keys, slugs and "did you mean" suggestions.

``match_key`` folds what should not distinguish two spellings of one name:
Unicode normalisation form, case, accents and diacritics (Latin and Arabic),
Arabic vs Persian letter variants (ي/ی, ك/ک, ى/ی, ة/ه, أ/إ/آ/ا), tatweel,
zero-width joiners and bidi controls, punctuation and runs of spaces.

``slugify`` turns any title into a stable, lower-case, ASCII, URL-safe slug
by transliterating with ``anyascii`` (the same result on every machine).
"""
from __future__ import annotations

import difflib
import hashlib
import heapq
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from anyascii import anyascii

# Bidi controls (Trojan Source), zero-width characters and BOM.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2060\ufeff\u0640"),
    None,
)
_BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ARABIC_VARIANTS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
        "\u0629": "\u0647",  # ة teh marbuta -> ه
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0622": "\u0627",  # آ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u06c0": "\u0647",  # ۀ -> ه
    }
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_SLUG = 80


def strip_invisible(text: str) -> str:
    """Remove bidi controls, zero-width characters and tatweel."""
    return text.translate(_INVISIBLE)


def has_bidi_controls(text: str) -> bool:
    return any(ch in _BIDI_CONTROLS for ch in text)


def match_key(name: str) -> str:
    """The key two spellings of one name share (see module docstring)."""
    name = str(name)
    if name.isascii():  # fast path: no accents, variants or invisible characters possible
        return " ".join(_NON_WORD.sub(" ", name.lower()).split())
    text = unicodedata.normalize("NFKC", name).translate(_INVISIBLE).translate(_ARABIC_VARIANTS)
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=65536)
def slugify(text: str, fallback_seed: str | None = None) -> str:
    """A stable ASCII slug; never empty, never a path, never a reserved device name.

    Titles that transliterate to nothing (emoji only) get ``page-<hash>`` from
    ``fallback_seed`` (or the text itself), so the slug stays stable.
    """
    clean = unicodedata.normalize("NFC", strip_invisible(str(text)))
    slug = _SLUG_JUNK.sub("-", anyascii(clean).lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    if not slug:
        seed = (fallback_seed or clean or "page").encode("utf-8")
        slug = "page-" + hashlib.blake2b(seed, digest_size=4).hexdigest()
    if slug in _WINDOWS_RESERVED:
        slug += "-page"
    return slug


def suggestions(wanted: str, names: dict[str, str], limit: int = 3) -> list[str]:
    """Up to ``limit`` display names whose match key is closest to ``wanted``.

    ``names`` maps match key -> display name. For many look-ups over one set of
    names, build a :class:`Suggester` once instead.
    """
    return Suggester(names).suggest(wanted, limit)


_CUTOFF = 0.6  # difflib ratio a suggestion needs


class Suggester:
    """"Did you mean": names prepared once per build, each distinct unknown name looked up once.

    Suggestions are the names closest to the wanted one by ``difflib``'s ratio
    (at least 0.6, best first), then names that contain one of its words
    ("Massoud" -> "Ahmad Massoud", from an index of words). difflib is slow
    Python, so it only sees the names that pass rapidfuzz's Indel similarity
    (C++, 2·LCS/(la+lb)) at the same cutoff: difflib's ratio is 2·M/(la+lb)
    where its M matched characters form a common subsequence, so M <= LCS and
    no name difflib would accept is filtered out; the answers are exactly
    difflib's over all names. Answers are memoised by spelling and match key,
    so 3,000 links to one missing name cost one look-up. ``lookups`` counts
    the look-ups and ``compared`` the names difflib compared (tests, benches).
    """

    def __init__(self, names: dict[str, str]):
        self.names = names
        self._keys = list(names)
        self._order = {key: i for i, key in enumerate(self._keys)}
        self._words: dict[str, list[str]] = defaultdict(list)
        for key in self._keys:
            for word in set(key.split()):
                self._words[word].append(key)
        self._by_text: dict[tuple[str, int], tuple[str, ...]] = {}
        self._by_key: dict[tuple[str, int], tuple[str, ...]] = {}
        self.lookups = 0
        self.compared = 0

    def suggest(self, wanted: str, limit: int = 3) -> list[str]:
        found = self._by_text.get((wanted, limit))  # the same spelling again: no work at all
        if found is None:
            key = match_key(wanted)
            found = self._by_key.get((key, limit))
            if found is None:
                found = self._by_key[key, limit] = tuple(self._suggest(key, limit))
            self._by_text[wanted, limit] = found
        return list(found)

    def _close(self, key: str, n: int) -> list[str]:
        from rapidfuzz import fuzz, process

        self.lookups += 1
        hits = process.extract(key, self._keys, scorer=fuzz.ratio, processor=None,
                               score_cutoff=_CUTOFF * 100 - 0.01, limit=None)  # (- rounding)
        self.compared += len(hits)
        return difflib.get_close_matches(key, [name for name, _score, _i in hits], n=n, cutoff=_CUTOFF)

    def _suggest(self, key: str, limit: int) -> list[str]:
        close = self._close(key, limit * 3)
        if len(key) >= 3 and len(close) < limit * 3:  # names that contain the wanted words, in index order
            containing = {name for word in set(key.split()) for name in self._words.get(word, ())} - set(close)
            close += heapq.nsmallest(limit * 3 - len(close), containing, key=self._order.__getitem__)
        out: list[str] = []
        for name in close:
            display = self.names[name]
            if display not in out:
                out.append(display)
            if len(out) == limit:
                break
        return out


def sort_key(text: str) -> str:
    """Locale-neutral sort key for names in any script (accents ignored, then exact)."""
    return match_key(text) + "\x00" + unicodedata.normalize("NFC", text)
