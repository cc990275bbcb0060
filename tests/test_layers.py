"""The stages import only from earlier stages, and no module imports itself back through others.

Imports are read with ``ast`` (including imports inside functions), so the
test does not depend on what happens to be imported at run time. A module
importing ``dossier.a.b`` from outside package ``dossier.a`` also runs
``dossier/a/__init__.py``: that counts as an import of ``dossier.a``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dossier"

# Stage of each module (the longest matching prefix decides); a module may import only from
# stages at or below its own. Keep in step with README "Layout of the code".
STAGES = {
    "dossier": 0, "dossier.model": 0, "dossier.dates": 0, "dossier.names": 0, "dossier.diagnostics": 0,
    "dossier.yamltools": 0, "dossier.config": 0, "dossier.progress": 0,
    "dossier.discover": 1, "dossier.images": 1,
    "dossier.parse": 2,
    "dossier.resolve": 3,
    "dossier.render": 4,
    "dossier.plan": 5, "dossier.cache": 5, "dossier.write": 5, "dossier.commit": 5, "dossier.record": 5,
    "dossier.lock": 5,
    "dossier.build": 6,
    "dossier.check": 7, "dossier.importer": 7, "dossier.publish": 7, "dossier.scaffold": 7,
    "dossier.migrate": 7, "dossier.schema": 7,
    "dossier.serve": 8, "dossier.cli": 9, "dossier.__main__": 9,
}


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def stage(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in STAGES:
            return STAGES[prefix]
    raise AssertionError(f"{module} has no stage in tests/test_layers.py STAGES")


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Every dossier module ``module`` imports, anywhere in its code."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(package, node.module, node.level)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known)
    targets = {t for t in found if t in known}
    for target in list(targets):  # importing a.b.c from outside a.b runs a/b/__init__.py (and a/__init__.py)
        parts = target.split(".")
        for n in range(2, len(parts)):
            parent = ".".join(parts[:n])
            if not module.startswith(parent + ".") and module != parent:
                targets.add(parent)
    targets.discard(module)
    return {t for t in targets if t != "dossier"}


def _absolute(package: str, name: str | None, level: int) -> str:
    if level == 0:
        return name or ""
    base = package.split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    mods = modules(root)
    return {m: imports(m, p, set(mods)) for m, p in mods.items()}


def wrong_way(edges: dict[str, set[str]]) -> list[str]:
    return [f"{m} (stage {stage(m)}) imports {t} (stage {stage(t)})"
            for m, targets in sorted(edges.items()) for t in sorted(targets) if stage(t) > stage(m)]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_every_module_has_a_stage():
    for module in modules():
        stage(module)


def test_no_module_imports_from_a_later_stage():
    assert wrong_way(graph()) == []


def test_no_import_cycle():
    assert cycles(graph()) == []


# The checker itself, on small packages written for the purpose.

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "dossier"
    for rel, text in {"__init__.py": "", **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_a_wrong_way_import_inside_a_function_is_found(tmp_path):
    root = _package(tmp_path, {
        "parse/__init__.py": "def f():\n    from ..render import views\n",
        "render/__init__.py": "", "render/views.py": "from ..model import X\n", "model.py": "",
    })
    found = wrong_way(graph(root))
    assert found and "dossier.parse (stage 2) imports dossier.render" in found[0]


@pytest.mark.parametrize("line", ["from ..build import x", "import dossier.build", "from .. import build"])
def test_resolve_importing_build_is_found(tmp_path, line):
    root = _package(tmp_path, {"resolve/__init__.py": line + "\n", "build.py": ""})
    assert any("imports dossier.build" in w for w in wrong_way(graph(root)))


def test_a_cycle_through_a_package_init_is_found(tmp_path):
    root = _package(tmp_path, {
        "render/__init__.py": "from .registry import OUTPUTS\n",
        "render/registry.py": "from ..search import hook\nOUTPUTS = ()\n",
        "search.py": "from .render.views import View\n",
        "render/views.py": "",
    })
    assert cycles(graph(root)) == [["dossier.render", "dossier.render.registry", "dossier.search"]]
