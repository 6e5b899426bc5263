from core.management.import_command import ImportCommand
from reports.imports import import_adoptions


class Command(ImportCommand):
    help = "Import historical adoptions from CSV or XLSX (REPORTS.md, Bulk import); rows sharing case_ref are one case."
    importer = staticmethod(import_adoptions)
