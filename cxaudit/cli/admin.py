"""CLI commands for setting up cxaudit: the database, institutions, sites,
surveys, users, and the web server.

Every command runs inside an app context (FlaskGroup provides it), so its
messages are translated into CXAUDIT_LANGUAGE or LANG. Bad input ends with a
translated error on stderr, a non-zero exit code, and nothing stored.
"""

from __future__ import annotations

import logging
import os
import signal
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from cxaudit import audit_log
from cxaudit.auth import (
    AccountError,
    any_user_exists,
    check_keeps_an_admin,
    check_password_strength,
    check_user_deletable,
    create_user,
    delete_user,
    find_membership,
    find_user,
    generate_password,
    set_membership,
)
from cxaudit.database import schema_is_current, upgrade_database
from cxaudit.extensions import db
from cxaudit.forms import InvalidValue
from cxaudit.forms.institutions import create_institution, create_site, find_institution
from cxaudit.forms.surveys import create_survey, normalise_base_url, survey_snippet
from cxaudit.models import Institution, Role, Site, SurveyKind, User

logger = logging.getLogger(__name__)

DEFAULT_ADMIN_LOGIN = "admin"
ADMIN_PASSWORD_VARIABLE = "CXAUDIT_ADMIN_PASSWORD"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"

institution_group = AppGroup("institution", help="Add and list institutions.")
site_group = AppGroup("site", help="Add websites of institutions.")
survey_group = AppGroup("survey", help="Add surveys and print their snippets.")
user_group = AppGroup("user", help="Add users of the admin UI and set their roles in institutions.")


def register(group: click.Group) -> None:
    """Add this module's commands to ``group``."""
    group.add_command(init_command)
    group.add_command(serve_command)
    group.add_command(institution_group)
    group.add_command(site_group)
    group.add_command(survey_group)
    group.add_command(user_group)


def fail(message: str) -> None:
    """Stop the command with ``message`` on stderr and exit code 1."""
    raise click.ClickException(message)


def check_choice(value: str, choices: list[str], message: str) -> None:
    """Fail with ``message`` (which takes %(value)s and %(choices)s) unless ``value`` is in ``choices``."""
    if value not in choices:
        fail(message % {"value": value, "choices": ", ".join(choices)})


