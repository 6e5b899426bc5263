from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from .audit import record_write, snapshot
from .models import AuditEvent, ConsularPost, Court, District, Policy, Region, Reminder, User

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts  # django-stubs' type of a fieldset's options

SECRET = ("password",)  # never in a snapshot, not even hashed
ROLE_FIELDS: tuple[str, _FieldOpts] = (
    "Role and organisation",
    {"fields": ["role", "district", "region", "court", "consular_post"]},
)


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes are audited like service writes (ROLES.md: every write is recorded): additions,
    changes, deletions (one by one or selected in the list), and password resets."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk), exclude=SECRET) if change else None
        super().save_model(request, obj, form, change)
        record_write(
            actor=request.user,
            verb=f"admin_{'change' if change else 'add'}",
            obj=obj,
            before=before,
            after=snapshot(obj, exclude=SECRET),
        )

    def _record_deletion(self, request, obj):
        record_write(
            actor=request.user,
            verb="admin_delete",
            obj=obj,
            before=snapshot(obj, exclude=SECRET),
            action=AuditEvent.Action.DELETE,
        )

    def delete_model(self, request, obj):
        with transaction.atomic():  # the event and the deletion together, or neither
            self._record_deletion(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_deletion(request, obj)
            super().delete_queryset(request, queryset)


@admin.register(User)
class StaffAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "role", "district", "region", "court", "consular_post", "is_active"]
    list_filter = ["role", "is_active"]
    # No is_superuser / groups / permissions here: a ministry user must not be able to raise privileges.
    fieldsets = (
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email", "language"]}),
        ROLE_FIELDS,
        ("Status", {"fields": ["is_active", "last_login", "date_joined"]}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (ROLE_FIELDS,)
    readonly_fields = ["last_login", "date_joined"]

    def user_change_password(self, request, id, form_url=""):
        """A password reset by the ministry: audited (the hash never is), and it revokes the user's
        API tokens (core.signals)."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                record_write(
                    actor=request.user,
                    verb="admin_password_reset",
                    obj=User.objects.get(pk=id),
                    before={"password": "(hidden)"},
                    after={"password": "(reset)"},
                )
        return response


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name"]


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]


@admin.register(Court)
class CourtAdmin(AuditedAdmin):
    list_display = ["id", "name", "district"]


@admin.register(ConsularPost)
class ConsularPostAdmin(AuditedAdmin):
    list_display = ["id", "country", "city", "kind"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The audit log is not in the admin: its snapshots hold the former identities of children since
# sealed, and every page of it is a read of the children it names. It is read on the auditor's page
# and through the API, both redacted and audited (core.audit.event_view).


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "subject_type", "subject_id", "due_on", "done_at"]


admin.site.register(Policy, ReadOnlyAdmin)  # edited through the audited API / policy form
