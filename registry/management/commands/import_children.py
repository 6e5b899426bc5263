from core.management.import_command import ImportCommand
from registry.imports import import_children


class Command(ImportCommand):
    help = "Import children and their register dates from CSV or XLSX (REPORTS.md, Bulk import)."
    importer = staticmethod(import_children)
