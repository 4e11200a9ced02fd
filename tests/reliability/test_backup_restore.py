"""`procurehub backup FILE` / `procurehub restore FILE`: a restored hub equals the original.

The source hub has every kind of data (the demo's councils, users, contracts, fleet specs,
digital business cases and bulky waste profiles, an uploaded register, the alignment's
opportunities and the tender plan's waves, the audit log). It is backed up from SQLite and from
PostgreSQL and restored into an empty database of each kind; every table is compared row by
row.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from reliability.faults import canonical_dump, cli_env, empty_database, run_cli
from sqlalchemy import create_engine, text

from factories import council
from procurehub import demo
from procurehub.alignment.store import run_alignment
from procurehub.alignment.tender_plan import current_plan, wave_states
from procurehub.extensions import db
from procurehub.registers.service import import_contracts

TODAY = date(2026, 11, 22)
MUST_HOLD = [
    "council",
    "user_account",
    "contract",
    "upload",
    "opportunity",
    "opportunity_member",
    "audit_event",
    "fleet_standard_spec",
    "fleet_council_spec",
    "digital_business_case",
    "digital_system",
    "waste_bulky_profile",
]

REGISTER = (
    "Contract Reference,Title,Supplier,Start Date,End Date,Value,Extension\n"
    "BK-1,Bulky waste collection,Reuse Ltd,01/04/2022,31/03/2027,£120000,1+1\n"
    'BK-2,Garden waste treatment,Green Co,01/04/2021,31/03/2028,"£1,200,000",None\n'
)


@pytest.fixture
def full_hub(app, tmp_path):
    with app.app_context():
        demo.load(today=TODAY)
        extra = council("S12000099", "Test Council")
        register = tmp_path / "register.csv"
        register.write_text(REGISTER, encoding="utf-8")
        report = import_contracts(register, display_name="register.csv", council=extra, user=None)
        assert report["status"] == "stored", report
        run_alignment(TODAY)
        wave_states(current_plan(TODAY).waves)  # the plan's waves are kept with their status
        db.session.commit()
        url = str(db.engine.url.render_as_string(hide_password=False))
    dump = canonical_dump(url)
    for table in MUST_HOLD:
        assert dump[table], f"the source hub has no {table} rows; the test would prove nothing"
    return url, dump


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_restored_hub_equals_the_original(full_hub, runner, tmp_path, target, dialect):
    source_url, original = full_hub
    archive = tmp_path / "hub-backup.zip"
    result = runner.invoke(["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output

    with empty_database(target, tmp_path) as url:
        env = cli_env(url, str(tmp_path / f"restored-{target}"))
        restored = run_cli(["restore", str(archive)], env)
        assert restored.returncode == 0, restored.stderr
        assert "Restored" in restored.stdout
        assert canonical_dump(url) == original
        if target == "sqlite":  # its full-text table is rebuilt from the restored contracts
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO contract_fts(contract_fts, rank) VALUES ('integrity-check', 1)"
                )
                found = conn.exec_driver_sql(
                    "SELECT c.reference FROM contract_fts JOIN contract c "
                    "ON c.id = contract_fts.rowid WHERE contract_fts MATCH 'bk'"
                ).scalars()
                assert set(found) == {"BK-1", "BK-2"}
            engine.dispose()
        if target != dialect:
            return  # across databases: equality is the point; the rest is checked once per kind

        # A database holding data is refused, and left as it was…
        again = run_cli(["restore", str(archive)], env)
        assert again.returncode == 1
        assert "already holds data" in again.stderr and "--force" in again.stderr
        # …unless --force: then it is replaced, still equal to the original.
        forced = run_cli(["restore", "--force", str(archive)], env)
        assert forced.returncode == 0, forced.stderr
        assert canonical_dump(url) == original

        # New rows get fresh ids after a restore (PostgreSQL's sequences were moved on).
        engine = create_engine(url)
        with engine.begin() as conn:
            highest = conn.execute(text("SELECT MAX(id) FROM council")).scalar()
            new_id = conn.execute(
                text(
                    "INSERT INTO council (code, name, region, created_at) "
                    "VALUES ('S99', 'After Restore Council', 'West', CURRENT_TIMESTAMP) RETURNING id"
                )
            ).scalar()
        engine.dispose()
        assert new_id > highest


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(app, runner, tmp_path):
    with app.app_context():
        council("S12000050", "North Lanarkshire Council")
        url = str(db.engine.url.render_as_string(hide_password=False))
    before = canonical_dump(url)
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    result = runner.invoke(["restore", "--force", str(not_zip)])
    assert result.exit_code == 1 and "cannot be read as a backup archive" in result.output
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("readme.txt", "not a hub")
    result = runner.invoke(["restore", "--force", str(other_zip)])
    assert result.exit_code == 1 and "not a ProcureHub backup" in result.output
    assert canonical_dump(url) == before


def test_the_archive_is_json_lines_in_order_and_a_damaged_one_changes_nothing(
    full_hub, runner, tmp_path
):
    url, original = full_hub
    archive = tmp_path / "b.zip"
    assert runner.invoke(["backup", str(archive)]).exit_code == 0
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        names = [t["name"] for t in manifest["tables"]]
        first = json.loads(z.read("tables/contract.jsonl").splitlines()[0])
    # parents before children: a council before its contracts, a contract's upload first
    assert names.index("council") < names.index("contract")
    assert names.index("upload") < names.index("contract")
    assert manifest["format"] == "procurehub-backup" and manifest["revision"]
    assert isinstance(first["end_date"], str)  # ISO dates, decimals as text: nothing rounded
    assert first["value_total"] is None or isinstance(first["value_total"], str)

    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "tables/contract.jsonl":
                data = data[: len(data) // 2]  # cut mid-row
            dst.writestr(item, data)
    result = runner.invoke(["restore", "--force", str(damaged)])
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    assert canonical_dump(url) == original
