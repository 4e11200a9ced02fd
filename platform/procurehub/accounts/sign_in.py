"""Signing in: browser sessions (flask-login + CSRF) and bearer tokens for the API.

Anonymous visitors get the sign-in page, the health check and static files; everything else
answers 401 (API) or redirects to sign-in (pages). Password sign-in is rate-limited and locks
out after repeated failures (accounts/lockout.py); every attempt is audited. A session cookie
holds the user's id and session version, so changing the password signs out other browsers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import text
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from procurehub.accounts import service as accounts
from procurehub.accounts.lockout import LockoutPolicy
from procurehub.accounts.models import User
from procurehub.accounts.passwords import MIN_LENGTH
from procurehub.accounts.service import user_for_token
from procurehub.extensions import csrf, db, login_manager

bp = Blueprint("auth", __name__, template_folder="templates")

PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.health",
    "static",
    "core.favicon",
    "calendar_feed",
}  # the feed checks its own token

# The API's documents, which people also open in a browser: the interactive docs and the spec.
API_DOCUMENTS = {"api-docs.openapi_swagger_ui", "api-docs.openapi_json"}


class SignInForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


MISSING = {
    "current_password": "Enter your current password.",
    "new_password": "Enter a new password.",
    "new_password_again": "Enter the new password a second time.",
}


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired()])
    new_password_again = PasswordField("New password again", validators=[DataRequired()])


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def wants_a_page() -> bool:
    """A person in a browser, not a program: asks for HTML by name and sends no token.

    Browsers list text/html in Accept; API clients and curl send JSON or */*. A request with
    an Authorization header is a program that chose its credentials, so it gets the API's 401.
    """
    if "Authorization" in request.headers:
        return False
    return any(
        mimetype in ("text/html", "application/xhtml+xml") and quality > 0
        for mimetype, quality in request.accept_mimetypes
    )


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session cookie ("12.3": id 12, session version 3), if still valid.

    A cookie from before the password last changed names an older version and is refused,
    so the browser is sent to sign in again. (A bare "12", from before versions existed,
    counts as version 0.)
    """
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not (version or "0").isdigit() or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or int(version or 0) != (user.session_version or 0):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req: Any) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    g.token_auth = True
    return user_for_token(header[7:].strip())


@login_manager.unauthorized_handler
def unauthorized() -> Any:
    """API clients get 401 JSON; people get the sign-in page, and then the page they wanted.

    The API documents (`/api/docs`, `/api/v1/openapi.json`) are links on our pages, so a
    signed-out person who opens one in a browser is sent to sign in, like for any page.
    """
    if is_api_request() and not (request.endpoint in API_DOCUMENTS and wants_a_page()):
        response = jsonify(
            code=401,
            status="Unauthorized",
            message="Sign in, or send a valid API token as 'Authorization: Bearer TOKEN'.",
            errors={},
        )
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="procurehub"'
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def require_sign_in() -> Any:
    """before_request: nothing but the public endpoints for anonymous visitors.

    Token-authenticated requests skip CSRF (no cookie is involved); cookie-authenticated
    writes, including API calls made from our own pages, must carry the CSRF token.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            csrf.protect()
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.method not in ("GET", "HEAD", "OPTIONS") and not g.get("token_auth"):
        csrf.protect()
    return None


def _safe_next(target: str | None) -> str:
    if (
        target
        and not urlsplit(target).netloc
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return url_for("dashboard.index")


@bp.route("/sign-in", methods=["GET", "POST"])
def login() -> Any:
    form = SignInForm()
    if form.validate_on_submit():
        user, problem = accounts.sign_in_with_password(
            form.email.data or "",
            form.password.data or "",
            request.remote_addr or "unknown",
            LockoutPolicy.from_config(current_app.config),
        )
        db.session.commit()  # the attempt and its audit event, whatever the outcome
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(problem or "The e-mail address or password is not right.", "error")
    return render_template("auth/sign_in.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> Any:
    """Self-service password change; other browsers signed in as this user are signed out."""
    form = ChangePasswordForm()
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            errors = [(name, MISSING[name]) for name in form.errors if name in MISSING]
            errors = errors or [("current_password", "The form had expired; try again.")]
        else:
            try:
                accounts.change_own_password(
                    current_user,
                    form.current_password.data or "",
                    form.new_password.data or "",
                    form.new_password_again.data or "",
                )
            except accounts.AccountError as exc:
                db.session.rollback()
                field = "current_password" if "current password" in str(exc) else "new_password"
                errors = [(field, str(exc))]
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # this browser stays signed in
                flash(
                    "Your password was changed. Any other browser signed in as you has been "
                    "signed out.",
                    "info",
                )
                return redirect(url_for("core.index"))
    return render_template(
        "auth/change_password.html",
        errors=errors,
        error_messages={field: message for field, message in errors},
        min_length=MIN_LENGTH,
    ), (400 if errors else 200)


@bp.route("/sign-out", methods=["POST"])
def logout() -> Any:
    was_signed_in = current_user.is_authenticated
    logout_user()
    if was_signed_in:
        flash("You have signed out.", "info")
    return redirect(url_for("auth.login"), 303)


@bp.route("/health")
def health() -> Any:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok")


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.before_request(require_sign_in)
