"""An import killed with SIGKILL at random points leaves the database as it was, or complete.

Each of the three imports a council runs from the command line (a contract register, a fleet
list, a system inventory) runs as a subprocess on a file big enough that its write transaction
lasts a while, and is killed (SIGKILL: no clean-up code runs) at a seeded random moment inside
that transaction.

How the kill is made to land inside the transaction, whatever the machine's speed: a first,
uninterrupted run of the same import (for a reference council) measures how long the write
transaction stays open; each killed run then waits a random fraction of that after it starts
writing, freezes the process (SIGSTOP), and looks again. Still writing (on SQLite the rollback
journal exists, on PostgreSQL the session holds a transaction id) means the kill lands
mid-transaction, and the watched tables must be exactly as before it. Already finished (a
slow machine can make the random moment late) means the kill came after the commit, and the
council must then hold the complete import: all or nothing, never a part. Each attempt imports
for its own council so that a late kill does not change what the next one starts from, and
most kills must land mid-transaction for the run to count.

A rerun for a council whose import was killed then imports the file completely, and gives the
same rows as the uninterrupted import (compared without ids and timestamps).
"""

from __future__ import annotations

import csv
import os
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability.faults import canonical_dump, cli_env, popen_cli, register_csv, run_cli
from sqlalchemy import create_engine, text

from factories import council
from procurehub.extensions import db

KILLS = 3
#: Columns that name a row rather than describe it (ids, provenance, timestamps).
SURROGATE = {
    "id",
    "council_id",
    "council_code",
    "upload_id",
    "created_at",
    "updated_at",
    "source_file",
}


def vehicles_csv(path: Path, rows: int) -> None:
    """A fleet list as fleet teams write one: their own headings, mixed dates and weights."""
    kinds = (
        ("Panel van 3.5t", "Ford Transit Custom", "Diesel", "3,200 kg"),
        ("Pool car", "Nissan Leaf", "BEV", ""),
        ("RCV 26t", "Dennis Eagle Elite 6", "Diesel", "26,000"),
        ("Panel Van (LWB)", "Peugeot e-Expert", "Electric", "3.1 t"),
        ("Tipper", "Isuzu Grafter", "Diesel", "7.5t"),
    )
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Reg No",
                "Vehicle Type",
                "Make/Model",
                "Fuel Type",
                "Date Registered",
                "GVW (kg)",
                "Department",
            ]
        )
        for n in range(rows):
            kind, model, fuel, gvw = kinds[n % len(kinds)]
            out.writerow(
                [
                    f"SK{n % 100:02d} {n:05d}",
                    kind,
                    model,
                    fuel,
                    f"{1 + n % 28:02d}/0{1 + n % 9}/{2015 + n % 10}",
                    gvw,
                    "Fleet",
                ]
            )


