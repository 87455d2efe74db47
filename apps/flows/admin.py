from django.contrib import admin

from apps.core.admin_site import register_base
from apps.flows.models import File, Flow, Version
from apps.flows.services import flow_delete


class FlowAdmin(admin.ModelAdmin):
    """Deleting flows here, one or a selection, goes through ``flow_delete``: their sockets
    and plugs are released (stay on the network as if made outside any flow) and each
    delete is in the audit log, as through the API."""

    def delete_model(self, request, obj: Flow) -> None:
        flow_delete(flow=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for flow in queryset:
            flow_delete(flow=flow, by=request.user)


register_base(File, Version)
register_base(Flow, base=FlowAdmin)
