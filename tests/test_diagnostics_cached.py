"""Warnings are part of what a build remembers: every build and check reports every warning that
still applies, whether its file was parsed again or not, and --strict fails on them after any
number of earlier builds (issue 15, point 4)."""
from __future__ import annotations

import json

import pytest

from conftest import SiteDir

CONFIG = "title: T\nbase_url: https://example.org/\n"
BROKEN = "---\ntitle: Report\ndate: 2021-08-15\n---\nSee [[Nobody Here]] and [[Ghost Town]].\n"
OTHER = "---\ntitle: Other\ndate: 2021-08-16\n---\nPlain text.\n"


def _site(tmp_path) -> SiteDir:
    site = SiteDir(tmp_path / "s")
    site.write("dossier.yaml", CONFIG)
    site.write("content/articles/report.md", BROKEN)
    site.write("content/articles/other.md", OTHER)
    return site


def _links(text: str) -> list[str]:
    return sorted(line for line in text.splitlines() if "D201" in line or "no page named" in line)


def _check_warnings(site) -> list[str]:
    run = site.run("check", "--source", str(site.root), "--format", "json")
    return sorted(d["message"] for d in json.loads(run.out)["diagnostics"] if "no page named" in d["message"])


CHANGES = {
    "none": lambda site: None,
    "another file": lambda site: site.write("content/articles/other.md", OTHER + "More.\n"),
    "the config": lambda site: site.write("dossier.yaml", CONFIG + "description: D\n"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_warnings_survive_any_number_of_builds(tmp_path, change):
    site = _site(tmp_path)
    first = site.build()
    assert first.code == 0
    warnings = _links(first.err)
    assert len(warnings) == 2, first.err
    for _ in range(2):
        CHANGES[change](site)
        again = site.build()
        assert again.code == 0 and _links(again.err) == warnings, again.err
        strict = site.build("--strict")
        assert strict.code == 1 and _links(strict.err) == warnings, strict.err
        assert len(_check_warnings(site)) == 2
        assert site.run("check", "--source", str(site.root), "--strict").code == 1


def test_a_fixed_warning_goes_away_and_stays_away(tmp_path):
    site = _site(tmp_path)
    site.build()
    site.write("content/articles/report.md", BROKEN.replace("[[Ghost Town]]", "Ghost Town"))
    assert len(_links(site.build().err)) == 1
    assert len(_links(site.build().err)) == 1
    site.write("content/articles/report.md", OTHER.replace("Other", "Report"))
    assert _links(site.build().err) == []
    assert site.build("--strict").code == 0