def systems_csv(path: Path, rows: int) -> None:
    """A system inventory with many products (far more than a council runs: the transaction
    has to last long enough to be killed inside it)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "System Type",
                "Software",
                "Supplier",
                "Annual Licence (£)",
                "Support & Maintenance",
                "Named Users",
                "Start Date",
                "Contract Expiry",
                "Extension Options",
            ]
        )
        for n in range(rows):
            out.writerow(
                [
                    ("Housing Management System", "FMS")[n % 2],
                    f"Product {n:05d}",
                    f"Supplier {n % 41} Ltd",
                    f"£{1_000 + n * 7:,}",
                    str(500 + n % 900),
                    str(10 + n % 300),
                    f"01/04/{2018 + n % 6}",
                    f"31/03/{2027 + n % 5}",
                    ("1+1", "None", "Up to 24 months")[n % 3],
                ]
            )


@dataclass(frozen=True)
class KilledImport:
    """One command-line import and what it writes."""

    name: str
    command: tuple[str, ...]
    table: str
    rows: int
    write_file: Callable[[Path, int], None]
    #: Columns that order a council's rows for comparison.
    order: tuple[str, ...]


IMPORTS = [
    KilledImport(
        "contracts",
        ("import", "contracts"),
        "contract",
        5000,
        lambda p, n: register_csv(p, n),
        ("reference", "title"),
    ),
    KilledImport(
        "fleet_list",
        ("fleet", "import-vehicles"),
        "fleet_vehicle",
        5000,
        vehicles_csv,
        ("registration",),
    ),
    KilledImport(
        "inventory",
        ("digital", "import-systems"),
        "digital_system",
        1500,
        systems_csv,
        ("product",),
    ),
]


class WriteWatcher:
    """Tells whether an import (another process) has a write transaction open right now."""

    def __init__(self, url: str, sqlite_file: str | None) -> None:
        self.sqlite_file = sqlite_file
        self.engine = None if sqlite_file else create_engine(url)

    def writing(self) -> bool:
        if self.sqlite_file is not None:
            return os.path.exists(self.sqlite_file + "-journal")
        with self.engine.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                    )
                ).scalar()
            )

    def wait_for_writing(self, process: Any, deadline_s: float = 120) -> None:
        deadline = time.monotonic() + deadline_s
        while not self.writing():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.005)

    def wait_until_idle(self, deadline_s: float = 60) -> None:
        """Until no session writes: a killed client's server session rolls back on its own
        time, and the next run must not mistake it for its own writing. (SQLite has no
        session: the next reader rolls the killed run's journal back.)"""
        if self.sqlite_file is not None:
            return
        deadline = time.monotonic() + deadline_s
        while self.writing():
            assert time.monotonic() < deadline, "a killed import's transaction never ended"
            time.sleep(0.01)

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def rows_of(url: str, case: KilledImport, council_id: int) -> list[dict]:
    rows = canonical_dump(url, [case.table])[case.table]
    return sorted(
        (
            {k: v for k, v in row.items() if k not in SURROGATE}
            for row in rows
            if row["council_id"] == council_id
        ),
        key=lambda r: tuple(r[c] or "" for c in case.order),
    )


def measured_run(args: list[str], env: dict, watcher: WriteWatcher) -> float:
    """Runs an import to the end; returns how long its write transaction(s) stayed open."""
    process = popen_cli(args, env)
    watcher.wait_for_writing(process)
    started = last_seen = time.monotonic()
    while process.poll() is None:
        if watcher.writing():
            last_seen = time.monotonic()
        time.sleep(0.005)
    out, err = process.communicate()
    assert process.returncode == 0, err
    return max(last_seen - started, 0.05)


@pytest.mark.parametrize("case", IMPORTS, ids=[c.name for c in IMPORTS])
def test_killed_imports_leave_nothing_or_everything_and_a_rerun_completes(
    app, tmp_path, dialect, case
):
    source = tmp_path / f"{case.name}.csv"
    case.write_file(source, case.rows)
    codes = ["S12000001", *(f"S120000{60 + i}" for i in range(KILLS))]
    with app.app_context():
        ids = {code: council(code, f"Council {code}").id for code in codes}
        url = db.engine.url.render_as_string(hide_password=False)
        sqlite_file = db.engine.url.database if dialect == "sqlite" else None
        db.session.remove()
    env = cli_env(url, str(tmp_path / "instance"))
    watched = [case.table, "upload", "audit_event"]

    def args(code: str) -> list[str]:
        return [*case.command, str(source), "--council", code, "--json"]

    watcher = WriteWatcher(url, sqlite_file)
    rng = random.Random(1414)
    mid_transaction: list[str] = []
    try:
        window = measured_run(args(codes[0]), env, watcher)
        watcher.wait_until_idle()
        reference = rows_of(url, case, ids[codes[0]])
        assert len(reference) == case.rows
        for code in codes[1:]:
            before = canonical_dump(url, watched)
            process = popen_cli(args(code), env)
            watcher.wait_for_writing(process)
            time.sleep(rng.uniform(0.0, 0.5) * window)
            process.send_signal(signal.SIGSTOP)  # frozen: it cannot commit while we look
            still_writing = process.poll() is None and watcher.writing()
            if process.poll() is None:  # not already finished (and reaped) on its own
                process.kill()
            process.communicate()
            watcher.wait_until_idle()  # PostgreSQL: the killed session's rollback is over
            if still_writing:
                mid_transaction.append(code)
                assert canonical_dump(url, watched) == before, (
                    f"an import killed mid-transaction left something behind ({case.name})"
                )
            else:
                assert rows_of(url, case, ids[code]) == reference, (
                    f"an import killed after its commit is incomplete ({case.name})"
                )
    finally:
        watcher.close()
    print(
        f"{case.name}: write window {window:.2f} s, {len(mid_transaction)}/{KILLS} mid-transaction"
    )
    assert len(mid_transaction) >= KILLS - 1, (
        f"only {len(mid_transaction)} of {KILLS} kills landed inside the write transaction "
        f"(measured window {window:.2f} s)"
    )

    rerun = run_cli(args(mid_transaction[0]), env, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f'"created": {case.rows}' in rerun.stdout
    assert rows_of(url, case, ids[mid_transaction[0]]) == reference
    uploads = [
        u
        for u in canonical_dump(url, ["upload"])["upload"]
        if u["council_id"] == ids[mid_transaction[0]]
    ]
    assert [u["status"] for u in uploads] == ["stored"]
