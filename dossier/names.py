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
import re
import unicodedata
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

    ``names`` maps match key -> display name.
    """
    key = match_key(wanted)
    close = difflib.get_close_matches(key, names.keys(), n=limit * 3, cutoff=0.6)
    # Also offer names that contain the wanted words ("Massoud" -> "Ahmad Massoud").
    if len(key) >= 3:
        words = set(key.split())
        for k in names:
            if len(close) >= limit * 3:
                break
            if k not in close and words & set(k.split()):
                close.append(k)
    out: list[str] = []
    for k in close:
        display = names[k]
        if display not in out:
            out.append(display)
        if len(out) == limit:
            break
    return out


def sort_key(text: str) -> str:
    """Locale-neutral sort key for names in any script (accents ignored, then exact)."""
    return match_key(text) + "\x00" + unicodedata.normalize("NFC", text)
