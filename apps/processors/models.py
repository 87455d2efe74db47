"""Code and its wiring: processors (a git repo + module), sockets, tasks, arguments, plugs."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models

from apps.core.models import BaseModel
from apps.network.models import Network, Queue


class MountStatus(models.TextChoices):
    NONE = "none", "Not mounted"
    QUEUED = "queued"
    MOUNTING = "mounting"
    READY = "ready"
    FAILED = "failed"


class ProcessorSecret(BaseModel):
    """A secret given to one processor's runner only (the specification's ``passwords``).

    ``ciphertext`` is encrypted with the platform key; the clear value never leaves.
    """

    ciphertext = models.TextField()

    class Meta(BaseModel.Meta):
        db_table = "passwords"


class Processor(BaseModel):
    # Workers keep it in memory: a write through the services bumps the topology (apps.core.topology).
    shapes_topology: ClassVar[bool] = True

    module = models.CharField(max_length=200, help_text="Python module, e.g. pkg.sample.")
    gitrepo = models.CharField(max_length=500, help_text="Git URL, credentials redacted.")
    gitrepo_secret = models.TextField(
        blank=True, default="", help_text="The full URL with credentials, encrypted."
    )
    branch = models.CharField(max_length=200, blank=True, default="")
    commit = models.CharField(max_length=64, blank=True, default="")
    gittag = models.CharField(max_length=200, blank=True, default="")
    modulepath = models.CharField(max_length=500, blank=True, default="")
    requirements = models.TextField(blank=True, default="")
    hostname = models.CharField(max_length=200, blank=True, default="", help_text="Pin to a host.")
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.SET_NULL, related_name="processors"
    )
    concurrency = models.PositiveIntegerField(default=1)
    retries = models.PositiveIntegerField(default=0)
    retrydelay = models.PositiveIntegerField(default=1, help_text="Seconds between retries.")
    timelimit = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds per call.")
    ratelimit = models.CharField(max_length=20, blank=True, default="", help_text="e.g. 60/m.")
    perworker = models.BooleanField(default=True)
    ignoreresult = models.BooleanField(default=False)
    serializer = models.CharField(max_length=10, default="json", editable=False)
    backend = models.CharField(max_length=200, blank=True, default="")
    ackslate = models.BooleanField(default=True)
    trackstarted = models.BooleanField(default=True)
    beat = models.BooleanField(default=False)
    receipt = models.CharField(max_length=80, blank=True, default="")
    endpoint = models.CharField(max_length=200, blank=True, default="")
    hasapi = models.BooleanField(default=False)
    icon = models.CharField(max_length=200, blank=True, default="")
    cron = models.CharField(max_length=100, blank=True, default="")
    uistate = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True, default="")
    container_image = models.CharField(max_length=200, blank=True, default="")
    container_command = models.CharField(max_length=500, blank=True, default="")
    container_version = models.CharField(max_length=50, default="latest")
    use_container = models.BooleanField(default=False)
    detached = models.BooleanField(default=False)
    password = models.ForeignKey(
        ProcessorSecret, null=True, blank=True, on_delete=models.SET_NULL, related_name="processors"
    )
    mount_status = models.CharField(
        max_length=20, choices=MountStatus.choices, default=MountStatus.NONE
    )
    mount_log = models.TextField(blank=True, default="")
    mount_commit = models.CharField(max_length=64, blank=True, default="")
    # Autoscaling (apps.engine.scaling): the scaler moves the running concurrency within
    # [min, max]; with both unset it equals ``concurrency`` and nothing is scaled.
    min_concurrency = models.PositiveIntegerField(
        null=True, blank=True, help_text="Fewest worker processes while calls arrive; empty: the concurrency.")
    max_concurrency = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most worker processes the scaler may run; empty: the concurrency.")
    drain_seconds = models.PositiveIntegerField(
        default=30, help_text="Seconds the scaler aims to drain a backlog in.")
    scale_to_zero = models.BooleanField(
        default=False, help_text="Run no worker while the queues are idle; the first message wakes one.")
    current_concurrency = models.PositiveIntegerField(
        null=True, blank=True, help_text="Worker processes the scaler chose; empty: not scaled yet.")
    last_scale_reason = models.CharField(max_length=500, blank=True, default="",
                                         help_text="Why the scaler last changed the concurrency.")
    last_scaled = models.DateTimeField(null=True, blank=True)

    class Meta(BaseModel.Meta):
        db_table = "processor"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(concurrency__gte=1), name="processor_concurrency_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_concurrency__isnull=True) | models.Q(max_concurrency__gte=1),
                name="processor_max_concurrency_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(min_concurrency__isnull=True) | models.Q(max_concurrency__isnull=True)
                | models.Q(min_concurrency__lte=models.F("max_concurrency")),
                name="processor_min_not_above_max",
            ),
            models.CheckConstraint(condition=models.Q(drain_seconds__gte=1), name="processor_drain_positive"),
        ]

    @property
    def concurrency_bounds(self) -> tuple[int, int]:
        """(min, max) the scaler keeps the running concurrency in; unset ones are ``concurrency``."""
        low = self.concurrency if self.min_concurrency is None else self.min_concurrency
        high = self.concurrency if self.max_concurrency is None else self.max_concurrency
        return low, high

    @property
    def running_concurrency(self) -> int:
        """The worker processes placement gives it: the scaler's choice (0 only when scaled to
        zero), else its concurrency, within its bounds."""
        low, high = self.concurrency_bounds
        if self.current_concurrency == 0 and self.scale_to_zero:
            return 0
        chosen = self.concurrency if self.current_concurrency is None else self.current_concurrency
        return min(max(chosen, low, 1), max(high, 1))

    def clean(self) -> None:
        super().clean()
        low, high = self.concurrency_bounds
        errors = {}
        if high < 1:
            errors["max_concurrency"] = ["The maximum concurrency must be at least 1."]
        elif low > high:
            field = "min_concurrency" if self.min_concurrency is not None else "max_concurrency"
            message = (f"The minimum concurrency ({low}) is above the maximum ({high});"
                       " unset bounds equal the concurrency.")
            errors[field] = [message]
        if low == 0 and not self.scale_to_zero:
            errors["min_concurrency"] = ["A minimum of 0 needs scale_to_zero."]
        if self.drain_seconds is not None and self.drain_seconds < 1:
            errors["drain_seconds"] = ["The drain time must be at least 1 second."]
        if errors:
            raise ValidationError(errors)


class Task(BaseModel):
    """A function of a processor's module, found by introspection or declared."""

    shapes_topology: ClassVar[bool] = True


    name = models.CharField(max_length=200)
    processor = models.ForeignKey(Processor, on_delete=models.CASCADE, related_name="tasks")
    module = models.CharField(max_length=200)
    gitrepo = models.CharField(max_length=500, blank=True, default="")
    mixin = models.BooleanField(default=False)
    source = models.TextField(blank=True, default="", help_text="The function's source.")
    code = models.TextField(blank=True, default="", help_text="Source override (mixin).")
    docstring = models.TextField(blank=True, default="")
    accepts_plugs = models.BooleanField(default=False)
    accepts_output = models.BooleanField(default=False)
    returns = models.CharField(
        max_length=200, blank=True, default="",
        help_text="The function's return annotation as written; empty: unannotated (Any). Types its result "
                  "output on the canvas (apps.processors.wire_types).")

    class Meta(BaseModel.Meta):
        db_table = "task"
        constraints = [
            models.UniqueConstraint(fields=["processor", "name"], name="task_per_processor"),
        ]


