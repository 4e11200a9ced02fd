"""Commands for councils, users and API tokens: procurehub councils|users|tokens ..."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from procurehub.accounts import service as accounts
from procurehub.accounts.models import ROLES
from procurehub.cli import fail
from procurehub.extensions import db


# ---------------------------------------------------------------- councils
@click.group()
def councils() -> None:
    """Councils taking part in the collaboration."""


@councils.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--region", help="Region, e.g. 'West of Scotland'.")
@with_appcontext
def councils_add(code: str, name: str, region: str | None) -> None:
    """Add a council. CODE is its GSS code (e.g. S12000050) or a short unique code."""
    try:
        council = accounts.add_council(code, name, region)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        fail(str(exc))
    click.echo(f"Added council {council.code} {council.name}.")


@councils.command("list")
@with_appcontext
def councils_list() -> None:
    """List councils."""
    from procurehub.accounts.models import Council

    for council in db.session.scalars(select(Council).order_by(Council.code)):
        click.echo(f"{council.code}\t{council.name}\t{council.region or ''}")


# ---------------------------------------------------------------- users
@click.group()
def users() -> None:
    """People who sign in, and their roles."""


@users.command("add")
@click.argument("email")
@click.option("--council", "council_code", required=True, help="Code of the user's council.")
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice(ROLES),
    help="Role; repeat for several (--role officer --role coordinator).",
)
@click.option("--name", default="", help="The person's name.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input.",
)
@with_appcontext
def users_add(
    email: str, council_code: str, roles: tuple[str, ...], name: str, password_stdin: bool
) -> None:
    """Add a user. Without --password-stdin you are asked for a password on a terminal;
    elsewhere the user is created without one (API tokens still work)."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("--password-stdin was given but standard input had no password.", 2)
    elif sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.add_user(email, council_code, roles, name=name, password=password)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        fail(str(exc))
    click.echo(
        f"Added user {user.email} ({', '.join(user.roles)}) at {user.council.code}."
        + ("" if password else " No password set: the user can use API tokens but not sign in.")
    )


@users.command("set-password")
@click.argument("email")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from the first line of standard input.",
)
@with_appcontext
def users_set_password(email: str, password_stdin: bool) -> None:
    """Set a user's password (the password policy applies); signs out their browsers."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        fail("Give the password on standard input with --password-stdin.", 2)
    if not password:
        fail("--password-stdin was given but standard input had no password.", 2)
    try:
        user = accounts.get_user(email)
        accounts.set_password(user, password)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        fail(str(exc))
    click.echo(f"Changed the password of {user.email}; their browsers were signed out.")


# ---------------------------------------------------------------- tokens
@click.group()
def tokens() -> None:
    """API tokens for integrators (stored hashed, shown once)."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
@with_appcontext
def tokens_create(email: str, name: str) -> None:
    """Create an API token for a user; the token is printed alone on the last line."""
    try:
        user = accounts.get_user(email)
        token = accounts.create_token(user, name)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        fail(str(exc))
    click.echo(f"Token for {user.email}. Store it now: it cannot be shown again.")
    click.echo(token)


@tokens.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def tokens_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `procurehub tokens list`)."""
    try:
        accounts.revoke_token(token_id)
        db.session.commit()
    except accounts.AccountError as exc:
        db.session.rollback()
        fail(str(exc))
    click.echo(f"Revoked token {token_id}.")


@tokens.command("list")
@with_appcontext
def tokens_list() -> None:
    """List tokens (never their secret)."""
    from procurehub.accounts.models import ApiToken

    for token in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = "revoked" if token.revoked_at else "active"
        click.echo(
            f"{token.id}\t{token.user.email}\t{token.name}\t{state}\t{token.created_at:%Y-%m-%d}"
        )


def init_app(app: Flask) -> None:
    app.cli.add_command(councils)
    app.cli.add_command(users)
    app.cli.add_command(tokens)
