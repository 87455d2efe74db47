"""How a page runs a posted action: the same right as the API, a form, a service call.

A page posts ``action=<name>``; the page's table maps the name to the right it needs, the
form that validates the input and the service call. A refusal (403), bad input (400), an
unknown object (404) or a conflict (409) comes back as the page re-rendered with that
status and the message in an alert; success redirects back (post/redirect/get).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied

from apps.accounts.permissions import right_require
from apps.accounts.selectors import user_has_right
from apps.core.errors import BadRequest, PlatformError


def page_require(request, *rights: str) -> None:
    """The 403 page, naming the first missing right, unless the user holds every one of
    ``rights``: a page needs the rights of the data it shows, as the API does."""
    for right in rights:
        if not user_has_right(request.user, right):
            raise PermissionDenied(f"You need the {right} right to see this page.")


@dataclass(frozen=True)
class PageAction:
    right: str
    form: type[forms.Form] | None
    run: Callable[..., str]  # run(*, by, data, target) -> the success message


@dataclass
class Outcome:
    message: str = ""
    error: PlatformError | None = None
    form: forms.Form | None = None
    action: str = ""

    @property
    def status(self) -> int:
        return self.error.status if self.error else 200


def _attach(form: forms.Form | None, error: PlatformError) -> None:
    """Field-level messages of a service's BadRequest go next to the fields."""
    if form is None or not isinstance(error.detail, dict):
        return
    for field, messages in error.detail.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(field if field in form.fields else None, str(message))


def page_post(request, actions: dict[str, PageAction], *, target: Any = None) -> Outcome:
    name = request.POST.get("action", "")
    action = actions.get(name)
    if action is None:
        return Outcome(error=BadRequest("Unknown action."), action=name)
    form = action.form(request.POST) if action.form else None
    try:
        right_require(request.user, action.right)
        if form is not None and not form.is_valid():
            raise BadRequest("Some fields are not valid; see the messages next to them.")
        message = action.run(by=request.user, data=form.cleaned_data if form else {}, target=target)
    except PlatformError as error:
        _attach(form, error)
        return Outcome(error=error, form=form, action=name)
    return Outcome(message=message, action=name)