def require_institution(slug: str) -> Institution:
    institution = find_institution(slug)
    if institution is None:
        fail(
            _(
                "No institution has the slug %(slug)s. Run `cxaudit institution list` to see the slugs.",
                slug=slug,
            )
        )
    return institution


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database; on first run also create the user admin."""
    try:
        created = upgrade_database()
    except OperationalError as error:
        url = db.engine.url.render_as_string(hide_password=True)
        fail(_("Cannot open the database at %(url)s: %(error)s. Check DATABASE_URL.", url=url, error=str(error.orig)))
    click.echo(_("Created the database.") if created else _("The database is up to date."))
    if any_user_exists():
        return

    password = os.environ.get(ADMIN_PASSWORD_VARIABLE)
    generated = not password
    if generated:
        password = generate_password()
    try:
        create_user(DEFAULT_ADMIN_LOGIN, password, deployment_admin=True)
    except AccountError as error:
        fail(_("%(variable)s is not usable: %(reason)s", variable=ADMIN_PASSWORD_VARIABLE, reason=str(error)))
    audit_log.record("user_added", target=DEFAULT_ADMIN_LOGIN, actor_login="cli", deployment_admin=True)

    if generated:
        click.echo(
            _(
                "Created the user %(login)s with the password: %(password)s\n"
                "Write it down now: it is not shown again.",
                login=DEFAULT_ADMIN_LOGIN,
                password=password,
            )
        )
    else:
        click.echo(
            _(
                "Created the user %(login)s with the password from %(variable)s.",
                login=DEFAULT_ADMIN_LOGIN,
                variable=ADMIN_PASSWORD_VARIABLE,
            )
        )


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="TCP port to listen on; 0 picks a free one.")
@click.option("--threads", type=click.IntRange(min=1), help="Worker threads for scans [default: the WORKER_THREADS setting, which is 1 unless set].")
@with_appcontext
def serve_command(host: str, port: int, threads: int | None) -> None:
    """Serve the web UI, the widget and the API, with an in-process worker for scans."""
    from werkzeug.serving import make_server

    if not schema_is_current():
        fail(_("The database is not initialised or not up to date. Run `cxaudit init` first."))

    app = current_app._get_current_object()
    server = make_server(host, port, app, threaded=True)
    consumer = start_worker_keeping_signals(app, threads)
    url = f"http://{host}:{server.server_port}"
    logger.info("cxaudit serves on %s; press Ctrl+C to stop", url)
    click.echo(_("cxaudit serves on %(url)s. Press Ctrl+C to stop.", url=url), err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt as interrupt:
        logger.info("Stopping on %s", interrupt.args[0] if interrupt.args else "SIGINT")
    finally:
        server.server_close()
        consumer.stop(graceful=True)
        logger.info("Server and worker stopped")


def start_worker_keeping_signals(app, threads: int | None):
    """Start the in-process worker and make SIGTERM stop the web server as Ctrl+C does."""
    from cxaudit.jobs import start_worker

    consumer = start_worker(app, threads)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    return consumer


def _raise_keyboard_interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


@institution_group.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="Full name of the institution.")
@click.option("--language", default=None, help="Default language of its scorecard: pl or en [default: DEFAULT_LANGUAGE].")
def add_institution(slug: str, name: str, language: str | None) -> None:
    """Add an institution identified by SLUG (lowercase letters, digits and hyphens)."""
    try:
        institution = create_institution(slug, name, language or current_app.config["DEFAULT_LANGUAGE"])
    except InvalidValue as error:
        fail(str(error))
    audit_log.record("institution_added", institution, target=institution.slug, actor_login="cli")
    click.echo(_("Added the institution %(slug)s: %(name)s.", slug=institution.slug, name=institution.name))


@institution_group.command("list")
def list_institutions() -> None:
    """Print one institution a line: slug, default language and name, separated by tabs."""
    institutions = db.session.scalars(select(Institution).order_by(Institution.slug)).all()
    if not institutions:
        click.echo(_("No institutions yet. Add one with `cxaudit institution add`."), err=True)
    for institution in institutions:
        click.echo(f"{institution.slug}\t{institution.default_language}\t{institution.name}")


@site_group.command("add")
@click.argument("slug")
@click.argument("url")
@click.option(
    "--allow-submit/--no-allow-submit",
    default=False,
    help="Let audits submit this site's forms, empty, to check error messages; scans also need --allow-submit.",
)
def add_site(slug: str, url: str, allow_submit: bool) -> None:
    """Add the website at URL to the institution SLUG."""
    institution = require_institution(slug)
    try:
        site = create_site(institution, url)
    except InvalidValue as error:
        fail(str(error))
    site.settings = {**site.settings, "allow_submit": allow_submit}
    db.session.commit()
    audit_log.record("site_added", institution, target=site.base_url, actor_login="cli")
    click.echo(_("Added the site %(url)s to %(slug)s.", url=site.base_url, slug=institution.slug))
    if allow_submit:
        click.echo(_("Audits may submit the forms of %(url)s when a scan is started with --allow-submit.", url=site.base_url))


@site_group.command("set")
@click.argument("url")
@click.option(
    "--allow-submit/--no-allow-submit",
    required=True,
    help="Whether audits may submit this site's forms, empty, to check error messages.",
)
def set_site(url: str, allow_submit: bool) -> None:
    """Change the settings of the site whose base address is URL."""
    sites = db.session.scalars(select(Site).where(Site.base_url == url)).all()
    if not sites:
        fail(_("No site has the address %(url)s. Give the address exactly as `cxaudit site add` stored it.", url=url))
    for site in sites:
        site.settings = {**site.settings, "allow_submit": allow_submit}
    db.session.commit()
    if allow_submit:
        click.echo(_("Audits may submit the forms of %(url)s when a scan is started with --allow-submit.", url=url))
    else:
        click.echo(_("Audits never submit the forms of %(url)s.", url=url))


@survey_group.command("add")
@click.argument("slug")
@click.option("--kind", required=True, help="Kind of survey: nps, csat, ces or helpful.")
@click.option("--origin", "origins", multiple=True, help="Origin whose pages may post answers, such as https://www.example.org; repeat for several.")
# A plain string, not an f-string, so the help text can be extracted for translation; it names DEFAULT_BASE_URL.
@click.option("--base-url", help="Address where cxaudit is served [default: PUBLIC_URL or http://127.0.0.1:5000].")
def add_survey(slug: str, kind: str, origins: tuple[str, ...], base_url: str | None) -> None:
    """Add a survey to the institution SLUG and print the snippet that shows it."""
    institution = require_institution(slug)
    check_choice(kind, [kind.value for kind in SurveyKind], _("%(value)s is not a survey kind. Use one of: %(choices)s."))
    try:
        base = normalise_base_url(base_url or current_app.config.get("PUBLIC_URL") or DEFAULT_BASE_URL)
        survey = create_survey(institution, kind, list(origins))
    except InvalidValue as error:
        fail(str(error))
    if not survey.allowed_origins:
        click.echo(_("Warning: the survey has no allowed origin, so it accepts no answers yet."), err=True)
    click.echo(survey_snippet(survey, base))


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=_("Repeat the password"))


def require_user(login: str) -> User:
    user = find_user(login.strip())
    if user is None:
        fail(_("No user has the login %(login)s. Check the spelling or add the user with `cxaudit user add`.", login=login))
    return user


def check_role(role: str) -> None:
    check_choice(role, [role.value for role in Role], _("%(value)s is not a role. Use one of: %(choices)s."))


@user_group.command("add")
@click.argument("login")
@click.option("--institution", "slugs", multiple=True, help="Slug of an institution the user joins; repeat for several.")
@click.option("--role", help="The user's role in those institutions: admin, auditor, editor or viewer.")
@click.option("--deployment-admin", is_flag=True, help="Let the user manage every institution and every account.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def add_user(login: str, slugs: tuple[str, ...], role: str | None, deployment_admin: bool, password_stdin: bool) -> None:
    """Add a user who signs in to the admin UI with LOGIN."""
    if slugs and not role:
        fail(_("Give the user's role in %(slugs)s with --role admin, auditor, editor or viewer.", slugs=", ".join(slugs)))
    if role and not slugs:
        fail(_("A role applies in an institution. Name it with --institution SLUG, or use --deployment-admin."))
    if not slugs and not deployment_admin:
        fail(_("The user could open nothing. Give --institution SLUG --role ROLE, or --deployment-admin."))
    if role:
        check_role(role)
    institutions = [require_institution(slug) for slug in slugs]

    password = _read_password(password_stdin)
    try:
        check_password_strength(password)
        user = create_user(login, password, deployment_admin, {institution: role for institution in institutions})
    except AccountError as error:
        fail(str(error))
    audit_log.record("user_added", target=user.login, actor_login="cli", deployment_admin=deployment_admin)
    # Each institution's admins read only their own log, so each membership gets its own entry there.
    for institution in institutions:
        audit_log.record("member_added", institution, target=user.login, actor_login="cli", role=role)
    if deployment_admin:
        click.echo(_("Added the user %(login)s as a deployment administrator.", login=user.login))
    for institution in institutions:
        click.echo(_("Added the user %(login)s to %(slug)s with the role %(role)s.", login=user.login, slug=institution.slug, role=role))


@user_group.command("grant")
@click.argument("login")
@click.argument("slug")
@click.option("--role", required=True, help="The role in the institution: admin, auditor, editor or viewer.")
def grant_role(login: str, slug: str, role: str) -> None:
    """Give the user LOGIN a role in the institution SLUG, replacing any earlier one."""
    check_role(role)
    user = require_user(login)
    institution = require_institution(slug)
    membership = find_membership(user.id, institution.id)
    if membership is not None:
        try:
            check_keeps_an_admin(membership, Role(role))
        except AccountError as error:
            fail(str(error))
    set_membership(user, institution, role)
    action = "member_added" if membership is None else "member_role_changed"
    audit_log.record(action, institution, target=user.login, actor_login="cli", role=role)
    click.echo(_("%(login)s has the role %(role)s in %(slug)s.", login=user.login, role=role, slug=institution.slug))


@user_group.command("revoke")
@click.argument("login")
@click.argument("slug")
def revoke_membership(login: str, slug: str) -> None:
    """Remove the user LOGIN from the institution SLUG."""
    user = require_user(login)
    institution = require_institution(slug)
    membership = find_membership(user.id, institution.id)
    if membership is None:
        fail(_("%(login)s is not a member of %(slug)s.", login=user.login, slug=institution.slug))
    try:
        check_keeps_an_admin(membership, None)
    except AccountError as error:
        fail(str(error))
    db.session.delete(membership)
    db.session.commit()
    audit_log.record("member_removed", institution, target=user.login, actor_login="cli")
    click.echo(_("%(login)s is no longer a member of %(slug)s.", login=user.login, slug=institution.slug))


@user_group.command("delete")
@click.argument("login")
@click.option("--yes", is_flag=True, help="Confirm the deletion; without it nothing is deleted.")
def delete_user_command(login: str, yes: bool) -> None:
    """Delete the account LOGIN with its roles; the audit log keeps its entries."""
    user = require_user(login)
    try:
        check_user_deletable(user)
    except AccountError as error:
        fail(str(error))
    if not yes:
        fail(
            _(
                "Deleting %(login)s removes the account and its roles for good; the audit log keeps its entries. "
                "Add --yes to delete it.",
                login=user.login,
            )
        )
    login = user.login
    institutions = [membership.institution for membership in user.memberships]
    delete_user(user)
    audit_log.record("user_deleted", target=login, actor_login="cli")
    for institution in institutions:
        audit_log.record("member_removed", institution, target=login, actor_login="cli", account_deleted=True)
    click.echo(_("The account %(login)s is deleted. The audit log keeps its entries.", login=login))


@user_group.command("list")
def list_users() -> None:
    """Print one user a line: login, then "deployment-admin" or the memberships as slug:role, separated by tabs."""
    for user in db.session.scalars(select(User).order_by(User.login)):
        roles = ["deployment-admin"] if user.is_deployment_admin else []
        roles += [f"{membership.institution.slug}:{membership.role.value}" for membership in user.memberships]
        click.echo("\t".join([user.login, *roles]))


@user_group.command("password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of standard input.")
def set_user_password(login: str, password_stdin: bool) -> None:
    """Set a new password for the user LOGIN, for example a forgotten admin password."""
    user = require_user(login)
    password = _read_password(password_stdin)
    try:
        check_password_strength(password)
    except AccountError as error:
        fail(str(error))
    user.set_password(password)
    db.session.commit()
    audit_log.record("password_changed", target=user.login, actor_login="cli")
    click.echo(_("The password of %(login)s is changed.", login=user.login))
