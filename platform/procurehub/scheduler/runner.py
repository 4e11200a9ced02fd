"""The scheduler process: APScheduler 3 with its job store in the hub's database (DESIGN §2).

Runs in its own process (`procurehub scheduler`), never inside web workers. Jobs come from
the plugins (and the core's own, registered the same way) under stable ids `<owner>.<job>`,
with `replace_existing=True` so a restart updates rather than duplicates them, `coalesce=True`
so missed runs collapse into one, and `max_instances=1`. Each run happens inside an app
context and is written to the job-run log admins can read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

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
