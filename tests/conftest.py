"""Shared fixtures: small dossiers written inline, built through the real CLI."""
from __future__ import annotations

import hashlib
import io
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dossier.cli import main  # noqa: E402
from cldr_spacing import cldr_spacing, loose  # noqa: E402,F401  (a fixture for every test module)


@dataclass
class Run:
    code: int
    out: str
    err: str


class SiteDir:
    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        return path

    def run(self, *args: str) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code
        return Run(code, out.getvalue(), err.getvalue())

    def build(self, *args: str) -> Run:
        return self.run("build", "--source", str(self.root), "--jobs", "1", *args)

    @property
    def out(self) -> Path:
        return self.root / "build"

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def snapshot(self, folder: Path | None = None) -> dict[str, str]:
        folder = folder or self.out
        return {
            p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()
        }


@pytest.fixture
def make_site(tmp_path):
    def factory(files: dict[str, str | bytes], config: str | None = "title: Test dossier\n") -> SiteDir:
        site = SiteDir(tmp_path / "site")
        site.root.mkdir(parents=True, exist_ok=True)
        if config is not None:
            site.write("dossier.yaml", config)
        for rel, text in files.items():
            site.write(rel, text)
        return site

    return factory


MINIMAL = {
    "content/people/ahmad-massoud.md": "---\ntitle: Ahmad Massoud\naliases: [Masood, Ahmad Masud]\n---\nSon of the commander.\n",
    "content/places/panjshir.md": "---\ntitle: Panjshir Valley\naliases: [Panshir]\ncoordinates: [35.3, 69.5]\n---\nA valley.\n",
    "content/articles/interview.md": (
        "---\ntitle: The interview\ndate: 2021-08-22\npeople: [Masood]\nplaces: [Panshir]\ntags: [resistance]\n---\n"
        "## Context\n\nWe spoke to [[Masood]] in [[Panjshir Valley|the valley]].\n"
    ),
}


@pytest.fixture
def minimal_files():
    return dict(MINIMAL)


# ------------------------------------------------------------------ browser
CHROMIUM = os.environ.get("DOSSIER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = Path(os.environ.get("DOSSIER_SHOTS", "/tmp/dossier-shots"))


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright. Missing Chromium is a failure, not a skip."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} not found: run scripts/setup-test-env (installs Debian chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class StaticServer:
    """Serve a built folder on 127.0.0.1 (a free port), optionally under a path prefix."""

    def __init__(self, folder: Path, prefix: str = "/"):
        import functools
        import http.server
        import threading

        folder = Path(folder)

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path):
                if not path.startswith(prefix):
                    return str(folder / "__missing__")
                return super().translate_path("/" + path[len(prefix):])

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}{prefix}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def copy_example(root: Path) -> SiteDir:
    """A private copy of the example dossier (content/ and dossier.yaml) at ``root``."""
    import shutil

    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "dossier.yaml", root / "dossier.yaml")
    return SiteDir(root)


def build_example(root: Path, *args: str) -> SiteDir:
    """Copy the example to ``root`` and build it with --strict (the build must pass)."""
    site = copy_example(root)
    run = site.build("--strict", *args)
    assert run.code == 0, run.err
    return site


def single_language(root, language: str, calendar: str | None = None) -> None:
    """Make a copy of the example a single-language dossier in ``language`` (its Dari versions removed)."""
    import re

    for md in (root / "content").rglob("*.fa-AF.md"):
        md.unlink()
    config = root / "dossier.yaml"
    text = re.sub(r"(?ms)^languages:\n(?:[ #].*?\n)+", "", config.read_text(encoding="utf-8"))
    text = text.replace("language: en", f"language: {language}" + (f"\ncalendar: {calendar}" if calendar else ""))
    config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    return build_example(tmp_path_factory.mktemp("example-browser"))


EXAMPLE_BASE_URL = "https://example.org/panjshir/"


@pytest.fixture(scope="session")
def example_build_with_base_url(tmp_path_factory):
    """The example dossier built with an absolute base_url under a path prefix (read-only for tests)."""
    return build_example(tmp_path_factory.mktemp("example-base-url"), "--base-url", EXAMPLE_BASE_URL)


@pytest.fixture(scope="session")
def example_server(example_build):
    server = StaticServer(example_build.out)
    yield server
    server.close()


# ------------------------------------------------------------------ golden files
def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the files under tests/golden/ from the current output instead of comparing")


def babel_is_locked() -> bool:
    """The installed babel (the CLDR data) is the one requirements/test.txt pins."""
    import re

    import babel

    lock = (REPO / "requirements" / "test.txt").read_text(encoding="utf-8")
    pinned = re.search(r"^babel==(\S+)", lock, re.M)
    return bool(pinned) and pinned.group(1) == babel.__version__


@pytest.fixture
def golden(request):
    """golden(name, data: bytes): compare with tests/golden/<name> (up to CLDR spacing), or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, data: bytes) -> None:
        path = REPO / "tests" / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        assert path.is_file(), f"{path} is missing: run pytest --update-golden and review the new file"
        expected = path.read_bytes()
        # Written with the locked versions (requirements/test.txt): with those, the same bytes; with
        # another release of the locale data, the same up to CLDR spacing (tests/cldr_spacing.py).
        same = data == expected if babel_is_locked() else loose(data.decode("utf-8", "replace")) == loose(expected.decode("utf-8", "replace"))
        if not same:
            import difflib

            diff = "\n".join(difflib.unified_diff(
                expected.decode("utf-8", "replace").splitlines(), data.decode("utf-8", "replace").splitlines(),
                f"golden/{name}", "built", lineterm="", n=2))
            raise AssertionError(f"{name} differs from tests/golden/{name} "
                                 f"(if the change is intended, run pytest --update-golden and review):\n{diff[:6000]}")

    return check
