"""Roles & Users: ``flow add user|role|privilege``, ``flow ls user -n NAME``,
``flow user add|ls|passwd|rights``."""

from __future__ import annotations

import click

from apps.cli.context import Session, pass_session
from apps.cli.errors import CliError
from apps.cli.kinds import BY_NAME
from apps.cli.objects import announce, echo_object, make_list
from apps.cli.render import echo_json, echo_table

USER = BY_NAME["user"]

user = click.Group("user", help="User commands")


@click.command("user")
@click.option("-n", "--name", prompt="Name", help="User name")
@click.option("-e", "--email", prompt="Email", help="E-mail address")
@click.option("-p", "--password", prompt="Password", hide_input=True, confirmation_prompt=True,
              help="Password (prompted, hidden, when missing)")
@pass_session
def add_user(session: Session, name: str, email: str, password: str) -> None:
    """Add a user (prompts for what is missing)."""
    created = session.client().post("users/", {"username": name, "email": email, "password": password})
    announce(session, created, f'User "{name}" added')


@click.command("role")
@click.option("-n", "--name", required=True, help="Role name")
@click.option("-u", "--user", "username", help="Give this existing role to a user instead")
@pass_session
def add_role(session: Session, name: str, username: str | None) -> None:
    """Add a role, or with -u give an existing role to a user."""
    client = session.client()
    if username:
        target = client.find("users", username)
        answer = client.post(f"users/{target['id']}/roles/", {"role": name})
        announce(session, answer or {}, f'Role "{name}" given to "{username}"')
        return
    announce(session, client.post("roles/", {"name": name}), f'Role "{name}" added')


@click.command("privilege")
@click.option("-u", "--user", "username", help="User to give the right to")
@click.option("-r", "--role", help="Role to give the right to")
@click.option("-n", "--name", "rights", required=True, multiple=True,
              help="The right, e.g. ADD_PROCESSOR; repeat it or separate by commas for several (all or none)")
@pass_session
def add_privilege(session: Session, username: str | None, role: str | None, rights: tuple[str, ...]) -> None:
    """Give a right (or several at once) to a user (-u) or a role (-r)."""
    names = _right_names(rights)
    if len(names) > 1:
        _bulk(session, "grant", username=username, role=role, rights=names)
        return
    path, holder = _holder(session, username=username, role=role)
    answer = session.client().post(f"{path}/{holder['id']}/privileges/", {"right": names[0]})
    if session.json_output:
        echo_json(answer)
    else:
        click.echo("Privilege added")


OPERATIONS = ("grant", "remove", "revoke", "unrevoke")
_DONE = {"grant": "Granted", "remove": "Removed", "revoke": "Revoked", "unrevoke": "No longer revoked"}
_ALREADY = {"grant": "already held", "remove": "not held directly", "revoke": "already revoked",
            "unrevoke": "not revoked"}


@click.command("rights")
@click.argument("operation", type=click.Choice(OPERATIONS))
@click.argument("rights", nargs=-1, required=True)
@click.option("-u", "--user", "username", help="The user whose rights change")
@click.option("-r", "--role", help="The role whose rights change (grant and remove only)")
@pass_session
def rights_change(session: Session, operation: str, rights: tuple[str, ...], username: str | None,
                  role: str | None) -> None:
    """Grant, remove, revoke or un-revoke several rights at once: all of them, or none when
    you may not change one (the error names each right in the way)."""
    _bulk(session, operation, username=username, role=role, rights=_right_names(rights))


def _right_names(values: tuple[str, ...]) -> list[str]:
    names = [name.strip().upper() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise CliError("name at least one right")
    return list(dict.fromkeys(names))


def _holder(session: Session, *, username: str | None, role: str | None) -> tuple[str, dict]:
    name = username or role
    if not name or (username and role):
        raise CliError("give either a user (-u/--user) or a role (-r/--role)")
    path = "users" if username else "roles"
    return path, session.client().find(path, name)


def _bulk(session: Session, operation: str, *, username: str | None, role: str | None, rights: list[str]) -> None:
    path, holder = _holder(session, username=username, role=role)
    answer = session.client().post(f"{path}/{holder['id']}/rights/{operation}/", {"rights": rights})
    if session.json_output:
        echo_json(answer)
        return
    changed, unchanged = answer.get("changed") or [], answer.get("unchanged") or []
    click.echo(f"{_DONE[operation]}: {', '.join(changed)}" if changed else "Nothing changed")
    if unchanged:
        click.echo(f"Unchanged ({_ALREADY[operation]}): {', '.join(unchanged)}")


@click.command("user")
@click.option("-n", "--name", help="User name")
@click.option("--id", "object_id", help="User id")
@pass_session
def show_user(session: Session, name: str | None, object_id: str | None) -> None:
    """A user and their privileges (direct, from roles, revoked)."""
    target = session.lookup("users", name=name, object_id=object_id)
    rights = session.client().get(f"users/{target['id']}/rights/") or []
    if session.json_output:
        echo_json({**target, "rights": rights})
        return
    echo_object(session, USER.columns, target, details=False)
    roles = target.get("roles")
    if roles:
        click.echo("Roles: " + ", ".join(role.get("name", "?") if isinstance(role, dict) else str(role)
                                         for role in roles))
    echo_privileges(target.get("username") or target.get("name"), rights)


def echo_privileges(username: str | None, rights: list[dict]) -> None:
    """The Privileges table; Last Updated and By appear when the server gives them."""
    headers = ["Name", "Right", "Source", "Effective"]
    dated = any("lastupdated" in row or "by" in row for row in rights)
    if dated:
        headers += ["Last Updated", "By"]
    rows = []
    for row in rights:
        values = [username, row.get("right"), ", ".join(row.get("sources") or []), row.get("effective")]
        if dated:
            values += [row.get("lastupdated"), row.get("by")]
        rows.append(values)
    echo_table(headers, rows, title="Privileges")


@click.command("passwd")
@click.option("-n", "--name", help="Whose password to reset (yours when missing)")
@click.option("--current", "current_password", help="Your current password (prompted when changing your own)")
@click.option("-p", "--password", prompt="New password", hide_input=True, confirmation_prompt=True,
              help="The new password (prompted, hidden, when missing)")
@pass_session
def set_password(session: Session, name: str | None, current_password: str | None, password: str) -> None:
    """Change your own password (with the current one), or with -n reset another user's."""
    client = session.client()
    if name:
        target = client.find("users", name)
        client.post(f"users/{target['id']}/set_password/", {"password": password})
        announce(session, {}, f'Password of "{name}" changed')
        return
    current = current_password or click.prompt("Current password", hide_input=True)
    client.post("auth/password/", {"current_password": current, "password": password})
    announce(session, {}, "Your password changed; your API tokens were revoked with it: run flow login again")


user.add_command(add_user, "add")
user.add_command(set_password, "passwd")
user.add_command(make_list(USER), "ls")
user.add_command(rights_change, "rights")