class ArgumentKind(models.TextChoices):
    POSITIONAL_ONLY = "positional_only"
    POSITIONAL_OR_KEYWORD = "positional_or_keyword"
    VAR_POSITIONAL = "var_positional"
    KEYWORD_ONLY = "keyword_only"
    VAR_KEYWORD = "var_keyword"


class Argument(BaseModel):
    shapes_topology: ClassVar[bool] = True

    name = models.CharField(max_length=200)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="arguments")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(
        max_length=30, choices=ArgumentKind.choices, default=ArgumentKind.POSITIONAL_OR_KEYWORD
    )
    annotation = models.CharField(max_length=200, blank=True, default="")
    default = models.JSONField(null=True, blank=True)
    has_default = models.BooleanField(default=False)

    class Meta(BaseModel.Meta):
        db_table = "argument"
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["task", "name"], name="argument_per_task"),
        ]


class Gate(BaseModel):
    open = models.BooleanField(default=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="gates")

    class Meta(BaseModel.Meta):
        db_table = "gate"


class ScheduleType(models.TextChoices):
    CRON = "CRON"
    INTERVAL = "INTERVAL"


class MissedPolicy(models.TextChoices):
    """What a schedule does about runs it missed (the platform down, the scheduler stopped)."""

    SKIP = "skip", "Skip them"
    ONCE = "once", "Run once for all of them"
    ALL = "all", "Run each, up to missed_max"


