"""The processor page: repository, mount status and log, functions, sockets, recent calls."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from apps.accounts.rights import Right
from apps.accounts.selectors import user_has_right
from apps.calls.selectors import calls_recent
from apps.engine.scheduling import schedule_runs
from apps.processors.models import Processor
from apps.processors.selectors import processor_page
from apps.web.page_actions import page_require


@login_required
def processor_detail(request, processor_id):
    page_require(request, Right.READ_PROCESSOR)
    processor = get_object_or_404(Processor, pk=processor_id)
    context = processor_page(processor=processor)
    # Recent calls show their results, errors and logs: LS_CALLS and READ_CALL, as in the API.
    can_see_calls = all(user_has_right(request.user, right) for right in (Right.LS_CALLS, Right.READ_CALL))
    can_see_sockets = user_has_right(request.user, Right.LS_SOCKETS)
    for socket in context["sockets"] if can_see_sockets else []:
        socket.last_runs = schedule_runs(socket=socket, limit=5) if socket.schedule_type else []
    context.update({
        "area": "processors",
        "sockets": context["sockets"] if can_see_sockets else [],
        "can_see_sockets": can_see_sockets,
        "can_see_calls": can_see_calls,
        "calls": calls_recent(processor=processor) if can_see_calls else [],
        "can_mount": user_has_right(request.user, Right.MOUNT_PROCESSOR),
        "can_run": user_has_right(request.user, Right.RUN_TASK),
        "can_see_code": user_has_right(request.user, Right.VIEW_PROCESSOR_CODE),
    })
    return render(request, "processors/detail.html", context)
