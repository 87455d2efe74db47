"""The admin pages: users (create, deactivate, reset password, roles, privileges, revocations,
effective rights with their sources), roles (create, grant and remove privileges) and the
trusted-repository rules.

The whole area needs LS_USERS; each page and action needs the same right as the matching
API endpoint. Views are thin: the tables below name the right, the form and the service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from apps.accounts import services
from apps.accounts.models import Role, User
from apps.accounts.rights import Right
from apps.accounts.services.rights_bulk import OPERATION_RIGHTS, BulkResult, Operation
from apps.core.services import object_create, object_delete
from apps.processors.models import TrustedRepository
from apps.web import selectors
from apps.web.forms import (
    PasswordForm,
    RepositoryChoiceForm,
    RepositoryCreateForm,
    RightsForm,
    RoleChoiceForm,
    RoleCreateForm,
    UserCreateForm,
)
from apps.web.page_actions import Outcome, PageAction, page_post, page_require


def _page(request, *, actions, template: str, context, target=None):
    """GET renders; POST runs the action, then redirects, or re-renders with its error."""
    outcome = Outcome()
    if request.method == "POST":
        outcome = page_post(request, actions, target=target)
        if outcome.error is None:
            messages.success(request, outcome.message)
            return redirect(request.get_full_path())
    body = {"area": "admin", "outcome": outcome, **context()}
    return render(request, template, body, status=outcome.status)


# --- users -------------------------------------------------------------------------------

def _user_create(*, by, data, target) -> str:
    user = services.user_create(by=by, **data)
    return f"User {user.username} created."


USERS_ACTIONS = {"create": PageAction(Right.ADD_USER, UserCreateForm, _user_create)}


@login_required
def users(request):
    page_require(request, Right.LS_USERS)
    return _page(request, actions=USERS_ACTIONS, template="web/admin.html",
                 context=lambda: {"users": selectors.user_list()})


def _deactivate(*, by, data, target) -> str:
    services.user_deactivate(user=target, by=by)
    return f"User {target.username} deactivated."


def _set_password(*, by, data, target) -> str:
    services.user_set_password(
        user=target, by=by, password=data["password"], current_password=data.get("current_password"))
    return f"Password of {target.username} reset; their API tokens were revoked."


# What a page says after a bulk change: the verb, the rights, and what was already so.
_DONE = {Operation.GRANT: "Granted {rights} to {whom}.", Operation.REMOVE: "Removed {rights} from {whom}.",
         Operation.REVOKE: "Revoked {rights} from {whom}.", Operation.UNREVOKE: "Lifted the revocation of {rights} "
                                                                               "for {whom}."}
_ALREADY = {Operation.GRANT: "already held", Operation.REMOVE: "not held directly",
            Operation.REVOKE: "already revoked", Operation.UNREVOKE: "not revoked"}


def bulk_message(result: BulkResult, *, whom: str) -> str:
    operation = Operation(result.operation)
    done = _DONE[operation].format(rights=", ".join(result.changed), whom=whom) if result.changed \
        else f"Nothing changed for {whom}."
    unchanged = f" Unchanged ({_ALREADY[operation]}): {', '.join(result.unchanged)}." if result.unchanged else ""
    return done + unchanged


def _user_bulk(operation: str):
    def run(*, by, data, target) -> str:
        result = services.user_rights_bulk(user=target, operation=operation, rights=data["rights"], by=by)
        return bulk_message(result, whom=target.username)
    return PageAction(OPERATION_RIGHTS[operation], RightsForm, run)


def _role_add(*, by, data, target) -> str:
    services.user_role_add(user=target, role=data["role"], by=by)
    return f"Gave the role {data['role'].name} to {target.username}."


def _role_remove(*, by, data, target) -> str:
    services.user_role_remove(user=target, role=data["role"], by=by)
    return f"Took the role {data['role'].name} from {target.username}."


USER_ACTIONS = {
    "deactivate": PageAction(Right.UPDATE_USER, None, _deactivate),
    "set_password": PageAction(Right.UPDATE_USER, PasswordForm, _set_password),
    **{operation.value: _user_bulk(operation) for operation in Operation},
    "add_role": PageAction(Right.UPDATE_USER, RoleChoiceForm, _role_add),
    "remove_role": PageAction(Right.UPDATE_USER, RoleChoiceForm, _role_remove),
}


@login_required
def user_detail(request, user_id):
    page_require(request, Right.LS_USERS)
    page_require(request, Right.READ_USER)
    target = get_object_or_404(User, pk=user_id)
    return _page(request, actions=USER_ACTIONS, template="web/admin_user.html", target=target,
                 context=lambda: selectors.user_page(user=User.objects.get(pk=target.pk), actor=request.user))


# --- roles -------------------------------------------------------------------------------

def _role_create(*, by, data, target) -> str:
    role = services.role_create(by=by, fields={"name": data["name"]})
    return f"Role {role.name} created."


ROLES_ACTIONS = {"create": PageAction(Right.ADD_ROLE, RoleCreateForm, _role_create)}


@login_required
def roles(request):
    page_require(request, Right.LS_USERS)
    page_require(request, Right.LS_ROLES)
    return _page(request, actions=ROLES_ACTIONS, template="web/admin_roles.html",
                 context=lambda: {"roles": selectors.role_list()})


def _role_bulk(operation: str):
    def run(*, by, data, target) -> str:
        result = services.role_rights_bulk(role=target, operation=operation, rights=data["rights"], by=by)
        return bulk_message(result, whom=f"the role {target.name}")
    return PageAction(OPERATION_RIGHTS[operation], RightsForm, run)


ROLE_ACTIONS = {operation.value: _role_bulk(operation) for operation in (Operation.GRANT, Operation.REMOVE)}


@login_required
def role_detail(request, role_id):
    page_require(request, Right.LS_USERS)
    page_require(request, Right.READ_ROLE)
    role = get_object_or_404(Role, pk=role_id)
    return _page(request, actions=ROLE_ACTIONS, template="web/admin_role.html", target=role,
                 context=lambda: selectors.role_page(role=role, actor=request.user))


# --- trusted repositories ----------------------------------------------------------------

def _repository_create(*, by, data, target) -> str:
    rule = object_create(model=TrustedRepository, by=by, fields=dict(data), audit=True)
    return f"Rule {rule.name} added: {rule.kind} {rule.pattern}."


def _repository_delete(*, by, data, target) -> str:
    object_delete(instance=data["repository"], by=by, audit=True)
    return f"Rule {data['repository'].name} removed."


REPOSITORIES_ACTIONS = {
    "create": PageAction(Right.ADD_REPOSITORY, RepositoryCreateForm, _repository_create),
    "delete": PageAction(Right.DELETE_REPOSITORY, RepositoryChoiceForm, _repository_delete),
}


@login_required
def repositories(request):
    page_require(request, Right.LS_USERS)
    page_require(request, Right.LS_REPOSITORIES)
    return _page(request, actions=REPOSITORIES_ACTIONS, template="web/admin_repositories.html",
                 context=lambda: {"repositories": selectors.repository_list()})
