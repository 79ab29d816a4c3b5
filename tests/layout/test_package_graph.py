"""The packages import one another in one direction: the shared core (portal/) at the bottom,
the domain apps above it (contacts ← partnerships, networks ← projects), the pages, search,
the map, statistics, the API and data quality above those, and the project package
(settings, root URLs, WSGI, gunicorn) on top. Read from the source with `ast`, imports inside
functions included, migrations and tests left out.

`DEBTS` lists the imports that still run the wrong way (issue 18 is moving them): a new one
fails this test, and so does an entry that no longer exists, so the list only shrinks."""

import ast
import collections
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The project package's own modules: they may import anything.
PROJECT_MODULES = {"portal.settings", "portal.urls", "portal.wsgi", "portal.asgi"}
#: Bottom to top; a package imports only packages on lower rows (or on its own row, without
#: a circle).
LAYERS = [
    ["portal"],
    # Tools the apps use: spreadsheets, and the search documents' store and index (what a
    # document holds is read from the apps by model name, search/documents.py).
    ["spreadsheets", "search"],
    ["contacts"],
    ["partnerships", "networks"],
    ["projects"],
    ["seeking"],
    # What residents, other systems and editors read, assembled from the apps.
    ["public", "maps", "stats", "api", "quality"],
    ["project"],
]
#: Imports that still run downward-up: (importing module, imported package).
DEBTS = {
    ("portal.admin", "contacts"),
    ("portal.confirmations", "partnerships"),
    ("portal.confirmations", "projects"),
    ("portal.filters", "search"),
    ("portal.fragments", "networks"),
    ("portal.fragments", "partnerships"),
    ("portal.fragments", "projects"),
    ("portal.fragments", "seeking"),
    ("portal.gunicorn.conf", "maps"),
    ("portal.initial_data", "projects"),
    ("portal.initial_data", "search"),
    ("portal.models", "partnerships"),
    ("portal.models", "projects"),
    ("portal.parties", "contacts"),
    ("portal.scale_data", "contacts"),
    ("portal.scale_data", "maps"),
    ("portal.scale_data", "networks"),
    ("portal.scale_data", "partnerships"),
    ("portal.scale_data", "projects"),
    ("portal.scale_data", "search"),
    ("portal.selectors", "contacts"),
    ("portal.selectors", "networks"),
    ("portal.selectors", "partnerships"),
    ("portal.selectors", "projects"),
    ("portal.selectors", "seeking"),
    ("portal.templatetags.review_tags", "partnerships"),
    ("portal.templatetags.review_tags", "projects"),
    ("portal.templatetags.review_tags", "quality"),
}


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


def test_packages_import_only_downward_apart_from_the_listed_debts():
    row = {package: number for number, layer in enumerate(LAYERS) for package in layer}
    upward = {
        (module, target)
        for module, target in imports()
        if row[target] > row[node(module)] and (module, target) not in DEBTS
    }
    assert not upward, sorted(upward)


def test_the_debts_are_still_there():
    """A debt paid is taken off the list, so that it cannot come back unnoticed."""
    assert set(imports()) >= DEBTS, sorted(DEBTS - set(imports()))


def test_no_circle_between_packages_apart_from_the_debts():
    graph = collections.defaultdict(set)
    for module, target in imports():
        if (module, target) not in DEBTS:
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
