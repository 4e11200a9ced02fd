"""The `procurehub` command: a Flask CLI group with the commands of DESIGN §4.

Commands are thin: they parse arguments, call the same services as the API, and turn
service errors into a clear message and exit status (2 for usage errors, 1 for refusals).
"""

from __future__ import annotations

import sys
from typing import Any

import click
import flask_migrate
from flask import current_app, g
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import cli as migrate_cli
from sqlalchemy import func, select

from . import accounts, create_app
from .categories import sync_categories
from .extensions import db
from .models import ROLES


class ProcureHubGroup(FlaskGroup):
    """FlaskGroup whose `db upgrade` also seeds the plugins' categories.

    Flask's generic options (--app, --env-file, --debug) and its `run` command are hidden:
    the app is always ProcureHub, and `procurehub serve` is the one way to run it.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(add_version_option=False, **kwargs)
        self.params = [p for p in self.params if p.name not in ("app", "env_file", "debug")]

    def _load_plugin_commands(self) -> None:
        super()._load_plugin_commands()
        self.add_command(db_group)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in super().list_commands(ctx) if name != "run"]


def fail(message: str, code: int = 1) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


main = ProcureHubGroup(
    name="procurehub",
    create_app=lambda: create_app(),
    help="ProcureHub: the councils' shared contract data hub.\n\n"
    "Settings come from the environment (DATABASE_URL, PROCUREHUB_INSTANCE_PATH, "
    "PROCUREHUB_SECRET_KEY, PROCUREHUB_SMTP_*); see docs/configuration.md.",
    set_debug_flag=False,
    load_dotenv=False,
)


# ---------------------------------------------------------------- database
@click.group("db")
@with_appcontext
def db_group() -> None:
    """Database migrations (Alembic). `procurehub db upgrade` brings a database to the latest schema."""
    g.directory = None  # Flask-Migrate's commands read these; the app sets the directory
    g.x_arg = ()


for _name, _command in migrate_cli.db.commands.items():
    if _name != "upgrade":
        db_group.add_command(_command, _name)


def upgrade_database() -> None:
    flask_migrate.upgrade()
    sync_categories()


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema and seed the categories."""
    upgrade_database()
    click.echo(
        f"Database is up to date ({current_app.config['SQLALCHEMY_DATABASE_URI'].split('://')[0]})."
    )


# ---------------------------------------------------------------- councils
@main.group()
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
    from .models import Council

    for council in db.session.scalars(select(Council).order_by(Council.code)):
        click.echo(f"{council.code}\t{council.name}\t{council.region or ''}")


# ---------------------------------------------------------------- categories
@main.group()
def categories() -> None:
    """The workstreams' categories and their alignment settings."""


@categories.command("list")
@with_appcontext
def categories_list() -> None:
    """List categories with lead time, tolerance and minimum councils (empty = hub default)."""
    from .models import Category

    for c in db.session.scalars(select(Category).order_by(Category.key)):
        click.echo(
            f"{c.key}\t{c.label}\tlead {c.lead_time_months}m\t"
            f"tolerance {c.tolerance_months if c.tolerance_months is not None else 'default'}\t"
            f"min councils {c.min_councils if c.min_councils is not None else 'default'}"
        )


@categories.command("set")
@click.argument("key")
@click.option("--lead-time", type=int, help="Months needed to run a joint tender.")
@click.option(
    "--tolerance", type=int, help="Months a window may stretch for a short interim extension."
)
@click.option("--min-councils", type=int, help="Councils needed for an opportunity (at least 2).")
@with_appcontext
def categories_set(
    key: str, lead_time: int | None, tolerance: int | None, min_councils: int | None
) -> None:
    """Change a category's alignment settings (e.g. `categories set waste.food --lead-time 30`)."""
    from .categories import update_category_settings

    if lead_time is None and tolerance is None and min_councils is None:
        fail("Give at least one of --lead-time, --tolerance, --min-councils.", 2)
    try:
        c = update_category_settings(
            key, lead_time_months=lead_time, tolerance_months=tolerance, min_councils=min_councils
        )
        db.session.commit()
    except (LookupError, ValueError) as exc:
        db.session.rollback()
        fail(str(exc).strip("'\""), 1)
    click.echo(
        f"{c.key}: lead time {c.lead_time_months} months, tolerance "
        f"{c.tolerance_months if c.tolerance_months is not None else 'default'}, minimum councils "
        f"{c.min_councils if c.min_councils is not None else 'default'}."
    )


# ---------------------------------------------------------------- users
@main.group()
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


