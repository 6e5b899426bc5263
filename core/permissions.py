"""Role permissions for the API (deny by default; a forbidden action answers 403)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Role


def roles(*allowed: str, read: tuple[str, ...] = ()):
    """A DRF permission: `allowed` roles may do anything, `read` roles may only read.

    Scoping (404 for out-of-scope objects) is done by the selectors, not here.
    """

    class RolePermission(BasePermission):
        def has_permission(self, request, view):
            user = request.user
            if not (user and user.is_authenticated and user.role):
                return False
            if user.role in allowed:
                return True
            return request.method in SAFE_METHODS and user.role in read

    RolePermission.__name__ = f"Roles_{'_'.join(allowed) or 'none'}"
    return RolePermission


ALL_ROLES = tuple(Role.values)
