"""The job log's line for an alert run counts what reached people, per channel, in words with
the right plurals ("1 new alert", never "1 new alerts; 0 sent" when 39 reached an inbox)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from factories import contract, council, user
from procurehub.alerts.job import AlertRunResult, run_alert_job
from procurehub.alerts.models import Delivery, Subscription
from procurehub.alerts.subscriptions import create_subscription
from procurehub.extensions import db

AS_OF = date(2026, 11, 22)


def result(**values: Any) -> AlertRunResult:
    base = {
        "as_of": AS_OF,
        "opportunities": 0,
        "new_alerts": 0,
        "sent": 0,
        "retrying": 0,
        "failed": 0,
    }
    return AlertRunResult(**{**base, **values})


@pytest.mark.parametrize(
    "values,line",
    [
        (
            {"opportunities": 24, "new_alerts": 1, "delivered": {"inbox": 39}},
            "Alerts as of 2026-11-22: 24 opportunities; 1 new alert; "
            "delivered 39 alerts (39 to alerts inboxes).",
        ),
        (
            {
                "opportunities": 1,
                "new_alerts": 3,
                "sent": 3,
                "delivered": {"email": 2, "inbox": 1, "webhook": 1},
            },
            "Alerts as of 2026-11-22: 1 opportunity; 3 new alerts; "
            "delivered 4 alerts (1 to an alerts inbox, 2 by e-mail, 1 by webhook).",
        ),
        (
            {"opportunities": 0},
            "Alerts as of 2026-11-22: 0 opportunities; no new alerts; nothing to deliver.",
        ),
        (
            {"opportunities": 2, "retrying": 1, "failed": 2, "delivered": {"email": 0}},
            "Alerts as of 2026-11-22: 2 opportunities; no new alerts; nothing to deliver; "
            "1 delivery to retry later; 2 deliveries failed.",
        ),
        (
            {"opportunities": 1200, "new_alerts": 1500, "delivered": {"inbox": 1}},
            "Alerts as of 2026-11-22: 1,200 opportunities; 1,500 new alerts; "
            "delivered 1 alert (1 to an alerts inbox).",
        ),
    ],
)
def test_the_job_log_line(values: dict[str, Any], line: str) -> None:
    assert result(**values).summary() == line


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        nlc = council("S12000050", "North Lanarkshire Council")
        gcc = council("S12000049", "Glasgow City Council")
        contract(
            nlc,
            reference="N",
            category="waste.food",
            end_date=date(2027, 3, 31),
            extension_periods_months=[12, 12],
        )
        contract(gcc, reference="G", category="waste.food", end_date=date(2028, 6, 30))
        for email in ("one@gcc.example", "two@gcc.example"):
            coordinator = user(email, "S12000049", "coordinator")
            create_subscription(coordinator, {"workstream": "waste", "channel": "inbox"})
        mailer = user("mail@gcc.example", "S12000049", "coordinator")
        create_subscription(mailer, {"workstream": "waste", "channel": "email"})
        db.session.commit()
    return app


def test_inbox_deliveries_are_counted_and_unsent_mail_is_to_retry(hub: Any) -> None:
    with hub.app_context():
        first = run_alert_job(AS_OF)
        inbox = db.session.scalar(
            select(func.count(Delivery.id)).where(Delivery.channel == "inbox")
        )
        assert inbox >= 2 and first.delivered == {"inbox": inbox}
        assert f"delivered {inbox} alerts ({inbox} to alerts inboxes)" in first.summary()
        # E-mail is not configured here: those deliveries wait for a retry, and say so.
        assert first.sent == 0 and first.retrying >= 1
        assert "to retry later" in first.summary()
        again = run_alert_job(AS_OF)
        assert again.delivered == {} and "nothing to deliver" in again.summary()
        assert db.session.scalar(select(func.count(Subscription.id))) == 3
