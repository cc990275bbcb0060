"""The lock files (issue 15, point 1): every dependency of the package and of its test and bench
extras is pinned, each pin satisfies pyproject's compatible range, and the setup scripts install
through the locks. Refresh with `bash scripts/lock` (README)."""
from __future__ import annotations

import re
import sys

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

LOCKS = {"test": "requirements/test.txt", "bench": "requirements/bench.txt"}
SCRIPTS = {"test": "scripts/setup-test-env", "bench": "scripts/setup-bench-env"}


def _pins(lock: str) -> dict[str, list[Requirement]]:
    pins: dict[str, list[Requirement]] = {}
    for line in (REPO / lock).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            pins.setdefault(canonicalize_name(req.name), []).append(req)
    return pins


def _wanted(extra: str) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"][extra]]


@pytest.mark.parametrize("extra", list(LOCKS))
def test_every_dependency_is_pinned_within_its_range(extra):
    pins = _pins(LOCKS[extra])
    for python in ("3.10", "3.13"):
        env = dict(default_environment(), python_version=python, python_full_version=python + ".0")
        for want in _wanted(extra):
            if want.marker and not want.marker.evaluate(env):
                continue  # a dependency of other Pythons only (e.g. tomli before 3.11)
            here = [p for p in pins.get(canonicalize_name(want.name), []) if not p.marker or p.marker.evaluate(env)]
            assert len(here) == 1, f"{want.name}: {len(here)} pins for Python {python} in {LOCKS[extra]} (run bash scripts/lock)"
            (spec,) = here[0].specifier
            assert spec.operator == "==", here[0]
            assert want.specifier.contains(spec.version, prereleases=True), f"{here[0]} is outside pyproject's {want}"


@pytest.mark.parametrize("extra", list(LOCKS))
def test_the_setup_scripts_install_through_the_lock(extra):
    script = (REPO / SCRIPTS[extra]).read_text(encoding="utf-8")
    assert re.search(rf'pip install .*"\.\[{extra}\]" -c {re.escape(LOCKS[extra])}', script)


def test_ci_runs_the_setup_script():
    assert "bash scripts/setup-test-env" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
