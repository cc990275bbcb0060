import pytest

from cldr_spacing import SPACINGS, loose, use_spacing
from dossier.dates import DateError, PartialDate, check_range, format_date, format_range, parse_date


@pytest.mark.parametrize("value, iso, precision", [
    (2021, "2021", "year"),
    ("2021", "2021", "year"),
    ("2021-08", "2021-08", "month"),
    ("2021-08-15", "2021-08-15", "day"),
    ("2021-08-15T21:00+04:30", "2021-08-15T21:00+04:30", "minute"),
    ("2021-08-16T02:30+04:30", "2021-08-16T02:30+04:30", "minute"),
    ("August 2021", "2021-08", "month"),
    ("15 August 2021", "2021-08-15", "day"),
])
def test_parse_keeps_precision(value, iso, precision):
    d = parse_date(value)
    assert d.iso() == iso
    assert d.precision == precision


def test_approximate_prefix():
    d = parse_date("c. 1998")
    assert d.approximate and d.iso() == "1998"
    assert format_date(d) == "c. 1998"


@pytest.mark.parametrize("value, en, fr", [
    ("2021", "2021", "2021"),
    ("2021-08", "August 2021", "août 2021"),
    ("2021-08-15", "15 August 2021", "15 août 2021"),
])
def test_display_at_precision_in_two_languages(value, en, fr):
    d = parse_date(value)
    assert format_date(d, "en") == en
    assert format_date(d, "fr") == fr


def test_written_offset_keeps_local_day():
    # 02:30 in Kabul is still the 15th in UTC, but the reader sees the written day.
    assert format_date(parse_date("2021-08-16T02:30+04:30")).startswith("16 August 2021")


RANGES = [  # start, end, language, the range up to CLDR spacing
    ("2021-08-15", "2021-08-21", "en", "15–21 August 2021"),
    ("2021-08-15", "2021-09-02", "en", "15 August–2 September 2021"),
    ("2021-08", "2022-03", "en", "August 2021–March 2022"),
    ("2021-08-15", "2021-08-21", "fr", "15–21 août 2021"),
    ("2021", "2021-08", "en", "2021–August 2021"),  # mixed precisions: the locale's fallback pattern
]


@pytest.mark.parametrize("start, end, language, expected", RANGES)
def test_ranges_whatever_the_cldr_spacing(cldr_spacing, start, end, language, expected):
    assert loose(format_range(parse_date(start), parse_date(end), language)) == expected


def test_mixed_precision_range_uses_the_locale_fallback_pattern():
    assert " تا " in format_range(parse_date("2021"), parse_date("2021-08"), "fa")  # "to", not a dash


@pytest.mark.parametrize("spacing", ["tight", "thin", "plain"])
def test_ranges_print_the_spacing_of_the_locale_data(monkeypatch, spacing):
    """dossier does not respace what CLDR gives: the bytes follow the (locked) locale data."""
    use_spacing(monkeypatch, spacing)
    dash = f"{SPACINGS[spacing]}–{SPACINGS[spacing]}"
    assert format_range(parse_date("2021-08-15"), parse_date("2021-08-21")) == f"15{dash}21 August 2021"
    assert format_range(parse_date("2021"), parse_date("2021-08")) == f"2021{dash}August 2021"
    format_range.cache_clear()


def test_loose_removes_only_cldr_spacing():
    assert loose("15\u2009–\u2009 21 August\u202f2021") == "15–21 August 2021"
    assert loose("15 – 21") == loose("15–21") == loose("15\u2009–\u200921")
    assert loose("15 21") != loose("1521")  # other spaces still count
    assert loose("a\nb") == "a\nb"


def test_sort_general_before_particular():
    dates = [parse_date(v) for v in ["2021-08-15", "2021", "2021-08", "2020-12-31", "2021-08-15T09:00", "2021-01"]]
    ordered = [d.iso() for d in sorted(dates, key=PartialDate.sort_key)]
    assert ordered == ["2020-12-31", "2021", "2021-01", "2021-08", "2021-08-15", "2021-08-15T09:00"]


@pytest.mark.parametrize("value, message", [
    ("2021-13-40", "month must be in 1..12"),
    ("2021-02-30", "day 30 is not in February 2021"),
    ("yesterday", "is not a date"),
    (True, "is not a date"),
    ([2021], "is not a date"),
])
def test_impossible_dates(value, message):
    with pytest.raises(DateError, match=message):
        parse_date(value)


def test_range_end_before_start():
    assert "before the start" in check_range(parse_date("2021-08-21"), parse_date("2021-08-15"))
    assert check_range(parse_date("2021-08"), parse_date("2021-08-15")) is None


# ------------------------------------------------------------- Solar Hijri calendar (calendar: persian)
@pytest.mark.parametrize("language, expected", [
    ("fa-AF-u-ca-persian", "24 اسد 1400"),  # the fall of Kabul, as Afghan media date it
    ("ps-u-ca-persian", "24 زمری 1400"),
    ("fa-IR-u-ca-persian", "24 مرداد 1400"),
    ("en-u-ca-persian", "24 Mordad 1400 AP"),
])
def test_persian_calendar_month_names_by_country(language, expected):
    assert format_date(parse_date("2021-08-15"), language) == expected


def test_persian_calendar_new_year_boundaries():
    af = "fa-AF-u-ca-persian"
    assert format_date(parse_date("2021-03-20"), af) == "30 حوت 1399"
    assert format_date(parse_date("2021-03-21"), af) == "1 حمل 1400"
    assert format_date(parse_date("2025-03-20"), "fa-IR-u-ca-persian") == "30 اسفند 1403"  # 1403 is a leap year


def test_persian_calendar_keeps_each_dates_precision():
    af = "fa-AF-u-ca-persian"
    assert format_date(parse_date("2021-08"), af) == "اسد–سنبله 1400"  # a month stays a month: the two it overlaps
    assert format_date(parse_date("2021-03"), af) == "حوت 1399 – حمل 1400"
    assert format_date(parse_date("2021"), af) == "1399–1400"  # a year stays a year
    assert format_date(parse_date("c. 2021-08-13"), af) == "حدود 22 اسد 1400"
    assert format_date(parse_date("2021-08-15T21:00+04:30"), af) == "24 اسد 1400, 21:00 (UTC+04:30)"
    assert format_range(parse_date("2021-08-15"), parse_date("2021-08-21"), af) == "24 اسد 1400 – 30 اسد 1400"
    assert format_date(parse_date("2021-08-15"), "fa-AF") == "15 اگست 2021"  # without the calendar: Gregorian


def test_calendar_in_config_and_on_the_built_pages(make_site):
    files = {"content/articles/a.md": "---\ntitle: Kabul falls\ndate: 2021-08-15\n---\nText.\n",
             "content/events/e.md": "---\ntitle: A month\ndate: 2021-08\nsources: [{url: 'https://example.org/a', archived_url: 'https://archive.org/a'}]\n---\n"}
    site = make_site(files, config="title: T\nlanguage: fa-AF\ncalendar: persian\n")
    run = site.build()
    assert run.code == 0, run.err
    assert ">24 اسد 1400</time>" in site.read("articles/a/index.html")
    timeline = site.read("timeline/index.html")
    assert ">1399–1400</h2>" in timeline and ">اسد–سنبله 1400</h3>" in timeline
    bad = make_site(files, config="title: T\nlanguage: fa-AF\ncalendar: jalali\n").build()
    assert bad.code != 0 and 'dossier.yaml:3: D108 config: calendar must be one of gregorian, persian, not "jalali"' in bad.err
