"""The scheduler process: APScheduler 3 with its job store in the hub's database (DESIGN §2).

Runs in its own process (`procurehub scheduler`), never inside web workers. Exactly one runs at
a time, by a leader lock (`SchedulerLock`): a PostgreSQL session advisory lock, or on SQLite a
file lock in the instance folder; a second scheduler waits as a standby and takes over when the
first one's process ends (the server releases a dead session's advisory lock). Jobs come from
the plugins (and the core's own, registered the same way) under stable ids `<owner>.<job>`,
with `replace_existing=True` so a restart updates rather than duplicates them, `coalesce=True`
so missed runs collapse into one, and `max_instances=1`. Each run happens inside an app
context and is written to the job-run log admins can read.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from procurehub.extensions import db, utcnow
from procurehub.plugins import JobSpec
from procurehub.workstreams.registry import enabled_plugins

log = logging.getLogger(__name__)
_app: Flask | None = None  # the app the scheduled functions run in (set by build_scheduler)


def _alert_job() -> str:
    from procurehub.alerts.job import run_alert_job

    return run_alert_job(date.today()).summary()


def _alignment_job() -> str:
    from procurehub.alignment.store import run_alignment

    result = run_alignment(date.today())
    return f"{result.found} opportunities ({result.created} new, {result.changed} changed)"


def core_jobs(app: Flask) -> tuple[JobSpec, ...]:
    minutes = int(app.config.get("ALERT_INTERVAL_MINUTES") or 15)
    return (
        JobSpec("alerts", _alert_job, "interval", {"minutes": minutes}),
        JobSpec("alignment", _alignment_job, "cron", {"hour": 5, "minute": 0}),
    )


def registered_jobs(app: Flask) -> dict[str, JobSpec]:
    """Job id → spec: the core's jobs as `core.<name>`, each enabled plugin's as `<plugin>.<name>`."""
    jobs = {f"core.{spec.name}": spec for spec in core_jobs(app)}
    for key, plugin in enabled_plugins(app).items():
        for spec in plugin.jobs() if plugin.jobs else ():
            jobs[f"{key}.{spec.name}"] = spec
    return jobs


def run_job(job_id: str) -> None:
    """Entry point stored in the job store (by reference): run one job and log it."""
    from procurehub.scheduler.models import JobRun

    assert _app is not None, "the scheduler was not built with build_scheduler()"
    with _app.app_context():
        spec = registered_jobs(_app).get(job_id)
        record = JobRun(job_id=job_id)
        db.session.add(record)
        db.session.commit()
        try:
            if spec is None:
                raise LookupError(f"no job {job_id!r} is registered (plugin disabled or removed?)")
            message = spec.func()
            record.status, record.message = "ok", (str(message)[:2000] if message else None)
        except Exception as exc:  # noqa: BLE001 - a failed run is logged, the scheduler carries on
            db.session.rollback()
            record = db.session.get(JobRun, record.id)
            record.status, record.message = "failed", f"{type(exc).__name__}: {exc}"[:2000]
            log.exception("scheduled job %s failed", job_id)
        record.finished_at = utcnow()
        db.session.commit()


def build_scheduler(app: Flask, *, blocking: bool) -> BaseScheduler:
    global _app
    _app = app
    with app.app_context():
        engine = db.engine
        jobs = registered_jobs(app)
    factory: Callable[..., BaseScheduler] = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = factory(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        timezone="Europe/London",
    )
    for job_id, spec in jobs.items():
        extra: dict[str, Any] = {}
        if spec.trigger == "interval":
            extra["next_run_time"] = datetime.now(UTC)  # frequent jobs also run at start-up
        scheduler.add_job(
            run_job,
            trigger=spec.trigger,
            id=job_id,
            name=job_id,
            kwargs={"job_id": job_id},
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            **spec.trigger_args,
            **extra,
        )
    return scheduler


def describe(scheduler: Any) -> list[str]:
    return [f"{job.id} ({job.trigger})" for job in scheduler.get_jobs()]


#: The advisory lock key of the scheduler leader (any fixed 64-bit number; "PHSCHED" in ASCII).
LEADER_LOCK_KEY = 0x50485343484544


class SchedulerLock:
    """The scheduler's leader lock: held for the life of the process, so only one runs jobs.

    PostgreSQL: `pg_try_advisory_lock` on a connection kept open (not from the pool's rotation);
    a killed leader's session ends and the server frees the lock. SQLite (one machine): an
    exclusive `flock` on `scheduler.lock` in the instance folder, freed by the kernel when the
    process ends.
    """

    def __init__(self, engine: Engine, instance_path: str) -> None:
        self.engine = engine
        self.instance_path = instance_path
        self._connection: Connection | None = None
        self._file: Any = None

    def try_acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            connection = self.engine.connect()
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK_KEY}
            ).scalar()
            connection.commit()
            if got:
                self._connection = connection
                return True
            connection.close()
            return False
        import fcntl

        handle = open(os.path.join(self.instance_path, "scheduler.lock"), "a+")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def acquire(self, *, wait: bool, poll_seconds: float = 10.0, say: Any = None) -> bool:
        """Take the lock; with `wait`, as a standby until the leader goes. False when not taken."""
        announced = False
        while True:
            if self.try_acquire():
                return True
            if not wait:
                return False
            if say and not announced:
                say("Another scheduler is running; waiting as a standby to take over.")
                announced = True
            time.sleep(poll_seconds)

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK_KEY}
                )
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None
