"""Security headers on every response, and trusting a TLS-terminating proxy when told to.

The Content Security Policy allows scripts from our own origin only: no inline script, no
`on*=` handler, no eval. Pages start their behaviour from static files (`procurehub.js`,
`api-docs.js`, the vendored design system and Swagger UI). Styles also come from our own
origin, plus inline `style` attributes (`'unsafe-inline'` in `style-src` only): the server-drawn
SVG charts, a few templates and Swagger UI set them. Inline styles cannot run script; see
docs/security.md for the trade-off.

Strict-Transport-Security is sent only on requests that arrived over TLS (`request.is_secure`),
so the embedded http://127.0.0.1 default never tells a browser to insist on HTTPS. Behind a
reverse proxy that terminates TLS, set `PROCUREHUB_TRUSTED_PROXIES=1` so `X-Forwarded-Proto`
(and the client address used by the sign-in lockout) is believed.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
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


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
