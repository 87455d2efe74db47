"""``flow login``, ``flow logout``, ``flow whoami`` and ``flow --config``."""

from __future__ import annotations

import click

from apps.cli.context import Session, pass_session
from apps.cli.render import echo_json, echo_table
from apps.client.config import save_config
from apps.client.errors import Unauthorized
from apps.client.http import ApiClient, server_root


def configure(session: Session) -> None:
    """Ask for the server URL and write the configuration file (keeping the token)."""
    config = session.config
    url = click.prompt("ElasticCode server URL", default=config.url)
    save_config(config.path, url=server_root(url), token=None if config.token_from_env else config.token)
    click.echo(f"Configuration file written to {config.path}")
    session.reset()


@click.command()
@click.option("-u", "--username", prompt="Username", help="Your user name")
@click.option("-p", "--password", prompt="Password", hide_input=True, help="Your password (prompted when missing)")
@pass_session
def login(session: Session, username: str, password: str) -> None:
    """Log into the flow CLI: get an API token and keep it in the configuration file."""
    with ApiClient(session.url) as anonymous:
        answer = anonymous.post("auth/token/", {"username": username, "password": password, "name": "cli"})
    save_config(session.config.path, url=server_root(session.url), token=answer["token"])
    click.echo(f"Logged in as {answer.get('username', username)} at {server_root(session.url)}")
    if session.config.token_from_env:
        click.echo("Note: FLOW_TOKEN is set and overrides the saved token.", err=True)
    session.reset()


@click.command()
@pass_session
def logout(session: Session) -> None:
    """Log out: revoke the token on the server and forget it here."""
    config = session.config
    if not config.token:
        click.echo("Not logged in.")
        return
    try:
        session.client().delete("auth/token/")
    except Unauthorized:
        pass  # already revoked or expired: forgetting it is all that is left to do
    finally:
        save_config(config.path, url=config.url, token=None)
    click.echo("Logged out.")
    if config.token_from_env:
        click.echo("Note: FLOW_TOKEN is still set in your environment.", err=True)
    session.reset()


@click.command()
@pass_session
def whoami(session: Session) -> None:
    """The user you are logged in as, and your rights."""
    me = session.client().get("auth/whoami/")
    if session.json_output:
        echo_json(me)
        return
    echo_table(
        ["Name", "ID", "Email", "Superuser", "Server"],
        [[me.get("username"), me.get("id"), me.get("email"), me.get("is_superuser"), session.url]],
    )
    rights = me.get("rights") or []
    if me.get("is_superuser"):
        click.echo("Rights: all (superuser)")
    else:
        click.echo(f"Rights ({len(rights)}): {', '.join(rights) if rights else 'none'}")
