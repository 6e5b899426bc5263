from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "adoption"
    verbose_name = "Adoption cases, eligibility and court stage"

    def ready(self):
        from core import audit, audit_labels

        from . import contributions, outlook, search, work

        audit.file_listeners.append(outlook.touched)  # what the engine says of an open case, after each write
        audit_labels.record_pages |= {"adoption.case": "web-case", "adoption.applicant": "web-applicant"}

        contributions.register()  # what adoption adds to a child's record in the registry
        work.register()  # the cases' lines of the work queues (core.work)
        search.register()  # cases and applicants in the search box (core.search)
