"""Security headers on every response, and trusting a TLS-terminating proxy when told to.

The Content Security Policy allows scripts from our own origin only: no inline script, no
`on*=` handler, no eval. Pages start their behaviour from static files (`procurehub.js`,
`api-docs.js`, the vendored design system and Swagger UI). Style sheets come from our own
origin only (`style-src-elem 'self'`: no `<style>` element); `style` attributes are allowed
(`style-src-attr 'unsafe-inline'`): the server-drawn SVG charts, a few templates and Swagger
UI set them. Inline styles cannot run script; see docs/security.md for the trade-off.

Logs never carry personal data from the database: SQL parameters are hidden
(`hide_parameters`, so a failed INSERT of an officer's e-mail is logged without it) and
SQLAlchemy's result-row debug records are dropped.

Strict-Transport-Security is sent only on requests that arrived over TLS (`request.is_secure`),
so the embedded http://127.0.0.1 default never tells a browser to insist on HTTPS. Behind a
reverse proxy that terminates TLS, set `PROCUREHUB_TRUSTED_PROXIES=1` so `X-Forwarded-Proto`
(and the client address used by the sign-in lockout) is believed.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # style attributes yes (charts, a few templates, Swagger UI); <style> elements no.
        # Browsers without CSP level 3 read only style-src, where 'unsafe-inline' keeps them
        # drawing the pages as before.
        "style-src 'self' 'unsafe-inline'",
        "style-src-elem 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
#: One year, the usual minimum for HSTS preload lists; subdomains are the operator's business.
HSTS = "max-age=31536000"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


class NoResultRows(logging.Filter):
    """Drop SQLAlchemy's DEBUG records: they print result rows (people's names, e-mails).

    Statement parameters are kept out by `hide_parameters` (config.py); rows have no such
    switch, so an operator who turns the `sqlalchemy` loggers up to DEBUG still gets
    statements and timings but never data.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


SQL_LOGGERS = ("sqlalchemy.engine.Engine", "sqlalchemy.engine")


def keep_personal_data_out_of_logs() -> None:
    for name in SQL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoResultRows) for f in logger.filters):
            logger.addFilter(NoResultRows())


def init_app(app: Flask) -> None:
    keep_personal_data_out_of_logs()
    app.after_request(add_security_headers)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
