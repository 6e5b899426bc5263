"""The API's own fields: every date a client sends is one the service can reason about
(core.dates.check_in_range), whether declared or generated from a model."""

from django.db import models
from rest_framework import serializers

from core.dates import check_in_range


class DateField(serializers.DateField):
    default_validators = [check_in_range]


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.DateField: DateField}
