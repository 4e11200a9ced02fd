"""The scheduler process: stable job ids in a database job store, a run log, no duplicates on restart."""

from sqlalchemy import select

from procurehub.extensions import db
from procurehub.plugins import JobSpec
from procurehub.scheduler.models import JobRun
from procurehub.scheduler.runner import build_scheduler, registered_jobs, run_job


def test_jobs_have_stable_ids_and_survive_a_restart(app):
    first = build_scheduler(app, blocking=False)
    first.start(paused=True)
    ids = sorted(job.id for job in first.get_jobs())
    assert ids == ["core.alerts", "core.alignment"]
    job = first.get_job("core.alerts")
    assert job.coalesce is True and job.max_instances == 1
    first.shutdown(wait=False)
    second = build_scheduler(app, blocking=False)  # a restart re-registers, replacing
    second.start(paused=True)
    assert sorted(job.id for job in second.get_jobs()) == ids
    second.shutdown(wait=False)
    with app.app_context():
        stored = (
            db.session.execute(db.text("SELECT id FROM apscheduler_jobs ORDER BY id"))
            .scalars()
            .all()
        )
    assert stored == ids  # kept in the database job store


def test_plugin_jobs_are_registered_under_the_plugin_key(app, monkeypatch):
    plugin = app.extensions["procurehub.plugins"]["waste"]
    monkeypatch.setattr(
        plugin, "jobs", lambda: [JobSpec("refresh_check", lambda: "checked", "cron", {"hour": 6})]
    )
    assert "waste.refresh_check" in registered_jobs(app)


def test_run_job_logs_success_and_failure(app, monkeypatch):
    plugin = app.extensions["procurehub.plugins"]["waste"]

    def boom():
        raise RuntimeError("the relay is down")

    monkeypatch.setattr(
        plugin,
        "jobs",
        lambda: [
            JobSpec("ok", lambda: "all fine", "interval", {"hours": 1}),
            JobSpec("boom", boom, "interval", {"hours": 1}),
        ],
    )
    build_scheduler(app, blocking=False)
    run_job("waste.ok")
    run_job("waste.boom")
    run_job("waste.gone")
    with app.app_context():
        runs = {r.job_id: (r.status, r.message) for r in db.session.scalars(select(JobRun))}
    assert runs["waste.ok"] == ("ok", "all fine")
    assert runs["waste.boom"] == ("failed", "RuntimeError: the relay is down")
    assert runs["waste.gone"][0] == "failed"


def test_job_run_log_is_for_admins(app, client):
    from factories import bearer, council, token, user

    with app.app_context():
        council()
        user("admin@nlc.example", "S12000050", "admin")
        user("officer@nlc.example", "S12000050")
        admin, officer = token("admin@nlc.example"), token("officer@nlc.example")
    assert client.get("/api/v1/job-runs", headers=bearer(officer)).status_code == 403
    assert client.get("/api/v1/job-runs", headers=bearer(admin)).status_code == 200


def test_alerts_run_cli(app, runner):
    result = runner.invoke(["alerts", "run", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Alerts as of 2026-11-22:")
    assert runner.invoke(["alerts", "run", "--as-of", "22/11/2026"]).exit_code == 2
