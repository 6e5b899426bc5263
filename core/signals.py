"""What holds for every write, whoever makes it: a text longer than its column is refused naming
its field; a password change or a deactivation revokes every API token of the user."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from knox.models import AuthToken

from .errors import RuleError, too_long
from .models import User


@receiver(pre_save)
def fits_its_columns(sender, instance, raw=False, **kwargs):
    """A text longer than its column is refused naming its field (a RuleError: 400 in the API, the
    field's error on a page, and the service's transaction writes nothing), before the database
    refuses it with a DataError (a 500; SQLite stores it whole). Every record saved, through any
    service or page: the pages' forms and the services need not each repeat the columns' lengths
    (the applicant's page posted a 65-character register number: a 500). Bulk writes are the
    imports', which check their cells by line (core.tabular.fits)."""
    if raw:
        return
    for field in sender._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if field.max_length is not None and isinstance(value, str) and len(value) > field.max_length:
            raise RuleError.many([too_long(field.name, field.max_length)])


@receiver(pre_save, sender=User)
def revoke_tokens_on_password_change_or_deactivation(sender, instance: User, raw=False, **kwargs):
    """Whoever makes the change: the admin, `changepassword`, a service. Sessions end by themselves:
    Django checks the password hash on each request and refuses inactive users."""
    if raw or instance.pk is None:
        return
    stored = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password or (stored["is_active"] and not instance.is_active):
        AuthToken.objects.filter(user_id=instance.pk).delete()