class Socket(BaseModel):
    """One function of a processor, exposed as a task behind a queue."""

    shapes_topology: ClassVar[bool] = True


    processor = models.ForeignKey(Processor, on_delete=models.CASCADE, related_name="sockets")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="sockets")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="sockets")
    schedule_type = models.CharField(
        max_length=10, choices=ScheduleType.choices, blank=True, default=""
    )
    scheduled = models.BooleanField(default=False)
    cron = models.CharField(max_length=100, blank=True, default="")
    interval = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds.")
    data = models.JSONField(null=True, blank=True, help_text="Input of scheduled runs.")
    missed_policy = models.CharField(
        max_length=10, choices=MissedPolicy.choices, default=MissedPolicy.ONCE,
        help_text="Runs of the schedule missed while no scheduler ran: skip them, run once, or run each "
                  "(the latest missed_max).")
    missed_max = models.PositiveIntegerField(
        default=10, help_text="With the policy 'all': the most missed runs made up for; older ones are skipped.")
    schedule_since = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the schedule's clock started (set, changed, or its processor resumed): runs before "
                  "it are not owed; an interval schedule's runs fall on since + k * interval.")
    description = models.TextField(blank=True, default="")
    concurrency = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="CPUs its calls may occupy (the specification's socket -c): at most its processor's concurrency, "
                  "whose worker processes run every socket's calls; empty: all of them.")
    wait = models.BooleanField(
        default=False, help_text="Wait for every bound argument before running."
    )
    # Plain ids, not foreign keys: the flows app sits above this one.
    flow_key = models.CharField(
        max_length=40, blank=True, default="", db_index=True,
        help_text="Id of the flow whose deploy created it; empty: made outside any flow (CLI, API).")
    flow_version = models.UUIDField(
        null=True, blank=True, help_text="Id of that flow's version deployed last; its calls record it.")

    class Meta(BaseModel.Meta):
        db_table = "socket"


class PlugType(models.TextChoices):
    RESULT = "RESULT"
    ERROR = "ERROR"


class Plug(BaseModel):
    """Carries a source socket's result (or error) to a target socket, maybe one argument."""

    shapes_topology: ClassVar[bool] = True


    type = models.CharField(max_length=10, choices=PlugType.choices, default=PlugType.RESULT)
    processor = models.ForeignKey(Processor, on_delete=models.CASCADE, related_name="plugs")
    source = models.ForeignKey(Socket, on_delete=models.CASCADE, related_name="sourceplugs")
    target = models.ForeignKey(Socket, on_delete=models.CASCADE, related_name="targetplugs")
    argument = models.ForeignKey(
        Argument, null=True, blank=True, on_delete=models.SET_NULL, related_name="plugs"
    )
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="plugs")
    description = models.TextField(blank=True, default="")
    blocked_seconds = models.FloatField(
        default=0.0, help_text="Time this plug held its producer because the target's queue was full.")
    flow_key = models.CharField(
        max_length=40, blank=True, default="", db_index=True,
        help_text="Id of the flow whose deploy created it; empty: made outside any flow (CLI, API).")

    class Meta(BaseModel.Meta):
        db_table = "plug"
        indexes = [
            # Routing reads the outgoing plugs of a socket after every call.
            models.Index(fields=["source", "type"], name="plug_source_idx"),
        ]


class Work(BaseModel):
    next_run_time = models.DateTimeField(null=True, blank=True)
    job_state = models.JSONField(default=dict, blank=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="works")

    class Meta(BaseModel.Meta):
        db_table = "work"


class RuleKind(models.TextChoices):
    ALLOW = "allow"
    DENY = "deny"


class TrustedRepository(BaseModel):
    """An admin's rule on which git repositories may be mounted (glob pattern)."""

    pattern = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=RuleKind.choices, default=RuleKind.ALLOW)

    class Meta(BaseModel.Meta):
        db_table = "trusted_repository"
        verbose_name_plural = "trusted repositories"
