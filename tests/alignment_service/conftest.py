"""A small hub whose renewals align: three councils' food-waste contracts and a lone one."""

from __future__ import annotations

import socket
import threading
from datetime import date
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from factories import contract, council, token, user

TODAY = date(2026, 11, 22)


@pytest.fixture
def hub(app):
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        fife = council("S12000047", "Fife Council")
        contract(
            nlc,
            reference="NLC-F",
            title="Food waste AD",
            category="waste.food",
            end_date=date(2027, 3, 31),
            extension_periods_months=[12, 12],
            collaboration_interest="yes",
            value_total=1_000_000,
        )
        contract(
            gcc,
            reference="GCC-F",
            title="Food waste treatment",
            category="waste.food",
            end_date=date(2028, 6, 30),
            collaboration_interest="maybe",
            value_total=500_000,
        )
        contract(
            fife,
            reference="FIFE-F",
            title="Food waste",
            category="waste.food",
            end_date=date(2028, 9, 30),
            collaboration_interest="no",
        )
        contract(
            fife,
            reference="FIFE-G",
            title="Garden waste",
            category="waste.garden",
            end_date=date(2031, 3, 31),
        )
        user("coord@glasgow.example", "S12000049", "coordinator")
        user("officer@nlc.example", "S12000050")
        return {"coord": token("coord@glasgow.example"), "officer": token("officer@nlc.example")}


class Collector:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def lock():
    return threading.Lock()
