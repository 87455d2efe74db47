from django.contrib import admin

from apps.calls.models import Call, Event, Gather, Join, MetricSample
from apps.core.admin_site import register_base

register_base(Call, Event)


@admin.register(MetricSample)
class MetricSampleAdmin(admin.ModelAdmin):
    list_display = ("processor", "name", "value", "created")


@admin.register(Join)
class JoinAdmin(admin.ModelAdmin):
    list_display = ("tracking", "target", "created", "expires")


@admin.register(Gather)
class GatherAdmin(admin.ModelAdmin):
    list_display = ("call", "missing")
