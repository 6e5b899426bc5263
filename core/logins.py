"""What django-axes records of a failed login (AXES_USERNAME_CALLABLE)."""

from axes.models import AccessAttempt

RECORDED_USERNAME_MAX = AccessAttempt._meta.get_field("username").max_length


def recorded_username(request, credentials=None):
    """The username a login was tried with, cut to the length axes can store. Any login path (the
    API's token, the login page, the admin's) may be sent a longer one than any account has; axes'
    record of that failure could not be written, and the login answered 500."""
    username = (credentials or getattr(request, "data", request.POST)).get("username")
    return username[:RECORDED_USERNAME_MAX] if isinstance(username, str) else username
