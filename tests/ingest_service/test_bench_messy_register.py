"""The ingest benchmark's messy register (issue 8.8) is a register the importer stores in full.

The benchmark's ratio only means something if every generated row is stored: a row refused on
some shape of date or amount would make the import look faster than it is. These tests also pin
what the importer makes of the register's shapes (TBC, unit prices, ordinals, dd-Mon-yyyy, ISO).
"""

import importlib.util
import os
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from factories import council
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.registers.service import ImportOptions, import_contracts

BENCH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "bench")


@pytest.fixture(scope="module")
def bench_ingest():
    """bench/ingest.py as a module (it imports bench_support from its own folder)."""
    import sys

    sys.path.insert(0, BENCH)
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_ingest", os.path.join(BENCH, "ingest.py")
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(BENCH)
    return module


def test_messy_register_is_the_same_every_run_and_has_every_shape(bench_ingest):
    first = list(bench_ingest.register_rows(2000, messy=True))
    assert first == list(bench_ingest.register_rows(2000, messy=True))
    cells = [v for row in first for v in row if isinstance(v, str)]
    for shape in ("TBC", " per item", "st ", "-20", "/20", "2+1+1", "Up to 24 months"):
        assert any(shape in c for c in cells), shape
    assert any(isinstance(v, date) for row in first for v in row[4:6])
    assert any(isinstance(v, int) and 20_000 < v < 80_000 for row in first for v in row[4:6])
    # the standard register is unchanged by the option
    assert list(bench_ingest.register_rows(50)) != list(bench_ingest.register_rows(50, messy=True))


def test_every_row_of_the_messy_register_is_stored(app, tmp_path, bench_ingest):
    path = str(tmp_path / "messy.xlsx")
    bench_ingest.write_xlsx(path, 400, seed=11, messy=True)
    rows = list(bench_ingest.register_rows(400, seed=11, messy=True))
    with app.app_context():
        nlc = council()
        report = import_contracts(
            path, display_name="messy.xlsx", council=nlc, user=None, options=ImportOptions()
        )
        assert report["status"] == "stored", report.get("errors", [])[:3]
        assert report["created"] == 400
        stored = {c.reference: c for c in db.session.scalars(select(Contract))}
        for row in rows:
            contract = stored[row[0]]
            total = row[7]
            if total == "TBC":
                assert contract.value_total is None
            elif isinstance(total, str) and total.endswith(" per item"):
                assert contract.value_total == Decimal(total[1:-9])
            start = row[4]
            if isinstance(start, str) and start[:1].isdigit() and start[2] == "-":
                assert contract.start_date.strftime("%d-%b-%Y") == start
            elif isinstance(start, str) and start[:4].isdigit():
                assert contract.start_date.isoformat() == start
            elif isinstance(start, date):
                assert contract.start_date == start
