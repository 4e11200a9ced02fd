"""Digital web pages, under /digital/."""

from __future__ import annotations

from flask import Blueprint

from procurehub import toolkit as tk


def web_blueprint() -> Blueprint:
    return tk.workstream_web_blueprint("digital", "Digital")
