"""CLDR may change how a locale spaces and punctuates a date range ("15–21 August 2021" in
CLDR 41, "15 – 21 August 2021" with thin spaces from CLDR 42 on). dossier prints what the
locale data says; tests compare with :func:`loose` so they pass on any CLDR release, and the
``cldr_spacing`` fixture runs a test under several spacings of the same data to prove it.

Golden files (tests/golden/) are written with the locked versions (requirements/test.txt) and
compared through :func:`loose` too.
"""
from __future__ import annotations

import re

import pytest

_DASHES = "\u2013\u2014\u2012-"
_AROUND_DASH = re.compile(rf"[^\S\n]*([{_DASHES}])[^\S\n]*")
_SPACES = re.compile(r"[^\S\n]+")  # any Unicode space (thin, narrow no-break, no-break...) but newlines
_ESCAPED_SPACES = re.compile(r"\\u(?:2009|202[fF]|00[aA]0|200[0-8aA])")


def loose(text: str) -> str:
    """``text`` without the spacing CLDR may legitimately change: none around a dash, one plain
    space for any other run of spaces (JSON-escaped spaces included)."""
    text = _ESCAPED_SPACES.sub(" ", text)
    return _SPACES.sub(" ", _AROUND_DASH.sub(r"\1", text))


# How the interval patterns of each CLDR generation space the dash.
SPACINGS = {"tight": "", "thin": "\u2009", "plain": " ", "narrow": "\u202f"}


def _respaced(value, space: str):
    if isinstance(value, str):
        return _AROUND_DASH.sub(lambda m: space + m.group(1) + space, value)
    if isinstance(value, (list, tuple)):
        return type(value)(_respaced(v, space) for v in value)
    if hasattr(value, "items"):
        return {k: _respaced(v, space) for k, v in value.items()}
    return value


def use_spacing(monkeypatch, name: str) -> None:
    """Respace the interval patterns of every locale as the CLDR generation ``name`` does."""
    from babel.core import Locale

    from dossier import dates

    original = Locale.interval_formats
    space = SPACINGS[name]
    monkeypatch.setattr(Locale, "interval_formats", property(lambda self: _respaced(original.fget(self), space)))
    dates.format_range.cache_clear()


@pytest.fixture(params=["installed", *SPACINGS])
def cldr_spacing(request, monkeypatch):
    """Runs the test with the installed CLDR data, then with its interval patterns respaced
    as each CLDR generation does; yields the name of the spacing."""
    from dossier import dates

    if request.param != "installed":
        use_spacing(monkeypatch, request.param)
    yield request.param
    dates.format_range.cache_clear()
