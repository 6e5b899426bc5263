"""The password rules of settings (AUTH_PASSWORD_VALIDATORS), Django's own, in the service's
words: Django's Kazakh catalogue has none of their messages, so the password page and
`create_staff` answered a Kazakh reader in English."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: at least %(min_length)d character.",
            "This password is too short: at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "At least %(min_length)d character.", "At least %(min_length)d characters.", self.min_length
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return _("This password is among the most common ones: choose another.")

    def get_help_text(self):
        return _("Not one of the most common passwords.")
