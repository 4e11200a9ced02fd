"""Exactly one scheduler runs jobs: the leader lock (PostgreSQL advisory lock / SQLite lock file)."""

from __future__ import annotations

from procurehub.extensions import db
from procurehub.scheduler.runner import SchedulerLock


def test_a_second_scheduler_waits_until_the_leader_goes(app):
    with app.app_context():
        leader = SchedulerLock(db.engine, app.instance_path)
        standby = SchedulerLock(db.engine, app.instance_path)
        assert leader.try_acquire()
        assert not standby.try_acquire()
        assert not standby.acquire(wait=False)
        leader.release()  # the leader stops (a killed process's lock is freed the same way)
        assert standby.acquire(wait=True, poll_seconds=0.01)
        assert not leader.try_acquire()
        standby.release()


def test_the_scheduler_command_refuses_to_start_beside_a_leader(app, runner):
    with app.app_context():
        leader = SchedulerLock(db.engine, app.instance_path)
        assert leader.try_acquire()
    try:
        result = runner.invoke(["scheduler", "--no-standby"])
    finally:
        leader.release()
    assert result.exit_code == 1
    assert "another scheduler is already running" in result.output
