"""`dossier serve` watching: editors' habits, storms, changes during a build (RELIABILITY rows 24-28)."""
from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from test_serve_support import REPO, SSE, atomic_write, get, running, wait_until

ARTICLE = "content/articles/interview.md"


def article(body: str, title: str = "The interview") -> str:
    return f"---\ntitle: {title}\ndate: 2021-08-22\npeople: [Masood]\ntags: [resistance]\n---\n{body}\n"


@pytest.fixture
def site(make_site, minimal_files):
    return make_site(minimal_files).root


@pytest.fixture
def dev(site):
    with running(site) as server:
        yield server


def rebuilt(dev, n: int, timeout: float = 10.0) -> None:
    wait_until(lambda: dev.rebuilds >= n and dev.wait_idle(0), timeout, message=f"{n} rebuild(s); got {dev.rebuilds}")


def stays(dev, n: int, seconds: float = 1.0) -> None:
    """MkDocs-style negative wait: nothing more happens for a while."""
    time.sleep(seconds)
    assert dev.rebuilds == n, dev.batches


def test_atomic_rename_saves_are_seen_every_time(dev, site):
    path = site / ARTICLE
    atomic_write(path, article("First rename-save text."))
    rebuilt(dev, 1)
    assert "First rename-save text." in get(dev.port, "/articles/interview/").text
    atomic_write(path, article("Second rename-save text."))  # the watch must survive the first rename
    rebuilt(dev, 2)
    assert "Second rename-save text." in get(dev.port, "/articles/interview/").text
    stays(dev, 2, 0.5)


def test_truncate_then_write_is_one_rebuild_with_the_final_text(dev, site):
    """An editor that truncates the file (open, close) and then writes it (open, write, close)."""
    path = site / ARTICLE
    with open(path, "w", encoding="utf-8"):
        pass
    with open(path, "a", encoding="utf-8") as f:
        f.write(article("Truncated, then written."))
    rebuilt(dev, 1)
    assert "Truncated, then written." in get(dev.port, "/articles/interview/").text
    stays(dev, 1, 0.5)
    assert dev.last_error is None


def test_several_files_saved_at_once_are_one_rebuild(dev, site):
    """"Save all" in an editor: every file written in turn, each closed (settled) before the next."""
    person, place = "content/people/ahmad-massoud.md", "content/places/panjshir.md"
    texts = {ARTICLE: article("Saved with the others."),
             person: "---\ntitle: Ahmad Massoud\naliases: [Masood, Ahmad Masud]\n---\nPerson, saved with the others.\n",
             place: "---\ntitle: Panjshir Valley\naliases: [Panshir]\n---\nPlace, saved with the others.\n"}
    for rel, text in texts.items():
        (site / rel).write_text(text, encoding="utf-8")
    rebuilt(dev, 1)
    assert "Saved with the others." in get(dev.port, "/articles/interview/").text
    assert "Person, saved with the others." in get(dev.port, "/people/ahmad-massoud/").text
    assert "Place, saved with the others." in get(dev.port, "/places/panjshir/").text
    stays(dev, 1, 0.5)
    assert dev.batches[0] == set(texts)


def test_a_settled_save_is_built_without_waiting_for_the_quiet_period(site):
    """Closed after writing (or renamed over the original): the batch goes after settled_quiet (0.03 s), not quiet."""
    with running(site, quiet=1.5) as dev:
        path = site / ARTICLE
        t = time.monotonic()
        path.write_text(article("In place, at once."), encoding="utf-8")
        rebuilt(dev, 1)
        assert time.monotonic() - t < 1.4
        t = time.monotonic()
        atomic_write(path, article("Renamed over, at once."))
        rebuilt(dev, 2)
        assert time.monotonic() - t < 1.4
        assert "Renamed over, at once." in get(dev.port, "/articles/interview/").text


def test_garbage_is_collected_after_the_reload_not_while_building(dev, site):
    """No cyclic collection during a rebuild (it cost a save 15-30 ms at 4,000 articles): one after the
    browsers are told, and the collector is on again."""
    import gc

    real, seen = dev.builder.rebuild, []

    def watched(changed=None):
        seen.append(gc.isenabled())
        return real(changed)

    dev.builder.rebuild = watched
    (site / ARTICLE).write_text(article("Collected after."), encoding="utf-8")
    rebuilt(dev, 1)
    wait_until(lambda: dev.collected > 0, 5, message="a collection after the rebuild")
    assert seen == [False] and gc.isenabled()
    assert dev.sent[-1][0] == "reload"


def test_vim_style_save_with_backup_rename(dev, site):
    """vim (backupcopy=no): write 4913, delete it, rename x.md -> x.md~, write x.md, delete x.md~."""
    path = site / ARTICLE
    probe = path.with_name("4913")
    probe.write_text("")
    probe.unlink()
    os.replace(path, path.with_name(path.name + "~"))
    path.write_text(article("Saved the vim way."), encoding="utf-8")
    path.with_name(path.name + "~").unlink()
    rebuilt(dev, 1)
    assert "Saved the vim way." in get(dev.port, "/articles/interview/").text
    stays(dev, 1, 0.5)


