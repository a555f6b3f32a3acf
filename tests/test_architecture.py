"""The layering of the project's apps, read from their imports.

A newcomer should find the same shape everywhere: pages live in ``frontend``, the transport in
``realtime``, and the domain apps below them never reach up; ``communities`` is the base every
other app builds on, so it imports none of them; and no two files import each other, directly
or around a loop, because such loops are where late imports and "import order matters" bugs
come from. The test reads the source with ``ast`` (imports inside functions included), so it
needs no third-party tool and sees exactly what the interpreter would import.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APPS = ("collab", "communities", "docs_store", "realtime", "frontend", "meetings", "emails",
        "replies", "reports", "decisions", "inbox", "demo")
#: Apps that hold models, services, selectors, API routers, tasks and their own mail. ``demo``
#: is not one of them: it sits on top of every domain app to fill a laptop with activity.
DOMAIN_APPS = ("communities", "docs_store", "meetings", "emails", "replies", "reports",
               "decisions", "inbox")
WEB_LAYERS = ("frontend", "realtime")
BASE_APP = "communities"



@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported project module
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.source} -> {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for app in APPS:
        folder = ROOT / app
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.py"):
            if "migrations" not in path.relative_to(ROOT).parts:
                files[_module_name(path)] = path
    return files


def _owner(name: str, files: dict[str, Path]) -> str | None:
    """The project module that defines ``name`` (the longest known prefix)."""
    while name and name not in files:
        name = name.rpartition(".")[0]
    return name or None


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom,
             files: dict[str, Path]) -> set[str]:
    """The project modules an import statement loads, as the edges of the file graph.

    ``from pkg import submodule`` points at the submodule, not at ``pkg/__init__``; the
    package's ``__init__`` is an edge only when a name is taken from it (or it is imported
    itself), so a package that merely groups modules does not join every loop through it.
    """
    found: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            owner = _owner(alias.name, files)
            if owner:
                found.add(owner)
        return found
    if node.level:
        base = module.split(".")
        if not is_package:
            base.pop()
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    for alias in node.names:
        full = f"{prefix}.{alias.name}"
        if full in files:
            found.add(full)
        else:
            owner = _owner(prefix, files)
            if owner:
                found.add(owner)
    return found


def project_imports() -> list[Import]:
    files = project_files()
    edges: list[Import] = []
    for module, path in sorted(files.items()):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in sorted(_targets(module, path.name == "__init__.py", node, files)):
                    if target != module:
                        edges.append(Import(module, target, path, node.lineno))
    return edges


def _app(module: str) -> str:
    return module.partition(".")[0]


def _report(title: str, offenders: list[Import]) -> str:
    return title + ":\n" + "\n".join(f"  {imp}" for imp in offenders)


def _edges_of(source: str, module: str, files: set[str], is_package: bool = False) -> set[str]:
    known = {name: Path(name) for name in files}
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= _targets(module, is_package, node, known)
    return found


def test_the_reader_sees_what_the_interpreter_imports() -> None:
    # The checks below are only as good as the graph; pin the cases that matter.
    files = {"app", "app.services", "app.services.rsvp", "app.models", "other.mail"}
    late = "def f():\n    from other.mail import send\n"
    assert _edges_of(late, "app.models", files) == {"other.mail"}
    submodule = "from app.services import rsvp\n"
    assert _edges_of(submodule, "app.models", files) == {"app.services.rsvp"}
    name_of_package = "from app.services import answer\n"
    assert _edges_of(name_of_package, "app.models", files) == {"app.services"}
    relative = "from . import rsvp\nfrom ..models import Meeting\n"
    assert _edges_of(relative, "app.services.scheduling", files) == {
        "app.services.rsvp", "app.models"}
    assert _edges_of("import app.services.rsvp\n", "x", files) == {"app.services.rsvp"}
    assert project_imports(), "no project file was read"


def test_domain_apps_never_import_pages_or_the_transport() -> None:
    offenders = [
        imp for imp in project_imports()
        if _app(imp.source) in DOMAIN_APPS and _app(imp.target) in WEB_LAYERS
    ]
    assert not offenders, _report(
        "a domain app imports frontend or realtime (register a hook in the upper app's "
        "AppConfig.ready() instead)", offenders)


def test_the_base_app_imports_no_other_app_of_the_project() -> None:
    offenders = [
        imp for imp in project_imports()
        if _app(imp.source) == BASE_APP and _app(imp.target) != BASE_APP
    ]
    assert not offenders, _report(
        "communities imports another app of the project (it is the base: inject what it "
        "needs from above)", offenders)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one file (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                child = pending.pop()
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(graph.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_no_file_of_the_project_is_part_of_an_import_loop() -> None:
    imports = project_imports()
    graph: dict[str, set[str]] = defaultdict(set)
    for imp in imports:
        graph[imp.source].add(imp.target)
    cycles = _cycles(graph)
    lines = []
    for component in cycles:
        members = set(component)
        lines.append("loop between " + ", ".join(component) + ":")
        lines.extend(f"  {imp}" for imp in imports
                     if imp.source in members and imp.target in members)
    assert not cycles, "\n".join(lines)


def test_the_loop_finder_finds_a_loop() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
