"""Editorial checks (dossier/check.py) through ``dossier check``: one trigger and one pass per code."""
import datetime as dt
import json
import shutil

import pytest

from conftest import REPO, SiteDir

ARCHIVE = "https://web.archive.org/web/2021/https://example.org/report"

# A small dossier with no editorial finding at all; each test changes one file.
CLEAN = {
    "content/people/ahmad-massoud.md": "---\ntitle: Ahmad Massoud\naliases: [Masood]\n---\nA person.\n",
    "content/places/panjshir.md": "---\ntitle: Panjshir Valley\n---\nA valley.\n",
    "content/organizations/taliban.md": "---\ntitle: Taliban\n---\nA movement.\n",
    "content/articles/report.md": (
        "---\ntitle: The report\ndate: 2021-08-22\npeople: [Masood]\nplaces: [Panjshir Valley]\n"
        "organizations: [Taliban]\n---\nWe spoke to [[Masood]].\n"
    ),
    "content/events/call.md": (
        "---\ntitle: The call\ndate: 2021-08-21\nsources:\n  - \"[[The report]]\"\n---\nA call.\n"
    ),
    "content/claims/leaving.md": (
        "---\ntitle: Massoud is leaving\nstatus: denied\ndate: 2021-08\nsources:\n  - \"[[The report]]\"\n---\nDenied.\n"
    ),
}


def check(make_site, changes: dict, config: str = "title: Test dossier\n", *args):
    files = dict(CLEAN)
    files.update({k: v for k, v in changes.items() if v is not None})
    for k, v in changes.items():
        if v is None:
            files.pop(k)
    site = make_site(files, config)
    run = site.run("check", "--source", str(site.root), "--jobs", "1", "--format", "json", *args)
    data = json.loads(run.out)
    return run, data


def codes(data) -> list[str]:
    return [d["code"] for d in data["diagnostics"]]


def finding(data, code) -> dict:
    (d,) = [d for d in data["diagnostics"] if d["code"] == code]
    return d


def test_clean_dossier_has_no_findings(make_site):
    run, data = check(make_site, {}, "title: Test dossier\n", "--strict")
    assert data["diagnostics"] == [] and run.code == 0


# ---------------------------------------------------------------- E601
def test_e601_event_without_source(make_site):
    run, data = check(make_site, {"content/events/call.md": "---\ntitle: The call\ndate: 2021-08-21\n---\nA call.\n"})
    d = finding(data, "E601")
    assert d["path"] == "content/events/call.md" and d["line"] == 2  # the title line
    assert 'event "The call" has no source' in d["message"] and d["severity"] == "warning"
    assert run.code == 0  # a warning: only --strict fails


def test_e601_claim_without_source_points_at_empty_sources(make_site):
    _, data = check(make_site, {"content/claims/leaving.md": "---\ntitle: Leaving\nstatus: denied\nsources: []\n---\n"})
    d = finding(data, "E601")
    assert d["path"] == "content/claims/leaving.md" and d["line"] == 4


def test_e601_not_raised_for_external_source_or_article_ref(make_site):
    ext = ("---\ntitle: The call\ndate: 2021-08-21\nsources:\n"
           f"  - {{url: 'https://example.org/report', title: Report, archived_url: '{ARCHIVE}'}}\n---\n")
    _, data = check(make_site, {"content/events/call.md": ext})
    assert "E601" not in codes(data)
    # an event with no sources: of its own, but an article reports it with events: [{ref: ...}]
    _, data = check(make_site, {
        "content/events/call.md": "---\ntitle: The call\ndate: 2021-08-21\n---\n",
        "content/articles/report.md": CLEAN["content/articles/report.md"].replace(
            "organizations: [Taliban]\n", "organizations: [Taliban]\nevents:\n  - {ref: The call}\n"),
    })
    assert "E601" not in codes(data)


def test_e601_source_that_does_not_resolve(make_site):
    _, data = check(make_site, {"content/events/call.md":
                                "---\ntitle: The call\ndate: 2021-08-21\nsources: ['[[No such article]]']\n---\n"})
    assert "D201" in codes(data)
    assert "no usable source" in finding(data, "E601")["message"]


