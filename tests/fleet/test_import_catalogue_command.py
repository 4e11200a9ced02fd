"""`procurehub fleet import-catalogue`: the real catalogue loaded, checked, stored once."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from plugins.fleet.models import CatalogueVehicle
from procurehub.extensions import db

CATALOGUE = Path(__file__).parents[1] / "ingest" / "data" / "electric_vans_uk_public_sources.csv"


def test_real_catalogue_json_and_idempotent_reload(app, runner):
    first = runner.invoke(["fleet", "import-catalogue", str(CATALOGUE), "--json"])
    assert first.exit_code == 0, first.output
    models = json.loads(first.output)["models"]
    assert set(models[0]) == {"make", "model", "variant", "gvw_kg", "compliant", "failures"}
    failing = [m for m in models if m["compliant"] is False]
    assert {m["gvw_kg"] for m in failing} == {4250, 4000}
    assert all([f["attribute"] for f in m["failures"]] == ["gvw_kg"] for m in failing)
    assert all(m["compliant"] is not False for m in models if (m["gvw_kg"] or 0) <= 3500)
    again = runner.invoke(["fleet", "import-catalogue", str(CATALOGUE)])
    assert again.exit_code == 0 and "3 do not" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(CatalogueVehicle.id))) == len(models)


def test_a_file_with_no_usable_rows_is_refused(app, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("make,model,variant\nFord,,Panel van\n", encoding="utf-8")
    r = runner.invoke(["fleet", "import-catalogue", str(bad)])
    assert r.exit_code == 1
    assert "Row 2" in r.output and "nothing was loaded" in r.output