# ---------------------------------------------------------------- tokens
@main.group()
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
    from .models import ApiToken

    for token in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = "revoked" if token.revoked_at else "active"
        click.echo(
            f"{token.id}\t{token.user.email}\t{token.name}\t{state}\t{token.created_at:%Y-%m-%d}"
        )


# ---------------------------------------------------------------- plugins
@main.command("plugins")
@with_appcontext
def plugins_command() -> None:
    """List installed workstream plugins and whether each is enabled."""
    installed = current_app.extensions["procurehub.installed_plugins"]
    enabled = current_app.extensions["procurehub.plugins"]
    for key, plugin in installed.items():
        state = "enabled" if key in enabled else "disabled"
        click.echo(f"{key}\t{plugin.title}\t{state}\t{len(plugin.categories)} categories")


# ---------------------------------------------------------------- export
@main.group()
def export() -> None:
    """Export data for Excel or other tools."""


@export.command("contracts")
@click.option("--council", "council_code", help="Only this council's contracts.")
@click.option("--workstream", help="Only this workstream (waste, fleet, digital, unclassified).")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["csv", "xlsx", "ocds"]),
    help="csv or xlsx (columns are the canonical field names), or ocds (an OCDS 1.1 release package).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="File to write ('-' for standard output, CSV and OCDS only).",
)
@with_appcontext
def export_contracts(
    council_code: str | None, workstream: str | None, fmt: str, output: str
) -> None:
    """Export contracts: CSV/XLSX with the canonical field names as columns, or OCDS JSON."""
    from .contract_export import export_contracts as run_export

    if council_code:
        try:
            accounts.get_council(council_code)
        except accounts.AccountError as exc:
            fail(str(exc), 2)
    if output == "-" and fmt == "xlsx":
        fail("An XLSX workbook cannot be written to standard output; give a file name.", 2)
    count = run_export(fmt, output, council=council_code, workstream=workstream)
    if output != "-":
        click.echo(f"Wrote {count} contracts to {output}.")


# ---------------------------------------------------------------- import
@main.group("import")
def import_group() -> None:
    """Import registers and other data."""


