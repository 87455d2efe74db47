"""What the processors API reads and writes.

Secrets never leave: a processor shows its redacted ``gitrepo`` only (never
``gitrepo_secret``), a secret's ``value`` is write-only and its ciphertext is not shown.
"""

from __future__ import annotations

from rest_framework import serializers

from apps.core.serializers import (
    BASE_FIELDS,
    BASE_READ_ONLY,
    PlatformSerializer,
    RedactedUrlField,
)
from apps.network.selectors import host_is_served
from apps.processors.models import (
    Argument,
    Gate,
    Plug,
    Processor,
    ProcessorSecret,
    Socket,
    Task,
    TrustedRepository,
    Work,
)
from apps.processors.repositories import repo_redact

MOUNT_FIELDS = ["mount_status", "mount_log", "mount_commit"]
SCALE_FIELDS = ["min_concurrency", "max_concurrency", "drain_seconds", "scale_to_zero"]
SCALED_FIELDS = ["current_concurrency", "last_scale_reason", "last_scaled"]


class RepositoryUrlField(serializers.CharField):
    """A git URL, written in full (the service stores its credentials encrypted) and shown
    without them, whatever the row holds."""

    def to_representation(self, value) -> str:
        return repo_redact(str(value))


class ProcessorSerializer(PlatformSerializer):
    gitrepo = RepositoryUrlField(
        max_length=500, help_text="Git URL. Credentials in it are stored encrypted and shown as ***.")
    backend = RedactedUrlField(max_length=200, allow_blank=True, required=False)
    current_concurrency = serializers.IntegerField(
        source="running_concurrency", read_only=True,
        help_text="Worker processes it runs now: the concurrency, or what the scaler chose within min and max.")
    warnings = serializers.SerializerMethodField(
        help_text="What keeps it from running as asked, e.g. a pinned host that no live agent serves.")

    class Meta:
        model = Processor
        fields = [
            *BASE_FIELDS, "module", "gitrepo", "branch", "commit", "gittag", "modulepath",
            "requirements", "hostname", "network", "concurrency", "retries", "retrydelay",
            "timelimit", "ratelimit", "perworker", "ignoreresult", "serializer", "backend",
            "ackslate", "trackstarted", "beat", "receipt", "endpoint", "hasapi", "icon", "cron",
            "uistate", "description", "container_image", "container_command", "container_version",
            "use_container", "detached", "password", *MOUNT_FIELDS, *SCALE_FIELDS, *SCALED_FIELDS,
            "warnings",
        ]
        read_only_fields = [*BASE_READ_ONLY, "serializer", *MOUNT_FIELDS, *SCALED_FIELDS]
        extra_kwargs = {
            "password": {"help_text": "Name of the secret given to this processor's runner. Setting or changing "
                         "it, or the code of a processor that has one, needs ATTACH_SECRET."},
            "concurrency": {"min_value": 1},
            "min_concurrency": {"min_value": 0, "help_text": "Fewest worker processes; null: the concurrency. "
                                "Shown as the bound in effect. 0 needs scale_to_zero."},
            "max_concurrency": {"min_value": 1, "help_text": "Most worker processes the scaler may run; null: the "
                                "concurrency. Shown as the bound in effect."},
            "drain_seconds": {"min_value": 1, "max_value": 86400},
        }

    def get_warnings(self, processor: Processor) -> list[str]:
        if processor.hostname and not host_is_served(hostname=processor.hostname):
            return [f"No live agent serves node '{processor.hostname}': its workers start when an agent "
                    f"there runs (`flow node health -n {processor.hostname}`)."]
        return []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if isinstance(instance, Processor):
            data["min_concurrency"], data["max_concurrency"] = instance.concurrency_bounds
        return data


class TaskSerializer(PlatformSerializer):
    gitrepo = RepositoryUrlField(max_length=500, allow_blank=True, required=False)

    class Meta:
        model = Task
        fields = [
            *BASE_FIELDS, "processor", "module", "gitrepo", "mixin", "source", "code", "docstring",
            "accepts_plugs", "accepts_output", "returns",
        ]
        read_only_fields = BASE_READ_ONLY


