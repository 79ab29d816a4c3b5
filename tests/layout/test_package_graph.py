"""The packages import one another in one direction: the shared core (portal/) at the bottom,
the domain apps above it (contacts ← partnerships, networks ← projects), the pages, search,
the map, statistics, the API and data quality above those, and the project package
(settings, root URLs, WSGI, gunicorn) on top. Read from the source with `ast`, imports inside
functions included, migrations and tests left out.

A package that needs to name a higher one's models does it by label (a foreign key's
"contacts.Person", `apps.get_model`, a signal's sender "projects.ProjectParticipant"), as
Django resolves them once every app is loaded; it never imports them."""

import ast
import collections
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The project package's own modules: they may import anything.
PROJECT_MODULES = {
    "portal.settings",
    "portal.urls",
    "portal.wsgi",
    "portal.asgi",
    "portal.gunicorn.conf",
}
#: Bottom to top; a package imports only packages on lower rows (or on its own row, without
#: a circle).
LAYERS = [
    ["portal"],
    # What the apps stand on besides the core: who may edit what, spreadsheets, the search
    # documents' store and index, the page cache. They name the apps' models by label.
    ["access", "spreadsheets", "search", "operations"],
    ["contacts"],
    ["partnerships", "networks"],
    ["projects"],
    ["seeking"],
    # What residents, other systems and editors read, assembled from the apps.
    ["public", "maps", "stats", "api", "quality", "datasets"],
    ["project"],
]


def packages() -> list[str]:
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").exists() and path.name != "tests"
    )


def node(module: str) -> str:
    return "project" if module in PROJECT_MODULES else module.split(".")[0]


def imports() -> dict[tuple[str, str], str]:
    """(importing module, imported package) → the imported name, for imports across packages."""
    names = set(packages())
    found = {}
    for package in names:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            module = ".".join(relative.with_suffix("").parts)
            for statement in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(statement, ast.Import):
                    imported = [alias.name for alias in statement.names]
                elif isinstance(statement, ast.ImportFrom) and statement.level == 0:
                    imported = [statement.module or ""]
                else:
                    continue
                for name in imported:
                    target = node(name)
                    if name.split(".")[0] in names and target != node(module):
                        found.setdefault((module, target), name)
    return found


def test_every_package_has_a_layer():
    placed = {package for row in LAYERS for package in row}
    assert set(packages()) | {"project"} == placed


def test_packages_import_only_downward():
    row = {package: number for number, layer in enumerate(LAYERS) for package in layer}
    upward = sorted(
        (module, name)
        for (module, target), name in imports().items()
        if row[target] > row[node(module)]
    )
    assert not upward, upward


def test_no_circle_between_packages():
    graph = collections.defaultdict(set)
    for module, target in imports():
        graph[node(module)].add(target)
    seen, path = set(), []

    def visit(package):
        if package in path:
            raise AssertionError(" → ".join([*path[path.index(package) :], package]))
        if package in seen:
            return
        path.append(package)
        for target in sorted(graph[package]):
            visit(target)
        path.pop()
        seen.add(package)

    for package in sorted(graph):
        visit(package)
