"""The processor page: repository, mount status and log, functions, sockets, recent calls."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from apps.accounts.rights import Right
from apps.accounts.selectors import user_has_right
from apps.calls.selectors import calls_recent
from apps.processors.models import Processor
from apps.processors.selectors import processor_page


@login_required
def processor_detail(request, processor_id):
    if not user_has_right(request.user, Right.READ_PROCESSOR):
        raise PermissionDenied("You need the READ_PROCESSOR right to see processors.")
    processor = get_object_or_404(Processor, pk=processor_id)
    context = processor_page(processor=processor)
    context.update({
        "area": "processors",
        "calls": calls_recent(processor=processor),
        "can_mount": user_has_right(request.user, Right.MOUNT_PROCESSOR),
        "can_run": user_has_right(request.user, Right.RUN_TASK),
        "can_see_code": user_has_right(request.user, Right.VIEW_PROCESSOR_CODE),
    })
    return render(request, "processors/detail.html", context)
