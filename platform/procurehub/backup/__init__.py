"""Backup and restore of a whole hub: `procurehub backup FILE`, `procurehub restore FILE`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from procurehub.backup import cli

    cli.init_app(app)
