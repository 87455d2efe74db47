"""Template helpers for the network and processor pages: the network overview, a
processor's run controls (which verbs the user may use) and its deployments and workers."""

from __future__ import annotations

from django import template

from apps.accounts.selectors import user_has_right
from apps.network.selectors import network_overview as overview_select
from apps.network.selectors import processor_run_state

register = template.Library()

# Each verb of the processor page and the right it needs (as the API checks it).
VERB_RIGHTS = (
    ("start", "START_PROCESSOR"), ("stop", "STOP_PROCESSOR"), ("pause", "PAUSE_PROCESSOR"),
    ("resume", "RESUME_PROCESSOR"), ("restart", "START_PROCESSOR"),
)


@register.simple_tag
def network_overview():
    return overview_select()


@register.simple_tag(takes_context=True)
def run_controls(context, processor) -> dict:
    """The verbs the signed-in user may use on ``processor``, and its deployments and workers."""
    user = context.get("user")
    verbs = [verb for verb, right in VERB_RIGHTS if user_has_right(user, right)]
    return {"verbs": verbs, **processor_run_state(processor=processor)}
