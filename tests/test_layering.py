"""Dependencies point one way: core <- registry <- adoption <- consular <- intercountry <- databank <- printing <- reports. An app
imports only from the apps below it (lazily inside a function too); what an upper app adds to
a lower one's records it registers there (registry.contributions, core.audit.shows_events,
core.scoping.scope_of)."""

import ast
import re

from tests.conftest import ROOT

ORDER = ["core", "registry", "adoption", "consular", "intercountry", "databank", "printing", "reports"]


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


def test_reminders_are_made_only_by_the_apps_deadlines_modules_through_create_reminders():
    """Each app declares its deadlines in one module (`<app>/deadlines.py`); `create_reminders`
    is the only writer of reminders."""
    makers = []
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path.name == "deadlines.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "Reminder(" in text.replace("class Reminder(", "") or "Reminder.objects.create" in text:
                makers.append(str(path.relative_to(ROOT)))
            if "Reminder.objects.bulk_create" in text and path != ROOT / "core" / "services.py":
                makers.append(str(path.relative_to(ROOT)))
    assert makers == []
    for app in ("registry", "adoption", "consular"):
        assert "create_reminders(" in (ROOT / app / "deadlines.py").read_text(encoding="utf-8")


# a query across a relation (a lookup, an aggregate) does not pass through the related model's
# default manager; the withdrawn consular records, departures and register entries are left out by theirs
# (core.models.Standing)
ACROSS_TO_WITHDRAWABLE = re.compile(
    r"(consular_registrations|monitoring_reports|register_entries|departures)__"
    r"|__(consular_registrations|monitoring_reports|register_entries|departures)\b"
    r"|\b(Count|Sum|Min|Max|Avg|F|FilteredRelation|ArrayAgg|StringAgg)\(\s*[\"']"
    r"(consular_registrations|monitoring_reports|register_entries|departures)"
)


def test_withdrawn_records_are_reached_only_through_their_manager():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in ORDER
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ACROSS_TO_WITHDRAWABLE.search(line)
    ]
    assert found == []
    assert ACROSS_TO_WITHDRAWABLE.search("Child.objects.filter(consular_registrations__isnull=True)")
    assert ACROSS_TO_WITHDRAWABLE.search('.annotate(n=Count("monitoring_reports"))')
    assert not ACROSS_TO_WITHDRAWABLE.search("child.monitoring_reports.all()")
    assert ACROSS_TO_WITHDRAWABLE.search("Child.objects.filter(register_entries__level='central')")
    assert ACROSS_TO_WITHDRAWABLE.search("Case.objects.exclude(departures__isnull=True)")
    assert not ACROSS_TO_WITHDRAWABLE.search('.prefetch_related("departures")')
