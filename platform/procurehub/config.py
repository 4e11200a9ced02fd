"""Settings: defaults, then the environment, then whatever the caller passes to create_app.

Keeping every knob in one place means operators have one page to read (docs/configuration.md)
and tests can override anything without touching the environment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEFAULT_MAX_CONTENT_LENGTH = 50 * 1024 * 1024


def default_instance_path() -> str:
    return os.path.abspath(os.environ.get("PROCUREHUB_INSTANCE_PATH") or "instance")


def normalise_database_url(url: str) -> str:
    """Accept the URL forms operators paste from elsewhere and pick psycopg 3 for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: str) -> str:
    """Use PROCUREHUB_SECRET_KEY, else a random key kept in the instance folder.

    Persisting the generated key keeps sessions valid across restarts of the embedded
    default; production sets the variable so every web worker shares one key.
    """
    key = os.environ.get("PROCUREHUB_SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _enabled_plugins(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def load_settings(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    env = os.environ
    overrides = dict(overrides or {})
    database_url = overrides.pop("DATABASE_URL", None) or env.get("DATABASE_URL")
    if not database_url:
        database_url = "sqlite:///" + os.path.join(instance_path, "procurehub.sqlite3")
    base_url = env.get("PROCUREHUB_BASE_URL") or "http://127.0.0.1:5000"
    # Cookies travel only over TLS when the hub is served over https (its BASE_URL says so),
    # unless PROCUREHUB_SECURE_COOKIES says otherwise; http://localhost dev and tests keep them.
    secure_cookies = _bool(env.get("PROCUREHUB_SECURE_COOKIES"), base_url.startswith("https://"))
    settings: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # hide_parameters: SQL errors and statement logs never quote values (names, e-mails)
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "MAX_CONTENT_LENGTH": int(
            env.get("PROCUREHUB_MAX_UPLOAD_BYTES", DEFAULT_MAX_CONTENT_LENGTH)
        ),
        "MAX_IMPORT_ROWS": int(env.get("PROCUREHUB_MAX_IMPORT_ROWS", 1_000_000)),
        "ENABLED_PLUGINS": _enabled_plugins(env.get("PROCUREHUB_ENABLED_PLUGINS")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "TRUSTED_PROXIES": int(env.get("PROCUREHUB_TRUSTED_PROXIES") or 0),
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": int(
            env.get("PROCUREHUB_SIGN_IN_MAX_FAILURES_PER_ACCOUNT") or 5
        ),
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": int(
            env.get("PROCUREHUB_SIGN_IN_MAX_FAILURES_PER_ADDRESS") or 20
        ),
        "SIGN_IN_LOCKOUT_MINUTES": int(env.get("PROCUREHUB_SIGN_IN_LOCKOUT_MINUTES") or 15),
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "SMTP_HOST": env.get("PROCUREHUB_SMTP_HOST"),
        "SMTP_PORT": int(env.get("PROCUREHUB_SMTP_PORT") or 25),
        "SMTP_USER": env.get("PROCUREHUB_SMTP_USER"),
        "SMTP_PASSWORD": env.get("PROCUREHUB_SMTP_PASSWORD"),
        "SMTP_STARTTLS": _bool(env.get("PROCUREHUB_SMTP_STARTTLS"), False),
        "MAIL_FROM": env.get("PROCUREHUB_MAIL_FROM") or "procurehub@localhost",
        "ALERT_INTERVAL_MINUTES": int(env.get("PROCUREHUB_ALERT_INTERVAL_MINUTES") or 15),
        "ALERT_CLAIM_TIMEOUT_MINUTES": float(
            env.get("PROCUREHUB_ALERT_CLAIM_TIMEOUT_MINUTES") or 15
        ),
        "BASE_URL": base_url,
        "ALLOW_PRIVATE_WEBHOOKS": _bool(env.get("PROCUREHUB_ALLOW_PRIVATE_WEBHOOKS"), False),
        "API_TITLE": "ProcureHub API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "v1/openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/static/swagger-ui/",
        "API_PAGE_DEFAULT": 50,
        "API_PAGE_MAX": 500,
    }
    settings.update(overrides)
    if "SECRET_KEY" not in settings:
        settings["SECRET_KEY"] = _secret_key(instance_path)
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True}
    return settings
