"""The alert job killed mid-run (SIGKILL) and restarted: every alert reaches every subscriber.

`procurehub alerts run` runs as a subprocess against a local SMTP server (aiosmtpd) that takes
a little time per message, so a run is still sending when it is killed. Each run is killed after
a seeded random number of messages has arrived; a last run is left to finish. Then:

- every delivery the hub decided was received, and no delivery was lost;
- no alert was decided twice and no delivery made twice (database: unique dedup keys);
- every message received carries its delivery's stable Message-ID. A kill that lands between
  the SMTP server's "250 OK" and the run recording "sent" makes the next run send that one
  delivery again (it cannot know the first try arrived) with the same Message-ID, so a mail
  system that drops repeated Message-IDs shows each alert exactly once; the test counts these
  resends and checks that they are the only repeats.

The restarted runs take over a crashed run's claims at once
(`PROCUREHUB_ALERT_CLAIM_TIMEOUT_MINUTES=0`; in production after 15 minutes).
"""

from __future__ import annotations

import asyncio
import email
import os
import random
import signal
import socket
import time
from collections import Counter
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from reliability.faults import cli_env, popen_cli, run_cli
from sqlalchemy import func, select

from factories import contract, council, user
from procurehub.accounts import service as accounts
from procurehub.alerts.models import Alert, Delivery
from procurehub.alerts.subscriptions import create_subscription
from procurehub.extensions import db

AS_OF = "2026-11-22"
SUBSCRIBERS = 8
KILLS = 3


class SlowCollector:
    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        await asyncio.sleep(0.02)
        message = email.message_from_bytes(envelope.content)
        self.message_ids.append(message["Message-ID"])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = SlowCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def subscribed_hub(app):
    with app.app_context():
        ends = [date(2027, 3, 31), date(2027, 9, 30), date(2028, 3, 31)]
        for n, (code, name) in enumerate(
            [
                ("S12000050", "North Lanarkshire Council"),
                ("S12000049", "Glasgow City Council"),
                ("S12000047", "Fife Council"),
            ]  # fmt: skip
        ):
            c = council(code, name)
            for k, category in enumerate(["waste.food", "waste.garden", "waste.bulky"]):
                contract(
                    c,
                    reference=f"{code}-{k}",
                    title=f"{category} service",
                    category=category,
                    end_date=ends[(n + k) % 3],
                    extension_periods_months=[12, 12],
                    collaboration_interest="yes",
                )
        for i in range(SUBSCRIBERS):
            user(f"coordinator{i}@hub.example", "S12000049", "coordinator")
            create_subscription(
                accounts.get_user(f"coordinator{i}@hub.example"),
                {"workstream": "waste", "channel": "email"},
            )
        db.session.commit()
        return db.engine.url.render_as_string(hide_password=False)


def test_alert_runs_killed_and_restarted_lose_nothing_and_repeat_only_resends(
    app, subscribed_hub, smtp, tmp_path
):
    env = cli_env(
        subscribed_hub,
        str(tmp_path / "instance"),
        PROCUREHUB_SMTP_HOST="127.0.0.1",
        PROCUREHUB_SMTP_PORT=str(smtp.port),
        PROCUREHUB_MAIL_FROM="alerts@procurehub.example",
        PROCUREHUB_ALERT_CLAIM_TIMEOUT_MINUTES="0",
    )
    rng = random.Random(2026)
    killed_while_sending = 0
    for _ in range(KILLS):
        arrived = len(smtp.message_ids)
        wait_for = arrived + rng.randint(1, 10)
        process = popen_cli(["alerts", "run", "--as-of", AS_OF], env)
        deadline = time.monotonic() + 120
        while len(smtp.message_ids) < wait_for and process.poll() is None:
            assert time.monotonic() < deadline, "the alert run sent nothing"
            time.sleep(0.005)
        if process.poll() is None:
            killed_while_sending += 1
        os.kill(process.pid, signal.SIGKILL)
        process.communicate()
    finished = run_cli(["alerts", "run", "--as-of", AS_OF], env, timeout=300)
    assert finished.returncode == 0, finished.stderr
    again = run_cli(["alerts", "run", "--as-of", AS_OF], env, timeout=300)
    # nothing left over, nothing sent twice
    assert "no new alerts; nothing to deliver" in again.stdout

    with app.app_context():
        alerts = db.session.scalar(select(func.count()).select_from(Alert))
        keys = db.session.scalar(select(func.count(func.distinct(Alert.dedup_key))))
        statuses = Counter(
            db.session.scalars(select(Delivery.status).where(Delivery.channel == "email"))
        )
        deliveries = db.session.scalars(
            select(Delivery.id).where(Delivery.channel == "email")
        ).all()
    assert alerts == keys and alerts >= 3
    assert statuses == Counter({"sent": len(deliveries)}), statuses
    assert killed_while_sending >= KILLS - 1

    received = Counter(smtp.message_ids)
    expected = {f"<procurehub.delivery-{d}@procurehub.example>" for d in deliveries}
    digests = {m for m in received if m.startswith("<procurehub.digest-")}
    assert set(received) - digests == expected  # every delivery arrived; nothing unknown
    resends = sum(n - 1 for n in received.values())
    assert resends <= KILLS  # at most one in-flight message per killed run is sent again
    print(f"\n{len(deliveries)} deliveries, {len(smtp.message_ids)} messages received, "
          f"{resends} resent with the same Message-ID after a kill")  # fmt: skip
