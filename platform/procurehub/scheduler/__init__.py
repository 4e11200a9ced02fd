"""The scheduler: the plugins' jobs in their own process, and the job-run log."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from procurehub.api import register_api
    from procurehub.scheduler import (
        api,
        cli,
        models,  # noqa: F401 - its tables join the shared metadata
    )

    register_api(app, api.jobs)
    cli.init_app(app)
