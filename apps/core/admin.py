from django.contrib import admin

from apps.core.models import Log, Setting


@admin.register(Log)
class LogAdmin(admin.ModelAdmin):
    list_display = ("created", "user", "discriminator", "oid", "text", "source")
    list_filter = ("discriminator", "source")
    search_fields = ("text", "oid")


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin):
    list_display = ("name", "value", "lastupdated")
    search_fields = ("name",)
