"""Two uploads of the same council's register at the same moment end consistent, no duplicates.

Two threads (two database connections, like two web workers) import at once, released together
by a barrier: the same register twice, and two versions of it. The import service takes a lock
per council (a row lock on PostgreSQL; SQLite serialises writers), so the second upload sees
the first one's contracts and matches them instead of adding them again.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from reliability.faults import register_csv
from sqlalchemy import select

from factories import council
from procurehub.accounts.models import Council
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.registers.service import import_contracts

ROWS = 400


def upload_together(app, files):
    barrier = threading.Barrier(len(files))
    reports: list = [None] * len(files)
    errors: list = []

    def upload(i, path):
        try:
            with app.app_context():
                target = db.session.scalar(select(Council))
                barrier.wait(timeout=60)
                reports[i] = import_contracts(
                    path, display_name=path.name, council=target, user=None
                )
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(i, f)) for i, f in enumerate(files)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    return reports


def stored_references(app):
    with app.app_context():
        return Counter(db.session.scalars(select(Contract.reference)))


@pytest.fixture
def one_council(app):
    with app.app_context():
        council("S12000050", "North Lanarkshire Council")


def test_the_same_register_twice_at_once_is_stored_once(app, one_council, tmp_path):
    first, second = tmp_path / "register-a.csv", tmp_path / "register-b.csv"
    register_csv(first, ROWS)
    register_csv(second, ROWS)
    reports = upload_together(app, [first, second])
    assert sorted(r["status"] for r in reports) == ["stored", "stored"]
    assert sorted((r["created"], r["unchanged"]) for r in reports) == [(0, ROWS), (ROWS, 0)]
    references = stored_references(app)
    assert len(references) == ROWS and set(references.values()) == {1}


def test_two_versions_at_once_end_as_one_of_them_applied_after_the_other(
    app, one_council, tmp_path
):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    register_csv(old, ROWS, seed=1)
    register_csv(new, ROWS + 50, seed=2)  # 50 more contracts, other values
    reports = upload_together(app, [old, new])
    assert all(r["status"] == "stored" for r in reports)
    references = stored_references(app)
    assert len(references) == ROWS + 50 and set(references.values()) == {1}
    # Whichever ran second updated what the first created: together they created each once.
    assert sum(r["created"] for r in reports) == ROWS + 50
