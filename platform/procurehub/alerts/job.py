"""The alert job: refresh the alignment, decide alerts, deliver them. Safe to run any number of times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from procurehub.accounts.service import council_names
from procurehub.alerts.decide import decide_alerts
from procurehub.alerts.deliver import deliver_pending, send_digests
from procurehub.alignment.store import run_alignment
from procurehub.extensions import utcnow


@dataclass
class AlertRunResult:
    as_of: date
    opportunities: int
    new_alerts: int
    sent: int
    retrying: int
    failed: int

    def summary(self) -> str:
        return (
            f"Alerts as of {self.as_of.isoformat()}: {self.opportunities} opportunities, "
            f"{self.new_alerts} new alerts; {self.sent} sent, {self.retrying} to retry, {self.failed} failed."
        )


def run_alert_job(as_of: date | None = None) -> AlertRunResult:
    as_of = as_of or date.today()
    found = run_alignment(as_of).found
    names = council_names()  # once per run: every alert text and payload names its councils
    new_alerts = decide_alerts(as_of, names)
    now = utcnow()
    immediate = deliver_pending(now, names)
    digests = send_digests(now, names)
    return AlertRunResult(
        as_of,
        found,
        new_alerts,
        immediate.sent + digests.sent,
        immediate.retrying + digests.retrying,
        immediate.failed + digests.failed,
    )
