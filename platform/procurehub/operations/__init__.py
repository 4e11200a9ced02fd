"""Running the hub in production: database outages answered cleanly, structured logs.

Nothing here changes what a page or an API route does; it changes how the app behaves when the
world around it fails (the database goes away) and what it writes to its logs.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from procurehub.operations import log_format, outage

    outage.init_app(app)
    log_format.init_app(app)
