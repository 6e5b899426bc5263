from rest_framework.generics import GenericAPIView

from core.errors import may
from core.numbers import whole_number


class ScopedContextMixin(GenericAPIView):
    """Serializers resolve ids only within what the caller may see: `scopes()` names the
    querysets (from the selectors) that `ScopedPrimaryKeyField`s look ids up in."""

    def scopes(self, user) -> dict:
        raise NotImplementedError

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "scopes": self.scopes(self.request.user)}

    def valid(self, serializer_class, *, service=None, **kwargs):
        """The validated request body; with `service`, a role it does not allow is refused first (403, not 400)."""
        if service is not None:
            may(self.request.user, service)
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def correction(request, serializer_class) -> tuple[int | None, dict]:
    """A PATCH that corrects a record: (the version the user saw, the changes). The version is the
    body's `version`, else the `If-Match` header's (a stale one is the service's 409)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    changes = dict(serializer.validated_data)
    version = changes.pop("version", None)
    if version is None:
        version = whole_number(request.headers.get("If-Match", "").strip('"W/ '))
    return version, changes
