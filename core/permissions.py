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

# ROLES.md "sees": who reads a child's record and a case file (consular posts see only their
# part, through the consular endpoints), and who reads the children adopted abroad.
FILE_READERS = (Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, Role.COURT, Role.AUDITOR)
ADOPTED_READERS = (Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, Role.CONSULAR, Role.AUDITOR)
# who reads the families that fit a child (the databank): the registers' keepers and their overseers
MATCH_READERS = (Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, Role.AUDITOR)