def test_delete_then_create_is_seen(dev, site):
    path = site / ARTICLE
    path.unlink()
    path.write_text(article("Recreated text."), encoding="utf-8")
    wait_until(lambda: "Recreated text." in get(dev.port, "/articles/interview/").text, 10, message="recreated page")


@pytest.mark.parametrize("name", [".interview.md.swp", "interview.md~", "#interview.md#", ".#interview.md", "4913",
                                  "interview.md.bak", ".DS_Store", "interview.md.swx", ".interview.md.un~"])
def test_swap_and_backup_files_trigger_no_rebuild(dev, site, name):
    folder = site / "content" / "articles"
    debris = folder / name
    debris.write_text("---\ntitle: [half saved\n---\n")  # broken: would fail the build if it were read
    debris.write_text("---\ntitle: [half saved again\n---\n")
    if name == ".#interview.md":  # Emacs lock files are dangling symlinks
        debris.unlink()
        os.symlink("user@host.1234:1700000000", debris)
    stays(dev, 0, 1.0)
    debris.unlink()
    stays(dev, 0, 0.3)
    assert dev.last_error is None
    (site / ARTICLE).write_text(article("Still watching."), encoding="utf-8")  # and the watcher is alive
    rebuilt(dev, 1)


def test_a_burst_of_500_writes_is_one_rebuild(dev, site):
    folder = site / "content" / "articles"
    for i in range(500):
        (folder / f"burst-{i:03}.md").write_text(article(f"Burst article {i}.", title=f"Burst {i}"), encoding="utf-8")
    rebuilt(dev, 1, timeout=60)
    stays(dev, 1, 1.0)
    assert len(dev.batches[0]) >= 500
    assert "Burst article 499." in get(dev.port, "/articles/burst-499/").text
    assert get(dev.port, "/articles/burst-000/").status == 200


def test_an_edit_during_a_slow_rebuild_gives_exactly_one_more_rebuild(dev, site):
    real = dev.builder.rebuild
    in_slow_part = threading.Event()

    def slow(changed=None):
        result = real(changed)
        in_slow_part.set()
        time.sleep(1.0)  # a slow render: the output is final, the build is not done
        return result

    dev.builder.rebuild = slow
    path = site / ARTICLE
    path.write_text(article("Edit A."), encoding="utf-8")
    assert in_slow_part.wait(10)
    path.write_text(article("Edit B, made while building."), encoding="utf-8")
    rebuilt(dev, 2, timeout=15)
    assert "Edit B, made while building." in get(dev.port, "/articles/interview/").text
    assert ARTICLE in dev.batches[1]
    stays(dev, 2, 1.5)


def test_a_deleted_file_404s_and_an_added_file_appears(dev, site):
    assert get(dev.port, "/articles/interview/").status == 200
    assert "The interview" in get(dev.port, "/people/ahmad-massoud/").text  # a backlink
    (site / ARTICLE).unlink()
    wait_until(lambda: get(dev.port, "/articles/interview/").status == 404, 10, message="404 after delete")
    assert "The interview" not in get(dev.port, "/people/ahmad-massoud/").text
    (site / "content/articles/added.md").write_text(article("Fresh page.", title="Added later"), encoding="utf-8")
    wait_until(lambda: get(dev.port, "/articles/added/").status == 200, 10, message="added page")
    assert "Fresh page." in get(dev.port, "/articles/added/").text


def test_a_renamed_file_moves_its_url(dev, site):
    os.replace(site / ARTICLE, site / "content/articles/renamed.md")
    wait_until(lambda: get(dev.port, "/articles/renamed/").status == 200, 10, message="new url")
    assert get(dev.port, "/articles/interview/").status == 404


def test_inotify_watch_limit_falls_back_to_polling(site, monkeypatch):
    import dossier.serve.watch as watch

    class Exhausted(watch.Observer):
        def schedule(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watch, "Observer", Exhausted)
    with running(site) as dev:
        assert dev.watcher.polling
        said = [t for level, t in dev.messages if "inotify limit" in t]
        assert len(said) == 1 and "sysctl fs.inotify.max_user_watches" in said[0]
        (site / ARTICLE).write_text(article("Seen by polling."), encoding="utf-8")
        wait_until(lambda: "Seen by polling." in get(dev.port, "/articles/interview/").text, 10, message="polled edit")
        assert len([t for level, t in dev.messages if "inotify limit" in t]) == 1


