"""The tender plan through its interfaces: `procurehub alignment plan` and /api/v1/tender-plan."""

from __future__ import annotations

import json

from factories import bearer

AS_OF = "2026-11-22"


def test_cli_json_is_designs_shape_with_each_contract_once(hub, runner):
    r = runner.invoke(["alignment", "plan", "--as-of", AS_OF, "--json"])
    assert r.exit_code == 0, r.output
    plan = json.loads(r.output)
    assert plan["as_of"] == AS_OF
    assert set(plan) == {"as_of", "waves", "alone"}
    # Food: NLC (extensions to 2029) and Glasgow (ends 2028) share a date; Fife said "no".
    (wave,) = [w for w in plan["waves"] if w["category"] == "waste.food"]
    assert set(wave) == {
        "id", "category", "councils", "items", "joint_start", "decision_deadline",
        "window_end", "total_value",
    }
    assert wave["councils"] == ["S12000049", "S12000050"]
    assert sorted(i["reference"] for i in wave["items"]) == ["GCC-F", "NLC-F"]
    assert all(i["source"] == "contract" for i in wave["items"])
    assert wave["decision_deadline"] >= AS_OF
    assert wave["total_value"] == 1_500_000
    references = [i["reference"] for w in plan["waves"] for i in w["items"]] + [
        a["reference"] for a in plan["alone"]
    ]
    assert len(references) == len(set(references))
    assert "FIFE-F" not in references  # "no" to collaboration: not planned
    (garden,) = [a for a in plan["alone"] if a["reference"] == "FIFE-G"]
    assert garden["reason"] == "no_partner" and garden["category"] == "waste.garden"


def test_cli_text_names_councils(hub, runner):
    r = runner.invoke(["alignment", "plan", "--as-of", AS_OF])
    assert r.exit_code == 0, r.output
    assert "Glasgow City Council" in r.output and "North Lanarkshire Council" in r.output
    assert "S12000049" not in r.output


def test_api_gives_the_same_plan_and_filters_by_category(hub, client, runner):
    cli = json.loads(runner.invoke(["alignment", "plan", "--as-of", AS_OF, "--json"]).output)
    r = client.get(f"/api/v1/tender-plan?as_of={AS_OF}", headers=bearer(hub["officer"]))
    assert r.status_code == 200
    body = r.get_json()
    extras = {"status", "opportunity_id", "council_names"}  # beside DESIGN's fields
    assert all(set(w) - set(c) == extras for w, c in zip(body["waves"], cli["waves"], strict=True))
    for wave in body["waves"]:
        assert wave["status"] == "new"
        for key in extras:
            del wave[key]
    assert body == cli
    r = client.get(
        f"/api/v1/tender-plan?as_of={AS_OF}&category=waste.garden", headers=bearer(hub["officer"])
    )
    body = r.get_json()
    assert body["waves"] == [] and [a["reference"] for a in body["alone"]] == ["FIFE-G"]


def test_api_refuses_bad_dates_and_strangers(hub, client):
    r = client.get("/api/v1/tender-plan?as_of=31/12/2026", headers=bearer(hub["officer"]))
    assert r.status_code == 422 and "as_of" in json.dumps(r.get_json()["errors"])
    assert client.get("/api/v1/tender-plan").status_code == 401
