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
        self._sounds: dict[str, list[str]] | None = None  # sound_key -> names, built on the first need
        self._sound_words: dict[str, list[str]] = defaultdict(list)

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

    def _sound_matches(self, key: str) -> list[str]:
        """Names with the same consonant skeleton as ``key`` (across scripts), then those sharing one of its words."""
        sound = sound_key(key)
        if not sound:
            return []
        if self._sounds is None:
            self._sounds = defaultdict(list)
            for name in self._keys:
                other = sound_key(name)
                if other:
                    self._sounds[other].append(name)
                    for word in set(other.split()):
                        self._sound_words[word].append(name)
        same = self._sounds.get(sound, [])
        words = {w for w in sound.split() if len(w) >= MIN_SOUND}
        partial = {name for w in words for name in self._sound_words.get(w, ())} - set(same)
        return same + sorted(partial, key=self._order.__getitem__)

    def _suggest(self, key: str, limit: int) -> list[str]:
        close = self._close(key, limit * 3)
        if len(key) >= 3 and len(close) < limit * 3:  # names that contain the wanted words, in index order
            containing = {name for word in set(key.split()) for name in self._words.get(word, ())} - set(close)
            close += heapq.nsmallest(limit * 3 - len(close), containing, key=self._order.__getitem__)
        if len(close) < limit * 3:  # across scripts and articles: "Masoud" -> "مسعود", "Taleban" -> "The Taleban"
            close += [name for name in self._sound_matches(key) if name not in close]
        out: list[str] = []
        for name in close:
            display = self.names[name]
            if display not in out:
                out.append(display)
            if len(out) == limit:
                break
        return out


# ------------------------------------------------------------ across scripts
# "Masoud" and "مسعود", "Taleban" and "the Taleban": keys that let "did you mean", unlinked
# mentions and `dossier import` propose a name written in another script or with an article.
# These are plain functions of one name (any index, trigram or not, can store their results).
ARTICLES = frozenset({"the", "al", "el"})
_ARABIC_ARTICLE = "\u0627\u0644"  # ال written onto the word
_SOUND_MAP = str.maketrans({"q": "k", "c": "k", "v": "w", "x": "k"})
_SOUND_DROP = re.compile(r"[^a-z]|[aeiouwy]")  # vowels and the letters Persian writes long vowels with
_REPEAT = re.compile(r"(.)\1+")
MIN_SOUND = 3  # a shorter skeleton ("l" for Lévy) says nothing


def without_article(key: str) -> str:
    """A match key without its leading article: "the taleban" -> "taleban", "al qaeda" -> "qaeda", "القاعده" -> "قاعده"."""
    words = key.split()
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    elif words and words[0].startswith(_ARABIC_ARTICLE) and len(words[0]) > 4:
        words[0] = words[0][2:]
    return " ".join(words)


def is_arabic_script(text: str) -> bool:
    """Written in the Arabic script (Persian, Dari, Pashto, Arabic, Urdu)."""
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff" for ch in text)


@lru_cache(maxsize=65536)
def sound_word(word: str) -> str:
    """The consonant skeleton of one folded word, the same for its Latin and Arabic-script spellings.

    Transliterated with anyascii (which writes no short vowels for Arabic script), then
    vowels, w/y (Persian's long vowels), doubled letters and a final h (ه, often a vowel)
    are dropped: "massoud", "masoud", "مسعود" -> "msd"; "taliban", "taleban", "طالبان" -> "tlbn".
    """
    text = _SOUND_DROP.sub("", anyascii(word).lower().translate(_SOUND_MAP))
    text = _REPEAT.sub(r"\1", text)
    return text[:-1] if len(text) > 1 and text.endswith("h") else text


def sound_key(name: str) -> str:
    """:func:`sound_word` of each word of a name, its leading article left out ("" when too short to mean anything)."""
    key = " ".join(w for w in (sound_word(w) for w in without_article(match_key(name)).split()) if w)
    return key if len(key.replace(" ", "")) >= MIN_SOUND else ""


def _sound_matches(wanted: str, names: dict[str, str]) -> list[str]:
    """Names that sound like ``wanted`` across scripts and articles: the same skeleton, or one of its words."""
    sound = sound_key(wanted)
    if not sound:
        return []
    words = {w for w in sound.split() if len(w) >= MIN_SOUND}
    same, partial = [], []
    for k in names:
        other = sound_key(k)
        if other == sound:
            same.append(k)
        elif other and words & set(other.split()):
            partial.append(k)
    return same + partial


class SoundIndex:
    """Names by the skeleton of their first word, to find them in text written in the other script.

    Only a name of two words or more, or one long word (a skeleton of 5 letters or more), is
    matched this way: one short skeleton ("msd") matches too many ordinary words in running text.
    A skeleton two owners share is ambiguous and never matched.
    """

    def __init__(self, entries):
        owners: dict[tuple[str, ...], set] = {}
        scripts: dict[tuple[str, ...], set] = {}
        for name, owner in entries:
            words = tuple(sound_key(name).split())
            if len(words) > 1 or (words and len(words[0]) >= 5):
                owners.setdefault(words, set()).add(owner)
                scripts.setdefault(words, set()).add(is_arabic_script(name))
        self.first: dict[str, list] = {}
        for words, who in owners.items():
            if len(who) == 1:
                for arabic in scripts[words]:
                    self.first.setdefault(words[0], []).append((words, next(iter(who)), arabic))
        for options in self.first.values():
            options.sort(key=lambda o: -len(o[0]))
        self.scripts = {arabic for options in self.first.values() for _w, _o, arabic in options}

    def __bool__(self) -> bool:
        return bool(self.first)

    def useful_for(self, text: str) -> bool:
        """Whether ``text`` can hold a name of the other script: Latin text and Arabic-script names, or the reverse."""
        return True in self.scripts or (False in self.scripts and is_arabic_script(text))

    def match(self, words: list[str], i: int) -> tuple[int, object] | None:
        """(word count, owner) of the longest name in the *other* script starting at ``words[i]``."""
        first = sound_word(match_key(words[i]))
        for name_words, owner, arabic in self.first.get(first, ()):
            n = len(name_words)
            if arabic == is_arabic_script(words[i]) or len(words) < i + n:
                continue
            if tuple(sound_word(match_key(w)) for w in words[i:i + n]) == name_words:
                return n, owner
        return None


@lru_cache(maxsize=65536)  # views sort every listing again on each save: the same titles
def sort_key(text: str) -> str:
    """Locale-neutral sort key for names in any script (accents ignored, then exact)."""
    return match_key(text) + "\x00" + unicodedata.normalize("NFC", text)
