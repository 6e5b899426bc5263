"""gunicorn's own settings (`gunicorn -c config/gunicorn.py config.wsgi`): its error and access
lines go through the project's JSON formatter and privacy filter, so that every line of every
process is JSON with UTC and its offset, and none carries a query string."""

accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(L)ss'  # the path without its query string (%(U)s)

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"privacy": {"()": "config.logging.PrivacyFilter"}},
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["privacy"]}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
