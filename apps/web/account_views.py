"""The Account page: who you are, your effective rights, and changing your own password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from apps.accounts import services
from apps.accounts.models import User
from apps.accounts.permissions import AUTHENTICATED
from apps.accounts.selectors import user_rights_explained
from apps.web.forms import OwnPasswordForm
from apps.web.page_actions import Outcome, PageAction, page_post


def _own_password(*, by, data, target) -> str:
    services.user_set_password(
        user=target, by=by, password=data["password"], current_password=data["current_password"])
    return "Password changed; your API tokens were revoked with it (run flow login again)."


ACCOUNT_ACTIONS = {"password": PageAction(AUTHENTICATED, OwnPasswordForm, _own_password)}


@login_required
def account(request):
    me = User.objects.get(pk=request.user.pk)
    outcome = Outcome()
    if request.method == "POST":
        outcome = page_post(request, ACCOUNT_ACTIONS, target=me)
        if outcome.error is None:
            update_session_auth_hash(request, User.objects.get(pk=me.pk))
            messages.success(request, outcome.message)
            return redirect("account")
    body = {"area": "account", "outcome": outcome, "target": me, "rights": user_rights_explained(user=me)}
    return render(request, "web/account.html", body, status=outcome.status)
