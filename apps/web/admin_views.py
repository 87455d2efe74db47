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
from apps.core.services import object_create, object_delete
from apps.processors.models import TrustedRepository
from apps.web import selectors
from apps.web.forms import (
    PasswordForm,
    RepositoryChoiceForm,
    RepositoryCreateForm,
    RightForm,
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
    body = {"area": "admin", "outcome": outcome, "rights": Right.values, **context()}
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


def _grant(*, by, data, target) -> str:
    services.user_privilege_grant(user=target, right=data["right"], by=by)
    return f"Granted {data['right']} to {target.username}."


def _remove(*, by, data, target) -> str:
    services.user_privilege_remove(user=target, right=data["right"], by=by)
    return f"Removed the direct privilege {data['right']} from {target.username}."


def _revoke(*, by, data, target) -> str:
    services.user_privilege_revoke(user=target, right=data["right"], by=by)
    return f"Revoked {data['right']} from {target.username}."


def _unrevoke(*, by, data, target) -> str:
    services.user_privilege_unrevoke(user=target, right=data["right"], by=by)
    return f"{data['right']} is no longer revoked from {target.username}."


def _role_add(*, by, data, target) -> str:
    services.user_role_add(user=target, role=data["role"], by=by)
    return f"Gave the role {data['role'].name} to {target.username}."


def _role_remove(*, by, data, target) -> str:
    services.user_role_remove(user=target, role=data["role"], by=by)
    return f"Took the role {data['role'].name} from {target.username}."


USER_ACTIONS = {
    "deactivate": PageAction(Right.UPDATE_USER, None, _deactivate),
    "set_password": PageAction(Right.UPDATE_USER, PasswordForm, _set_password),
    "grant": PageAction(Right.ADD_PRIVILEGE, RightForm, _grant),
    "remove_privilege": PageAction(Right.DELETE_PRIVILEGE, RightForm, _remove),
    "revoke": PageAction(Right.UPDATE_PRIVILEGE, RightForm, _revoke),
    "unrevoke": PageAction(Right.UPDATE_PRIVILEGE, RightForm, _unrevoke),
    "add_role": PageAction(Right.UPDATE_USER, RoleChoiceForm, _role_add),
    "remove_role": PageAction(Right.UPDATE_USER, RoleChoiceForm, _role_remove),
}


@login_required
def user_detail(request, user_id):
    page_require(request, Right.LS_USERS)
    page_require(request, Right.READ_USER)
    target = get_object_or_404(User, pk=user_id)
    return _page(request, actions=USER_ACTIONS, template="web/admin_user.html", target=target,
                 context=lambda: selectors.user_page(user=User.objects.get(pk=target.pk)))


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


def _role_grant(*, by, data, target) -> str:
    services.role_privilege_grant(role=target, right=data["right"], by=by)
    return f"Granted {data['right']} to the role {target.name}."


def _role_remove_privilege(*, by, data, target) -> str:
    services.role_privilege_remove(role=target, right=data["right"], by=by)
    return f"Removed {data['right']} from the role {target.name}."


ROLE_ACTIONS = {
    "grant": PageAction(Right.ADD_PRIVILEGE, RightForm, _role_grant),
    "remove_privilege": PageAction(Right.DELETE_PRIVILEGE, RightForm, _role_remove_privilege),
}


@login_required
def role_detail(request, role_id):
    page_require(request, Right.LS_USERS)
    page_require(request, Right.READ_ROLE)
    role = get_object_or_404(Role, pk=role_id)
    return _page(request, actions=ROLE_ACTIONS, template="web/admin_role.html", target=role,
                 context=lambda: selectors.role_page(role=role))


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
