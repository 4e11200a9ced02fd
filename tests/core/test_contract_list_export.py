"""The contract list's download buttons: CSV, XLSX and OCDS of what the filters select (every
page, not only the one shown), through the core exports module."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from factories import OFFICER, PASSWORD, collaboration, contract


def sign_in(client: Any) -> None:
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/sign-in").get_data(as_text=True)
    ).group(1)
    client.post("/sign-in", data={"email": OFFICER, "password": PASSWORD, "csrf_token": token})


@pytest.fixture
def hub(app: Any) -> Any:
    with app.app_context():
        councils = collaboration()
        for i in range(60):
            contract(
                councils["S12000049"],
                reference=f"GCC-{i:03}",
                title=f"Glasgow food waste lot {i}",
                category="waste.food",
                end_date=date(2028, 1, 1),
            )
        contract(councils["S12000050"], reference="NLC-1", title='=HYPERLINK("http://x")')
    return app


def export_links(html: str) -> dict[str, str]:
    return {
        fmt: href.replace("&amp;", "&")
        for href, fmt in re.findall(r'href="(/contracts/export\.(\w+)[^"]*)"', html)
    }


def test_buttons_export_what_the_filters_select(hub: Any, client: Any) -> None:
    sign_in(client)
    html = client.get("/contracts?council=S12000049&q=food").get_data(as_text=True)
    links = export_links(html)
    assert set(links) == {"csv", "xlsx", "ocds"}
    assert all("council=S12000049" in url and "q=food" in url for url in links.values())

    response = client.get(links["csv"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "filename=contracts-S12000049-" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(table) == 60  # all of them, though the page shows 50
    assert {row["council_code"] for row in table} == {"S12000049"}

    book = load_workbook(io.BytesIO(client.get(links["xlsx"]).data))
    assert book.active.max_row == 61

    package = json.loads(client.get(links["ocds"]).data)
    assert len(package["releases"]) == 60
    assert "Glasgow City Council" in json.dumps(package)


def test_a_formula_looking_title_is_text_in_every_format(hub: Any, client: Any) -> None:
    sign_in(client)
    text = client.get("/contracts/export.csv?council=S12000050").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    sheet = load_workbook(
        io.BytesIO(client.get("/contracts/export.xlsx?council=S12000050").data)
    ).active
    titles = [c for c in sheet[2] if c.value and str(c.value).startswith("=")]
    assert titles and all(c.data_type == "s" for c in titles)


def test_no_buttons_when_nothing_matches_and_odd_requests(hub: Any, client: Any) -> None:
    sign_in(client)
    assert not export_links(client.get("/contracts?q=nothingmatches").get_data(as_text=True))
    empty = client.get("/contracts/export.csv?q=nothingmatches").get_data(as_text=True)
    assert empty.count("\n") == 1  # the header only
    assert client.get("/contracts/export.pdf").status_code == 404
    assert client.get("/contracts/export.csv?ends_after=not-a-date").status_code == 200
    assert hub.test_client().get("/contracts/export.csv").status_code == 302  # signed in only