class ArgumentSerializer(PlatformSerializer):
    class Meta:
        model = Argument
        fields = [*BASE_FIELDS, "task", "position", "kind", "annotation", "default", "has_default"]
        read_only_fields = BASE_READ_ONLY


class GateSerializer(PlatformSerializer):
    class Meta:
        model = Gate
        fields = [*BASE_FIELDS, "open", "task"]
        read_only_fields = BASE_READ_ONLY


class WorkSerializer(PlatformSerializer):
    class Meta:
        model = Work
        fields = [*BASE_FIELDS, "next_run_time", "job_state", "task"]
        read_only_fields = BASE_READ_ONLY


class NameOfField(serializers.CharField):
    """A related object shown and given by its name, resolved by the service in context
    (a socket's task within its processor, a plug's argument within its target's task)."""

    def to_representation(self, value) -> str:
        return getattr(value, "name", value)


class SocketSerializer(PlatformSerializer):
    task = NameOfField(max_length=200, help_text="Function name; the task is created when missing.")

    class Meta:
        model = Socket
        fields = [
            *BASE_FIELDS, "processor", "task", "queue", "schedule_type", "scheduled", "cron",
            "interval", "data", "missed_policy", "missed_max", "schedule_since", "description", "concurrency",
            "wait", "flow_key", "flow_version",
        ]
        read_only_fields = [*BASE_READ_ONLY, "flow_key", "flow_version", "schedule_since"]
        extra_kwargs = {"concurrency": {"min_value": 1}, "missed_max": {"min_value": 1, "max_value": 10_000}}


class SchedulePreviewRequest(serializers.Serializer):
    schedule_type = serializers.ChoiceField(choices=["CRON", "INTERVAL"])
    cron = serializers.CharField(required=False, allow_blank=True, max_length=100)
    interval = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=10**9,
                                        help_text="Seconds.")
    timezone = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                     help_text="The user's IANA time zone (the browser's); default UTC.")


class ScheduledRunTime(serializers.Serializer):
    utc = serializers.DateTimeField()
    local = serializers.DateTimeField(help_text="The same time in the request's time zone.")


class SchedulePreview(serializers.Serializer):
    timezone = serializers.CharField()
    runs = ScheduledRunTime(many=True)


class PlugSerializer(PlatformSerializer):
    argument = NameOfField(
        max_length=200, required=False, allow_null=True,
        help_text="Name of an argument of the target socket's task, to feed that argument only.",
    )

    class Meta:
        model = Plug
        fields = [
            *BASE_FIELDS, "type", "processor", "source", "target", "argument", "queue", "description",
            "blocked_seconds", "flow_key",
        ]
        read_only_fields = [*BASE_READ_ONLY, "blocked_seconds", "flow_key"]
        extra_kwargs = {
            "processor": {"required": False, "help_text": "Defaults to the source socket's processor."}
        }


class TrustedRepositorySerializer(PlatformSerializer):
    class Meta:
        model = TrustedRepository
        fields = [*BASE_FIELDS, "pattern", "kind"]
        read_only_fields = BASE_READ_ONLY
        extra_kwargs = {"pattern": {"help_text": "Glob on the credential-free URL, e.g. https://github.com/acme/*."}}


class SecretSerializer(PlatformSerializer):
    value = serializers.CharField(
        write_only=True, trim_whitespace=False, help_text="Stored encrypted; never returned."
    )

    class Meta:
        model = ProcessorSecret
        fields = [*BASE_FIELDS, "value"]
        read_only_fields = BASE_READ_ONLY


class SecretAttachSerializer(serializers.Serializer):
    secret = serializers.SlugRelatedField(
        slug_field="name", queryset=ProcessorSecret.objects.all(), allow_null=True,
        help_text="Name of the secret to give the processor's runner; null takes it away.",
    )
