"""Reader-facing labels in the page's language: gettext message catalogs (Babel).

The default theme's catalogs live in ``themes/default/locale/<lang>/LC_MESSAGES/messages.po``
(sources) and ``.mo`` (compiled, shipped in the wheel with the theme). They hold the labels
of the templates (``{{ _("Timeline") }}``, extracted by Babel's Jinja2 extractor through
``jinja2.ext.i18n``) and of the Python code that builds views (marked with :func:`N_`).
A site's own ``locale/`` folder and a theme's ``locale/`` override them message by message.
``scripts/update-catalogs`` re-extracts, merges and compiles them (``babel.cfg``).

Lookup for ``fa-AF``: ``fa_AF``, then ``fa``; a language without a catalog shows the
English source text (British spelling), which is also what ``en`` shows.
"""
from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path

DOMAIN = "messages"
LOCALE_DIR = "locale"  # inside a theme folder, and at the site root


RTL_LANGUAGES = frozenset({"fa", "ar", "ps", "ur", "he", "ckb", "sd", "ug", "yi", "dv"})


def is_rtl(language: str) -> bool:
    """Whether a language is written right to left ("fa-AF" -> True)."""
    return (language or "").replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it where it is shown."""
    return message


def locale_candidates(language: str) -> list[str]:
    """"fa-AF" -> ["fa_AF", "fa"]: the most specific catalog first."""
    code = (language or "en").replace("-", "_")
    out = [code]
    if "_" in code:
        out.append(code.split("_")[0])
    return out


def locale_dirs(root: Path, chain: list[Path]) -> tuple[Path, ...]:
    """The site's ``locale/`` then each theme folder's, child first."""
    dirs = [Path(root) / LOCALE_DIR] + [Path(d) / LOCALE_DIR for d in chain]
    return tuple(d for d in dirs if d.is_dir())


@lru_cache(maxsize=64)
def translations(dirs: tuple[Path, ...], language: str) -> _gettext.NullTranslations:
    """The merged catalogs for one language: the first folder that has a message wins."""
    from babel.support import NullTranslations, Translations

    merged = None
    for d in dirs:
        found = Translations.load(str(d), locales=locale_candidates(language), domain=DOMAIN)
        if not isinstance(found, Translations):
            continue  # Translations.load gives NullTranslations when there is no catalog
        if merged is None:
            merged = found
        else:
            merged.add_fallback(found)
    return merged if merged is not None else NullTranslations()


__all__ = ["N_", "is_rtl", "DOMAIN", "LOCALE_DIR", "locale_candidates", "locale_dirs", "translations"]
