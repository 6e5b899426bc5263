"""The API's own fields: every date a client sends is one the service can reason about
(core.dates.check_in_range), whether declared or generated from a model."""

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.dates import check_in_range


class DateField(serializers.DateField):
    default_validators = [check_in_range]


class SealedCharField(serializers.CharField):
    """A document's number or issuer, which a sealed child's file answers null (registry.sealing):
    required in a request, and in the schema nullable in a response only."""


class SealedCharFieldSchema(OpenApiSerializerFieldExtension):
    target_class = SealedCharField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return (schema | {"nullable": True}) if direction == "response" else schema


class ModelSerializer(serializers.ModelSerializer):
    """A model's serializer without the uniqueness checks DRF derives from its constraints: the
    services own those rules (a 409 naming the field and the rule, e.g. `number_taken`), where
    DRF's answered 400 `unique` naming no field, before the service, and only when no other
    request was writing the same row at the same moment."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.DateField: DateField}

    def get_validators(self):
        return list(getattr(getattr(self, "Meta", None), "validators", []))

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        # DRF drops `allow_blank` from a read-only field; the schema then left "" out of what the
        # field answers (a case's `closed_reason` while it is open).
        allow_blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank:
            kwargs["allow_blank"] = True
        return kwargs

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if "validators" in kwargs:
            kwargs["validators"] = [v for v in kwargs["validators"] if not isinstance(v, UniqueValidator)]
        return field_class, kwargs
