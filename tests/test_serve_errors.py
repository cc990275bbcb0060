"""`dossier serve` when a rebuild fails: the error event, the last good build, the terminal."""
from __future__ import annotations

import time

import pytest

from test_serve_support import (  # noqa: F401  (serve_process is a fixture)
    SSE, copy_example, free_port, get, running, serve_process, wait_until,
)

ARTICLE = "content/articles/interview.md"
GOOD = "---\ntitle: The interview\ndate: 2021-08-22\npeople: [Masood]\n---\nThe good text.\n"
BROKEN = "---\ntitle: [The interview\ndate: 2021-08-22\npeople: [Masood]\n---\nThe broken text.\n"


@pytest.fixture
def site(make_site, minimal_files):
    files = dict(minimal_files)
    files[ARTICLE] = GOOD
    return make_site(files).root


def test_broken_front_matter_sends_an_error_event_and_keeps_the_last_good_build(site):
    with running(site) as dev:
        sse = SSE(dev.port)
        try:
            (site / ARTICLE).write_text(BROKEN, encoding="utf-8")
            error = sse.wait_for("error")
            [e] = [e for e in error["errors"] if e["path"] == ARTICLE]
            assert e["code"] == "D101" and e["line"] in (2, 3)
            assert e["location"].startswith(f"{ARTICLE}:{e['line']}")
            assert "front matter" in e["message"]
            lines = {n["n"]: n for n in e["lines"]}
            assert lines[2]["text"] == "title: [The interview"  # the offending source lines, numbered
            assert [n for n in lines.values() if n["mark"]][0]["n"] == e["line"]
            # the last good build is still served, and new pages (and tabs) learn about the error on connect
            page = get(dev.port, "/articles/interview/")
            assert page.status == 200 and "The good text." in page.text
            late = SSE(dev.port)
            assert late.of("hello")[0]["error"]["errors"][0]["path"] == ARTICLE
            late.close()
            errors_in_terminal = [t for level, t in dev.messages if level == "error" and "D101" in t]
            assert len(errors_in_terminal) == 1
            assert not any("Traceback" in t for _, t in dev.messages)

            mark = sse.mark()
            (site / ARTICLE).write_text(GOOD.replace("good", "fixed"), encoding="utf-8")
            reload = sse.wait_for("reload", start=mark)
            assert "/articles/interview/" in reload["changed"]
            assert "The fixed text." in get(dev.port, "/articles/interview/").text
            assert SSE(dev.port).of("hello")[0]["error"] is None
        finally:
            sse.close()


def test_fixing_back_to_the_last_good_text_clears_the_error_even_when_no_output_changes(site):
    with running(site) as dev:
        sse = SSE(dev.port)
        try:
            (site / ARTICLE).write_text(BROKEN, encoding="utf-8")
            sse.wait_for("error")
            mark = sse.mark()
            (site / ARTICLE).write_text(GOOD, encoding="utf-8")  # byte-identical output: nothing changed
            event = sse.wait_for("reload", start=mark)
            assert event["changed"] == []
            assert dev.last_error is None
        finally:
            sse.close()


def test_a_template_error_names_the_template_and_line(site):
    templates = site / "templates"
    templates.mkdir()
    with running(site) as dev:
        sse = SSE(dev.port)
        try:
            (templates / "article.html").write_text(
                '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page.title }</h1>\n{% endblock %}\n', encoding="utf-8")
            error = sse.wait_for("error")
            e = error["errors"][0]
            assert e["path"] == "templates/article.html" and e["line"] == 3
            assert any(n["mark"] and "page.title" in n["text"] for n in e["lines"])
            assert get(dev.port, "/articles/interview/").status == 200
        finally:
            sse.close()


def test_error_messages_reach_the_overlay_as_text_not_markup(site):
    """The overlay renders with textContent; the payload carries the raw message (checked in the browser test)."""
    with running(site) as dev:
        sse = SSE(dev.port)
        try:
            (site / ARTICLE).write_text("---\ntitle: [<img src=x onerror=alert(1)>\n---\n", encoding="utf-8")
            error = sse.wait_for("error")
            assert any("<img" in n["text"] for e in error["errors"] for n in e["lines"])
        finally:
            sse.close()


def test_the_terminal_shows_each_error_once_without_a_traceback(tmp_path, serve_process):
    site = copy_example(tmp_path / "site")
    article = site / "content" / "articles" / "panjshir-interview-summary.md"
    good = article.read_text(encoding="utf-8")
    proc = serve_process("--source", str(site), "--port", str(free_port()))
    proc.url()
    broken = good.replace("title: ", "title: [", 1)
    article.write_text(broken, encoding="utf-8")
    proc.wait_for("rebuild failed", stream="err")
    article.write_text(broken + "\nsaved again\n", encoding="utf-8")  # same error, second save
    wait_until(lambda: proc.stderr.count("rebuild failed") == 2, 15, message="second failed rebuild")
    time.sleep(0.3)
    err = proc.stderr
    assert err.count("D101") == 1, err
    assert "content/articles/panjshir-interview-summary.md:" in err
    assert "Traceback" not in err
    article.write_text(good, encoding="utf-8")
    proc.wait_for("error cleared")
    assert proc.interrupt() == 0
    assert "Traceback" not in proc.stderr
