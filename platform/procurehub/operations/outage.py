"""The database went away: a clean 503 with a message, and service resumes when it returns.

SQLAlchemy raises `OperationalError` (server gone, connection refused, database not accepting
connections), `InterfaceError` (connection closed under us) or `DisconnectionError` (the pool's
pre-ping found a dead connection and could not replace it). Each is answered as 503 Service
Unavailable in the one error format (JSON under /api/, the error page elsewhere), with a
`Retry-After` header. The session is rolled back and its connection returned, so the next
request takes a fresh connection from the pool (which pings it first: `pool_pre_ping`, set in
config.py) and the hub carries on as soon as the database is back; nothing is cached in between.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from flask import Flask, g
from flask_login import AnonymousUserMixin
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from werkzeug.exceptions import ServiceUnavailable

from procurehub.api import handle_http_exception
from procurehub.extensions import db

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
MESSAGE = (
    "ProcureHub cannot reach its database just now, so nothing was read or changed. "
    "Try again in a minute; if it keeps happening, tell your ProcureHub administrator."
)

#: Exceptions that mean "the database is not there", not "this request is wrong".
DATABASE_GONE = (OperationalError, InterfaceError, DisconnectionError)


class DatabaseUnavailable(ServiceUnavailable):
    description = MESSAGE


def database_unavailable(exc: Exception) -> Any:
    # The kind of failure only (no SQL, no parameters: they may hold personal data).
    log.error("database unavailable: %s", type(getattr(exc, "orig", None) or exc).__name__)
    with contextlib.suppress(Exception):  # the connection is already gone; drop it
        db.session.rollback()
    with contextlib.suppress(Exception):
        db.session.remove()
    # The error page shows who is signed in, which needs the database: show it as signed out.
    g._login_user = AnonymousUserMixin()
    error = DatabaseUnavailable()
    response = handle_http_exception(error)
    body, status = response[0], response[1]
    headers = dict(response[2]) if len(response) > 2 else {}
    headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return body, status, headers


def init_app(app: Flask) -> None:
    for exc_type in DATABASE_GONE:
        app.register_error_handler(exc_type, database_unavailable)
