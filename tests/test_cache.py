"""cache.py: the build record and the document store round-trip, and anything unreadable is a cold start."""
import dataclasses

from dossier.cache import DocStore, State, engine_version, load_state, save_state, state_path
from dossier.model import Document, Failed
from dossier.plan import DocGraph


def _doc(path="content/articles/a.md", body="<p>hi</p>"):
    return Document(id="articles/a", kind="article", path=path, slug="a", title="A", fields={"title": "A"},
                    body_html=body, links=(), headings=(), text="hi", digest="d1", lines={"title": 2})


def test_state_round_trips_without_the_documents(tmp_path):
    graph = {"articles/a": DocGraph("d1", "c1", "article", "articles/a/", frozenset(), frozenset({"t"}), False)}
    state = State(version=engine_version(), parse_key="k", parsed={"content/articles/a.md": _doc()},
                  graph=graph, outputs={"index.html": "x"}, ok=True, hook_outputs=frozenset({"pagefind/x"}))
    save_state(tmp_path, state)
    loaded = load_state(tmp_path)
    assert loaded == dataclasses.replace(state, parsed={})  # documents live in the DocStore
    assert (tmp_path / ".dossier-cache/.gitignore").read_text() == "*\n"


def test_a_state_from_another_engine_or_garbage_is_ignored(tmp_path):
    save_state(tmp_path, State(version="old", parse_key="k"))
    assert load_state(tmp_path) is None
    state_path(tmp_path).write_bytes(b"not a pickle")
    assert load_state(tmp_path) is None
    assert load_state(tmp_path / "nowhere") is None


def test_the_store_keeps_documents_without_bodies_and_reads_bodies_on_demand(tmp_path):
    store = DocStore(tmp_path)
    failed = Failed("content/articles/b.md", "d2", ())
    store.save("key", {"content/articles/a.md": _doc(), failed.path: failed}, {"content/articles/a.md", failed.path})
    loaded = store.load("key")
    assert loaded["content/articles/a.md"].body_html is None and loaded["content/articles/a.md"].lines == {"title": 2}
    assert loaded[failed.path] == failed
    assert store.body("content/articles/a.md") == "<p>hi</p>"
    assert store.load("other key") == {}


def test_the_store_forgets_files_that_are_gone(tmp_path):
    store = DocStore(tmp_path)
    store.save("key", {"content/articles/a.md": _doc()}, {"content/articles/a.md"})
    store.save("key", {}, set())
    assert store.load("key") == {} and store.body("content/articles/a.md") == ""


def test_paused_gc_pauses_the_collector_and_freezes_what_was_made():
    import gc

    from dossier.cache import paused_gc

    assert gc.isenabled()
    gc.unfreeze()  # (a state loaded by an earlier test froze its objects)
    try:
        with paused_gc(freeze=False):
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() == 0
        with paused_gc():
            made = [object() for _ in range(3)] + [[]]
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() > 0 and made
        gc.unfreeze()
        gc.disable()  # already off (a caller's choice): left off, nothing frozen
        with paused_gc():
            pass
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.enable()
