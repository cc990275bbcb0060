"""Partial dates: a date keeps the precision it was written with.

``2021`` is a year, ``2021-08`` a month, ``2021-08-15`` a day, and
``2021-08-15T21:00+04:30`` a moment with the offset it was written in.
``approximate`` marks "c." dates.

Ordering across precisions: a less precise date sorts *before* the more
precise dates inside it (``2021`` < ``2021-01`` < ``2021-01-01`` <
``2021-01-01T00:00``), so a timeline reads from the general to the
particular. Times sort by their written local clock, which is what a reader
of the page sees.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

YEAR, MONTH, DAY, MINUTE = "year", "month", "day", "minute"

_ISO = re.compile(
    r"""^\s*(?P<y>-?\d{1,4})
        (?:-(?P<m>\d{1,2})
          (?:-(?P<d>\d{1,2})
            (?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?
              \s*(?P<tz>Z|[+-]\d{2}:?\d{2})?
            )?
          )?
        )?\s*$""",
    re.X,
)
_APPROX = re.compile(r"^\s*(?:c\.|ca\.|circa|approx\.?|about|~)\s*", re.I)

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WORDY = re.compile(r"^\s*(?:(?P<d>\d{1,2})\s+)?(?P<mon>[A-Za-z]+)\.?,?\s+(?P<y>\d{4})\s*$")


class DateError(ValueError):
    """A value that is not a date; the message says why."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    offset: int | None = None  # minutes east of UTC, when written
    approximate: bool = False

    @property
    def precision(self) -> str:
        if self.hour is not None:
            return MINUTE
        if self.day is not None:
            return DAY
        if self.month is not None:
            return MONTH
        return YEAR

    def sort_key(self) -> tuple:
        return (
            self.year,
            self.month or 0,
            self.day or 0,
            -1 if self.hour is None else self.hour * 60 + (self.minute or 0),
        )

    def __lt__(self, other: "PartialDate") -> bool:
        return self.sort_key() < other.sort_key()

    def first_day(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> _dt.date:
        if self.day:
            return _dt.date(self.year, self.month, self.day)
        if self.month:
            nxt = _dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - _dt.timedelta(days=1)
        return _dt.date(self.year, 12, 31)

    def with_approximate(self, approximate: bool) -> "PartialDate":
        return PartialDate(self.year, self.month, self.day, self.hour, self.minute, self.offset, approximate)

    def iso(self) -> str:
        """ISO 8601 at the written precision (``2021``, ``2021-08``, ``2021-08-15``, ``…T21:00+04:30``)."""
        y = f"{self.year:04d}"
        if self.month is None:
            return y
        if self.day is None:
            return f"{y}-{self.month:02d}"
        s = f"{y}-{self.month:02d}-{self.day:02d}"
        if self.hour is not None:
            s += f"T{self.hour:02d}:{self.minute or 0:02d}"
            if self.offset is not None:
                s += _fmt_offset(self.offset)
        return s

    def rfc3339(self) -> str:
        """A full timestamp (feeds, sitemaps need one): the first moment of the period."""
        off = self.offset if self.offset is not None else 0
        return (
            f"{self.year:04d}-{self.month or 1:02d}-{self.day or 1:02d}"
            f"T{self.hour or 0:02d}:{self.minute or 0:02d}:00{_fmt_offset(off) if off else 'Z'}"
        )

    def __str__(self) -> str:
        return ("c. " if self.approximate else "") + self.iso()

    def __reduce__(self):  # fast unpickling from the build cache
        return (PartialDate, (self.year, self.month, self.day, self.hour, self.minute, self.offset, self.approximate))


def _fmt_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_date(value, approximate: bool = False) -> PartialDate:
    """Parse what a reporter writes in front matter into a :class:`PartialDate`.

    Accepts ints (years), ISO strings at any precision (with optional time
    and offset), ``August 2021`` / ``15 August 2021``, a ``c.``/``circa``
    prefix, and ``datetime.date``/``datetime`` objects.
    Raises :class:`DateError` with a readable message otherwise.
    """
    if isinstance(value, bool):
        raise DateError(f"{value!r} is not a date")
    if isinstance(value, _dt.date):
        return _from_date_object(value, approximate)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise DateError(f"{_short(value)} is not a date (write 2021, 2021-08 or 2021-08-15)")
    text = value.strip()
    m = _APPROX.match(text)
    if m:
        approximate = True
        text = text[m.end():]
    y, mo, d, hh, mm, tz = _date_parts(text, value)
    _check_parts(value, y, mo, d, hh, mm)
    return PartialDate(y, mo, d, hh, mm, _offset(tz, value), approximate)


def _from_date_object(value: _dt.date, approximate: bool) -> PartialDate:
    if isinstance(value, _dt.datetime):
        off = value.utcoffset()
        return PartialDate(value.year, value.month, value.day, value.hour, value.minute,
                           None if off is None else int(off.total_seconds() // 60), approximate)
    return PartialDate(value.year, value.month, value.day, approximate=approximate)


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _date_parts(text: str, value) -> tuple:
    """(year, month, day, hour, minute, offset text) from an ISO or a worded date."""
    m = _ISO.match(text)
    if m:
        return int(m["y"]), _int(m["m"]), _int(m["d"]), _int(m["H"]), _int(m["M"]), m["tz"]
    w = _WORDY.match(text)
    if not w or w["mon"].lower() not in _MONTHS:
        raise DateError(f'"{value}" is not a date (write 2021, 2021-08, 2021-08-15 or 2021-08-15T21:00+04:30)')
    return int(w["y"]), _MONTHS[w["mon"].lower()], _int(w["d"]), None, None, None


def _check_parts(value, y, mo, d, hh, mm) -> None:
    if not 1 <= y <= 9999:
        raise DateError(f'"{value}": year must be between 1 and 9999')
    if mo is not None and not 1 <= mo <= 12:
        raise DateError(f'"{value}": month must be in 1..12' + _month_hint(y, mo, d))
    if d is not None:
        try:
            _dt.date(y, mo, d)
        except ValueError:
            raise DateError(f'"{value}": day {d} is not in {_dt.date(y, mo, 1):%B %Y}') from None
    if hh is not None and (hh > 23 or mm > 59):
        raise DateError(f'"{value}": time must be between 00:00 and 23:59')


def _offset(tz: str | None, value) -> int | None:
    """Minutes east of UTC from "Z", "+04:30" or "-0500"."""
    if not tz:
        return None
    if tz == "Z":
        return 0
    digits = tz[1:].replace(":", "")
    oh, om = int(digits[:2]), int(digits[2:])
    if oh > 14 or om > 59:
        raise DateError(f'"{value}": offset {tz} is out of range')
    return (oh * 60 + om) * (1 if tz[0] == "+" else -1)


def _month_hint(y, mo, d) -> str:
    if d is not None and 1 <= d <= 12 and mo <= 31:
        return f"; did you mean {y:04d}-{d:02d}-{mo:02d}?"
    return ""


def _short(value) -> str:
    r = repr(value)
    return r if len(r) < 40 else r[:37] + "..."


# ---------------------------------------------------------------- display

_APPROX_WORD = {"en": "c.", "fr": "vers", "de": "um", "es": "c.", "fa": "حدود", "ar": "حوالي", "ps": "شاوخوا"}


@lru_cache(maxsize=64)
def _locale(language: str):
    from babel import Locale

    lang = _without_calendar(language or "en").replace("-", "_")
    if lang == "en":
        lang = "en_GB"  # day-month-year, as international newsrooms write dates
    try:
        return Locale.parse(lang)
    except Exception:
        return Locale.parse("en_GB")


_SKELETON = {YEAR: "y", MONTH: "yMMMM"}
_LONG_MONTH = re.compile(r"(?<![ML])(MMM|LLL)(?![ML])")


@lru_cache(maxsize=8192)
def format_date(d: PartialDate, language: str = "en") -> str:
    """``2021`` / ``August 2021`` / ``15 August 2021`` / ``15 August 2021, 21:00 (UTC+04:30)``, localised.

    ``language`` may carry a calendar as BCP 47 does (``fa-AF-u-ca-persian``): see :func:`format_persian`.
    """
    from babel.dates import format_date as babel_format_date, format_skeleton, format_time

    if language.endswith(PERSIAN_CALENDAR):
        return format_persian(d, language)
    loc = _locale(language)
    if d.precision in (DAY, MINUTE):
        text = babel_format_date(d.first_day(), "long", locale=loc)
    else:
        text = format_skeleton(_SKELETON[d.precision], d.first_day(), locale=loc)
    if d.precision == MINUTE:
        t = _dt.time(d.hour, d.minute or 0)
        text += ", " + format_time(t, "HH:mm", locale=loc)
        if d.offset is not None:
            text += f" (UTC{_fmt_offset(d.offset)})"
    if d.approximate:
        text = f"{_APPROX_WORD.get(loc.language, 'c.')} {text}"
    return text


@lru_cache(maxsize=4096)
def format_range(start: PartialDate, end: PartialDate | None, language: str = "en") -> str:
    """A start and optional end at their precisions: "15–21 August 2021", "August 2021 – March 2022"."""
    if end is None or end == start:
        return format_date(start, language)
    if language.endswith(PERSIAN_CALENDAR):
        return f"{format_date(start, language)} – {format_date(end, language)}"
    from babel.dates import format_date as babel_format_date

    loc = _locale(language)
    same = start.precision == end.precision and start.precision in (MONTH, DAY)
    if same and not (start.approximate or end.approximate):
        a, b = start.first_day(), end.first_day()
        diff = "y" if a.year != b.year else ("M" if a.month != b.month else "d")
        skeleton = "yMMMd" if start.precision == DAY else "yMMMM"
        parts = (loc.interval_formats.get(skeleton) or {}).get(diff)
        if parts and len(parts) == 2:
            # CLDR has day intervals only with abbreviated months: widen them.
            p0, p1 = (_LONG_MONTH.sub(lambda m: m.group(1) + m.group(1)[0], p) for p in parts)
            return babel_format_date(a, p0, locale=loc) + babel_format_date(b, p1, locale=loc)
    # The locale's own fallback ("{0} – {1}" in English, "{0} تا {1}" in Persian), spaced as CLDR spaces it.
    pattern = loc.interval_formats.get(None) or "{0} – {1}"
    return pattern.replace("{0}", format_date(start, language)).replace("{1}", format_date(end, language))


# ------------------------------------------------------- Solar Hijri calendar
# jdatetime converts days (it has no partial dates): a month or a year is shown as the
# Solar Hijri months or years its first and last days fall in, so it keeps its precision.
PERSIAN_CALENDAR = "-u-ca-persian"
# Month names by language (CLDR's "persian" calendar names): Afghanistan's Dari and Pashto
# names (Hamal, Sawr, ...), Iran's Persian ones, and Latin forms for every other language.
_SOLAR_MONTHS = {
    "fa_AF": ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"),
    "ps": ("وری", "غویی", "غبرګولی", "چنګاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"),
    "fa": ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"),
    "": ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"),
}
# CLDR writes "AP" (anno Persico) after Solar Hijri years outside Iran and Afghanistan
_SOLAR_ERA = {"fa_AF": "", "ps": "", "fa": "", "": " AP"}


def _without_calendar(language: str) -> str:
    return language[: -len(PERSIAN_CALENDAR)] if language.endswith(PERSIAN_CALENDAR) else language


def _solar_names(language: str) -> str:
    loc = _locale(language)
    key = f"{loc.language}_{loc.territory}" if loc.territory else loc.language
    for candidate in (key, loc.language):
        if candidate in _SOLAR_MONTHS:
            return candidate
    return ""


def _to_solar(day: _dt.date) -> tuple[int, int, int]:
    import jdatetime

    j = jdatetime.date.fromgregorian(date=day)
    return j.year, j.month, j.day


def format_persian(d: PartialDate, language: str) -> str:
    """A date in the Solar Hijri calendar at its own precision.

    A day: ``24 اسد 1400``; a Gregorian month spans two Solar Hijri months (``اسد–سنبله 1400``);
    a year spans two years (``1399–1400``). Times and offsets are kept as written.
    """
    names = _solar_names(language)
    months, era = _SOLAR_MONTHS[names], _SOLAR_ERA[names]
    (y1, m1, d1), (y2, m2, _) = _to_solar(d.first_day()), _to_solar(d.last_day())
    if d.precision in (DAY, MINUTE):
        text = f"{d1} {months[m1 - 1]} {y1}{era}"
        if d.precision == MINUTE:
            text += f", {d.hour:02d}:{d.minute or 0:02d}"
            if d.offset is not None:
                text += f" (UTC{_fmt_offset(d.offset)})"
    elif d.precision == MONTH:
        text = (f"{months[m1 - 1]}–{months[m2 - 1]} {y1}{era}" if y1 == y2
                else f"{months[m1 - 1]} {y1} – {months[m2 - 1]} {y2}{era}")
    else:
        text = f"{y1}–{y2}{era}" if y1 != y2 else f"{y1}{era}"
    if d.approximate:
        text = f"{_APPROX_WORD.get(_locale(language).language, 'c.')} {text}"
    return text


def check_range(start: PartialDate, end: PartialDate) -> str | None:
    """An error message when ``end`` lies before ``start``, else None."""
    if end.last_day() < start.first_day() or (
        start.precision == MINUTE and end.precision == MINUTE and end.sort_key() < start.sort_key()
    ):
        return f"end {end.iso()} is before the start {start.iso()}"
    return None
