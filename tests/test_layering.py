"""Dependencies point one way: core <- registry <- adoption <- consular <- reports. An app
imports only from the apps below it (lazily inside a function too); what an upper app adds to
a lower one's records it registers there (registry.contributions, core.audit.shows_events,
core.scoping.scope_of)."""

import ast

from tests.conftest import ROOT

ORDER = ["core", "registry", "adoption", "consular", "reports"]


def test_every_app_imports_only_from_the_apps_below_it():
    upward = []
    for app in ORDER:
        allowed = set(ORDER[: ORDER.index(app) + 1])
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules = [node.module]
                else:
                    continue
                upward += [
                    f"{path.relative_to(ROOT)}:{node.lineno} imports {m}"
                    for m in modules
                    if m.split(".")[0] in ORDER and m.split(".")[0] not in allowed
                ]
    assert upward == []


def test_the_registry_names_no_path_through_another_apps_records():
    paths = ("case_links", "consular_registrations", "adoption__", "referrals", "monitoring_reports", "departure")
    found = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in sorted((ROOT / "registry").rglob("*.py"))
        if "migrations" not in path.parts
        for word in paths
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []
