"""The alert job: refresh the alignment, decide alerts, deliver them. Safe to run any number of times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from procurehub.accounts.service import council_names
from procurehub.alerts.decide import decide
from procurehub.alerts.deliver import deliver_pending, send_digests
from procurehub.alignment.store import run_alignment
from procurehub.extensions import utcnow

#: How each channel's deliveries read in the job log: (one, several).
CHANNEL_WORDS = {
    "inbox": ("{n} to an alerts inbox", "{n} to alerts inboxes"),
    "email": ("{n} by e-mail", "{n} by e-mail"),
    "webhook": ("{n} by webhook", "{n} by webhook"),
}


def counted(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


@dataclass
class AlertRunResult:
    """One run of the alert job. `sent`, `retrying`, `failed` count e-mail and webhook
    deliveries; `delivered` counts alerts that reached someone, per channel, inboxes included
    (an alert in a digest counts once)."""

    as_of: date
    opportunities: int
    new_alerts: int
    sent: int
    retrying: int
    failed: int
    delivered: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """The job log's line, e.g. "Alerts as of 2026-11-27: 24 opportunities; 1 new alert;
        delivered 41 alerts (39 to alerts inboxes, 2 by e-mail)."."""
        parts = [
            counted(self.opportunities, "opportunity", "opportunities"),
            counted(self.new_alerts, "new alert", "new alerts")
            if self.new_alerts
            else "no new alerts",
        ]
        total = sum(self.delivered.values())
        if total:
            channels = [
                CHANNEL_WORDS.get(ch, ("{n} by " + ch, "{n} by " + ch))[n != 1].format(n=f"{n:,}")
                for ch, n in sorted(self.delivered.items(), key=lambda pair: _order(pair[0]))
                if n
            ]
            parts.append(f"delivered {counted(total, 'alert', 'alerts')} ({', '.join(channels)})")
        else:
            parts.append("nothing to deliver")
        if self.retrying:
            parts.append(f"{counted(self.retrying, 'delivery', 'deliveries')} to retry later")
        if self.failed:
            parts.append(f"{counted(self.failed, 'delivery', 'deliveries')} failed")
        return f"Alerts as of {self.as_of.isoformat()}: {'; '.join(parts)}."


def _order(channel: str) -> int:
    return list(CHANNEL_WORDS).index(channel) if channel in CHANNEL_WORDS else len(CHANNEL_WORDS)


def run_alert_job(as_of: date | None = None) -> AlertRunResult:
    as_of = as_of or date.today()
    found = run_alignment(as_of).found
    names = council_names()  # once per run: every alert text and payload names its councils
    decided = decide(as_of, names)
    now = utcnow()
    immediate = deliver_pending(now, names)
    digests = send_digests(now, names)
    delivered = {"inbox": decided.to_inbox}
    for counts in (immediate, digests):
        for channel, n in counts.by_channel.items():
            delivered[channel] = delivered.get(channel, 0) + n
    return AlertRunResult(
        as_of,
        found,
        decided.new_alerts,
        immediate.sent + digests.sent,
        immediate.retrying + digests.retrying,
        immediate.failed + digests.failed,
        {channel: n for channel, n in delivered.items() if n},
    )
