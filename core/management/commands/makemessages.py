"""makemessages for this project: what users read lives in the apps and templates, not in the tests or the bench.

`python manage.py makemessages -l ru -l kk --no-obsolete` then `compilemessages`; the suite runs the
same extraction and fails while a message of the code is missing from a catalogue or a catalogue
keeps one the code no longer has (tests/web/test_translations.py).
"""

from django.core.management.commands import makemessages

NOT_READ_BY_USERS = ["tests", "bench", "var", "scripts", "static", "docs"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options["ignore_patterns"], *NOT_READ_BY_USERS]
        return super().handle(*args, **options)