# ---------------------------------------------------------------- E602
def test_e602_external_source_without_archive(make_site):
    ev = ("---\ntitle: The call\ndate: 2021-08-21\nsources:\n  - \"[[The report]]\"\n"
          "  - {url: 'https://example.org/report', title: Report, publisher: Example}\n---\n")
    _, data = check(make_site, {"content/events/call.md": ev})
    d = finding(data, "E602")
    assert d["line"] == 6 and "https://example.org/report" in d["message"] and "archived_url" in d["message"]
    assert "web.archive.org" in d["hint"]


def test_e602_article_source_without_archive(make_site):
    art = CLEAN["content/articles/report.md"].replace(
        "date: 2021-08-22\n", "date: 2021-08-22\nsource:\n  publisher: Example\n  url: https://example.org/a\n")
    _, data = check(make_site, {"content/articles/report.md": art})
    assert finding(data, "E602")["line"] == 4


def test_e602_not_raised_with_archive_or_without_url(make_site):
    ev = ("---\ntitle: The call\ndate: 2021-08-21\nsources:\n"
          f"  - {{url: 'https://example.org/report', title: Report, archived_url: '{ARCHIVE}'}}\n"
          "  - {title: A printed pamphlet, publisher: Someone}\n---\n")
    _, data = check(make_site, {"content/events/call.md": ev})
    assert "E602" not in codes(data)


# ---------------------------------------------------------------- E603 / E604
def _translated(extra: str) -> str:
    return CLEAN["content/articles/report.md"].replace(
        "date: 2021-08-22\n", "date: 2021-08-22\nsource:\n  translated_from: fr\n" + extra)


def test_e603_translation_without_translator(make_site):
    _, data = check(make_site, {"content/articles/report.md": _translated(
        f"  url: https://example.org/fr\n  archived_url: {ARCHIVE}\n")})
    d = finding(data, "E603")
    assert d["path"] == "content/articles/report.md" and d["line"] == 4 and "translator" in d["message"]
    assert "E604" not in codes(data)


def test_e604_translation_without_original_url(make_site):
    _, data = check(make_site, {"content/articles/report.md": _translated("  translator: Jane Doe\n")})
    d = finding(data, "E604")
    assert d["line"] == 4 and "url" in d["message"]
    assert "E603" not in codes(data)


def test_translation_with_translator_and_url_passes(make_site):
    _, data = check(make_site, {"content/articles/report.md": _translated(
        f"  translator: machine translation\n  url: https://example.org/fr\n  archived_url: {ARCHIVE}\n")})
    assert not {"E603", "E604"} & set(codes(data))


# ---------------------------------------------------------------- E605
def _claim(status: str, date: str) -> str:
    return f"---\ntitle: Thousands joined\nstatus: {status}\ndate: {date}\nsources: ['[[The report]]']\n---\n"


def test_e605_claim_unverified_too_long(make_site):
    _, data = check(make_site, {"content/claims/leaving.md": _claim("unverified", "2021-08")})
    d = finding(data, "E605")
    assert d["line"] == 3  # the status line
    days = (dt.date.today() - dt.date(2021, 8, 31)).days  # a month-precision date counts from its last day
    assert f"still unverified {days} days after its date (limit 30 days)" in d["message"]


def test_e605_not_raised_for_recent_or_rated_claims(make_site):
    today = dt.date.today().isoformat()
    for claim in (_claim("unverified", today), _claim("denied", "2021-08"),
                  "---\ntitle: Undated\nstatus: unverified\nsources: ['[[The report]]']\n---\n"):
        _, data = check(make_site, {"content/claims/leaving.md": claim})
        assert "E605" not in codes(data), claim


def test_e605_threshold_from_config(make_site):
    recent = (dt.date.today() - dt.timedelta(days=10)).isoformat()
    _, data = check(make_site, {"content/claims/leaving.md": _claim("unverified", recent)},
                    "title: T\nchecks: {unverified_days: 5}\n")
    assert "E605" in codes(data)
    _, data = check(make_site, {"content/claims/leaving.md": _claim("unverified", "2021-08")},
                    "title: T\nchecks: {unverified_days: 100000}\n")
    assert "E605" not in codes(data)


def test_bad_checks_config_is_reported(make_site):
    run, data = check(make_site, {}, "title: T\nchecks:\n  unverified_days: soon\n  colour: red\n")
    bad = [d for d in data["diagnostics"] if d["path"] == "dossier.yaml"]
    assert {d["code"] for d in bad} == {"D108", "D105"}
    assert next(d for d in bad if d["code"] == "D108")["line"] == 3
    assert run.code == 1  # an error


