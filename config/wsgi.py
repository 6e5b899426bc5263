import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from django.urls import get_resolver  # noqa: E402

from config.checks import fail_on_serious_errors  # noqa: E402

fail_on_serious_errors()

# What is loaded now (Django, the apps, every view through the URL patterns) lives as long as the
# process: it is kept out of the cycle collector's sight, so that a request building many objects
# (the unregistered-children report's 12,000 rows at 1,000,000 children) does not have it walked by
# each of its full collections: 485 -> 456 ms p50 for that report (docs/performance.md, session 16).
urlpatterns = get_resolver().url_patterns  # loaded here, not by each worker's first request
gc.freeze()
