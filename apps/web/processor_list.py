"""The processors page: the list (LS_PROCESSORS) and a form that creates one (ADD_PROCESSOR);
a user holding neither gets the 403 page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from apps.accounts.rights import Right
from apps.accounts.selectors import user_has_right
from apps.processors.services import processor_create
from apps.web import selectors
from apps.web.forms import ProcessorCreateForm
from apps.web.page_actions import Outcome, PageAction, page_post, page_require


def _create(*, by, data, target) -> str:
    processor = processor_create(by=by, fields=dict(data))
    return f"Processor {processor.name} created."


ACTIONS = {"create": PageAction(Right.ADD_PROCESSOR, ProcessorCreateForm, _create)}


@login_required
def processors(request):
    if request.method != "POST" and not user_has_right(request.user, Right.ADD_PROCESSOR):
        # The list, or at least the form; a post is refused by its action's own right.
        page_require(request, Right.LS_PROCESSORS)
    outcome = Outcome()
    if request.method == "POST":
        outcome = page_post(request, ACTIONS)
        if outcome.error is None:
            messages.success(request, outcome.message)
            return redirect(request.path)
    can_list = user_has_right(request.user, Right.LS_PROCESSORS)
    context = {
        "area": "processors",
        "outcome": outcome,
        "can_list": can_list,
        "processors": selectors.processor_list() if can_list else [],
    }
    return render(request, "web/processors.html", context, status=outcome.status)