def test_output_and_cache_inside_the_source_folder_cause_no_rebuild_loop(site):
    for output in (site / "build", site / "public"):
        with running(site, output=output) as dev:
            (site / ARTICLE).write_text(article(f"Edit for {output.name}."), encoding="utf-8")
            rebuilt(dev, 1)
            stays(dev, 1, 1.0)  # writing the output (and .dossier-cache/) did not trigger another
            # files the build or other tools write in hidden folders are ignored
            (site / ".dossier-cache" / "other").mkdir(parents=True, exist_ok=True)
            (site / ".dossier-cache" / "other" / "x.md").write_text("x")
            (site / "content" / ".cache").mkdir(exist_ok=True)
            (site / "content" / ".cache" / "y.md").write_text("y")
            (output / "stray.html").write_text("stray")
            stays(dev, 1, 1.0)


def test_circular_and_broken_symlinks_in_content_do_not_break_watching(site):
    os.symlink(".", site / "content" / "articles" / "loop")
    os.symlink("nowhere", site / "content" / "articles" / "dangling")
    with running(site) as dev:
        (site / ARTICLE).write_text(article("Despite the loop."), encoding="utf-8")
        rebuilt(dev, 1)
        assert "Despite the loop." in get(dev.port, "/articles/interview/").text
        assert get(dev.port, "/articles/loop/").status == 404


def test_css_only_change_is_announced_as_css_only(dev, site):
    sse = SSE(dev.port)
    try:
        static = site / "static"
        static.mkdir()  # a new folder: watched at once
        css = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
        (static / "style.css").write_text(css.replace("--paper: #fbfaf7;", "--paper: #fff0f0;"), encoding="utf-8")
        event = sse.wait_for("reload")
        assert event["css_only"] is True
        assert event["changed"] == ["/static/style.css"]
        assert event["navigate"] is None
        mark = sse.mark()
        (static / "style.css").write_text(css.replace("--paper: #fbfaf7;", "--paper: #f0fff0;"), encoding="utf-8")
        event = sse.wait_for("reload", start=mark)
        assert event["css_only"] is True and event["changed"] == ["/static/style.css"]
    finally:
        sse.close()


def test_template_in_a_new_templates_folder_is_watched(dev, site):
    templates = site / "templates"
    templates.mkdir()
    base = (REPO / "themes/default/templates/base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</footer>", "<p>template-mark-1</p></footer>"), encoding="utf-8")
    wait_until(lambda: "template-mark-1" in get(dev.port, "/articles/interview/").text, 10, message="template used")
    (templates / "base.html").write_text(base.replace("</footer>", "<p>template-mark-2</p></footer>"), encoding="utf-8")
    wait_until(lambda: "template-mark-2" in get(dev.port, "/people/ahmad-massoud/").text, 10, message="template edit")


def test_config_change_rebuilds_and_moves_the_prefix(dev, site):
    (site / "dossier.yaml").write_text("title: Renamed dossier\nbase_url: https://example.org/sub/\n", encoding="utf-8")
    wait_until(lambda: get(dev.port, "/sub/").status == 200, 10, message="new prefix")
    assert "Renamed dossier" in get(dev.port, "/sub/articles/interview/").text
    assert get(dev.port, "/articles/interview/").status == 404


def test_theme_switch_watches_the_new_theme(dev, site):
    theme = site / "themes" / "mine"
    shutil.copytree(REPO / "themes/default", theme)
    (site / "dossier.yaml").write_text("title: Test dossier\ntheme: mine\n", encoding="utf-8")
    rebuilt(dev, 1)
    wait_until(lambda: str(theme) in {str(p) for p in dev.watcher.plan.folders}
               or any(theme.is_relative_to(p) for p in dev.watcher.plan.folders), 5, message="theme watched")
    page = theme / "templates" / "base.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</footer>", "<p>theme-mark</p></footer>"), encoding="utf-8")
    wait_until(lambda: "theme-mark" in get(dev.port, "/").text, 10, message="theme edit served")


def test_navigate_names_the_edited_page(site):
    with running(site) as dev:
        sse = SSE(dev.port)
        try:
            (site / ARTICLE).write_text(article("Navigate here."), encoding="utf-8")
            event = sse.wait_for("reload")
            assert event["navigate"] == "/articles/interview/"
            assert "/articles/interview/" in event["changed"]
            assert event["css_only"] is False
        finally:
            sse.close()
    with running(site, navigate=False) as dev:
        sse = SSE(dev.port)
        try:
            (site / ARTICLE).write_text(article("Do not navigate."), encoding="utf-8")
            assert sse.wait_for("reload")["navigate"] is None
        finally:
            sse.close()


def test_many_event_streams_at_once(dev, site):
    streams = [SSE(dev.port) for _ in range(12)]
    try:
        (site / ARTICLE).write_text(article("Everyone hears it."), encoding="utf-8")
        for s in streams:
            s.wait_for("reload")
    finally:
        for s in streams:
            s.close()
