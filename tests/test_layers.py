"""The floor plan holds (docs/architecture.md): each app imports only the apps before it (mocua,
procedures, dossiers, feedback, ratings), the core imports no app, the summary tables' module imports only the
models and the workflow, and no two modules import each other at load time."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("mocua", "procedures", "dossiers", "feedback", "ratings")
ORDER = {name: rank for rank, name in enumerate(PACKAGES)}
# The root URLs, WSGI entry point and Celery app compose every app (and are imported by none).
COMPOSERS = {"mocua.urls", "mocua.wsgi", "mocua.celery"}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The product modules an `import`/`from … import` names (a name may be a submodule)."""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
        for _ in range(node.level - 1):
            package = package.rsplit(".", 1)[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    targets = [f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES]
    return targets or ([base] if base.split(".")[0] in PACKAGES else [])


def imports(module: str, *, deferred: bool) -> set[str]:
    """The product modules `module` imports at load time, or (deferred=True) inside functions."""
    tree = ast.parse(MODULES[module].read_text())
    top = set(tree.body)
    found = set()
    for node in ast.walk(tree):
        if (node in top) == deferred:
            continue
        if isinstance(node, ast.ImportFrom):
            found.update(_resolve(module, node))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in PACKAGES)
    return {target for target in found if not target.startswith(module + ".") or target in MODULES}


@pytest.mark.parametrize("module", sorted(set(MODULES) - COMPOSERS))
def test_each_app_imports_only_the_apps_before_it(module):
    app = module.split(".")[0]
    later = {t for t in imports(module, deferred=False) | imports(module, deferred=True)
             if ORDER[t.split(".")[0]] > ORDER[app]}
    assert later == set(), f"{module} imports {sorted(later)}"


def test_the_summary_tables_module_reads_only_the_models_and_the_workflow():
    allowed = {"dossiers.models", "dossiers.workflow", "procedures.models"}
    assert imports("dossiers.figures", deferred=False) <= allowed


def test_the_staff_side_does_not_import_the_citizens_or_the_leaders_side():
    core = [m for m in MODULES if m.startswith("dossiers.") and not m.startswith(("dossiers.public",
                                                                                   "dossiers.leaders"))]
    for module in core:
        found = imports(module, deferred=False) | imports(module, deferred=True)
        assert not any(t.startswith(("dossiers.public", "dossiers.leaders")) for t in found), module


def test_feedback_s_own_rooms_do_not_import_the_citizens_or_the_leaders_side():
    """As in dossiers: the item, its moves and its figures know nothing of the pages built on them (the
    template tags are the public pages' own)."""
    core = [m for m in MODULES if m.startswith("feedback.") and not m.startswith(
        ("feedback.public", "feedback.leaders", "feedback.templatetags"))]
    assert core
    for module in core:
        found = imports(module, deferred=False) | imports(module, deferred=True)
        assert not any(t.startswith(("feedback.public", "feedback.leaders")) for t in found), module


def test_dossiers_never_import_feedback():
    """A dossier's pages reach feedback only through its template tags and URL names, never its code."""
    for module in (m for m in MODULES if m.startswith("dossiers")):
        found = imports(module, deferred=False) | imports(module, deferred=True)
        assert not any(t.split(".")[0] in ("feedback", "ratings") for t in found), module


def test_no_two_modules_import_each_other_at_load_time():
    graph = {m: imports(m, deferred=False) & set(MODULES) for m in MODULES}
    cycles, done, path = [], set(), []

    def visit(node):
        if node in path:
            cycles.append(path[path.index(node):] + [node])
            return
        if node in done:
            return
        path.append(node)
        for target in sorted(graph[node]):
            visit(target)
        path.pop()
        done.add(node)

    for module in sorted(graph):
        visit(module)
    # A package importing its own submodules at load time is not a cycle of two modules.
    cycles = [c for c in cycles if not all(c[0].startswith(m) or m.startswith(c[0]) for m in c)]
    assert cycles == []


def test_every_deferred_import_of_the_product_says_why():
    """Imports inside functions are for a reason (a cycle with the tasks, a heavy library kept out of
    processes that never use it); each product one is listed here with it."""
    reasons = {
        ("dossiers.outbox", "dossiers.tasks"): "the tasks call the outbox; the outbox enqueues the tasks",
        # An app's models cannot be imported while Django loads the apps (AppConfig.ready, and the
        # calendar, which the package's __init__ exposes).
        ("mocua.workcalendar.apps", "mocua.workcalendar.calendar"): "AppConfig.ready",
        ("mocua.workcalendar.apps", "mocua.workcalendar.models"): "AppConfig.ready",
        ("procedures.apps", "procedures.catalogue"): "AppConfig.ready (the catalogue's cache-busting signals)",
        ("mocua.workcalendar.calendar", "mocua.workcalendar.models"): "imported while the apps load",
        ("dossiers.demo.legs", "dossiers.demo.seed"): "the seed plays the legs' story, which uses its helpers",
        ("dossiers.services", "dossiers.transfers"): "a hand-over inside a parallel liên thông leg is the "
                                                     "transfers' (built on the services' helpers)",
    }
    found = {(m, t) for m in MODULES for t in imports(m, deferred=True) if t in MODULES}
    assert found <= set(reasons), sorted(found - set(reasons))


def test_no_product_module_is_over_800_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > 800}
    assert long == {}