# ---------------------------------------------------------------- E606
def test_e606_orphan_entity(make_site):
    _, data = check(make_site, {"content/people/nobody.md": "---\ntitle: Nobody Links Here\n---\nAlone.\n"})
    d = finding(data, "E606")
    assert d["path"] == "content/people/nobody.md" and d["line"] == 2
    assert 'person "Nobody Links Here" is not mentioned' in d["message"]


def test_e606_mention_from_any_page_counts(make_site):
    _, data = check(make_site, {
        "content/people/nobody.md": "---\ntitle: Somebody\n---\nAlone.\n",
        "content/places/panjshir.md": "---\ntitle: Panjshir Valley\n---\nHome of [[Somebody]].\n",
    })
    assert "E606" not in codes(data)


# ---------------------------------------------------------------- suppression
def test_ignore_checks_in_front_matter_and_config(make_site):
    claim = _claim("unverified", "2021-08").replace("status:", "ignore_checks: [E605]\nstatus:")
    _, data = check(make_site, {"content/claims/leaving.md": claim})
    assert "E605" not in codes(data)
    _, data = check(make_site, {"content/people/nobody.md": "---\ntitle: Nobody\n---\n"},
                    "title: T\nchecks: {ignore: [E606]}\n")
    assert "E606" not in codes(data)


# ---------------------------------------------------------------- output
def test_json_output_has_findings_and_summary(make_site):
    run, data = check(make_site, {
        "content/people/nobody.md": "---\ntitle: Nobody\n---\n",
        "content/events/call.md": "---\ntitle: The call\ndate: 2021-08-21\n---\n",
        "content/events/other.md": "---\ntitle: Other\ndate: 2021-08-20\n---\n[[Nowhere]]\n",
    })
    assert set(data) >= {"diagnostics", "errors", "warnings", "pages", "summary"}
    assert data["errors"] == 0 and data["warnings"] == 4 and data["pages"] == 8
    assert data["summary"] == [
        {"code": "D201", "severity": "warning", "count": 1, "description": "link target not found"},
        {"code": "E601", "severity": "warning", "count": 2, "description": "event or claim with no source"},
        {"code": "E606", "severity": "warning", "count": 1, "description": "entity mentioned nowhere (orphan)"},
    ]
    first = data["diagnostics"][0]
    assert set(first) >= {"severity", "code", "message", "path", "line", "hint"}
    assert run.code == 0


def test_text_output_lines_and_summary_table(make_site):
    files = dict(CLEAN)
    files["content/events/call.md"] = "---\ntitle: The call\ndate: 2021-08-21\n---\n"
    site = make_site(files)
    run = site.run("check", "--source", str(site.root), "--jobs", "1")
    assert run.code == 0
    assert 'content/events/call.md:2: [E601] event "The call" has no source' in run.out
    assert "Summary" in run.out and "E601" in run.out.split("Summary", 1)[1]
    assert "event or claim with no source" in run.out
    assert run.out.rstrip().endswith("checked 6 pages: 0 errors, 1 warning")
    strict = site.run("check", "--source", str(site.root), "--jobs", "1", "--strict")
    assert strict.code == 1


def test_check_missing_source_folder_is_a_usage_error(tmp_path):
    assert SiteDir(tmp_path).run("check", "--source", str(tmp_path / "missing")).code == 2


def test_example_dossier_passes_check_strict(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "dossier.yaml", tmp_path / "dossier.yaml")
    run = SiteDir(tmp_path).run("check", "--source", str(tmp_path), "--strict", "--jobs", "1")
    assert run.code == 0, run.out + run.err


@pytest.mark.parametrize("code", ["E601", "E602", "E603", "E604", "E605", "E606"])
def test_every_check_code_is_documented(code):
    from dossier.check import CHECKS
    from dossier.diagnostics import CODES

    assert CODES[code] and code in CHECKS


def test_init_scaffold_has_no_editorial_findings(tmp_path):
    runner = SiteDir(tmp_path)
    assert runner.run("init", str(tmp_path / "mysite")).code == 0
    run = runner.run("check", "--source", str(tmp_path / "mysite"), "--format", "json", "--jobs", "1")
    assert [d for d in json.loads(run.out)["diagnostics"] if d["code"].startswith("E6")] == []