@import_group.command("contracts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option(
    "--council", "council_code", required=True, help="Code of the council whose register this is."
)
@click.option("--sheet", help="Sheet to read (default: the one that looks like a register).")
@click.option(
    "--accept-valid", is_flag=True, help="Store the valid rows even if some rows are rejected."
)
@click.option(
    "--dry-run", is_flag=True, help="Check the file and report what would happen; store nothing."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@with_appcontext
def import_contracts_command(
    file: str,
    council_code: str,
    sheet: str | None,
    accept_valid: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Import a contract register (.xlsx, .xlsm, .xls, .ods, .csv or OCDS .json) as it is.

    Headings are matched to the hub's fields (and the council's saved mapping); every row is
    stored, or rejected with the reason. Re-importing the same file changes nothing. Exit
    status: 0 stored (or would be, with --dry-run), 1 nothing stored because of errors,
    2 usage error.
    """
    import json as json_module

    from .register_import import ImportOptions, import_contracts
    from .report_text import format_import_report

    try:
        council = accounts.get_council(council_code)
    except accounts.AccountError as exc:
        fail(str(exc), 2)
    progress = _progress_printer() if sys.stderr.isatty() else None
    report = import_contracts(
        file,
        display_name=file,
        council=council,
        user=None,
        options=ImportOptions(
            accept_valid=accept_valid,
            dry_run=dry_run,
            sheet=sheet,
            max_rows=current_app.config["MAX_IMPORT_ROWS"],
            # The web upload cap (MAX_CONTENT_LENGTH) protects the server from strangers; a file
            # given on the command line by an operator may be larger (e.g. a 1,000,000-row CSV).
            max_bytes=max(current_app.config["MAX_CONTENT_LENGTH"], 2 * 1024**3),
        ),
        progress=progress,
    )
    if progress:
        click.echo("", err=True)
    if as_json:
        click.echo(json_module.dumps(report, ensure_ascii=False, default=str))
    else:
        click.echo(format_import_report(report))
    sys.exit(1 if report["status"] == "refused" else 0)


def _progress_printer() -> Any:
    def show(rows: int) -> None:
        click.echo(f"\rRead {rows:,} rows…", nl=False, err=True)

    return show


# ---------------------------------------------------------------- alignment and alerts
def _as_of_option(function: Any) -> Any:
    return click.option(
        "--as-of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Pretend today is this date (YYYY-MM-DD); default today.",
    )(function)


@main.group()
def alignment() -> None:
    """Renewal alignment: which councils could tender together, and by when."""


@alignment.command("run")
@_as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the opportunities as one JSON object.")
@with_appcontext
def alignment_run(as_of: Any, as_json: bool) -> None:
    """Find and store the renewal-alignment opportunities across all enabled workstreams.

    Results are written out as they are found, so even a very dense hub streams.
    """
    import json as json_module
    from datetime import date

    from .alignment.store import opportunity_json, run_alignment

    day = as_of.date() if as_of else date.today()
    out = sys.stdout
    first = True
    if as_json:
        out.write(json_module.dumps({"as_of": day.isoformat()})[:-1] + ', "opportunities": [')

    def emit(opp: Any, stored_id: int) -> None:
        nonlocal first
        if as_json:
            out.write(("" if first else ", ") + json_module.dumps(opportunity_json(opp, stored_id)))
            first = False

    result = run_alignment(day, on_opportunity=emit)
    if as_json:
        out.write("]}\n")
        out.flush()
        return
    click.echo(
        f"Alignment as of {day.isoformat()}: {result.found} opportunities "
        f"({result.created} new, {result.changed} changed, {result.closed} no longer found)."
    )
    if result.gaps:
        gaps = ", ".join(f"{code}: {n}" for code, n in result.gaps.items())
        click.echo(f"Contracts without an end date (cannot be aligned): {gaps}")


@main.group()
def alerts() -> None:
    """Renewal-alignment alerts (e-mail, webhooks, inbox)."""


@alerts.command("run")
@_as_of_option
@with_appcontext
def alerts_run(as_of: Any) -> None:
    """Run the alert job once now: refresh the alignment, decide alerts, deliver them.

    Safe to repeat: an alert is never decided or sent twice.
    """
    from datetime import date

    from .alerts.job import run_alert_job

    result = run_alert_job(as_of.date() if as_of else date.today())
    click.echo(result.summary())


# ---------------------------------------------------------------- serve and demo
@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--with-scheduler",
    is_flag=True,
    help="Also run the scheduled jobs in this process (embedded use).",
)
@with_appcontext
def serve(host: str, port: int, with_scheduler: bool) -> None:
    """Run the web server (for production use gunicorn and a separate `procurehub scheduler`)."""
    if with_scheduler:
        from .scheduler import build_scheduler, describe

        scheduler = build_scheduler(current_app._get_current_object(), blocking=False)
        scheduler.start()
        for line in describe(scheduler):
            click.echo(f"Scheduled {line}")
    run_server(host, port)


@main.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduled jobs (alerts, alignment, plugins' jobs) until stopped. Run exactly one."""
    from .scheduler import build_scheduler, describe

    scheduler = build_scheduler(current_app._get_current_object(), blocking=True)
    for line in describe(scheduler):
        click.echo(f"Scheduled {line}")
    click.echo("Scheduler running (Ctrl+C to stop).")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


def run_server(host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    click.echo(f"ProcureHub is running on http://{host}:{port}/ (Ctrl+C to stop).")
    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop.")
@click.option("--no-scheduler", is_flag=True, help="Do not run the alert job in the background.")
@with_appcontext
def demo(host: str, port: int, no_serve: bool, no_scheduler: bool) -> None:
    """Create the database, load demo councils, users and contracts, and serve the hub.

    The alert job runs in the background every minute (set PROCUREHUB_SMTP_HOST to also get
    e-mail), so a coordinator who subscribes sees alerts arrive in their inbox.
    """
    from . import demo as demo_data
    from .models import Council

    upgrade_database()
    if db.session.scalar(select(func.count(Council.id))) == 0:
        from datetime import date

        from .alignment.store import run_alignment

        demo_data.load()
        found = run_alignment(date.today()).found
        click.echo(f"Loaded the demo data; the alignment found {found} joint-tender opportunities.")
    else:
        click.echo("The database already has councils; demo data not loaded again.")
    click.echo("")
    click.echo(f"Sign in with any of these (password for all: {demo_data.DEMO_PASSWORD}):")
    for email, role, council in demo_data.DEMO_USERS:
        click.echo(f"  {email:38} {role:16} {council}")
    click.echo("")
    if no_serve:
        return
    if not no_scheduler:
        from .scheduler import build_scheduler

        current_app.config["ALERT_INTERVAL_MINUTES"] = 1
        build_scheduler(current_app._get_current_object(), blocking=False).start()
        click.echo("Alert job running every minute in the background.")
    run_server(host, port)
