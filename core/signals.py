"""A password change or a deactivation revokes every API token of the user (API.md v2, Auth),
whoever makes it: the admin, `changepassword`, a service. Sessions end by themselves: Django
checks the password hash on each request and refuses inactive users."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from knox.models import AuthToken

from .models import User


@receiver(pre_save, sender=User)
def revoke_tokens_on_password_change_or_deactivation(sender, instance: User, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    stored = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password or (stored["is_active"] and not instance.is_active):
        AuthToken.objects.filter(user_id=instance.pk).delete()
