"""What the flows API reads and writes. Versions are created, never changed."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.serializers import BASE_FIELDS, BASE_READ_ONLY, PlatformSerializer
from apps.flows.models import File, Flow, Version


class FileSerializer(PlatformSerializer):
    class Meta:
        model = File
        fields = [*BASE_FIELDS, "path", "filename", "collection", "code", "type", "icon"]
        read_only_fields = BASE_READ_ONLY


class FlowSerializer(PlatformSerializer):
    # The number users see ("deployed v3"), not the version row's id.
    deployed_version: serializers.SlugRelatedField[Version] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True)

    class Meta:
        model = Flow
        fields = [*BASE_FIELDS, "file", "processors", "description", "deployed_version"]
        read_only_fields = [*BASE_READ_ONLY, "deployed_version"]
        extra_kwargs = {"processors": {"required": False}}


class VersionSerializer(PlatformSerializer):
    class Meta:
        model = Version
        fields = [*BASE_FIELDS, "flow", "number", "message", "document", "file", "author"]
        read_only_fields = [*BASE_READ_ONLY, "number", "author"]
        extra_kwargs = {"name": {"required": False, "help_text": "Defaults to v<number>."}}


class DeployRequest(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class DeployOutcome(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    action = serializers.CharField()
    ok = serializers.BooleanField()
    error = serializers.CharField(required=False)
    detail = serializers.CharField(required=False, help_text="Where a shared socket lives.")
    warning = serializers.CharField(
        required=False, help_text="A plug whose types the checker could not decide: it deployed, and this says why.")


class DeployResult(serializers.Serializer):
    version = serializers.IntegerField()
    objects = DeployOutcome(many=True)
