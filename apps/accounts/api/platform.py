"""The audit log (read only) and named platform settings."""

from __future__ import annotations

from apps.accounts.rights import Right, crud_rights
from apps.accounts.serializers import LogSerializer, SettingSerializer
from apps.core.filters import filterset_for
from apps.core.models import Log, Setting
from apps.core.viewsets import CrudViewSet, ReadOnlyViewSet


class LogViewSet(ReadOnlyViewSet):
    """Who changed what, and when. Entries are never changed or deleted."""

    queryset = Log.objects.select_related("user").order_by("-created")
    serializer_class = LogSerializer
    filterset_class = filterset_for(
        Log, name_field=None, by_name={"user": "user__username"}, fields=("discriminator", "oid", "source")
    )
    search_fields = ["text"]
    ordering_fields = ["created", "discriminator", "source"]
    rights = {"list": Right.LS_LOGS, "retrieve": Right.READ_LOG}


class SettingViewSet(CrudViewSet):
    queryset = Setting.objects.select_related("owner").order_by("name")
    serializer_class = SettingSerializer
    filterset_class = filterset_for(Setting)
    rights = crud_rights("SETTING", "SETTINGS")
