"""An import killed with SIGKILL at random points leaves the database exactly as it was.

`procurehub import contracts FILE --council CODE` runs as a subprocess on a register big enough
that its write transaction lasts seconds. Each run is killed (SIGKILL: no clean-up code runs)
at a seeded random moment after it has started writing: on SQLite once the rollback journal
exists, on PostgreSQL once its transaction holds a transaction id. After every kill the
contracts, uploads and audit log are compared with the state before: identical. A rerun then
imports the file completely, and gives the same contracts as an uninterrupted import of the
same file (made beforehand for another council, compared without ids and timestamps).
"""

from __future__ import annotations

import os
import random
import signal
import time

from reliability.faults import canonical_dump, cli_env, popen_cli, register_csv, run_cli
from sqlalchemy import create_engine, text

from factories import council
from procurehub.extensions import db
from procurehub.registers.service import import_contracts

ROWS = 5000
KILLS = 3
WATCHED = ["contract", "upload", "audit_event"]
#: Columns that name a row rather than describe it (ids, provenance, timestamps).
SURROGATE = {"id", "council_id", "upload_id", "created_at", "updated_at", "source_file"}


def writing_started(url: str, sqlite_file: str | None, engine) -> bool:
    if sqlite_file is not None:
        return os.path.exists(sqlite_file + "-journal") or os.path.exists(sqlite_file + "-wal")
    with engine.connect() as conn:
        return bool(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                )
            ).scalar()
        )


def contracts_of(url: str, council_id: int) -> list[dict]:
    rows = canonical_dump(url, ["contract"])["contract"]
    return sorted(
        (
            {k: v for k, v in row.items() if k not in SURROGATE}
            for row in rows
            if row["council_id"] == council_id
        ),
        key=lambda r: (r["reference"] or "", r["title"] or ""),
    )


def test_killed_imports_leave_nothing_and_a_rerun_completes(app, tmp_path, dialect):
    register = tmp_path / "register.csv"
    register_csv(register, ROWS)
    with app.app_context():
        reference = council("S12000001", "Reference Council")
        target = council("S12000050", "North Lanarkshire Council")
        uninterrupted = import_contracts(
            register, display_name="register.csv", council=reference, user=None
        )
        assert uninterrupted["created"] == ROWS
        url = db.engine.url.render_as_string(hide_password=False)
        reference_id, target_id = reference.id, target.id
        sqlite_file = db.engine.url.database if dialect == "sqlite" else None
        db.session.remove()
    env = cli_env(url, str(tmp_path / "instance"))
    args = ["import", "contracts", str(register), "--council", "S12000050", "--json"]
    before = canonical_dump(url, WATCHED)
    engine = create_engine(url)
    rng = random.Random(1414)
    killed_mid_import = 0
    try:
        for _ in range(KILLS):
            process = popen_cli(args, env)
            deadline = time.monotonic() + 120
            while not writing_started(url, sqlite_file, engine):
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the import never started writing"
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 1.5))
            if process.poll() is None:
                killed_mid_import += 1
            os.kill(process.pid, signal.SIGKILL)
            process.communicate()
            assert canonical_dump(url, WATCHED) == before, "a killed import left something behind"
    finally:
        engine.dispose()
    assert killed_mid_import >= KILLS - 1, "the kills should land while the import is writing"

    rerun = run_cli(args, env, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f'"created": {ROWS}' in rerun.stdout
    assert contracts_of(url, target_id) == contracts_of(url, reference_id)
    after = canonical_dump(url, ["upload"])["upload"]
    assert [u["status"] for u in after] == ["stored", "stored"]  # the reference and the rerun
