"""What an OPTIONS request answers: the operation's name and description, the formats it reads
and writes, and where its fields are described: the OpenAPI schema. DRF's default also listed
"actions", the fields of the serializer that renders the answer, which for most writes here is
not the one that reads the request (a child is created from `ChildCreateSerializer`, shown by
`ChildSerializer`): every field of a child read as read-only, and the schema is the contract."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.metadata import SimpleMetadata


class PointsToTheSchema(SimpleMetadata):
    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": request.build_absolute_uri(reverse("schema")),
        }
