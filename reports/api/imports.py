from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core.api.fields import ModelSerializer
from core.api.parsers import StrictFormParser, StrictMultiPartParser
from core.errors import may
from core.models import Role
from core.permissions import roles

from .. import services
from ..models import ImportJob


class ImportJobSerializer(ModelSerializer):
    file = serializers.FileField(write_only=True)
    done = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    percent = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "file",
            "dry_run",
            "status",
            "done",
            "total",
            "percent",
            "created",
            "skipped",
            "errors",
            "flagged",
            "created_at",
            "finished_at",
        ]
        read_only_fields = ["id", "status", "created", "skipped", "errors", "flagged", "created_at", "finished_at"]

    def to_representation(self, job):
        self._progress = services.progress_of(job)  # read once for the job's four fields below
        data = super().to_representation(job)
        data["status"] = self._progress.status  # `waiting` while another import holds the lock
        return data

    def get_done(self, job) -> int:
        return self._progress.done

    def get_total(self, job) -> int:
        return self._progress.total

    def get_percent(self, job) -> int:
        return self._progress.percent


class ImportJobViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Bulk imports (historical data, registers kept in spreadsheets), run by a worker with progress."""

    serializer_class = ImportJobSerializer
    permission_classes = [roles(Role.MINISTRY, read=(Role.AUDITOR,))]
    parser_classes = [StrictMultiPartParser, StrictFormParser]

    def get_queryset(self):
        return ImportJob.objects.all()

    @extend_schema(request={"multipart/form-data": ImportJobSerializer}, responses={201: ImportJobSerializer})
    def create(self, request, *args, **kwargs):
        may(request.user, services.start_import)
        data = ImportJobSerializer(data=request.data)  # the file's type and size: the service's rule
        data.is_valid(raise_exception=True)
        job = services.start_import(actor=request.user, **data.validated_data)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)
